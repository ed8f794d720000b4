#!/bin/sh
# tests/fmt/run.sh DRLC: `drlc fmt`.
#   cases/NAME.drl  formats to exactly cases/NAME.expected, which formats to itself; both compile
#                   to the same bytes (and exit status).
#   The repository's DRL files (tests/golden programs and modules, examples, stdlib): formatting is
#   idempotent, and the formatted programs compile to the same bytes as the originals, run in copies
#   of their directories with the options tests/golden/run.sh and tests/examples.sh use (modules and
#   the stdlib are checked through the programs that use them).  Then `drlc fmt --check` on every
#   .drl file of the repository: each must be formatted, except the inputs of tests/fmt/cases (which
#   are not, on purpose), the editor fixtures and fuzz regressions (fragments and hostile bytes), and
#   the golden programs that test syntax errors (which do not parse, so fmt reports them).
#   The command line: -w, --check, standard input, exit codes, atomic rewrite, syntax and usage errors.
set -u
drlc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cases=$root/tests/fmt/cases
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # check NAME COMMAND...: passes when the command succeeds
  name=$1; shift
  if "$@"; then ok; else bad "$name"; fi
}
# compile DIR OUT ARGS...: runs drlc ARGS... in DIR; OUT gets its standard output and exit status.
compile() {
  dir=$1 out=$2; shift 2
  (cd "$dir" && NO_COLOR=1 "$drlc" "$@" >"$out" 2>/dev/null; echo "exit $?" >>"$out")
}
# same_output NAME A B: A and B hold the same compile result.
same_output() {
  if cmp -s "$2" "$3"; then ok; else bad "$1"; diff "$2" "$3" | head -20; fi
}

# ---- cases with expected output -------------------------------------------------------------
for input in "$cases"/*.drl; do
  name=cases/$(basename "$input" .drl)
  expected=${input%.drl}.expected
  if ! "$drlc" fmt "$input" >"$tmp/out" 2>"$tmp/err"; then
    bad "$name.drl does not format:"; cat "$tmp/err"; continue
  fi
  if cmp -s "$tmp/out" "$expected"; then ok; else bad "$name.drl: output differs from $name.expected"; diff -u "$expected" "$tmp/out" | head -40; fi
  "$drlc" fmt - <"$expected" >"$tmp/again" 2>&1
  check "$name.expected formats to itself" cmp -s "$tmp/again" "$expected"
  compile "$cases" "$tmp/before" - <"$input"
  compile "$cases" "$tmp/after" - <"$tmp/out"
  same_output "$name.drl compiles to other bytes once formatted" "$tmp/before" "$tmp/after"
done

# ---- the repository's files -----------------------------------------------------------------
idempotent() { # idempotent FILE: fmt(fmt(FILE)) == fmt(FILE); leaves fmt(FILE) in $tmp/once
  if ! "$drlc" fmt "$1" >"$tmp/once" 2>"$tmp/err"; then bad "${1#"$root"/} does not format:"; cat "$tmp/err"; return 1; fi
  "$drlc" fmt - <"$tmp/once" >"$tmp/twice" 2>&1
  check "${1#"$root"/}: formatting is not idempotent" cmp -s "$tmp/once" "$tmp/twice"
}
# format_in_place FILE: replaces the copy FILE by its formatted text.
format_in_place() { idempotent "$1" && cp "$tmp/once" "$1"; }

# tests/golden: compile every program in a copy of the directory, format programs and modules, compile again.
mkdir "$tmp/golden" && cp -R "$root/tests/golden/." "$tmp/golden/"
programs=
for p in "$tmp"/golden/*.drl; do
  case ${p##*/} in error.*) ;; *) programs="$programs ${p##*/}" ;; esac
done
for p in $programs; do
  # shellcheck disable=SC2046
  compile "$tmp/golden" "$tmp/golden/$p.before" $(sed -n '1s|^// args: ||p' "$tmp/golden/$p") "$p"
done
for f in $programs modules/*.drl; do [ -f "$tmp/golden/$f" ] && format_in_place "$tmp/golden/$f"; done
for p in $programs; do
  # shellcheck disable=SC2046
  compile "$tmp/golden" "$tmp/golden/$p.after" $(sed -n '1s|^// args: ||p' "$tmp/golden/$p") "$p"
  same_output "tests/golden/$p compiles to other bytes once formatted" "$tmp/golden/$p.before" "$tmp/golden/$p.after"
done

# examples, from a copy of the repository's layout; the stdlib comes from copies too (-I), first as
# it is, then formatted.
mkdir -p "$tmp/ex/examples" "$tmp/ex/stdlib" && cp -R "$root/lambda" "$tmp/ex/lambda"
cp "$root"/examples/*.drl "$tmp/ex/examples/" && cp "$root"/stdlib/*.drl "$tmp/ex/stdlib/"
for e in "$tmp"/ex/examples/*.drl; do
  compile "$tmp/ex" "$e.before" -I stdlib --allow-read lambda "examples/$(basename "$e")"
done
for m in "$tmp"/ex/stdlib/*.drl; do
  printf 'use "%s"\nresource Probe: AWS::SNS::Topic {}\n' "$(basename "$m" .drl)" >"$m.probe"
  compile "$tmp/ex" "$m.before" -I stdlib "stdlib/$(basename "$m").probe"
done
for f in "$tmp"/ex/examples/*.drl "$tmp"/ex/stdlib/*.drl; do format_in_place "$f"; done
for e in "$tmp"/ex/examples/*.drl; do
  compile "$tmp/ex" "$e.after" -I stdlib --allow-read lambda "examples/$(basename "$e")"
  same_output "examples/$(basename "$e") compiles to other bytes once formatted" "$e.before" "$e.after"
done
for m in "$tmp"/ex/stdlib/*.drl; do
  compile "$tmp/ex" "$m.after" -I stdlib "stdlib/$(basename "$m").probe"
  same_output "a program using stdlib/$(basename "$m") compiles to other bytes once it is formatted" "$m.before" "$m.after"
done

# Are the repository's files formatted?
cd "$root" || exit 2
find . \( -name node_modules -o -name 'build*' -o -name .git \) -prune -o -name '*.drl' -print |
  sed 's|^\./||' | LC_ALL=C sort |
  grep -v -e '^tests/fmt/cases/' -e '^tests/editors/' -e '^tests/fuzz/regressions/' >"$tmp/drl-files"
check "the repository's .drl files are found" [ "$(wc -l <"$tmp/drl-files")" -gt 50 ]
while read -r f; do
  "$drlc" fmt --check "$f" >"$tmp/one" 2>"$tmp/err"
  status=$?
  if [ -s "$tmp/err" ]; then
    # Only the golden cases of syntax errors may fail to parse.
    case $f in tests/golden/error.*) ok ;; *) bad "$f does not parse:"; cat "$tmp/err" ;; esac
  elif [ "$status" -ne 0 ]; then
    bad "$f is not formatted (drlc fmt -w $f)"
  else
    ok
  fi
done <"$tmp/drl-files"

# ---- the command line -----------------------------------------------------------------------
cd "$tmp" || exit 2
status() { "$@" >out.txt 2>err.txt; echo $?; }
# shellcheck disable=SC2012 # ls -i is the portable way to read an inode number
inode() { ls -i "$1" | awk '{ print $1 }'; }
no_hidden_files() {
  for f in .[!.]* ..?*; do [ -e "$f" ] && return 1; done
  return 0
}
quiet() { [ ! -s out.txt ] && [ ! -s err.txt ]; }
cp "$cases/macros.drl" messy.drl
cp "$cases/macros.expected" neat.drl
printf 'regions { primary = "us-east-1", secondary = "us-west-2" }\nresource A: AWS::SQS::Queue { QueueName = }\nresource B AWS::SQS::Queue {}\n' >bad.drl
cp bad.drl bad.orig

check "fmt FILE exits 0" [ "$(status "$drlc" fmt messy.drl)" = 0 ]
check "fmt FILE prints the formatted program" cmp -s out.txt neat.drl
check "fmt FILE leaves FILE alone" cmp -s messy.drl "$cases/macros.drl"
check "fmt - reads standard input" [ "$(status "$drlc" fmt - <messy.drl)" = 0 ]
check "fmt - prints the formatted program" cmp -s out.txt neat.drl
{ printf '\357\273\277'; cat messy.drl; } >bom.drl
check "fmt drops a byte-order mark" [ "$(status "$drlc" fmt bom.drl)" = 0 ]
check "fmt drops a byte-order mark and formats the rest" cmp -s out.txt neat.drl
cat neat.drl neat.drl >two.txt
check "fmt FILE FILE exits 0" [ "$(status "$drlc" fmt neat.drl messy.drl)" = 0 ]
check "fmt FILE FILE prints both" cmp -s out.txt two.txt

check "--check on a formatted file exits 0" [ "$(status "$drlc" fmt --check neat.drl)" = 0 ]
check "--check on a formatted file prints nothing" [ ! -s out.txt ]
check "--check on an unformatted file exits 1" [ "$(status "$drlc" fmt --check neat.drl messy.drl)" = 1 ]
check "--check lists the unformatted file, only it" [ "$(cat out.txt)" = messy.drl ]
check "--check writes nothing" cmp -s messy.drl "$cases/macros.drl"
check "--check - reads standard input" [ "$(status "$drlc" fmt --check - <messy.drl)" = 1 ]

before=$(inode neat.drl)
check "-w on a formatted file exits 0" [ "$(status "$drlc" fmt -w neat.drl)" = 0 ]
check "-w does not rewrite a formatted file" [ "$(inode neat.drl)" = "$before" ]
before=$(inode messy.drl)
check "-w on an unformatted file exits 0" [ "$(status "$drlc" fmt -w messy.drl)" = 0 ]
check "-w prints nothing" quiet
check "-w rewrites the file" cmp -s messy.drl "$cases/macros.expected"
check "-w replaces the file by renaming a complete copy over it" [ "$(inode messy.drl)" != "$before" ]
check "-w leaves no temporary file" no_hidden_files

check "a syntax error exits 1" [ "$(status "$drlc" fmt bad.drl)" = 1 ]
check "a syntax error prints nothing on stdout" [ ! -s out.txt ]
check "a syntax error is located" grep -q '^bad\.drl:2:[0-9]*: error: ' err.txt
cp err.txt fmt-err.txt
"$drlc" bad.drl >/dev/null 2>compile-err.txt
check "a syntax error gets the compiler's diagnostics" cmp -s fmt-err.txt compile-err.txt
check "-w on a syntax error exits 1" [ "$(status "$drlc" fmt -w bad.drl)" = 1 ]
check "-w leaves a file with a syntax error alone" cmp -s bad.drl bad.orig
check "--check on a syntax error exits 1" [ "$(status "$drlc" fmt --check bad.drl neat.drl)" = 1 ]
check "--check does not list a file with a syntax error" [ ! -s out.txt ]
check "a missing file exits 1" [ "$(status "$drlc" fmt missing.drl)" = 1 ]
check "a missing file is named" grep -q "cannot read 'missing.drl'" err.txt

check "--help exits 0" [ "$(status "$drlc" fmt --help)" = 0 ]
check "--help shows the usage" grep -q '^Usage: drlc fmt' out.txt
check "no file is a usage error" [ "$(status "$drlc" fmt)" = 2 ]
check "an unknown option is a usage error" [ "$(status "$drlc" fmt --frobnicate neat.drl)" = 2 ]
check "the usage error names the option" grep -q "'--frobnicate'" err.txt
check "-w with --check is a usage error" [ "$(status "$drlc" fmt -w --check neat.drl)" = 2 ]
check "-w on standard input is a usage error" [ "$(status "$drlc" fmt -w -)" = 2 ]
check "a usage error writes nothing" cmp -s neat.drl "$cases/macros.expected"

echo "fmt: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
