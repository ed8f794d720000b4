#!/bin/sh
# tests/cli.sh DRLC: the command line as a user meets it: exit codes, atomic output, standard input,
# make dependencies, module search paths, warnings.
set -u
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d) || exit 2
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 2
pass=0 fail=0

check() { # check NAME CONDITION...
  name=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
}
status() { "$@" >out.txt 2>err.txt; echo $?; }

cat > good.drl <<'DRL'
regions { primary = "us-east-1", secondary = "us-west-2" }
resource Queue: AWS::SQS::Queue {}
DRL
cat > bad.drl <<'DRL'
resource Queue: AWS::SQS::Queue { QueueName = Nope }
DRL
mkdir lib
cat > lib/shared.drl <<'DRL'
macro q(id) { resource "${id}": AWS::SQS::Queue {} }
DRL
cat > uses.drl <<'DRL'
use "shared"
q("Q")
DRL

check "--version exits 0" [ "$(status "$drlc" --version)" = 0 ]
check "--version prints the name" grep -q '^drlc ' out.txt
check "--help exits 0" [ "$(status "$drlc" --help)" = 0 ]
check "--help shows usage" grep -q '^Usage: drlc' out.txt
check "no input is a usage error" [ "$(status "$drlc")" = 2 ]
check "unknown option is a usage error" [ "$(status "$drlc" --frobnicate good.drl)" = 2 ]
check "usage error names the option" grep -q "unknown option '--frobnicate'" err.txt
check "a missing file exits 2" [ "$(status "$drlc" missing.drl)" = 2 ]
check "a directory as input exits 2" [ "$(status "$drlc" lib)" = 2 ]
check "a good program exits 0" [ "$(status "$drlc" good.drl)" = 0 ]
check "the template goes to stdout" grep -q '"AWSTemplateFormatVersion"' out.txt
check "nothing on stderr" [ ! -s err.txt ]
check "errors exit 1" [ "$(status "$drlc" bad.drl)" = 1 ]
check "errors are located" grep -q '^bad.drl:1:47: error: unknown name' err.txt
check "nothing on stdout after errors" [ ! -s out.txt ]

check "-o writes the file" [ "$(status "$drlc" good.drl -o stack.json)" = 0 ]
check "-o output ends with one newline" sh -c 'tail -c 2 stack.json | od -c | grep -q "}  *\\\\n"'
cp stack.json before.json
check "a failed compile exits 1" [ "$(status "$drlc" bad.drl -o stack.json)" = 1 ]
check "a failed compile leaves the old output byte-identical" cmp -s stack.json before.json
check "no temporary files are left" [ "$(ls -A | grep -c '^\.stack')" = 0 ]
check "-o to a directory fails" [ "$(status "$drlc" good.drl -o lib)" = 1 ]
check "-o to a directory says so" grep -q "it is a directory" err.txt
check "-o into a missing directory fails" [ "$(status "$drlc" good.drl -o nowhere/stack.json)" = 1 ]
check "-o into a missing directory leaves nothing" [ ! -e nowhere ]
# Root writes anywhere: as root, drlc runs without the capabilities that override permissions.
unprivileged=
if [ "$(id -u)" = 0 ]; then
  unprivileged="setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-dac_override,-dac_read_search"
fi
mkdir ro && cp stack.json ro/stack.json && chmod 444 ro/stack.json && chmod 555 ro
check "-o into an unwritable directory fails" [ "$(status $unprivileged "$drlc" good.drl -o ro/new.json)" = 1 ]
check "-o into an unwritable directory says why" grep -q "cannot write 'ro/new.json': Permission denied" err.txt
check "-o into an unwritable directory leaves nothing" [ ! -e ro/new.json ]
check "-o over a file in an unwritable directory fails" [ "$(status $unprivileged "$drlc" good.drl -o ro/stack.json)" = 1 ]
check "-o over a file in an unwritable directory keeps it" cmp -s ro/stack.json stack.json
check "-o to /dev/full fails cleanly" [ "$(status "$drlc" good.drl -o /dev/full)" = 1 ]
check "-o to /dev/full leaves the device alone" [ -c /dev/full ]
check "-o /dev/stdout writes to stdout" sh -c "'$drlc' good.drl -o /dev/stdout | cmp -s - stack.json"
ln -s stack.json link.json
check "-o through a symbolic link keeps the link" sh -c "'$drlc' good.drl -o link.json && [ -L link.json ]"

check "standard input" sh -c "'$drlc' - < good.drl > stdin.json && cmp -s stdin.json stack.json"
check "a pipe" sh -c "cat good.drl | '$drlc' - > pipe.json && cmp -s pipe.json stack.json"
check "diagnostics for stdin say <stdin>" sh -c "'$drlc' - < bad.drl 2>&1 | grep -q '^<stdin>:1:47: error'"
check "--check writes nothing" [ "$(status "$drlc" --check good.drl)" = 0 ]
check "--check stdout is empty" [ ! -s out.txt ]
check "--check with errors exits 1" [ "$(status "$drlc" --check bad.drl)" = 1 ]

check "-I finds modules" [ "$(status "$drlc" -I lib uses.drl)" = 0 ]
check "DRLC_PATH finds modules" [ "$(DRLC_PATH=/nonexistent:lib status "$drlc" uses.drl)" = 0 ]
check "without a path the module is missing" [ "$(status "$drlc" uses.drl)" = 1 ]
check "the missing module lists the places searched" grep -q "note: searched shared.drl, <stdlib>/shared.drl" err.txt
check "-M prints a make rule" sh -c "'$drlc' -M -I lib uses.drl -o t.json | grep -q '^t.json: uses.drl'"
check "-M lists modules read" sh -c "'$drlc' -M -I lib uses.drl | grep -q 'lib/shared.drl'"
check "-MF writes the rule and the template" sh -c "'$drlc' -I lib -MF deps.mk uses.drl -o t.json && grep -q 'lib/shared.drl' deps.mk && [ -s t.json ]"

cat > warn.drl <<'DRL'
regions { primary = "us-east-1", secondary = "ap-nowhere-9" }
resource Queue: AWS::SQS::Queue {}
DRL
check "warnings exit 0" [ "$(status "$drlc" warn.drl)" = 0 ]
check "warnings are named" grep -q 'warning: .*\[-Wunknown-region\]' err.txt
check "-Werror makes them errors" [ "$(status "$drlc" -Werror warn.drl)" = 1 ]
check "-Werror names the flag" grep -q '\[-Werror=unknown-region\]' err.txt
check "-Wno-NAME silences" sh -c "'$drlc' -Wno-unknown-region warn.drl 2>&1 >/dev/null | grep -c warning | grep -q '^0$'"
sed 's|^regions|// drlc:allow unknown-region\nregions|' warn.drl > allowed.drl
check "drlc:allow silences one site" sh -c "'$drlc' allowed.drl 2>&1 >/dev/null | grep -c warning | grep -q '^0$'"
printf 'regions { primary = "us-east-1", secondary = "us-west-2" }\nprimary { resource Q: AWS::S3::Bucket {} }\nresource T: AWS::SNS::Topic {}\n' > blocks.drl
check "without --region a block gets a condition" sh -c "'$drlc' blocks.drl | grep -q '\"Condition\": \"IsPrimary\"'"
check "--region folds the conditions" sh -c "'$drlc' --region us-east-1 blocks.drl > folded.json && ! grep -q Condition folded.json && grep -q '\"Q\"' folded.json"
check "--region drops what the region lacks" sh -c "'$drlc' --region secondary blocks.drl | grep -c '\"Q\"' | grep -q '^0$'"
check "--region with an unknown region fails" [ "$(status "$drlc" --region eu-west-9 good.drl)" = 1 ]
check "--color=always colors" sh -c "'$drlc' --color=always bad.drl 2>&1 | grep -q '\[1;31merror'"

check "--source-map writes a map" sh -c "'$drlc' --source-map map.json blocks.drl >/dev/null && grep -q '\"location\": \"blocks.drl:2:20\"' map.json"
check "--source-map with errors writes nothing" sh -c "! '$drlc' --source-map map2.json bad.drl 2>/dev/null && [ ! -e map2.json ]"
check "--report prints Markdown" sh -c "'$drlc' --report blocks.drl | grep -q '^| Q | AWS::S3::Bucket | us-east-1 |'"

: > empty.drl
check "an empty file is an error, not a crash" [ "$(status "$drlc" empty.drl)" = 1 ]

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
