#!/bin/sh
# tests/cfn-lint.sh DRLC: the real cfn-lint, as a second opinion on every example's template: the
# two-region template, and the one-region templates of --region, for us-east-1 and us-west-2; and on
# every expected template of tests/golden (macros across modules, comprehensions, region blocks...).
# Rules that may be ignored are listed, each with its reason, in tests/cfn-lint-ignore.txt.
set -u
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint: not installed (pip install cfn-lint)"; exit 1
fi
ignore=$(sed -e 's/#.*//' -e '/^ *$/d' "$root/tests/cfn-lint-ignore.txt" | tr -d ' ' | paste -sd, -)
pass=0 fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for src in "$root"/examples/*.drl; do
  name=$(basename "$src" .drl)
  for region in "" us-east-1 us-west-2; do
    out="$tmp/$name${region:+.$region}.json"
    (cd "$root" && "$drlc" --allow-read lambda ${region:+--region $region} "examples/$name.drl" -o "$out") || { fail=$((fail + 1)); continue; }
    if cfn-lint --regions us-east-1 us-west-2 ${ignore:+--ignore-checks $ignore} -- "$out" >"$tmp/lint" 2>&1; then
      pass=$((pass + 1))
    else
      echo "FAIL cfn-lint on examples/$name.drl ${region:+(--region $region)}:"; cat "$tmp/lint"; fail=$((fail + 1))
    fi
  done
done
# The golden templates, but for two that test what cfn-lint disagrees with on purpose:
#   interpolation.json  Fn::Join over Fn::GetAZs, which AWS documents as supported (cfn-lint E1019/E1022)
#   params.json         parameters that nothing uses, since the case is about parameters (W2001)
# One cfn-lint run for all of them (it starts slowly); its report names each file it finds fault with.
golden=$(cd "$root/tests/golden" && ls ./*.json | grep -v -e '^./interpolation.json$' -e '^./params.json$')
# shellcheck disable=SC2086
if (cd "$root/tests/golden" && cfn-lint --regions us-east-1 us-west-2 ${ignore:+--ignore-checks $ignore} -- $golden) >"$tmp/lint" 2>&1; then
  pass=$((pass + $(echo "$golden" | wc -l)))
else
  bad=$(grep -o '^[^ :]*\.json:[0-9]' "$tmp/lint" | sed 's/:[0-9]*$//' | sort -u | wc -l)
  echo "FAIL cfn-lint on $bad of the tests/golden templates:"; cat "$tmp/lint"
  fail=$((fail + (bad > 0 ? bad : 1)))
  pass=$((pass + $(echo "$golden" | wc -l) - bad))
fi
echo "cfn-lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
