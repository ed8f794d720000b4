#!/bin/sh
# tests/planted/run.sh DRLC: drlc against cfn-lint on programs with planted mistakes.
#  1. drlc rejects each program (exit 1) and reports an error on every line marked PLANTED.
#  2. The same program compiled with --no-rules gives a template; every error cfn-lint reports on it
#     is traced back through --source-map to a line where drlc reported an error at compile time.
set -u
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$here" || exit 2
pass=0 fail=0
for src in *.drl; do
  rm -f "$tmp"/*
  "$drlc" "$src" >/dev/null 2>"$tmp/drlc.err"
  if [ $? -ne 1 ]; then echo "FAIL $src: drlc did not exit 1"; fail=$((fail + 1)); continue; fi
  "$drlc" --no-rules --source-map "$tmp/map.json" "$src" -o "$tmp/t.json" 2>/dev/null
  cfn-lint --regions us-east-1 us-west-2 --format json -- "$tmp/t.json" > "$tmp/lint.json" 2>/dev/null
  if python3 "$here/compare.py" "$src" "$tmp/drlc.err" "$tmp/map.json" "$tmp/lint.json"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
done
echo "planted: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
