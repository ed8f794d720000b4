#!/bin/sh
# tests/stack/run.sh DRLC: the payment stack's gate, from any directory.
#   1. examples/payment.drl compiles, with no diagnostic, to exactly the committed examples/payment.json;
#   2. the constraints of tests/stack/test_payment_template.py hold on it (python3 -m unittest);
#   3. cfn-lint (us-east-1 and us-west-2) reports nothing on the two-region template, nor on the
#      --region us-east-1 and --region us-west-2 templates, except the rules of tests/cfn-lint-ignore.txt;
#   4. cfn-lint reports nothing at all, no rule ignored, once python3.11 is taken out of LambdaRuntime
#      (default python3.14): the ignores cover the deprecated runtime and nothing else;
#   5. tests/stack/all_options.drl (every optional switch of payment_stack on) compiles cleanly and
#      passes the same cfn-lint gate, in its three forms.
# Regenerate the committed template: (cd "$root" && DRLC --allow-read lambda examples/payment.drl -o examples/payment.json)
set -u
[ $# -eq 1 ] || { echo "usage: $0 path/to/drlc" >&2; exit 2; }
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -x "$drlc" ] || { echo "$0: $1 is not an executable" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

ignore=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/../cfn-lint-ignore.txt" | tr -d ' \t' | paste -sd, -)

# compile NAME SRC [drlc options...]: $tmp/NAME.json, failing on any diagnostic
compile() {
  name=$1 src=$2; shift 2
  if (cd "$root" && "$drlc" --allow-read lambda "$@" "$src" -o "$tmp/$name.json") 2>"$tmp/$name.err" &&
     [ ! -s "$tmp/$name.err" ]; then
    return 0
  fi
  ko "drlc $* $src"; cat "$tmp/$name.err"; return 1
}

# lint NAME [cfn-lint options...]: cfn-lint on $tmp/NAME.json
lint() {
  name=$1; shift
  if cfn-lint --regions us-east-1 us-west-2 "$@" -- "$tmp/$name.json" >"$tmp/$name.lint" 2>&1; then
    ok "cfn-lint $name"
  else
    ko "cfn-lint $name"; cat "$tmp/$name.lint"
  fi
}

# 1. the committed template is what the compiler writes
if compile payment examples/payment.drl; then
  if cmp -s "$tmp/payment.json" "$root/examples/payment.json"; then
    ok "examples/payment.json is up to date ($(wc -c <"$root/examples/payment.json" | tr -d ' ') bytes)"
  else
    ko "examples/payment.json differs from what examples/payment.drl compiles to:"
    diff -u "$root/examples/payment.json" "$tmp/payment.json" | head -60
  fi
fi

# 2. the stack's constraints, on the committed template
if (cd "$root" && python3 -m unittest discover -s tests/stack -p 'test_*.py') >"$tmp/unittest" 2>&1; then
  ok "unittest: $(grep '^Ran ' "$tmp/unittest")"
else
  ko "unittest"; cat "$tmp/unittest"
fi

if ! command -v cfn-lint >/dev/null 2>&1; then
  ko "cfn-lint is not installed (pip install cfn-lint)"
else
  # 3. the gate, on the committed template and on both one-region templates
  cp "$root/examples/payment.json" "$tmp/payment-committed.json"
  lint payment-committed --ignore-checks "$ignore"
  for region in us-east-1 us-west-2; do
    compile "payment-$region" examples/payment.drl --region "$region" && lint "payment-$region" --ignore-checks "$ignore"
  done

  # 4. the ignores hide the runtime default and nothing else
  python3 - "$tmp/payment-committed.json" "$tmp/payment-python3.14.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
p = t["Parameters"]["LambdaRuntime"]
p["Default"] = "python3.14"
p["AllowedValues"].remove("python3.11")
json.dump(t, open(sys.argv[2], "w"), indent=2)
PY
  lint payment-python3.14

  # 5. every optional switch on
  for region in "" us-east-1 us-west-2; do
    name=all-options${region:+-$region}
    compile "$name" tests/stack/all_options.drl ${region:+--region "$region"} && lint "$name" --ignore-checks "$ignore"
  done
fi

echo "stack: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
