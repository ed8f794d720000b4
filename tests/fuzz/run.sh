#!/bin/sh
# tests/fuzz/run.sh [SECONDS]: builds the libFuzzer targets and fuzzes each for SECONDS (default 60).
#
#   1. Generates the scanner, parser and embedded stdlib into build-fuzz/gen (flex, bison,
#      tools/embed-stdlib.sh) and compiles src/*.c (not main.c) with
#      clang -fsanitize=fuzzer-no-link,address,undefined -g -O1 into build-fuzz/obj, only what changed.
#      In drlc's objects exit/malloc/calloc/realloc/free are renamed to the harness's (objcopy), so that
#      an exit() drlc still makes returns to the harness instead of ending the fuzzer; arena_alloc is
#      replaced by tests/fuzz/fuzz_arena.c (one malloc per object, so ASan sees overflows).
#   2. Replays every file of tests/fuzz/regressions/ through every target, one process per file.
#   3. Fuzzes fuzz_compile, then fuzz_fmt, with the seeds (tests/golden, examples, stdlib: copied
#      into a temporary directory) and the corpus kept in build-fuzz/corpus/TARGET, the dictionary
#      tests/fuzz/drl.dict, -max_len=4096 -timeout=10 -rss_limit_mb=2048.
# Exit 0 if nothing was found; otherwise 1, with the path of each failing input printed.
# docs/reliability.md says more.
#
# Environment: CC (default clang), FUZZ_TARGETS (default "compile fmt"), FUZZ_FLAGS (more libFuzzer
# options, e.g. "-fork=1 -ignore_crashes=1 -ignore_timeouts=1" to go on past findings),
# DRLC_FUZZ_VERBOSE=1 (print the diagnostics of each input).
# Only build: tests/fuzz/run.sh --build.  Replay files: build-fuzz/fuzz_compile FILE...
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/fuzz
B=$root/build-fuzz
seconds=${1:-60}
build_only=false
[ "$seconds" = --build ] && build_only=true
case $seconds in --build) ;; *[!0-9]*|'') echo "usage: $0 [SECONDS | --build]" >&2; exit 2 ;; esac
CC=${CC:-clang}
targets=${FUZZ_TARGETS:-compile fmt}

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (libFuzzer needs clang)" >&2; exit 2; }
for tool in flex bison objcopy; do
  command -v $tool >/dev/null || { echo "fuzz: $tool not found" >&2; exit 2; }
done

# fuzz_arena.c mirrors src/arena.c's private struct Chunk: refuse to build if that has changed.
if ! tr -d '\n' <"$root/src/arena.c" | grep -q 'struct Chunk {  Chunk \*next;  size_t used, cap;  _Alignas(max_align_t) char data\[\];};'; then
  echo "fuzz: struct Chunk in src/arena.c changed: update tests/fuzz/fuzz_arena.c" >&2
  exit 2
fi

cjson_cflags=$(pkg-config --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
cjson_libs=$(pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-std=c11 -D_XOPEN_SOURCE=700 -g -O1 -fno-omit-frame-pointer $san -fsanitize=fuzzer-no-link \
 -I$root/src -I$B/gen $cjson_cflags -DDRLC_VERSION=\"fuzz\""
renames="--redefine-sym exit=drlc_fuzz_exit --redefine-sym malloc=drlc_fuzz_malloc --redefine-sym calloc=drlc_fuzz_calloc \
 --redefine-sym realloc=drlc_fuzz_realloc --redefine-sym free=drlc_fuzz_free"

mkdir -p "$B/gen" "$B/obj" "$B/corpus" "$B/findings" || exit 2
# A change of compiler or flags rebuilds everything.
stamp="$CC $cflags $renames"
if [ ! -f "$B/flags" ] || [ "$(cat "$B/flags")" != "$stamp" ]; then
  rm -f "$B"/obj/*.o
  printf '%s\n' "$stamp" >"$B/flags"
fi

# stale OUT DEP...: OUT is missing or older than a DEP.
stale() {
  out=$1; shift
  [ -f "$out" ] || return 0
  for dep in "$@"; do
    [ -n "$(find "$dep" -newer "$out" 2>/dev/null)" ] && return 0
  done
  return 1
}

run() { echo "  $*" | cut -c1-150; "$@" || { echo "fuzz: build failed" >&2; exit 2; }; }

# ---- generated sources -------------------------------------------------------------------------
stale "$B/gen/lex.yy.c" "$root/grammar/drl.l" && run flex -o "$B/gen/lex.yy.c" "$root/grammar/drl.l"
stale "$B/gen/drl.tab.c" "$root/grammar/drl.y" &&
  run bison -Wall --defines="$B/gen/drl.tab.h" -o "$B/gen/drl.tab.c" "$root/grammar/drl.y"
# The stdlib changes often: regenerate, and keep the old file (and object) when nothing changed.
sh "$root/tools/embed-stdlib.sh" $(ls "$root"/stdlib/*.drl | LC_ALL=C sort) >"$B/gen/stdlib_data.c.new" || exit 2
if cmp -s "$B/gen/stdlib_data.c.new" "$B/gen/stdlib_data.c"; then rm -f "$B/gen/stdlib_data.c.new"
else mv "$B/gen/stdlib_data.c.new" "$B/gen/stdlib_data.c"; fi

# ---- objects -----------------------------------------------------------------------------------
headers="$root/src/drlc.h $root/src/spec.h $root/src/lexer.h $B/gen/drl.tab.h"
drlc_objs=""
for src in "$root"/src/*.c "$B"/gen/*.c; do
  name=$(basename "$src" .c)
  [ "$name" = main ] && continue
  obj=$B/obj/$name.o
  drlc_objs="$drlc_objs $obj"
  stale "$obj" "$src" $headers || continue
  extra=""
  case $src in "$B"/gen/*) extra="-Wno-comment" ;; esac
  [ "$name" = arena ] && extra="-fPIC -fsemantic-interposition"
  run $CC $cflags $extra -c -o "$obj.tmp" "$src"
  run objcopy $renames "$obj.tmp"
  [ "$name" = arena ] && run objcopy --weaken-symbol=arena_alloc "$obj.tmp"
  mv "$obj.tmp" "$obj"
done
for name in harness fuzz_arena fuzz_compile fuzz_fmt; do
  obj=$B/obj/fuzz_$name.o
  stale "$obj" "$here/$name.c" "$here/harness.h" $headers || continue
  run $CC $cflags -Wall -Wextra -Werror -DDRLC_FUZZ_RECOVER -c -o "$obj" "$here/$name.c"
done
for t in $targets; do
  stale "$B/fuzz_$t" $drlc_objs "$B/obj/fuzz_harness.o" "$B/obj/fuzz_fuzz_arena.o" "$B/obj/fuzz_fuzz_$t.o" || continue
  run $CC -fsanitize=fuzzer $san -o "$B/fuzz_$t" "$B/obj/fuzz_fuzz_$t.o" "$B/obj/fuzz_harness.o" \
    "$B/obj/fuzz_fuzz_arena.o" $drlc_objs $cjson_libs -lm
done
$build_only && exit 0

# ---- inputs ------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/drlc-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/seeds" "$work/root/modules" "$work/root/data"
for f in "$root"/tests/golden/*.drl; do cp "$f" "$work/seeds/golden-$(basename "$f")"; done
for f in "$root"/examples/*.drl; do cp "$f" "$work/seeds/example-$(basename "$f")"; done
for f in "$root"/stdlib/*.drl; do cp "$f" "$work/seeds/stdlib-$(basename "$f")"; done
# The directory of the fuzzed program: the golden tests' modules and data, for use and file().
cp "$root"/tests/golden/modules/*.drl "$work/root/modules/" 2>/dev/null
cp "$root"/tests/golden/data/* "$work/root/data/" 2>/dev/null
export DRLC_FUZZ_ROOT="$work/root"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
report() { # LOG: print the crashing inputs libFuzzer wrote
  grep -h 'Test unit written to\|ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error:\|invariant violated\|SUMMARY:' "$1" | head -20
  grep -ho 'Test unit written to .*' "$1" | sed 's/Test unit written to /fuzz: crashing input: /'
}

# ---- regressions -------------------------------------------------------------------------------
# One process per file, so that every failing input is named (libFuzzer stops at the first).
for t in $targets; do
  n=0 bad=0
  for f in $(find "$here/regressions" -type f ! -name '*.md' ! -name '.*' 2>/dev/null | LC_ALL=C sort); do
    n=$((n + 1))
    if ! "$B/fuzz_$t" -timeout=10 -rss_limit_mb=2048 "$f" >"$work/regress.log" 2>&1; then
      bad=$((bad + 1))
      echo "FAIL fuzz_$t: $f: $(grep -ho 'ERROR: libFuzzer: [a-z0-9 -]*\|ERROR: [A-Za-z]*Sanitizer: [a-z-]*\|runtime error: .*\|invariant violated: .*' "$work/regress.log" | head -1)"
    fi
  done
  echo "fuzz_$t: $n regression inputs replayed, $bad failed"
  [ $bad -eq 0 ] || status=1
done

# ---- fuzzing -----------------------------------------------------------------------------------
for t in $targets; do
  mkdir -p "$B/corpus/$t"
  log=$B/findings/fuzz_$t.log
  echo "fuzz_$t: fuzzing for ${seconds}s (log: $log)"
  touch "$work/started"
  # shellcheck disable=SC2086
  "$B/fuzz_$t" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" \
    -dict="$here/drl.dict" -artifact_prefix="$B/findings/$t-" -print_final_stats=1 ${FUZZ_FLAGS:-} \
    "$B/corpus/$t" "$work/seeds" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # -fork=N prints no final stats: take the last status line.
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  [ -n "$speed" ] || speed=$(grep -o 'exec/s:* [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz_$t: exit $rc, ${execs:-?} executions, ${speed:-?}/s, $cov, corpus $(ls "$B/corpus/$t" | wc -l | tr -d ' ') files"
  # With -fork=N -ignore_crashes=1 (FUZZ_FLAGS) libFuzzer goes on after a finding: look for files.
  found=$(find "$B/findings" -name "$t-*" -newer "$work/started" | LC_ALL=C sort)
  if [ $rc -ne 0 ] || [ -n "$found" ]; then
    echo "FAIL fuzz_$t found a problem:"
    report "$log"
    for f in $found; do grep -q "$f" "$log" || echo "fuzz: crashing input: $f"; done
    status=1
  fi
done
exit $status
