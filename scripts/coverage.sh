#!/bin/sh
# Line and branch coverage of core/ by the unit tests (gcc --coverage + lcov), in build-cov/.
# usage: scripts/coverage.sh        (prints the summary and a per-file table; HTML in build-cov/html)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
b="$root/build-cov"
cmake -S "$root" -B "$b" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="--coverage" >/dev/null
cmake --build "$b" -j"$(nproc)" >/dev/null
lcov --quiet --zerocounters --directory "$b"
(cd "$b" && ctest -L unit -E '^(san|valgrind)\.' -j"$(nproc)" --output-on-failure >/dev/null)
lcov --quiet --capture --rc lcov_branch_coverage=1 --directory "$b/core" \
     --output-file "$b/core.info" 2>/dev/null
lcov --quiet --rc lcov_branch_coverage=1 --extract "$b/core.info" "$root/core/*" \
     --output-file "$b/core.info"
lcov --rc lcov_branch_coverage=1 --list "$b/core.info"
genhtml --quiet --branch-coverage "$b/core.info" --output-directory "$b/html" >/dev/null 2>&1 || true
