/*
 * lexer.h: the state shared by the scanner (grammar/drl.l), the parser (grammar/drl.y) and parse.c.
 * One Lexer per source; it lives in the compile's arena.  No globals: flex is reentrant and bison pure.
 */
#ifndef DRLC_LEXER_H
#define DRLC_LEXER_H

#include "drlc.h"

enum { MAX_NESTING = 256 };

typedef struct Opener {
  char ch;  /* '{', '(', '[' or '$' for "${" */
  Loc loc;
} Opener;

typedef struct Lexer {
  Ctx *cx;
  Source *src;
  Node *result;              /* the parsed statements */
  int pos;                   /* byte offset of the next token */
  Opener open[MAX_NESTING];  /* brackets not yet closed, innermost last */
  int nopen;
  int interp_level[MAX_NESTING]; /* nopen at each open "${": its '}' closes the interpolation */
  int ninterp;
  Loc string_open;           /* the quote that opened the current string */
  bool lexical_error;        /* the scanner reported something */
  bool stopped;              /* nesting went past MAX_NESTING: the scanner ends the input early */
} Lexer;

#endif
