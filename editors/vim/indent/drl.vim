" Vim indent file
" Language:    DRL (the drlc deployment language, *.drl)
" Maintainer:  drlc project
" Rules (the same as editors/emacs/drl-mode.el):
" - a line inside ( [ { is indented one 'shiftwidth' (2, set by the ftplugin)
"   more than the line where the expression holding the innermost open bracket
"   starts, or lines up with the first item after that bracket when one
"   follows it on its line;
" - a line starting with a closer lines up with the line of its opener;
" - a line after one ending in = (an assignment) is indented once more;
" - lines inside a /* */ comment keep their indentation.
" Brackets in strings, ${...} and comments do not count.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetDrlIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O
setlocal autoindent nolisp nosmartindent nocindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent< lisp< smartindent< cindent<'

if exists('*GetDrlIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Scans one line.  a:incomment: the line starts inside /* */.
" Returns [opened minus closed brackets, line ends inside /* */, index where
" a trailing comment starts (or the length of the line)].
function! s:Scan(line, incomment) abort
  let depth = 0
  let incomment = a:incomment
  " -1 = inside a string, N >= 0 = inside ${ } with N unclosed { of its own
  let stack = []
  let n = strlen(a:line)
  let code_end = n
  let i = 0
  while i < n
    let c = a:line[i]
    let d = a:line[i + 1]
    if incomment
      if c ==# '*' && d ==# '/'
        let incomment = 0
        let code_end = n
        let i += 1
      endif
    elseif empty(stack)
      if c ==# '/' && d ==# '/'
        let code_end = i
        break
      elseif c ==# '/' && d ==# '*'
        let incomment = 1
        let code_end = i
        let i += 1
      elseif c ==# '"'
        call add(stack, -1)
      elseif c =~# '[[({]'
        let depth += 1
      elseif c =~# '[])}]'
        let depth -= 1
      endif
    elseif stack[-1] < 0
      if c ==# '\'
        let i += 1
      elseif c ==# '"'
        call remove(stack, -1)
      elseif c ==# '$' && d ==# '{'
        call add(stack, 0)
        let i += 1
      endif
    else
      if c ==# '"'
        call add(stack, -1)
      elseif c ==# '{'
        let stack[-1] += 1
      elseif c ==# '}'
        if stack[-1] == 0
          call remove(stack, -1)
        else
          let stack[-1] -= 1
        endif
      endif
    endif
    let i += 1
  endwhile
  return [depth, incomment, code_end]
endfunction

" Does line a:lnum start inside a /* */ comment?
function! s:StartsInComment(lnum) abort
  if get(b:, 'current_syntax', '') ==# 'drl'
    let col = match(getline(a:lnum), '\S') + 1
    return col > 0 && getline(a:lnum)[col - 1 : col] !=# '/*'
          \ && synIDattr(synID(a:lnum, col, 0), 'name') ==# 'drlBlockComment'
  endif
  " Without syntax highlighting: look at the nearest earlier line that
  " mentions /* or */ (strings and // comments are understood).
  let l = a:lnum - 1
  while l > 0
    let text = getline(l)
    if text =~# '/\*\|\*/'
      return s:Scan(text, 0)[1]
    endif
    let l -= 1
  endwhile
  return 0
endfunction

" searchpair() skip test: is the bracket under the cursor in a string, an
" interpolation or a comment?
function! s:Skip() abort
  let [l, c] = [line('.'), col('.')]
  if get(b:, 'current_syntax', '') ==# 'drl'
    return synIDattr(synID(l, c, 0), 'name') =~# 'String\|Interp\|Escape\|Comment'
  endif
  if s:StartsInComment(l)
    return 1
  endif
  " In code exactly when a bracket here changes the scanned depth.
  let text = getline(l)
  let before = s:Scan(strpart(text, 0, c - 1), 0)
  let after = s:Scan(strpart(text, 0, c), 0)
  return before[0] == after[0] || before[1]
endfunction

let s:open = '[[({]'
let s:close = '[])}]'

" Indentation of the line where the expression holding the opener at
" (a:lnum, a:col) starts: the opener's line, or when that line starts inside
" brackets closed before the opener (a continued argument list), theirs.
function! s:AnchorIndent(lnum, col) abort
  let l = a:lnum
  while 1
    call cursor(l, 1)
    let [pl, pc] = searchpairpos(s:open, '', s:close, 'bnW', 's:Skip()')
    if pl <= 0
      break
    endif
    call cursor(pl, pc)
    let [cl, cc] = searchpairpos(s:open, '', s:close, 'nW', 's:Skip()')
    if cl > 0 && (cl < a:lnum || (cl == a:lnum && cc < a:col))
      let l = pl
    else
      break
    endif
  endwhile
  return indent(l)
endfunction

" The previous line of code (not blank, not only a comment), or 0.
function! s:PrevCodeLine(lnum) abort
  let l = prevnonblank(a:lnum - 1)
  while l > 0 && (s:StartsInComment(l) || getline(l) =~# '^\s*//')
    let l = prevnonblank(l - 1)
  endwhile
  return l
endfunction

function! GetDrlIndent(lnum) abort
  if s:StartsInComment(a:lnum)
    return -1
  endif
  let line = getline(a:lnum)
  " The innermost bracket still open where the line starts.
  call cursor(a:lnum, 1)
  let [ol, oc] = searchpairpos(s:open, '', s:close, 'bnW', 's:Skip()')
  " A line starting with its closer lines up with the line of its opener.
  if line =~# '^\s*[])}]'
    return ol > 0 ? s:AnchorIndent(ol, oc) : 0
  endif
  " A line after one ending in = (an assignment) continues it.
  let prev = s:PrevCodeLine(a:lnum)
  if prev > 0
    let ptext = getline(prev)
    let code = strpart(ptext, 0, s:Scan(ptext, 0)[2])
    if code =~# '\%(^\|[^=!<>]\)=\s*$'
      return indent(prev) + shiftwidth()
    endif
  endif
  if ol <= 0
    return 0
  endif
  " Items after the opener on its line: line up with the first of them.
  let otext = getline(ol)
  let rest = strpart(otext, oc)
  if rest !~# '^\s*\%(//\|/\*\|$\)'
    return strdisplaywidth(strpart(otext, 0, oc + strlen(matchstr(rest, '^\s*'))))
  endif
  return s:AnchorIndent(ol, oc) + shiftwidth()
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
