" tools/highlight-svg.vim: writes the current buffer, coloured by Vim's own DRL syntax
" (editors/vim/syntax/drl.vim), as an SVG picture; tools/highlight-svg.sh runs it.
"
" The colour of each character comes from the innermost syntax item at it that the palette knows
" (synstack(), innermost first), so what the picture shows is what Vim highlights, group by group.
" The palette has one entry per category of editors/README.md; a group it does not know is plain
" text.  Output: the file named by g:svg_out.

let s:palette = {
      \ 'drlKeyword':            ['#a626a4', 'bold'],
      \ 'drlRegionRole':         ['#c18401', 'bold'],
      \ 'drlAttribute':          ['#986801', 'italic'],
      \ 'drlType':               ['#0184bc', ''],
      \ 'drlProperty':           ['#e45649', ''],
      \ 'drlDeclName':           ['#383a42', 'bold'],
      \ 'drlMacroName':          ['#4078f2', 'bold'],
      \ 'drlMacroCall':          ['#4078f2', ''],
      \ 'drlBuiltin':            ['#0e7c86', ''],
      \ 'drlPseudo':             ['#d7005f', 'italic'],
      \ 'drlBoolean':            ['#986801', ''],
      \ 'drlNull':               ['#986801', ''],
      \ 'drlNumber':             ['#986801', ''],
      \ 'drlEscape':             ['#ca1243', ''],
      \ 'drlInterpolationDelim': ['#ca1243', 'bold'],
      \ 'drlInterpolation':      ['#383a42', ''],
      \ 'drlString':             ['#50a14f', ''],
      \ 'drlOperator':           ['#696c77', ''],
      \ 'drlDeclColon':          ['#696c77', ''],
      \ 'drlComment':            ['#a0a1a7', 'italic'],
      \ 'drlBlockComment':       ['#a0a1a7', 'italic'],
      \ 'drlDocComment':         ['#7a82da', 'italic'],
      \ }
let s:plain = ['#383a42', '']
let s:font_size = 14
let s:char_width = 8.43   " 0.602 em: DejaVu Sans Mono, Menlo and Consolas alike
let s:line_height = 20
let s:margin = 16

function! s:style_at(line, col) abort
  for id in reverse(synstack(a:line, a:col))
    let name = synIDattr(id, 'name')
    if has_key(s:palette, name)
      return s:palette[name]
    endif
  endfor
  return s:plain
endfunction

function! s:escape(text) abort
  return substitute(substitute(substitute(a:text, '&', '\&amp;', 'g'), '<', '\&lt;', 'g'), '>', '\&gt;', 'g')
endfunction

function! s:tspan(text, style) abort
  let attrs = 'fill="' . a:style[0] . '"'
  if a:style[1] ==# 'bold'
    let attrs .= ' font-weight="bold"'
  elseif a:style[1] ==# 'italic'
    let attrs .= ' font-style="italic"'
  endif
  return '<tspan ' . attrs . '>' . s:escape(a:text) . '</tspan>'
endfunction

" One line as tspans: a run of bytes with one style becomes one tspan.
function! s:line_spans(lnum) abort
  let text = getline(a:lnum)
  let spans = ''
  let start = 0
  let style = []
  for col in range(1, strlen(text) + 1)
    let here = col <= strlen(text) ? s:style_at(a:lnum, col) : []
    if here != style
      if col > 1
        let spans .= s:tspan(strpart(text, start, col - 1 - start), style)
      endif
      let start = col - 1
      let style = here
    endif
  endfor
  return spans
endfunction

function! s:svg() abort
  let width = 0
  for lnum in range(1, line('$'))
    let width = max([width, strchars(getline(lnum))])
  endfor
  let w = float2nr(ceil(width * s:char_width)) + 2 * s:margin
  let h = line('$') * s:line_height + 2 * s:margin - (s:line_height - s:font_size)
  let out = [printf('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">', w, h, w, h),
        \ printf('<rect width="%d" height="%d" rx="6" fill="#fafafa" stroke="#d0d7de"/>', w, h),
        \ printf('<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="%d" fill="%s">', s:font_size, s:plain[0])]
  for lnum in range(1, line('$'))
    let y = s:margin + s:font_size + (lnum - 1) * s:line_height - 3
    call add(out, printf('<text x="%d" y="%d" xml:space="preserve">%s</text>', s:margin, y, s:line_spans(lnum)))
  endfor
  return out + ['</g>', '</svg>']
endfunction

call writefile(s:svg(), g:svg_out)
