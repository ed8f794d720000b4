" DRL source files (drlc).  ':set filetype' rather than ':setfiletype', so the
" DRL mode wins over any other detection of *.drl.
autocmd BufNewFile,BufRead *.drl set filetype=drl
