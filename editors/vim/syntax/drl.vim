" Vim syntax file
" Language:    DRL (the drlc deployment language, *.drl)
" Maintainer:  drlc project
" Categories and group names are listed in editors/README.md; the Emacs mode
" and the TextMate grammar use the same categories.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_,192-255

" Everything allowed inside ${ ... } (and at top level).
syn cluster drlExpr contains=drlBlockComment,drlString,drlBoolean,drlNull,drlNumber,
      \ drlOperator,drlKeyword,drlRegionRole,drlAttribute,drlBuiltin,drlMacroCall,
      \ drlPseudo,drlProperty,drlInterpBraces

" Operators first: where a later item starts at the same column it wins
" (comments over '/', numbers over '-').
syn match drlOperator "==\|!=\|<=\|>=\|&&\|||\|[=!?:+\-*/%.<>]"

" Names followed by '(' : builtins win over macro calls (defined later).
syn match drlMacroCall "\<\h\w*\ze\s*("
syn match drlBuiltin "\<\%(sub\|join\|split\|select\|base64\|get_azs\|import_value\|find_in_map\|if\|cidr\|ref\|file\|lower\|upper\|len\|keys\|range\)\ze\s*("

" Pseudo parameters (not when used as a key: 'suffix = ...').
syn match drlPseudo "\<\%(region\|account\|partition\|stack_name\|stack_id\|url_suffix\|suffix\|regions\|no_value\)\>\%(\s*=\%(=\)\@!\)\@!"

" Property names: PascalCase followed by '=' (not '==').
syn match drlProperty "\<\u\w*\ze\s*=\%(=\)\@!"

" Resource and parameter types: AWS::Service::Type, Custom::Thing.
syn match drlType "\<\h\w*\%(::\h\w*\)\+\%(<[^>]*>\)\="

" Resource attributes (lowercase keys of a resource block).
syn match drlAttribute "\<\%(depends_on\|deletion_policy\|update_replace_policy\|metadata\|condition\)\ze\s*=\%(=\)\@!"

" Keywords.  'condition', 'if', 'regions' depend on what follows them, so they
" are matches (a :syn keyword would beat every match).
syn keyword drlKeyword use stack for in else by_region
syn keyword drlKeyword let nextgroup=drlMacroName,drlDeclName skipwhite
syn keyword drlKeyword resource output nextgroup=drlDeclName skipwhite
syn keyword drlKeyword param nextgroup=drlDeclName skipwhite
syn keyword drlKeyword macro nextgroup=drlMacroName skipwhite
syn match drlKeyword "\<condition\>\ze\s\+\h" nextgroup=drlDeclName skipwhite
syn match drlKeyword "\<if\>\%(\s*(\)\@!"
syn match drlKeyword "^\s*\zsregions\>\ze\s*{"

" Region roles: primary/secondary everywhere, region before a string.
syn keyword drlRegionRole primary secondary
syn match drlRegionRole "\<region\>\ze\s*\""

" Declared names, and the type after 'param Name:' / 'resource Name:'.
" 'let name(params) =' defines a function: its name is a drlMacroName.
syn match drlDeclName "\h\w*\>\%(\s*(\)\@!" contained nextgroup=drlDeclColon skipwhite
syn match drlDeclColon ":" contained nextgroup=drlType skipwhite
syn match drlType "\h\w*\%(::\h\w*\)*\%(<[^>]*>\)\=" contained
syn match drlMacroName "\h\w*\ze\s*(" contained

syn keyword drlBoolean true false
syn keyword drlNull null

syn match drlNumber "\%(\w\|\.\)\@1<!-\=\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=\w\@!"

" Strings: single line, escapes, ${ expr } interpolation.  The interpolation
" ends at the } matching its ${: inner { } pairs and strings are regions too.
syn region drlString start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline
      \ contains=drlEscape,drlInterpolation,@Spell
syn match drlEscape +\\\%(["\\/ntr$]\|u{\x\{1,6}}\)+ contained
syn region drlInterpolation matchgroup=drlInterpolationDelim start=+\${+ end=+}+
      \ contained contains=@drlExpr
syn region drlInterpBraces start=+{+ end=+}+ contained transparent contains=@drlExpr

" Comments last, so they win over '/' and anything else at the same column.
syn region drlBlockComment start="/\*" end="\*/" contains=drlTodo,@Spell
syn match drlComment "//.*$" contains=drlTodo,@Spell
syn match drlDocComment "///\%(/\)\@!.*$" contains=drlTodo,@Spell
syn keyword drlTodo TODO FIXME XXX contained

syn sync ccomment drlBlockComment minlines=50

hi def link drlKeyword            Keyword
hi def link drlRegionRole         PreProc
hi def link drlAttribute          StorageClass
hi def link drlType               Type
hi def link drlProperty           Identifier
hi def link drlDeclName           Identifier
hi def link drlDeclColon          drlOperator
hi def link drlMacroName          Function
hi def link drlMacroCall          Function
hi def link drlBuiltin            Function
hi def link drlPseudo             Special
hi def link drlBoolean            Boolean
hi def link drlNull               Constant
hi def link drlNumber             Number
hi def link drlString             String
hi def link drlEscape             SpecialChar
hi def link drlInterpolationDelim Delimiter
hi def link drlOperator           Operator
hi def link drlComment            Comment
hi def link drlBlockComment       Comment
hi def link drlDocComment         SpecialComment
hi def link drlTodo               Todo

let b:current_syntax = 'drl'

let &cpo = s:cpo_save
unlet s:cpo_save
