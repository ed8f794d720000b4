#!/bin/sh
# tests/golden/run.sh DRLC [--update]: whole-program tests.
#   NAME.drl        must compile (exit 0) to exactly NAME.json (NAME.md for --report), with
#                   nothing on stderr (or exactly NAME.err when that file exists: warnings).
#   error.NAME.drl  must fail with exit 1 and exactly the diagnostics in error.NAME.err.
# A first line "// args: ..." passes extra options.  Programs run from this directory, so the
# diagnostics name them by their plain file name.  --update rewrites the expectations: review the diff.
set -u
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
update=${2:-}
cd "$(dirname "$0")" || exit 2
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

for src in *.drl; do
  name=${src%.drl}
  args=$(sed -n '1s|^// args: ||p' "$src")
  # shellcheck disable=SC2086
  NO_COLOR=1 "$drlc" $args "$src" >"$tmp/out" 2>"$tmp/err"
  status=$?
  case "$name" in
    error.*) want_status=1 out_file=/dev/null err_file=$name.err ;;
    *) want_status=0 out_file=$name.json err_file=$name.err; [ -f "$err_file" ] || err_file=/dev/null ;;
  esac
  case "$args" in *--report*) out_file=$name.md ;; esac
  if [ "$update" = --update ]; then
    case "$name" in error.*) cp "$tmp/err" "$name.err" ;; *) cp "$tmp/out" "$out_file"; [ -s "$tmp/err" ] && cp "$tmp/err" "$name.err" ;; esac
  fi
  problem=""
  [ "$status" -eq "$want_status" ] || problem="exit $status, expected $want_status"
  cmp -s "$tmp/out" "$out_file" || problem="$problem${problem:+; }stdout differs"
  cmp -s "$tmp/err" "$err_file" || problem="$problem${problem:+; }stderr differs"
  if [ -z "$problem" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $src: $problem"
    diff -u "$out_file" "$tmp/out" | head -20
    diff -u "$err_file" "$tmp/err" | head -20
  fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
