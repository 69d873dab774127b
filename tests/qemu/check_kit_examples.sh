#!/bin/sh
# The example mains of the integration kits (ESP-IDF, Zephyr, Pico W) cannot be built here, but
# their use of ambc's API can be checked: compile each one with -fsyntax-only against ambc's real
# headers, the host's mbedTLS headers and small stand-ins for the platform declarations they use
# (tests/qemu/kit_stubs). This catches drift between the examples and include/, nothing more.
# usage: check_kit_examples.sh <repo root> <C compiler> <build dir (ambc_kconfig.h)> [mbedTLS include]
set -eu
root=$1 cc=$2 build=$3 mbed=${4:-/usr/include}
stubs=$root/tests/qemu/kit_stubs
fail=0
for ex in boards/zephyr/src/main.c boards/esp-idf/main/main.c boards/pico-w/main.c; do
    if "$cc" -std=gnu99 -fsyntax-only -Wall -Wextra -Werror -I"$stubs" -I"$root/include" \
        -I"$root/port/mbedtls/include" -I"$root/port/lwip/include" -I"$build" -isystem "$mbed" \
        -DAMBC_KCONFIG_HEADER='"ambc_kconfig.h"' -DWIFI_SSID='"ssid"' -DWIFI_PASSWORD='"pw"' \
        "$root/$ex"; then
        echo "OK   $ex (syntax, against stand-in platform headers)"
    else
        echo "FAIL $ex"; fail=1
    fi
done
exit $fail
