#!/bin/sh
# The example and test programs of the integration kits (ESP-IDF, Zephyr, Pico W) cannot be
# built here, but their use of ambc's API can be checked: compile each one with -fsyntax-only
# against ambc's real headers, the host's mbedTLS headers and small stand-ins for the platform
# declarations they use (tests/qemu/kit_stubs). This catches drift between the kits and
# include/ (and port/), nothing more.
#
# The Zephyr sample embeds the roots its CMakeLists.txt names (AMBC_CA_ROOTS) from Debian's
# ca-certificates: the include its build generates is made the same way here, from the same
# list, so a root missing from the store fails here too.
# usage: check_kit_examples.sh <repo root> <C compiler> <build dir (ambc_kconfig.h)> [mbedTLS include]
set -eu
root=$1 cc=$2 build=$3 mbed=${4:-/usr/include}
stubs=$root/tests/qemu/kit_stubs
store=/usr/share/ca-certificates/mozilla
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
fail=0

# The roots, as generate_inc_file_for_target writes them: comma-separated hex bytes.
sample=$root/boards/zephyr/samples/list_batches
roots=$(sed -n '/^set(AMBC_CA_ROOTS/,/)/p' "$sample/CMakeLists.txt" |
        sed 's/set(AMBC_CA_ROOTS//; s/)//')
[ -n "$roots" ] || { echo "FAIL no AMBC_CA_ROOTS in $sample/CMakeLists.txt"; exit 1; }
files=""
for r in $roots; do
    if [ -f "$store/$r.crt" ]; then
        files="$files $store/$r.crt"
    else
        echo "FAIL root $r: $store/$r.crt missing (package ca-certificates)"; fail=1
    fi
done
# shellcheck disable=SC2086
cat $files /dev/null | od -An -v -tx1 | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g' \
    > "$gen/ambc_roots.pem.inc"
[ $fail -ne 0 ] || echo "OK   $(echo $roots | wc -w) roots for the Zephyr sample:" $roots

for ex in boards/zephyr/samples/list_batches/src/main.c boards/zephyr/tests/offline/src/main.c \
          boards/esp-idf/examples/list_batches/main/main.c boards/pico-w/main.c; do
    if "$cc" -std=gnu99 -fsyntax-only -Wall -Wextra -Werror -I"$stubs" -I"$gen" \
        -I"$root/include" -I"$root/port/mbedtls/include" -I"$root/port/lwip/include" \
        -I"$build" -isystem "$mbed" \
        -DAMBC_KCONFIG_HEADER='"ambc_kconfig.h"' -DWIFI_SSID='"ssid"' -DWIFI_PASSWORD='"pw"' \
        "$root/$ex"; then
        echo "OK   $ex (syntax, against stand-in platform headers)"
    else
        echo "FAIL $ex"; fail=1
    fi
done
exit $fail
