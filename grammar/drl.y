/*
 * drl.y: the DRL grammar.  A pure parser (no globals) over the reentrant scanner in drl.l.
 *
 * Newlines are not significant: fields and statements are separated by optional commas, which works
 * because no expression can continue with a token that starts a field or a statement.  Every node
 * carries its byte range.  Errors are reported by yyreport_syntax_error and parsing resumes at the
 * next statement or closing bracket, so one run reports many syntax errors.
 */
%code top {
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
/* The parser's stacks never grow (bracket nesting is capped by the scanner), so they never come
   from malloc and a fatal error that unwinds past the parser leaks nothing. */
#define YYINITDEPTH 10000
#define YYMAXDEPTH 10000
}

%code requires {
#include "lexer.h"
typedef void *yyscan_t;
}

%code {
int yylex(YYSTYPE *yylval, Loc *yylloc, yyscan_t scanner);
static void yyerror(Loc *loc, yyscan_t scanner, Lexer *lx, const char *msg);
#define NEW(kind, loc) ast_new(lx->cx, kind, loc)
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                     \
  do {                                                                  \
    if (N) {                                                            \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                               \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                             \
      (Cur).end = YYRHSLOC(Rhs, N).end;                                 \
    } else {                                                            \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                               \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                   \
    }                                                                   \
  } while (0)

static Node *push(Lexer *lx, Node *list, Node *item);
static Node *unary(Lexer *lx, int op, Node *e, Loc loc);
static Node *binary(Lexer *lx, int op, Node *a, Node *b, Loc loc);
static Node *deeper(Lexer *lx, Node *n, const Node *a, const Node *b);
static Node *number_node(Lexer *lx, const char *text, Loc loc);
static Node *named(Lexer *lx, NodeKind kind, const char *name, Loc loc);
static Node *documented(Lexer *lx, Node *n);
static Node *text_node(Lexer *lx, const char *s, size_t len, Loc loc);
}

%define api.pure full
%define api.location.type {Loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {Lexer *lx}
%initial-action { @$ = (Loc){lx->src->id, 0, 0}; }

%union {
  Node *node;
  const char *str;
  struct { const char *s; size_t len; } text;
}

%token END 0 "end of file"
%token <str> IDENT "identifier"
%token <str> NUMBER "number"
%token <str> TYPE "resource type"
%token <text> STR_TEXT "string text"
%token STR_BEGIN "string"
%token STR_END "end of string"
%token INTERP_BEGIN "${"
%token INTERP_END "'}' closing '${'"
%token USE "use" STACK "stack" REGIONS "regions" PARAM "param" LET "let" RESOURCE "resource"
%token OUTPUT "output" CONDITION "condition" PRIMARY "primary" SECONDARY "secondary" REGION "region"
%token MACRO "macro" FOR "for" IN "in" IF "if" ELSE "else" TRUE "true" FALSE "false" NULL_ "null"
%token BY_REGION "by_region"
%token EQ "==" NE "!=" AND "&&" OR "||" LE "<=" GE ">="

%type <node> stmts stmt block if_stmt name object fields field expr postfix primary list items item_list
%type <node> string parts args arg_list arg mparams mparam_list mparam opt_object opt_default key
%type <str> ptype

%right '?' ':'
%left OR
%left AND
%left EQ NE
%nonassoc '<' '>' LE GE
%left '+' '-'
%left '*' '/' '%'
%precedence '!' UMINUS

%%

program
  : stmts                        { lx->result = $1; }
  ;

stmts
  : %empty                       { $$ = NEW(S_BLOCK, @$); }
  | stmts stmt                   { $$ = push(lx, $1, $2); }
  | stmts error                  { $$ = $1; }
  ;

stmt
  : USE string                   { $$ = NEW(S_USE, @$); $$->keyexpr = $2; }
  | STACK object                 { $$ = NEW(S_STACK, @$); $$->rhs = $2; }
  | REGIONS object               { $$ = NEW(S_REGIONS, @$); $$->rhs = $2; }
  | PARAM IDENT ':' ptype opt_default opt_object
      { $$ = named(lx, S_PARAM, $2, @$); $$->name_loc = @2; $$->text = $4; $$->lhs = $5; $$->rhs = $6;
        documented(lx, $$); }
  | LET IDENT '=' expr           { $$ = named(lx, S_LET, $2, @$); $$->name_loc = @2; $$->lhs = $4; }
  | LET IDENT '(' mparams ')' '=' expr
      { $$ = named(lx, S_LET, $2, @$); $$->name_loc = @2; $$->params = $4->items; $$->lhs = $7; $$->op = '('; }
  | RESOURCE name ':' TYPE object
      { $$ = NEW(S_RESOURCE, @$); $$->keyexpr = $2; $$->name_loc = @2; $$->text = $4; $$->type_loc = @4; $$->rhs = $5;
        documented(lx, $$); }
  | OUTPUT name '=' expr opt_object
      { $$ = NEW(S_OUTPUT, @$); $$->keyexpr = $2; $$->name_loc = @2; $$->lhs = $4; $$->rhs = $5;
        documented(lx, $$); }
  | CONDITION name '=' expr      { $$ = NEW(S_CONDITION, @$); $$->keyexpr = $2; $$->name_loc = @2; $$->lhs = $4; }
  | PRIMARY block                { $$ = $2; $$->kind = S_REGION; $$->name = "primary"; $$->loc = @$; $$->name_loc = @1; }
  | SECONDARY block              { $$ = $2; $$->kind = S_REGION; $$->name = "secondary"; $$->loc = @$; $$->name_loc = @1; }
  | REGION expr block            { $$ = $3; $$->kind = S_REGION; $$->lhs = $2; $$->loc = @$; $$->name_loc = @2; }
  | MACRO IDENT '(' mparams ')' block
      { $$ = $6; $$->kind = S_MACRO; $$->name = $2; $$->name_loc = @2; $$->params = $4->items; $$->loc = @$; }
  | FOR IDENT IN expr block      { $$ = $5; $$->kind = S_FOR; $$->name = $2; $$->name_loc = @2; $$->lhs = $4; $$->loc = @$; }
  | if_stmt
  | IDENT '(' args ')'           { $$ = named(lx, S_CALL, $1, @$); $$->name_loc = @1; $$->items = $3->items; }
  ;

if_stmt
  : IF expr block                { $$ = $3; $$->kind = S_IF; $$->cond = $2; $$->loc = @$; }
  | IF expr block ELSE block     { $$ = $3; $$->kind = S_IF; $$->cond = $2; $$->rhs = $5; $$->loc = @$; }
  | IF expr block ELSE if_stmt   { $$ = $3; $$->kind = S_IF; $$->cond = $2; $$->rhs = $5; $$->loc = @$; }
  ;

block
  : '{' stmts '}'                { $$ = $2; $$->loc = @$; }
  ;

name
  : IDENT                        { $$ = named(lx, N_IDENT, $1, @$); }
  | string
  ;

ptype
  : IDENT                        { $$ = $1; }
  | TYPE                         { $$ = $1; }
  | IDENT '<' ptype '>'          { $$ = arena_printf(lx->cx->arena, "%s<%s>", $1, $3); }
  | TYPE '<' ptype '>'           { $$ = arena_printf(lx->cx->arena, "%s<%s>", $1, $3); }
  ;

opt_default
  : %empty                       { $$ = NULL; }
  | '=' expr                     { $$ = $2; }
  ;

opt_object
  : %empty                       { $$ = NULL; }
  | object
  ;

mparams
  : %empty                       { $$ = NEW(N_LIST, @$); }
  | mparam_list
  | mparam_list ','
  ;

mparam_list
  : mparam                       { $$ = push(lx, NEW(N_LIST, @$), $1); }
  | mparam_list ',' mparam       { $$ = push(lx, $1, $3); }
  ;

mparam
  : IDENT                        { $$ = named(lx, N_PARAM, $1, @$); $$->name_loc = @1; }
  | IDENT '=' expr               { $$ = named(lx, N_PARAM, $1, @$); $$->name_loc = @1; $$->lhs = $3; }
  ;

args
  : %empty                       { $$ = NEW(N_LIST, @$); }
  | arg_list
  | arg_list ','
  ;

arg_list
  : arg                          { $$ = push(lx, NEW(N_LIST, @$), $1); }
  | arg_list ',' arg             { $$ = push(lx, $1, $3); }
  ;

arg
  : expr                         { $$ = NEW(N_ARG, @$); $$->lhs = $1; }
  | IDENT '=' expr               { $$ = named(lx, N_ARG, $1, @$); $$->name_loc = @1; $$->lhs = $3; }
  ;

object
  : '{' fields '}'               { $$ = $2; $$->loc = @$; }
  | '{' fields error '}'         { $$ = $2; $$->loc = @$; }
  ;

fields
  : %empty                       { $$ = NEW(N_OBJECT, @$); }
  | fields field                 { $$ = push(lx, $1, $2); }
  | fields field ','             { $$ = push(lx, $1, $2); }
  ;

field
  : key '=' expr                 { $$ = $1; $$->lhs = $3; $$->loc = @$; }
  ;

key
  : IDENT                        { $$ = named(lx, N_FIELD, $1, @$); $$->name_loc = @$; }
  | string                       { $$ = NEW(N_FIELD, @$); $$->keyexpr = $1; $$->name_loc = @$; }
  | CONDITION                    { $$ = named(lx, N_FIELD, "condition", @$); $$->name_loc = @$; }
  | PRIMARY                      { $$ = named(lx, N_FIELD, "primary", @$); $$->name_loc = @$; }
  | SECONDARY                    { $$ = named(lx, N_FIELD, "secondary", @$); $$->name_loc = @$; }
  | REGION                       { $$ = named(lx, N_FIELD, "region", @$); $$->name_loc = @$; }
  | REGIONS                      { $$ = named(lx, N_FIELD, "regions", @$); $$->name_loc = @$; }
  | IF                           { $$ = named(lx, N_FIELD, "if", @$); $$->name_loc = @$; }
  ;

expr
  : expr '?' expr ':' expr       { $$ = NEW(N_TERNARY, @$); $$->cond = $1; $$->lhs = $3; $$->rhs = $5; deeper(lx, $$, $1, deeper(lx, $$, $3, $5)); }
  | expr OR expr                 { $$ = binary(lx, OP_OR, $1, $3, @$); }
  | expr AND expr                { $$ = binary(lx, OP_AND, $1, $3, @$); }
  | expr EQ expr                 { $$ = binary(lx, OP_EQ, $1, $3, @$); }
  | expr NE expr                 { $$ = binary(lx, OP_NE, $1, $3, @$); }
  | expr '<' expr                { $$ = binary(lx, '<', $1, $3, @$); }
  | expr '>' expr                { $$ = binary(lx, '>', $1, $3, @$); }
  | expr LE expr                 { $$ = binary(lx, OP_LE, $1, $3, @$); }
  | expr GE expr                 { $$ = binary(lx, OP_GE, $1, $3, @$); }
  | expr '+' expr                { $$ = binary(lx, '+', $1, $3, @$); }
  | expr '-' expr                { $$ = binary(lx, '-', $1, $3, @$); }
  | expr '*' expr                { $$ = binary(lx, '*', $1, $3, @$); }
  | expr '/' expr                { $$ = binary(lx, '/', $1, $3, @$); }
  | expr '%' expr                { $$ = binary(lx, '%', $1, $3, @$); }
  | '!' expr                     { $$ = unary(lx, '!', $2, @$); }
  | '-' expr %prec UMINUS        { $$ = unary(lx, '-', $2, @$); }
  | postfix
  ;

postfix
  : primary
  | postfix '.' IDENT            { $$ = named(lx, N_DOT, $3, @$); $$->lhs = $1; $$->name_loc = @3; deeper(lx, $$, $1, NULL); }
  | postfix '[' expr ']'         { $$ = NEW(N_INDEX, @$); $$->lhs = $1; $$->rhs = $3; deeper(lx, $$, $1, $3); }
  ;

primary
  : NUMBER                       { $$ = number_node(lx, $1, @$); }
  | TRUE                         { $$ = NEW(N_BOOL, @$); $$->num = 1; }
  | FALSE                        { $$ = NEW(N_BOOL, @$); $$->num = 0; }
  | NULL_                        { $$ = NEW(N_NULL, @$); }
  | string
  | IDENT                        { $$ = named(lx, N_IDENT, $1, @$); }
  | IDENT '(' args ')'           { $$ = named(lx, N_CALL, $1, @$); $$->name_loc = @1; $$->items = $3->items; }
  | IF '(' args ')'              { $$ = named(lx, N_CALL, "if", @$); $$->name_loc = @1; $$->items = $3->items; }
  | REGION                       { $$ = named(lx, N_PSEUDO, "region", @$); }
  | REGIONS                      { $$ = named(lx, N_PSEUDO, "regions", @$); }
  | PRIMARY                      { $$ = named(lx, N_ROLE, "primary", @$); }
  | SECONDARY                    { $$ = named(lx, N_ROLE, "secondary", @$); }
  | '(' expr ')'                 { $$ = $2; }
  | list
  | object
  | BY_REGION object             { $$ = NEW(N_BY_REGION, @$); $$->rhs = $2; }
  | '[' FOR IDENT IN expr ':' expr ']'
      { $$ = named(lx, N_FOR_EXPR, $3, @$); $$->name_loc = @3; $$->lhs = $5; $$->rhs = $7; }
  | '[' FOR IDENT IN expr ':' expr IF expr ']'
      { $$ = named(lx, N_FOR_EXPR, $3, @$); $$->name_loc = @3; $$->lhs = $5; $$->rhs = $7; $$->cond = $9; }
  ;

list
  : '[' items ']'                { $$ = $2; $$->loc = @$; }
  | '[' error ']'                { $$ = NEW(N_LIST, @$); }
  ;

items
  : %empty                       { $$ = NEW(N_LIST, @$); }
  | item_list
  | item_list ','
  ;

item_list
  : expr                         { $$ = push(lx, NEW(N_LIST, @$), $1); }
  | item_list ',' expr           { $$ = push(lx, $1, $3); }
  ;

string
  : STR_BEGIN parts STR_END      { $$ = $2; $$->loc = @$; }
  ;

parts
  : %empty                       { $$ = NEW(N_STR, @$); }
  | parts STR_TEXT               { $$ = push(lx, $1, text_node(lx, $2.s, $2.len, @2)); }
  | parts INTERP_BEGIN expr INTERP_END { $$ = push(lx, $1, $3); }
  | parts INTERP_BEGIN error INTERP_END { $$ = $1; }
  ;

%%

static Node *push(Lexer *lx, Node *list, Node *item) {
  vec_push(lx->cx->arena, &list->items, item);
  return list;
}

static Node *named(Lexer *lx, NodeKind kind, const char *name, Loc loc) {
  Node *n = NEW(kind, loc);
  n->name = name;
  return n;
}

/* A chain like 1+1+...+1 needs no bracket, so the scanner's nesting limit does not bound it. */
static Node *deeper(Lexer *lx, Node *n, const Node *a, const Node *b) {
  n->depth = 1 + (a && b && b->depth > a->depth ? b->depth : a ? a->depth : 0);
  if (n->depth == MAX_EXPR_DEPTH + 1) diag_error(lx->cx, n->loc, NULL, "expression nested deeper than %d levels", MAX_EXPR_DEPTH);
  return n;
}

static Node *unary(Lexer *lx, int op, Node *e, Loc loc) {
  Node *n = NEW(N_UNARY, loc);
  n->op = op;
  n->lhs = e;
  return deeper(lx, n, e, NULL);
}

static Node *binary(Lexer *lx, int op, Node *a, Node *b, Loc loc) {
  Node *n = NEW(N_BINARY, loc);
  n->op = op;
  n->lhs = a;
  n->rhs = b;
  return deeper(lx, n, a, b);
}

static Node *number_node(Lexer *lx, const char *text, Loc loc) {
  Node *n = NEW(N_NUM, loc);
  n->text = text;
  n->num = strtod(text, NULL);
  if (!isfinite(n->num)) {
    diag_error(lx->cx, loc, NULL, "number out of range: %.40s", text);
    n->num = 0;
  }
  return n;
}

static Node *text_node(Lexer *lx, const char *s, size_t len, Loc loc) {
  Node *n = NEW(N_TEXT, loc);
  n->text = s;
  n->len = len;
  return n;
}

static Node *documented(Lexer *lx, Node *n) {
  n->doc = ast_doc_before(lx->cx, lx->src, n->loc.start);
  return n;
}

/* The source text of a token, quoted for a message: "'}'", "identifier 'Foo'", "end of file". */
static const char *describe_token(Lexer *lx, yysymbol_kind_t kind, Loc loc) {
  Arena *a = lx->cx->arena;
  if (kind == YYSYMBOL_YYEOF) return "end of file";
  if (kind == YYSYMBOL_STR_BEGIN) return "string";
  int len = loc.end - loc.start;
  if (len > 40) len = 40;
  const char *text = lx->src->text + loc.start;
  if (kind == YYSYMBOL_IDENT || kind == YYSYMBOL_NUMBER || kind == YYSYMBOL_TYPE)
    return arena_printf(a, "%s '%.*s'", yysymbol_name(kind), len, text);
  return arena_printf(a, "'%.*s'", len, text);
}

static const char *expected_list(Lexer *lx, const yypcontext_t *ctx) {
  enum { MAX_SHOWN = 6 };
  yysymbol_kind_t expected[MAX_SHOWN + 1];
  int n = yypcontext_expected_tokens(ctx, expected, MAX_SHOWN + 1);
  if (n <= 0 || n > MAX_SHOWN) return NULL;
  Buf b = {0};
  for (int i = 0; i < n; i++) {
    const char *name = yysymbol_name(expected[i]);
    if (i) buf_adds(&b, i == n - 1 ? " or " : ", ");
    if (name[0] == '"') buf_printf(&b, "'%.*s'", (int)strlen(name) - 2, name + 1);
    else buf_adds(&b, name);
  }
  const char *r = arena_strdup(lx->cx->arena, b.data);
  buf_free(&b);
  return r;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, Lexer *lx) {
  (void)scanner;
  if (lx->stopped) return 0; /* the scanner cut the input short and said why */
  Loc loc = *yypcontext_location(ctx);
  yysymbol_kind_t tok = yypcontext_token(ctx);
  const char *what = describe_token(lx, tok, loc);
  const char *expected = expected_list(lx, ctx);
  if (tok == YYSYMBOL_YYEOF && lx->nopen > 0) {
    Opener *o = &lx->open[lx->nopen - 1];
    char close = o->ch == '(' ? ')' : o->ch == '[' ? ']' : '}';
    diag_error(lx->cx, loc, NULL, "unexpected end of file: missing '%c'", close);
    diag_note(lx->cx, o->loc, "to close '%s' opened here", o->ch == '$' ? "${" : (char[]){o->ch, 0});
    return 0;
  }
  if (expected) diag_error(lx->cx, loc, NULL, "unexpected %s; expected %s", what, expected);
  else diag_error(lx->cx, loc, NULL, "unexpected %s", what);
  return 0;
}

static void yyerror(Loc *loc, yyscan_t scanner, Lexer *lx, const char *msg) {
  (void)scanner;
  diag_error(lx->cx, *loc, NULL, "%s", msg);
}
