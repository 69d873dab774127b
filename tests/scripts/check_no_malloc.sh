#!/bin/sh
# The core must not reference any allocator (DESIGN.md, Memory): inspect the
# undefined symbols of the core library and fail on any malloc-family name or on
# a function known to allocate behind the caller's back.
set -eu
lib=$1
bad=$(nm -u "$lib" | awk '{print $NF}' | grep -E '^(malloc|calloc|realloc|free|reallocarray|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|strdup|strndup|asprintf|vasprintf|open_memstream|[a-z]*printf|__[a-z_]*printf[a-z_]*)$' || true)
echo "undefined symbols of $(basename "$lib"):"
nm -u "$lib" | awk '{print "  " $NF}' | sort -u
if [ -n "$bad" ]; then
    echo "FAIL: the core references allocating functions:"; echo "$bad"; exit 1
fi
echo "OK: no malloc-family or printf-family symbol referenced"
