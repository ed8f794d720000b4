#!/bin/sh
# Tests of the editor support in editors/ with the real editors, headless:
#   vscode-manifest  package.json / language-configuration.json / grammar agree
#   textmate         tmgrammar/*.drl, hand-written vscode-tmgrammar-test cases
#   textmate-shared  the TextMate scopes at the positions of expected.tsv
#   vim              syntax groups at expected.tsv, ftdetect, ftplugin, indent
#   vim-picture      docs/tour.svg (the README's picture) is what Vim shows for examples/tour.drl
#   emacs-compile    drl-mode.el byte-compiles without a warning
#   emacs-ert        faces at expected.tsv, interpolation, comments, indentation
# Prints one line per suite and then "N passed, N failed"; exits non-zero if any
# suite failed.  A missing editor (vim, emacs, node/npm) fails its suites; set
# DRL_EDITOR_TESTS_ALLOW_MISSING=1 to count them as skipped instead.
# Needs: vim (vim-nox), emacs (emacs-nox), node and npm.  The npm packages
# (vscode-tmgrammar-test) are installed into tests/editors/node_modules with
# "npm ci" when that directory is missing.

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(cd "$here/../.." && pwd) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/drl-editors.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
skipped=0

# result NAME STATUS LOG [DETAIL]: STATUS 0 = pass; prints the log on failure.
result() {
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
    echo "PASS  $1${4:+  ($4)}"
  else
    failed=$((failed + 1))
    echo "FAIL  $1${4:+  ($4)}"
    if [ -s "$3" ]; then
      sed 's/^/      /' "$3" | tail -n 60
    fi
  fi
}

# missing NAME WHAT: a tool is not installed.
missing() {
  if [ "${DRL_EDITOR_TESTS_ALLOW_MISSING:-0}" = 1 ]; then
    skipped=$((skipped + 1))
    echo "SKIP  $1  ($2 not found)"
  else
    failed=$((failed + 1))
    echo "FAIL  $1  ($2 not found; install it, or set DRL_EDITOR_TESTS_ALLOW_MISSING=1)"
  fi
}

have() { command -v "$1" >/dev/null 2>&1; }

grammar="$root/editors/vscode/syntaxes/drl.tmLanguage.json"

# ---------------------------------------------------------------- VS Code
if have node; then
  node - "$root/editors/vscode" >"$tmp/manifest.log" 2>&1 <<'EOF'
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const problems = [];
const check = (ok, msg) => { if (!ok) problems.push(msg); };
const pkg = read('package.json');
const langs = (pkg.contributes || {}).languages || [];
const grams = (pkg.contributes || {}).grammars || [];
const lang = langs.find((l) => l.id === 'drl');
check(lang, 'no language contribution with id "drl"');
if (lang) {
  check((lang.extensions || []).includes('.drl'), 'language drl lacks extension .drl');
  check(lang.configuration && fs.existsSync(path.join(dir, lang.configuration)),
        'language configuration file missing');
}
const gram = grams.find((g) => g.language === 'drl');
check(gram && gram.scopeName === 'source.drl', 'no grammar source.drl for language drl');
if (gram) {
  const g = read(gram.path);
  check(g.scopeName === 'source.drl', 'grammar scopeName is ' + g.scopeName);
}
const conf = read('language-configuration.json');
check(conf.comments && conf.comments.lineComment === '//', 'lineComment is not //');
check(conf.comments && JSON.stringify(conf.comments.blockComment) === '["/*","*/"]',
      'blockComment is not /* */');
for (const b of ['{', '[', '(']) {
  check((conf.brackets || []).some((p) => p[0] === b), 'brackets lack ' + b);
  check((conf.surroundingPairs || []).some((p) => p[0] === b), 'surroundingPairs lack ' + b);
}
const auto = (conf.autoClosingPairs || []).map((p) => (Array.isArray(p) ? p[0] : p.open));
for (const o of ['{', '[', '(', '"']) check(auto.includes(o), 'autoClosingPairs lack ' + o);
check((conf.surroundingPairs || []).some((p) => p[0] === '"'), 'surroundingPairs lack "');
check(fs.existsSync(path.join(dir, 'README.md')), 'README.md missing');
problems.forEach((p) => console.log(p));
process.exit(problems.length ? 1 : 0);
EOF
  result vscode-manifest $? "$tmp/manifest.log"
else
  missing vscode-manifest node
fi

# ---------------------------------------------------------------- TextMate
tmtest="$here/node_modules/.bin/vscode-tmgrammar-test"
if have node && have npm; then
  if [ ! -d "$here/node_modules" ] || [ ! -x "$tmtest" ]; then
    echo "      installing npm packages into tests/editors/node_modules (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund) >"$tmp/npm.log" 2>&1 || {
      sed 's/^/      /' "$tmp/npm.log" | tail -n 20
    }
  fi
  if [ -x "$tmtest" ]; then
    (cd "$here" && "$tmtest" -c -g "$grammar" 'tmgrammar/*.drl') >"$tmp/tm.log" 2>&1
    result textmate $? "$tmp/tm.log" "tmgrammar/*.drl"
    if node "$here/expected-to-tmtest.js" "$tmp/shared.drl" >"$tmp/tm-shared.log" 2>&1; then
      (cd "$here" && "$tmtest" -c -g "$grammar" "$tmp/shared.drl") >>"$tmp/tm-shared.log" 2>&1
      result textmate-shared $? "$tmp/tm-shared.log" \
        "$(grep -vc '^#' "$here/expected.tsv") positions of expected.tsv"
    else
      result textmate-shared 1 "$tmp/tm-shared.log"
    fi
  else
    result textmate 1 "$tmp/npm.log" "vscode-tmgrammar-test not installed"
    result textmate-shared 1 /dev/null "vscode-tmgrammar-test not installed"
  fi
else
  missing textmate "node/npm"
  missing textmate-shared "node/npm"
fi

# ---------------------------------------------------------------- Vim
if have vim; then
  DRL_TEST_DIR="$here" DRL_TEST_OUT="$tmp/vim.out" \
    vim -N -u NONE -i NONE -es -S "$here/vim-test.vim" </dev/null >"$tmp/vim.log" 2>&1
  status=$?
  [ -f "$tmp/vim.out" ] || { echo "vim wrote no result file" >>"$tmp/vim.log"; status=1; }
  cat "$tmp/vim.out" >>"$tmp/vim.log" 2>/dev/null
  result vim "$status" "$tmp/vim.log" "$(tail -n 1 "$tmp/vim.out" 2>/dev/null)"

  sh "$root/tools/highlight-svg.sh" "$root/examples/tour.drl" "$tmp/tour.svg" >"$tmp/picture.log" 2>&1
  status=$?
  if [ "$status" -eq 0 ] && ! cmp -s "$tmp/tour.svg" "$root/docs/tour.svg"; then
    echo "docs/tour.svg is out of date: sh tools/highlight-svg.sh examples/tour.drl docs/tour.svg" >>"$tmp/picture.log"
    status=1
  fi
  result vim-picture "$status" "$tmp/picture.log"
else
  missing vim vim
  missing vim-picture vim
fi

# ---------------------------------------------------------------- Emacs
if have emacs; then
  cp "$root/editors/emacs/drl-mode.el" "$tmp/drl-mode.el"
  emacs -Q --batch --eval '(setq byte-compile-error-on-warn t)' \
    -f batch-byte-compile "$tmp/drl-mode.el" >"$tmp/compile.log" 2>&1
  status=$?
  # Any output at all is a warning (Emacs versions differ in what stops it).
  if [ "$status" -eq 0 ] && grep -qi 'warn\|error' "$tmp/compile.log"; then status=1; fi
  result emacs-compile "$status" "$tmp/compile.log"

  emacs -Q --batch -l "$root/editors/emacs/drl-mode.el" -l "$here/drl-mode-test.el" \
    -f ert-run-tests-batch-and-exit >"$tmp/ert.log" 2>&1
  status=$?
  result emacs-ert "$status" "$tmp/ert.log" \
    "$(sed -n 's/^Ran \([0-9]* tests*\), \([0-9]*\) results* as expected.*/\1, \2 as expected/p' "$tmp/ert.log")"
else
  missing emacs-compile emacs
  missing emacs-ert emacs
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
