#!/bin/sh
# Install, with apt, only the Debian packages this machine lacks; the one place the project's
# scripts (setup.sh, bench.sh) install packages from.
#
# usage: scripts/install_missing.sh PACKAGE[:COMMAND]...
#   PACKAGE          missing unless dpkg says it is installed
#   PACKAGE:COMMAND  present as well when COMMAND is on PATH, wherever it came from (a
#                    NodeSource or nvm node, a gnuplot built by hand)
# A package that an installed package Provides is never asked for: NodeSource's nodejs
# bundles npm (Provides: npm) and apt refuses Debian's npm beside it, so npm is not requested
# even when that npm is not on PATH. Nothing missing: apt is not run at all.
#
# AMBC_SETUP_DRY_RUN=1 prints what would be installed and installs nothing (no apt, no sudo).
set -eu

installed() {
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Every package name that an installed package Provides (one per line, versions dropped).
provided() {
    dpkg-query -W -f='${Status}|${Provides}\n' 2>/dev/null | grep "^install ok installed|" |
        sed 's/^[^|]*|//; s/([^)]*)//g' | tr ',' '\n' | sed 's/^ *//; s/ *$//' |
        grep -v '^$' || true
}

provides=$(provided)
missing=""
for spec in "$@"; do
    pkg=${spec%%:*}
    cmd=""
    [ "$pkg" = "$spec" ] || cmd=${spec#*:}
    if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then
        continue
    fi
    if installed "$pkg"; then
        continue
    fi
    if printf '%s\n' "$provides" | grep -qx "$pkg"; then
        echo "setup: $pkg is provided by an installed package; not asking apt for it" >&2
        continue
    fi
    missing="$missing $pkg"
done

if [ -z "$missing" ]; then
    echo "setup: nothing to install"
    exit 0
fi
if [ "${AMBC_SETUP_DRY_RUN:-0}" = 1 ]; then
    echo "setup: would install$missing"
    exit 0
fi
echo "setup: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
    >/dev/null
