/* test_lexer.c: the scanner's tokens, including strings split around interpolations. */
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "drl.tab.h"
#include "unit.h"

typedef void *yyscan_t;
int yylex_init_extra(Lexer *extra, yyscan_t *scanner);
int yylex_destroy(yyscan_t scanner);
struct yy_buffer_state *yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);
int yylex(YYSTYPE *yylval, Loc *yylloc, yyscan_t scanner);

/* Scans text into tokens; returns how many, with their codes, locations and the error count. */
static int scan(const char *text, int *tokens, Loc *locs, int max, int *errors) {
  Options opt = {0};
  Ctx cx;
  ctx_init(&cx, &opt);
  char *diags = NULL;
  size_t len;
  cx.err = open_memstream(&diags, &len);
  Lexer lx = {0};
  lx.cx = &cx;
  lx.src = source_add(&cx, "t.drl", ".", text, strlen(text), false);
  yyscan_t scanner;
  yylex_init_extra(&lx, &scanner);
  yy_scan_bytes(text, (int)strlen(text), scanner);
  int n = 0;
  YYSTYPE val;
  Loc loc;
  for (int t; n < max && (t = yylex(&val, &loc, scanner)) != 0; n++) {
    tokens[n] = t;
    locs[n] = loc;
  }
  yylex_destroy(scanner);
  fclose(cx.err);
  free(diags);
  *errors = cx.errors;
  ctx_free(&cx);
  return n;
}

typedef struct Case {
  const char *text;
  int tokens[16];
} Case;

static const Case cases[] = {
    {"resource X: AWS::S3::Bucket {}", {RESOURCE, IDENT, ':', TYPE, '{', '}'}},
    {"a == b != c && d || !e", {IDENT, EQ, IDENT, NE, IDENT, AND, IDENT, OR, '!', IDENT}},
    {"x <= 1 >= 2 < 3 > 4", {IDENT, LE, NUMBER, GE, NUMBER, '<', NUMBER, '>', NUMBER}},
    {"\"a${b}c\"", {STR_BEGIN, STR_TEXT, INTERP_BEGIN, IDENT, INTERP_END, STR_TEXT, STR_END}},
    {"\"${ {A = 1}.A }\"", {STR_BEGIN, INTERP_BEGIN, '{', IDENT, '=', NUMBER, '}', '.', IDENT, INTERP_END, STR_END}},
    {"\"${\"in${x}\"}\"", {STR_BEGIN, INTERP_BEGIN, STR_BEGIN, STR_TEXT, INTERP_BEGIN, IDENT, INTERP_END, STR_END, INTERP_END, STR_END}},
    {"\"\\${x} $ y\"", {STR_BEGIN, STR_TEXT, STR_TEXT, STR_TEXT, STR_TEXT, STR_END}},
    {"// c\n/* d \n */ 1.5e3 // e", {NUMBER}},
    {"primary secondary region regions by_region", {PRIMARY, SECONDARY, REGION, REGIONS, BY_REGION}},
    {"use let param macro for in if else true false null", {USE, LET, PARAM, MACRO, FOR, IN, IF, ELSE, TRUE, FALSE, NULL_}},
};

START_TEST(test_token_sequences) {
  const Case *c = &cases[_i];
  int tokens[32], errors;
  Loc locs[32];
  int n = scan(c->text, tokens, locs, 32, &errors);
  int want = 0;
  while (want < 16 && c->tokens[want]) want++;
  ck_assert_int_eq(errors, 0);
  ck_assert_int_eq(n, want);
  for (int i = 0; i < n; i++) ck_assert_int_eq(tokens[i], c->tokens[i]);
}
END_TEST

START_TEST(test_locations_are_byte_ranges) {
  int tokens[8], errors;
  Loc locs[8];
  int n = scan("  resource Foo", tokens, locs, 8, &errors);
  ck_assert_int_eq(n, 2);
  ck_assert_int_eq(locs[0].start, 2);
  ck_assert_int_eq(locs[0].end, 10);
  ck_assert_int_eq(locs[1].start, 11);
  ck_assert_int_eq(locs[1].end, 14);
}
END_TEST

START_TEST(test_lexical_errors_are_counted) {
  int tokens[8], errors;
  Loc locs[8];
  scan("\"open", tokens, locs, 8, &errors);
  ck_assert_int_eq(errors, 1);
  scan("@ #", tokens, locs, 8, &errors);
  ck_assert_int_eq(errors, 2);
  scan("\"\\q\"", tokens, locs, 8, &errors);
  ck_assert_int_eq(errors, 1);
  scan("/* never closed", tokens, locs, 8, &errors);
  ck_assert_int_eq(errors, 1);
}
END_TEST

Suite *lexer_suite(void) {
  Suite *s = suite_create("lexer");
  TCase *tc = tcase_create("tokens");
  tcase_add_loop_test(tc, test_token_sequences, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_locations_are_byte_ranges);
  tcase_add_test(tc, test_lexical_errors_are_counted);
  suite_add_tcase(s, tc);
  return s;
}
