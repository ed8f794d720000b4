#!/bin/sh
# tests/examples.sh DRLC: every examples/NAME.drl compiles with no diagnostic at all, and where
# examples/NAME.json is committed, to exactly those bytes (regenerate: make examples-update);
# every stdlib module compiles cleanly on its own; the README's tour is examples/tour.drl.
set -u
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
update=${2:-}
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for src in "$root"/examples/*.drl; do
  name=$(basename "$src" .drl)
  if ! (cd "$root" && "$drlc" --allow-read lambda "examples/$name.drl" >"$tmp/out" 2>"$tmp/err") || [ -s "$tmp/err" ]; then
    echo "FAIL examples/$name.drl does not compile cleanly:"; cat "$tmp/err"; fail=$((fail + 1)); continue
  fi
  [ "$update" = --update ] && [ -f "$root/examples/$name.json" ] && cp "$tmp/out" "$root/examples/$name.json"
  if [ -f "$root/examples/$name.json" ] && ! cmp -s "$tmp/out" "$root/examples/$name.json"; then
    echo "FAIL examples/$name.json differs from what examples/$name.drl compiles to:"
    diff -u "$root/examples/$name.json" "$tmp/out" | head -30
    fail=$((fail + 1)); continue
  fi
  pass=$((pass + 1))
done
# Every stdlib module compiles cleanly when used on its own.
for module in "$root"/stdlib/*.drl; do
  name=$(basename "$module" .drl)
  printf 'use "%s"\nresource Probe: AWS::SNS::Topic {}\n' "$name" > "$tmp/probe.drl"
  if "$drlc" "$tmp/probe.drl" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
    pass=$((pass + 1))
  else
    echo "FAIL stdlib module '$name' does not compile cleanly:"; cat "$tmp/err"; fail=$((fail + 1))
  fi
done
# The README shows examples/tour.drl: the fenced block that starts with its first line.
first=$(head -n 1 "$root/examples/tour.drl")
awk -v first="$first" '$0 == first { on = 1 } on && /^```$/ { exit } on' "$root/README.md" >"$tmp/readme-tour"
if cmp -s "$tmp/readme-tour" "$root/examples/tour.drl"; then
  pass=$((pass + 1))
else
  echo "FAIL the README's tour differs from examples/tour.drl:"; diff -u "$root/examples/tour.drl" "$tmp/readme-tour" | head -20
  fail=$((fail + 1))
fi
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
