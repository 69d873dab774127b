#!/bin/sh
# Install every Debian 12 package ambc needs to build, test, fuzz and run the demo.
# Only what is missing is installed (scripts/install_missing.sh); apt does not run at all when
# nothing is. Run as root (or with sudo). AMBC_SETUP_DRY_RUN=1: say what would be installed.
set -eu

PACKAGES="build-essential cmake clang-format clang-tidy cppcheck python3 python3-kconfiglib python3-yaml libjsmn-dev libcmocka-dev \
libmbedtls-dev libcjson-dev openssl ca-certificates gcc-arm-none-eabi libnewlib-arm-none-eabi binutils dpkg-dev \
clang libclang-rt-14-dev llvm valgrind lcov nginx-light iproute2 procps time qemu-system-arm pkg-config \
doxygen pmccabe"

# shellcheck disable=SC2086 # one word per package
"$(dirname "$0")/install_missing.sh" $PACKAGES
echo "setup: all packages present"
