#!/bin/sh
# Build and run one bounded model check: run.sh ROOT OUTDIR NAME (NAME: http_response, json_scan).
# The state machine core/NAME.c is compiled again with the harness, with the smallest sizes
# config.h accepts (every limit within the bound's reach), under ASan and UBSan, and with
# clang also its implicit-conversion and integer checks. Bigger bound: BMC_DEPTH=5 (see README).
set -eu
root=$1 out=$2 name=$3
case $name in
http_response)
    defs="-DCONFIG_AMBC_HTTP_LINE_MAX=64 -DCONFIG_AMBC_HTTP_HEADERS_MAX=4096
          -DCONFIG_AMBC_HTTP_VALUE_MAX=24 -DCONFIG_AMBC_CONTENT_TYPE_MAX=8
          -DCONFIG_AMBC_REQUEST_ID_MAX=16" ;;
json_scan) defs="-DCONFIG_AMBC_JSON_SCALAR_MAX=32 -DCONFIG_AMBC_JSON_MAX_DEPTH=4" ;;
*) echo "run.sh: unknown state machine $name" >&2; exit 2 ;;
esac
if command -v clang >/dev/null 2>&1; then
    cc=clang san="-fsanitize=address,undefined,implicit-conversion,integer"
else
    cc=${CC:-cc} san="-fsanitize=address,undefined"
fi
mkdir -p "$out"
# shellcheck disable=SC2086
$cc -std=c99 -O1 -g -Wall -Wextra -Werror $san -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -I"$root/include" $defs -o "$out/bmc_$name" "$root/tests/static/bmc/bmc_$name.c" \
    "$root/core/$name.c"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 exec "$out/bmc_$name"
