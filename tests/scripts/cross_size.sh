#!/bin/sh
# Cross-compile core/ for a Cortex-M with -Os and warnings as errors, then print
# a per-file size table (arm-none-eabi-size, Berkeley format: text includes rodata).
# usage: cross_size.sh <source root> <build dir> <cpu>
set -eu
root=$1 build=$2 cpu=$3
if ! command -v arm-none-eabi-gcc >/dev/null; then
    echo "SKIP: arm-none-eabi-gcc not installed (Debian gcc-arm-none-eabi)"; exit 77
fi
cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/arm-none-eabi.cmake" \
      -DAMBC_CPU="$cpu" -DCMAKE_BUILD_TYPE=MinSizeRel -DAMBC_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target ambc_core -- -j2 >/dev/null
echo "core/ for $cpu, arm-none-eabi-gcc -Os -mthumb -mcpu=$cpu -ffunction-sections"
find "$build/core/CMakeFiles/ambc_core.dir" -name '*.o' | sort | xargs arm-none-eabi-size -t \
    | sed "s#$build/core/CMakeFiles/ambc_core.dir/##"
