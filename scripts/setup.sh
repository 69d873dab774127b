#!/bin/sh
# Install every Debian 12 package ambc needs to build, test, fuzz and run the demo.
# Idempotent: apt runs only when something is missing. Run as root (or with sudo).
set -eu

PACKAGES="build-essential cmake clang-format clang-tidy cppcheck python3 python3-kconfiglib python3-yaml libjsmn-dev libcmocka-dev \
libmbedtls-dev libcjson-dev openssl ca-certificates gcc-arm-none-eabi libnewlib-arm-none-eabi binutils dpkg-dev \
clang libclang-rt-14-dev llvm valgrind lcov nginx-light iproute2 procps time qemu-system-arm \
doxygen pmccabe"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "setup: all packages present"
