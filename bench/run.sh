#!/bin/sh
# bench/run.sh DRLC: time drlc against its peers and print a Markdown table (see bench/README.md).
#
#   - the payment stack (examples/payment.drl), and N = 1, 10, 100, 1000 copies of the payment
#     unit (bench/gen.sh, through bench/unit.drl and the stdlib), each beside the same template
#     written in Jsonnet (bench/stack.jsonnet, N as an external variable);
#   - validation: drlc --check on the payment stack's source beside cfn-lint on its template;
#   - drlc -o FILE (atomic write with fsync) beside standard output.
# For each: median wall time of the whole process, peak memory, output bytes, drlc/peer; then
# the scaling from N=100 to N=1000 and PASS/MISS for each target (a MISS does not fail the run).
#
# Installs nothing. Needs python3, jsonnet (Debian: apt-get install -y jsonnet) and cfn-lint.
# Exits 1 when one of them is missing, when a run fails, or when the two tools' templates are not
# the same data (the comparison would be meaningless). A few minutes at most: slow rows get
# fewer runs (measure.py's --budget).
set -u
if [ $# -ne 1 ]; then echo "usage: sh bench/run.sh DRLC" >&2; exit 2; fi
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench
case $1 in /*) drlc_in=$1 ;; *) drlc_in=$(pwd)/$1 ;; esac

missing=
for tool in python3 jsonnet cfn-lint; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -x "$drlc_in" ] || missing="$missing $1"
if [ -n "$missing" ]; then
  echo "bench: missing:$missing (jsonnet: apt-get install -y jsonnet; cfn-lint: pip install cfn-lint)" >&2
  exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# A private copy: other work in the same checkout may rebuild DRLC during the run, and an
# executable replaced while it runs dies of SIGBUS.
cp "$drlc_in" "$tmp/drlc" || exit 1
cp "$root/lambda/payment_processor.py" "$tmp/" || exit 1
cd "$tmp" || exit 1
for n in 1 10 100 1000; do sh "$bench/gen.sh" "$n" > "n$n.drl" || exit 1; done

lint_ignore=$(sed -e 's/#.*//' -e '/^ *$/d' "$root/tests/cfn-lint-ignore.txt" 2>/dev/null | tr -d ' ' | paste -sd, -)
big="-Wno-limits -Wno-inline-size" # N >= 2 is past CloudFormation's limits on purpose

# m NAME TOOL RUNS BUDGET OUT [measure.py options] -- COMMAND...
m() {
  name=$1 tool=$2 runs=$3 budget=$4 out=$5
  shift 5
  python3 "$bench/measure.py" run --results results.tsv --name "$name" --tool "$tool" \
    --runs "$runs" --budget "$budget" --out "$out" "$@" || exit 1
}

echo "drlc bench: $("$tmp/drlc" --version), $(jsonnet --version 2>&1 | head -n 1), cfn-lint $(cfn-lint --version 2>&1 | sed 's/^cfn-lint //'), $(python3 --version)"
echo "measuring (median of the runs; fewer runs for the slow rows):"
m payment drlc 31 10 payment.json -- ./drlc --allow-read "$root/lambda" "$root/examples/payment.drl"
for n in 1 10 100 1000; do
  case $n in
    1) dr=31 jr=11 flags= ;;
    10) dr=21 jr=7 flags=$big ;;
    100) dr=7 jr=3 flags=$big ;;
    *) dr=3 jr=3 flags=$big ;;
  esac
  # shellcheck disable=SC2086 # $flags is a list of options
  m "n$n" drlc "$dr" 30 "n$n.drlc.json" -- ./drlc -I "$bench" $flags "n$n.drl"
  m "n$n" jsonnet "$jr" 30 "n$n.jsonnet.json" -- jsonnet --ext-code "N=$n" "$bench/stack.jsonnet"
done
m check drlc 31 10 check.out -- ./drlc --check --allow-read "$root/lambda" "$root/examples/payment.drl"
m check cfn-lint 3 30 check.lint --ok 0,2,4,6,8,10,12,14 -- \
  cfn-lint --regions us-east-1 us-west-2 ${lint_ignore:+--ignore-checks "$lint_ignore"} -- n1.drlc.json
m o-n1 drlc 21 10 o.stdout --bytes o1.json -- ./drlc -I "$bench" -o o1.json n1.drl
# shellcheck disable=SC2086
m o-n1000 drlc 2 30 o.stdout --bytes o1000.json -- ./drlc -I "$bench" $big -o o1000.json n1000.drl

# The comparison is only fair if both tools made the same template.
fail=0
if ! cmp -s payment.json n1.drlc.json; then
  echo "bench: bench/unit.drl no longer makes examples/payment.drl's template: update it to stdlib/payment.drl" >&2
  fail=1
fi
for n in 1 10 100; do
  python3 "$bench/measure.py" same "n$n.drlc.json" "n$n.jsonnet.json" >&2 ||
    { echo "bench: bench/payment.jsonnet no longer makes drlc's template (N=$n)" >&2; fail=1; }
done
python3 "$bench/measure.py" count payment=payment.json n1=n1.drlc.json n10=n10.drlc.json \
  n100=n100.drlc.json n1000=n1000.drlc.json || exit 1
if [ -s check.lint ]; then
  echo "note: cfn-lint reported findings on the N=1 template (it was timed all the same):"
  head -n 5 check.lint
fi

echo
python3 "$bench/measure.py" report results.tsv || exit 1
[ "$fail" -eq 0 ] && echo && echo "drlc and jsonnet made the same templates (N=1, 10, 100: same data; bytes differ in layout)."
exit "$fail"
