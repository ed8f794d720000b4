" Headless test of editors/vim.  run.sh starts it as
"   DRL_TEST_DIR=tests/editors DRL_TEST_OUT=FILE \
"     vim -N -u NONE -i NONE -es -S tests/editors/vim-test.vim
" It checks filetype detection, the syntax group at every position listed in
" expected.tsv, the ftplugin settings and the indent script (gg=G on
" indent-bad.drl must give indent-good.drl, with and without syntax).
" Failures go to $DRL_TEST_OUT (one per line), then a line
" "vim: N passed, N failed"; any failure ends vim with :cquit (exit 1).

let s:dir = empty($DRL_TEST_DIR) ? expand('<sfile>:p:h') : fnamemodify($DRL_TEST_DIR, ':p')
let s:dir = substitute(s:dir, '/$', '', '')
let s:out = empty($DRL_TEST_OUT) ? s:dir . '/vim-test.out' : $DRL_TEST_OUT
let s:root = fnamemodify(s:dir, ':h:h')
let &runtimepath = s:root . '/editors/vim,' . $VIMRUNTIME
filetype plugin indent on
syntax on

let s:group = {
      \ 'keyword': 'drlKeyword', 'region-role': 'drlRegionRole',
      \ 'resource-attribute': 'drlAttribute', 'type': 'drlType',
      \ 'property': 'drlProperty', 'declaration': 'drlDeclName',
      \ 'macro-def': 'drlMacroName', 'macro-call': 'drlMacroCall',
      \ 'builtin': 'drlBuiltin', 'pseudo': 'drlPseudo',
      \ 'boolean': 'drlBoolean', 'null': 'drlNull', 'number': 'drlNumber',
      \ 'string': 'drlString', 'nested-string': 'drlString',
      \ 'escape': 'drlEscape', 'interp-begin': 'drlInterpolationDelim',
      \ 'interp-end': 'drlInterpolationDelim', 'interp-body': 'drlInterpolation',
      \ 'comment': 'drlComment', 'block-comment': 'drlBlockComment',
      \ 'doc-comment': 'drlDocComment', 'plain': '',
      \ }

let s:fail = []
let s:pass = 0
function! s:Check(ok, msg) abort
  if a:ok
    let s:pass += 1
  else
    call add(s:fail, a:msg)
  endif
endfunction

try
  " --- filetype detection and syntax groups -------------------------------
  execute 'edit ' . fnameescape(s:dir . '/sample.drl')
  call s:Check(&filetype ==# 'drl', 'filetype of sample.drl is "' . &filetype . '", not drl')
  call s:Check(get(b:, 'current_syntax', '') ==# 'drl', 'syntax/drl.vim was not loaded')
  syntax sync fromstart
  for s:row in readfile(s:dir . '/expected.tsv')
    if s:row =~# '^#' || s:row ==# ''
      continue
    endif
    let [s:l, s:c, s:cat, s:text] = split(s:row, '\t', 1)
    let [s:l, s:c] = [str2nr(s:l), str2nr(s:c)]
    if strpart(getline(s:l), s:c - 1, strlen(s:text)) !=# s:text
      call s:Check(0, printf('expected.tsv: %d:%d does not start with %s', s:l, s:c, s:text))
      continue
    endif
    let s:want = s:group[s:cat]
    let s:got = synIDattr(synID(s:l, s:c, 1), 'name')
    call s:Check(s:got ==# s:want, printf('syntax %d:%d %s: want %s (%s), got %s',
          \ s:l, s:c, string(s:text), s:want ==# '' ? '<none>' : s:want, s:cat,
          \ s:got ==# '' ? '<none>' : s:got))
  endfor

  " --- ftplugin ------------------------------------------------------------
  call s:Check(&l:commentstring ==# '// %s', 'commentstring is ' . string(&l:commentstring))
  call s:Check(&l:comments =~# '://', 'comments lacks //: ' . &l:comments)
  call s:Check(&l:comments =~# 's1:/\*', 'comments lacks /*: ' . &l:comments)
  call s:Check(&l:shiftwidth == 2, 'shiftwidth is ' . &l:shiftwidth)
  call s:Check(exists('b:undo_ftplugin'), 'b:undo_ftplugin not set')

  " --- indent (with syntax highlighting, then without: both code paths) ---
  for s:mode in ['syntax', 'nosyntax']
    execute 'edit! ' . fnameescape(s:dir . '/indent-bad.drl')
    if s:mode ==# 'nosyntax'
      setlocal syntax=OFF
    endif
    call s:Check(&l:indentexpr =~# 'Drl', 'indentexpr is ' . string(&l:indentexpr))
    normal! gg=G
    let s:want_lines = readfile(s:dir . '/indent-good.drl')
    let s:got_lines = getline(1, '$')
    let s:bad = 0
    for s:i in range(max([len(s:want_lines), len(s:got_lines)]))
      let s:w = get(s:want_lines, s:i, '<missing>')
      let s:g = get(s:got_lines, s:i, '<missing>')
      if s:w !=# s:g
        call add(s:fail, printf('indent (%s) line %d: want %s, got %s',
              \ s:mode, s:i + 1, string(s:w), string(s:g)))
        let s:bad += 1
      endif
    endfor
    if s:bad == 0
      let s:pass += 1
    endif
    set nomodified
  endfor
catch
  call add(s:fail, 'vim error: ' . v:exception . ' at ' . v:throwpoint)
endtry

call writefile(s:fail + [printf('vim: %d passed, %d failed', s:pass, len(s:fail))], s:out)
if empty(s:fail)
  qall!
else
  cquit!
endif
