/* test_parser.c: the trees the parser builds, compared as ast_dump outlines, and error recovery. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* Parses text and dumps the first statement (compactly: newlines and indentation squeezed). */
static char *dump_first(const char *text, int *errors) {
  Options opt = {0};
  Ctx cx;
  ctx_init(&cx, &opt);
  char *diags = NULL;
  size_t len;
  cx.err = open_memstream(&diags, &len);
  Source *src = source_add(&cx, "t.drl", ".", text, strlen(text), false);
  Node *prog = parse_source(&cx, src);
  Buf out = {0};
  if (prog->items.len) ast_dump(prog->items.items[0], &out, 0);
  fclose(cx.err);
  free(diags);
  *errors = cx.errors;
  ctx_free(&cx);
  char *r = strdup(out.data ? out.data : "");
  buf_free(&out);
  char *w = r;
  for (char *p = r; *p; p++) {
    if (*p == '\n') { *w++ = ' '; while (p[1] == ' ') p++; }
    else *w++ = *p;
  }
  *w = '\0';
  return r;
}

typedef struct Case {
  const char *text;
  const char *tree;
} Case;

static const Case cases[] = {
    {"let x = 1 + 2 * 3", "(let x lhs: (binary + lhs: (num 1) rhs: (binary * lhs: (num 2) rhs: (num 3))))"},
    {"let x = a || b && !c", "(let x lhs: (binary || lhs: (ident a) rhs: (binary && lhs: (ident b) rhs: (unary ! lhs: (ident c)))))"},
    {"let x = c ? a : b ? d : e",
     "(let x lhs: (ternary cond: (ident c) lhs: (ident a) rhs: (ternary cond: (ident b) lhs: (ident d) rhs: (ident e))))"},
    {"let x = T.Arn.Sub[0]", "(let x lhs: (index lhs: (dot Sub lhs: (dot Arn lhs: (ident T))) rhs: (num 0)))"},
    {"let x = \"a${b}\"", "(let x lhs: (str (text \"a\") (ident b)))"},
    {"let x = [for r in regions: r if r != \"x\"]",
     "(let x lhs: (for_expr r cond: (binary != lhs: (ident r) rhs: (str (text \"x\"))) lhs: (pseudo regions) rhs: (ident r)))"},
    {"let f(a, b = 2) = a", "(let f lhs: (ident a) param: (mparam a) param: (mparam b lhs: (num 2)))"},
    {"resource \"${id}Q\": AWS::SQS::Queue { A = 1, depends_on = [B] }",
     "(resource AWS::SQS::Queue key: (str (ident id) (text \"Q\")) rhs: (object (field A lhs: (num 1)) (field depends_on lhs: (list (ident B)))))"},
    {"param P: List<AWS::EC2::Subnet::Id> = \"a\" { no_echo = true }",
     "(param P List<AWS::EC2::Subnet::Id> lhs: (str (text \"a\")) rhs: (object (field no_echo lhs: (bool true))))"},
    {"primary { output O = X }", "(region primary (output key: (ident O) lhs: (ident X)))"},
    {"q(1, name = \"n\")", "(call_stmt q (arg lhs: (num 1)) (arg name lhs: (str (text \"n\"))))"},
    {"if a { } else if b { } else { }", "(if cond: (ident a) rhs: (if cond: (ident b) rhs: (block)))"},
    {"macro m(x) { for i in x { } }", "(macro m param: (mparam x) (for i lhs: (ident x)))"},
    {"/// Doc line\nresource R: AWS::SNS::Topic {}", "(resource AWS::SNS::Topic doc=\"Doc line\" key: (ident R) rhs: (object))"},
    {"let x = by_region { primary = 1 }", "(let x lhs: (by_region rhs: (object (field primary lhs: (num 1)))))"},
};

START_TEST(test_trees) {
  int errors;
  char *tree = dump_first(cases[_i].text, &errors);
  ck_assert_int_eq(errors, 0);
  ck_assert_str_eq(tree, cases[_i].tree);
  free(tree);
}
END_TEST

START_TEST(test_recovery_reports_every_statement) {
  int errors;
  char *tree = dump_first("let a = \nlet b = ]\nlet c = )\nresource R: AWS::SNS::Topic { X = }", &errors);
  ck_assert_int_ge(errors, 3);
  free(tree);
}
END_TEST

Suite *parser_suite(void) {
  Suite *s = suite_create("parser");
  TCase *tc = tcase_create("trees");
  tcase_add_loop_test(tc, test_trees, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_recovery_reports_every_statement);
  suite_add_tcase(s, tc);
  return s;
}
