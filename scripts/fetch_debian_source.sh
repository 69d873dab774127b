#!/bin/sh
# Fetch and unpack a Debian source package into the build tree, without touching the
# machine's apt configuration: a private deb-src list is made from the system's own mirror
# entries and used through -o Dir::Etc::SourceList / Dir::State::Lists.
#
# usage: scripts/fetch_debian_source.sh PACKAGE DEST
#   DEST/PACKAGE/ receives the unpacked tree (a stamp file makes reruns instant).
# Needs dpkg-dev (dpkg-source), installed by scripts/setup.sh. Nothing lands in the repository.
set -eu
pkg=$1
dest=$2
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
[ -f "$dest/$pkg.stamp" ] && { echo "$dest/$pkg"; exit 0; }

apt_dir="$dest/.apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/download"
list="$apt_dir/sources.list"
: >"$list"
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas: turn each "Types: deb" entry into a one-line deb-src entry
    awk 'BEGIN{RS=""; FS="\n"}
         { t=""; u=""; s=""; c=""; k="";
           for (i=1;i<=NF;i++) {
             if ($i ~ /^Types:/) t=$i; else if ($i ~ /^URIs:/) {u=$i; sub(/^URIs:[ \t]*/,"",u)}
             else if ($i ~ /^Suites:/) {s=$i; sub(/^Suites:[ \t]*/,"",s)}
             else if ($i ~ /^Components:/) {c=$i; sub(/^Components:[ \t]*/,"",c)}
             else if ($i ~ /^Signed-By:/) {k=$i; sub(/^Signed-By:[ \t]*/,"",k)} }
           if (t ~ /deb/ && u != "") { n=split(s, ss, " ");
             for (j=1;j<=n;j++) printf "deb-src [signed-by=%s] %s %s %s\n", k, u, ss[j], c } }' "$f" >>"$list"
done
if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >>"$list"
fi
[ -s "$list" ] || { echo "fetch_debian_source: no apt mirror found" >&2; exit 1; }

opts="-o APT::Sandbox::User=root -o Dir::Etc::SourceList=$list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$apt_dir/lists"
# shellcheck disable=SC2086
apt-get $opts update -qq
cd "$apt_dir/download"
# shellcheck disable=SC2086
apt-get $opts source --download-only -qq "$pkg"
dsc=$(ls "$apt_dir/download"/*.dsc | grep "/${pkg}_" | head -n 1)
rm -rf "$dest/$pkg"
dpkg-source --no-check -x "$dsc" "$dest/$pkg" >/dev/null
touch "$dest/$pkg.stamp"
echo "$dest/$pkg"
