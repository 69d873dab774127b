#!/bin/sh
# Cross-compile core/ for a Cortex-M with -Os and warnings as errors, then print
# a per-file size table (arm-none-eabi-size, Berkeley format: text includes rodata),
# then the stack bound of every public call (fails over 2 KB, recursion, dynamic frames).
# usage: cross_size.sh <source root> <build dir> <cpu>
set -eu
root=$1 build=$2 cpu=$3
if ! command -v arm-none-eabi-gcc >/dev/null; then
    echo "SKIP: arm-none-eabi-gcc not installed (Debian gcc-arm-none-eabi)"; exit 77
fi
cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/arm-none-eabi.cmake" \
      -DAMBC_CPU="$cpu" -DCMAKE_BUILD_TYPE=MinSizeRel -DAMBC_BUILD_TESTS=OFF \
      -DAMBC_EXTRA_CFLAGS="-fstack-usage -fcallgraph-info=su" >/dev/null
cmake --build "$build" --target ambc_core -- -j2 >/dev/null
echo "core/ for $cpu, arm-none-eabi-gcc -Os -mthumb -mcpu=$cpu -ffunction-sections"
find "$build/core/CMakeFiles/ambc_core.dir" \( -name '*.o' -o -name '*.obj' \) | sort | xargs arm-none-eabi-size -t \
    | sed "s#$build/core/CMakeFiles/ambc_core.dir/##"
echo
echo "RAM: sizeof(ambc_client_t) must stay within 8192 bytes (compile-time check)"
arm-none-eabi-gcc -mthumb -mcpu="$cpu" -std=c99 -Wall -Werror -I"$root/include" -I"$build" \
    -DAMBC_KCONFIG_HEADER='"ambc_kconfig.h"' -c "$root/tests/scripts/ram_budget.c" \
    -o "$build/ram_budget.o"
arm-none-eabi-size -A "$build/ram_budget.o" | awk '/^\.rodata/ {print}' >/dev/null
echo "client RAM within budget"
echo
echo "stack: worst case per public call, from -fstack-usage over the call graph"
/usr/bin/python3 "$root/tests/scripts/stack_bound.py" 2048 \
    $(find "$build/core/CMakeFiles/ambc_core.dir" -name '*.ci')
