#!/bin/sh
# tests/hostile/valgrind.sh DRLC: drlc under valgrind.
#   - every examples/*.drl and every golden program that compiles (tests/golden/NAME.drl, not
#     error.*), from its directory with the "// args:" of its first line, with
#     --leak-check=full --errors-for-leak-kinds=definite,indirect: exit 0, no memory error, no leak;
#   - every failing golden program (error.*.drl) and a few programs that stop at a limit (the paths
#     that unwind with longjmp), without leak checking: exit 1 and no memory error.
# valgrind's own status for an error is 99.  Use a build without sanitizers (./drlc, build/drlc).
# Environment: VALGRIND_ONLY (a grep pattern of names to run).
set -u
[ $# -ge 1 ] || { echo "usage: $0 DRLC" >&2; exit 2; }
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
only=${VALGRIND_ONLY:-}
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/drlc-valgrind.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
export NO_COLOR=1
unset DRLC_PATH
pass=0 fail=0
vg_leaks="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
vg_plain="valgrind -q --leak-check=no --error-exitcode=99"

# run NAME DIR WANT VALGRIND ARGS...: drlc ARGS in DIR under VALGRIND must exit WANT.
run() {
  name=$1 dir=$2 want=$3 vg=$4
  shift 4
  if [ -n "$only" ] && ! echo "$name" | grep -q -- "$only"; then return; fi
  # shellcheck disable=SC2086
  (cd "$dir" && timeout 300 $vg "$drlc" "$@" >"$work/out" 2>"$work/err")
  status=$?
  if [ "$status" -eq "$want" ] && ! grep -q '^==[0-9]*==' "$work/err"; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    case $status in 99) why="valgrind found errors" ;; 124) why="timed out" ;; *) why="exit $status, expected $want" ;; esac
    echo "FAIL $name: $why"
    grep '^==[0-9]*==' "$work/err" | head -30 | sed 's/^/     /'
    grep -v '^==[0-9]*==' "$work/err" | grep -v '^ *[0-9]* |\|^ *|' | head -5 | sed 's/^/     /'
  fi
}

for src in "$root"/examples/*.drl; do
  run "examples/$(basename "$src")" "$root" 0 "$vg_leaks" --allow-read lambda "examples/$(basename "$src")"
done

for src in "$root"/tests/golden/*.drl; do
  base=$(basename "$src")
  args=$(sed -n '1s|^// args: ||p' "$src")
  case $base in
    error.*) want=1 vg=$vg_plain ;;
    *) want=0 vg=$vg_leaks ;;
  esac
  # shellcheck disable=SC2086
  run "golden/$base" "$root/tests/golden" "$want" "$vg" $args "$base"
done

# Programs that stop at a limit: the paths that unwind from deep inside the compile.
awk 'BEGIN { printf "let x = "; for (i = 0; i < 1000; i++) printf "["; for (i = 0; i < 1000; i++) printf "]"; print "" }' >"$work/deep.drl"
run "limit/nesting" "$work" 1 "$vg_plain" deep.drl
run "limit/nesting-leaks" "$work" 1 "$vg_leaks" deep.drl
{ echo 'macro m0(n) { resource "R${n}": AWS::SQS::Queue {} }'
  i=1; while [ $i -le 20 ]; do echo "macro m$i(n) { m$((i - 1))(\"\${n}a\") m$((i - 1))(\"\${n}b\") }"; i=$((i + 1)); done
  echo 'm20("x")'; } >"$work/exponential.drl"
run "limit/max-steps" "$work" 1 "$vg_leaks" --max-steps 20000 exponential.drl
run "limit/max-depth" "$work" 1 "$vg_leaks" --max-depth 5 exponential.drl
run "limit/max-memory" "$work" 1 "$vg_leaks" --max-memory 1M exponential.drl
run "limit/leak-on-step-limit" "$root/tests/fuzz/regressions" 1 "$vg_leaks" --max-steps 4999 leak-on-step-limit.drl
run "limit/leak-in-emit-on-step-limit" "$root/tests/fuzz/regressions" 1 "$vg_leaks" --max-steps 200000 leak-in-emit-on-step-limit.drl
printf 'resource Q: AWS::SQS::Queue {}\n// \000\n' >"$work/nul.drl"
run "limit/nul-byte" "$work" 1 "$vg_leaks" nul.drl
awk 'BEGIN { for (i = 0; i < 150; i++) printf "resource \"%dbad\": AWS::SQS::Queue {}\n", i }' >"$work/errors.drl"
run "limit/150-errors" "$work" 1 "$vg_leaks" errors.drl

echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
