#!/bin/sh
# Zero malloc, end to end: fail if the firmware image links the C library's allocator
# (or the stdio/printf code that would call it).
#
# usage: check_no_malloc.sh fw.elf fw.map
# Two independent looks: the symbols defined in the image (nm), and the archive members the
# linker pulled in and why (the map file's "Archive member included" section).
set -eu
elf=$1 map=$2
nm=${NM:-arm-none-eabi-nm}

bad_syms=$($nm "$elf" | awk '$2 ~ /^[TtWwDdBb]$/ {print $3}' | grep -E \
  '^(malloc|free|calloc|realloc|reallocf|memalign|aligned_alloc|posix_memalign|valloc|pvalloc|_malloc_r|_free_r|_calloc_r|_realloc_r|_memalign_r|nano_malloc|nano_free|_sbrk|_sbrk_r|sbrk|__malloc_av_|__malloc_lock|printf|fprintf|sprintf|snprintf|vprintf|vfprintf|vsnprintf|_vfprintf_r|_svfprintf_r|_printf_r|_fprintf_r|puts|fputs|fwrite|__sinit|__smakebuf_r|strdup|_strdup_r)$' || true)

# Members of the C library (libc, libc_nano, libg, libnosys) the linker included.
members=$(awk '/^Archive member included/ {on=1; next} /^(Discarded input sections|Memory Configuration|Allocating common symbols)/ {on=0} on' "$map" \
  | grep -oE 'lib(c|c_nano|g|g_nano|nosys)\.a\([^)]*\)' | sort -u || true)
bad_members=$(printf '%s\n' "$members" | grep -E 'malloc|free|sbrk|printf|stdio|findfp|makebuf|refill|wsetup' || true)

echo "C library members linked into $(basename "$elf"):"
printf '%s\n' "$members" | sed 's/^/  /'
if [ -n "$bad_syms" ] || [ -n "$bad_members" ]; then
    echo "FAIL: the image links an allocator or stdio from the C library:"
    printf '%s\n' $bad_syms $bad_members | sed 's/^/  /'
    exit 1
fi
echo "OK: no malloc/free/sbrk and no stdio/printf from the C library in $(basename "$elf")"
