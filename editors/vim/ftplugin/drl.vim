" Vim filetype plugin
" Language:    DRL (the drlc deployment language, *.drl)
" Maintainer:  drlc project

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=//\ %s
" /// doc comments, // line comments, /* */ blocks with a leading ' * '.
setlocal comments=:///,://,s1:/*,mb:*,ex:*/
setlocal formatoptions-=t formatoptions+=croql
setlocal shiftwidth=2 softtabstop=2 expandtab
setlocal suffixesadd=.drl

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions<'
      \ . ' shiftwidth< softtabstop< expandtab< suffixesadd<'

let &cpo = s:cpo_save
unlet s:cpo_save
