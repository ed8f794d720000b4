#!/bin/sh
# tools/highlight-svg.sh IN.drl OUT.svg: IN as Vim highlights it with editors/vim, as an SVG picture
# (tools/highlight-svg.vim says how).  The README shows docs/tour.svg, made from examples/tour.drl;
# tests/editors/run.sh checks that it is up to date.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 IN.drl OUT.svg" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
vim -N -u NONE -i NONE -n -E -s \
  --cmd "set runtimepath^=$root/editors/vim" --cmd 'filetype on' --cmd 'syntax on' \
  -c "let g:svg_out = '$2'" -c "source $root/tools/highlight-svg.vim" -c 'qa!' -- "$1" </dev/null
