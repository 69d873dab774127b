#!/bin/sh
# Cross-compile port/lwip for a Cortex-M with -Os and ambc's warnings as errors, against lwIP's
# headers with boards/linux-lwip/lwipopts.h, and print .text / .rodata per file and the raw
# port's RAM. Also compiles the variants a device may use (sockets.c with lwip_poll instead of
# lwip_select, both ports without DNS) so that every #if branch builds.
# usage: cross_size.sh <source root> <lwIP source tree> <work dir> [cpu]
set -eu
root=$1 lwip=$2 work=$3 cpu=${4:-cortex-m4}
if ! command -v arm-none-eabi-gcc >/dev/null; then
    echo "SKIP: arm-none-eabi-gcc not installed (Debian gcc-arm-none-eabi)"; exit 77
fi
mkdir -p "$work"
cc() { # out.o NO_SYS source [extra flags]
    out=$1 nosys=$2 src=$3; shift 3
    arm-none-eabi-gcc -mcpu="$cpu" -mthumb -Os -std=c99 -ffunction-sections -fdata-sections \
        -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wstrict-prototypes -Werror \
        -DNO_SYS="$nosys" "$@" -I"$root/port/lwip/include" -I"$root/include" \
        -isystem "$root/boards/linux-lwip" -isystem "$root/tests/lwip/cortex-m" \
        -isystem "$lwip/src/include" -c "$src" -o "$work/$out"
}
cc sockets.o 0 "$root/port/lwip/sockets.c"
cc raw.o 1 "$root/port/lwip/raw.c"
cc clock.o 1 "$root/port/lwip/clock.c"
cc clock_sys.o 0 "$root/port/lwip/clock.c"
cc sockets_poll.o 0 "$root/port/lwip/sockets.c" -DLWIP_SOCKET_SELECT=0
cc sockets_nodns.o 0 "$root/port/lwip/sockets.c" -DLWIP_DNS=0
cc raw_nodns.o 1 "$root/port/lwip/raw.c" -DLWIP_DNS=0
cc sizes.o 1 "$root/tests/lwip/cortex-m/sizes.c"

echo "port/lwip for $cpu, arm-none-eabi-gcc -Os -mthumb (lwIP headers, boards/linux-lwip/lwipopts.h)"
printf '%-34s %7s %7s %7s\n' file .text .rodata .data+.bss
for o in sockets.o raw.o clock.o clock_sys.o sockets_poll.o sockets_nodns.o raw_nodns.o; do
    arm-none-eabi-size -A "$work/$o" | awk -v f="$o" '
        $1 ~ /^\.text/ {t += $2} $1 ~ /^\.rodata/ {r += $2} $1 ~ /^\.(data|bss)/ {d += $2}
        END {printf "%-34s %7d %7d %7d\n", f, t, r, d}'
done
echo
echo "RAM of the NO_SYS=1 port at the default Kconfig (sizeof on $cpu):"
size_of() { # symbol: its size in bytes, from nm -S (hexadecimal)
    echo $((0x$(arm-none-eabi-nm -S "$work/sizes.o" | awk -v s="$1" '$4 == s {print $2}')))
}
raw=$(size_of ambc_size_lwip_raw_t) ring=$(size_of ambc_size_lwip_ring)
echo "  sizeof(ambc_lwip_raw_t) $raw B + ring (CONFIG_AMBC_LWIP_RING_SIZE) $ring B = $((raw + ring)) B"
echo "  sizeof(ambc_lwip_sock_t) $(size_of ambc_size_lwip_sock_t) B"
