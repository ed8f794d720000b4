/*
 * parse.c: runs the scanner and parser over one source.
 *
 * Before scanning, the source must be valid UTF-8 without NUL bytes: the first bad byte is reported
 * with its offset and the file is not parsed (what follows it would only produce noise).
 */
#include "lexer.h"
#include "drl.tab.h"

typedef void *yyscan_t;
int yylex_init_extra(Lexer *extra, yyscan_t *scanner);
int yylex_destroy(yyscan_t scanner);
struct yy_buffer_state *yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);

static bool check_encoding(Ctx *cx, const Source *src) {
  long bad = utf8_invalid_offset(src->text, src->len, true);
  if (bad < 0) return true;
  Loc at = {src->id, (int)bad, (int)bad + 1};
  unsigned char byte = (unsigned char)src->text[bad];
  if (byte == 0) diag_error(cx, at, NULL, "NUL byte at byte offset %ld", bad);
  else diag_error(cx, at, NULL, "invalid UTF-8 (byte 0x%02x) at byte offset %ld", byte, bad);
  return false;
}

Node *parse_source(Ctx *cx, Source *src) {
  Lexer *lx = arena_alloc(cx->arena, sizeof *lx);
  lx->cx = cx;
  lx->src = src;
  if (src->len > (size_t)1 << 30 || !check_encoding(cx, src)) return ast_new(cx, S_BLOCK, (Loc){src->id, 0, 0});
  yyscan_t scanner;
  if (yylex_init_extra(lx, &scanner)) diag_fatal(cx, NO_LOC, "cannot start the scanner");
  yy_scan_bytes(src->text, (int)src->len, scanner);
  yyparse(scanner, lx);
  yylex_destroy(scanner);
  return lx->result ? lx->result : ast_new(cx, S_BLOCK, (Loc){src->id, 0, 0});
}
