#!/bin/sh
# tests/fuzz/build-standalone.sh: the fuzz targets as plain programs (-DSTANDALONE), without
# libFuzzer: `fuzz_compile FILE...` runs each file once and aborts on a finding.  For AFL++:
#
#   CC=afl-clang-fast AFL_USE_ASAN=1 AFL_USE_UBSAN=1 sh tests/fuzz/build-standalone.sh
#   afl-fuzz -i SEEDS -o build-fuzz/afl-out -x tests/fuzz/drl.dict -t 10000 -m none \
#            -- build-fuzz/standalone-afl-clang-fast/fuzz_compile @@
#
# (docs/reliability.md has the whole recipe.)  With the default CC=cc it is a quick way to replay
# inputs under valgrind or gdb.  Objects go to build-fuzz/standalone-$(basename $CC)/; drlc's own
# exit() and arena are used as they are (no renaming, no fuzz_arena.c).
# Environment: CC (default cc), CFLAGS (default -g -O1).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/fuzz
CC=${CC:-cc}
CFLAGS=${CFLAGS:--g -O1}
B=$root/build-fuzz
out=$B/standalone-$(basename "$CC")
cjson_cflags=$(pkg-config --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
cjson_libs=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
mkdir -p "$out/gen" "$out/obj" || exit 2
run() { echo "  $*" | cut -c1-150; "$@" || { echo "build-standalone: failed" >&2; exit 2; }; }

run flex -o "$out/gen/lex.yy.c" "$root/grammar/drl.l"
run bison -Wall --defines="$out/gen/drl.tab.h" -o "$out/gen/drl.tab.c" "$root/grammar/drl.y"
sh "$root/tools/embed-stdlib.sh" $(ls "$root"/stdlib/*.drl | LC_ALL=C sort) >"$out/gen/stdlib_data.c" || exit 2

# shellcheck disable=SC2086
flags="-std=c11 -D_XOPEN_SOURCE=700 $CFLAGS -I$root/src -I$out/gen $cjson_cflags -DDRLC_VERSION=\"fuzz\""
objs=""
for src in "$root"/src/*.c "$out"/gen/*.c; do
  name=$(basename "$src" .c)
  [ "$name" = main ] && continue
  # shellcheck disable=SC2086
  run $CC $flags -Wno-comment -c -o "$out/obj/$name.o" "$src"
  objs="$objs $out/obj/$name.o"
done
for t in compile fmt; do
  # shellcheck disable=SC2086
  run $CC $flags -DSTANDALONE -o "$out/fuzz_$t" "$here/fuzz_$t.c" "$here/harness.c" $objs $cjson_libs -lm
done
echo "built $out/fuzz_compile and $out/fuzz_fmt"
