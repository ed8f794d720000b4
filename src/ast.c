/*
 * ast.c: syntax tree constructors, a dump for tests, and doc comments.
 *
 * Nodes live in the compile's arena.  ast_dump prints a tree as an S-expression-like outline that the
 * unit tests compare against; it names every node kind, so a test sees exactly what the parser built.
 */
#include <string.h>

#include "drlc.h"

Node *ast_new(Ctx *cx, NodeKind kind, Loc loc) {
  Node *n = arena_alloc(cx->arena, sizeof *n);
  n->kind = kind;
  n->loc = loc;
  n->name_loc = loc;
  return n;
}

/* ORDER NodeKind */
static const char *const kind_names[] = {
    "str",   "text",     "num",   "bool",   "null",   "ident",     "pseudo",  "role",
    "list",  "object",   "field", "dot",    "index",  "call",      "arg",     "unary",
    "binary", "ternary", "by_region", "for_expr",
    "use",   "stack",    "regions", "param", "let",   "resource",  "output",  "condition",
    "region", "macro",   "for",   "if",     "block",  "call_stmt", "mparam",
};

const char *ast_kind_name(NodeKind kind) { return kind_names[kind]; }

static void dump_op(int op, Buf *out) {
  switch (op) {
  case OP_EQ: buf_adds(out, "=="); break;
  case OP_NE: buf_adds(out, "!="); break;
  case OP_AND: buf_adds(out, "&&"); break;
  case OP_OR: buf_adds(out, "||"); break;
  case OP_LE: buf_adds(out, "<="); break;
  case OP_GE: buf_adds(out, ">="); break;
  default: buf_addc(out, (char)op);
  }
}

static void dump_child(const char *label, const Node *n, Buf *out, int indent) {
  if (!n) return;
  buf_printf(out, "\n%*s%s: ", indent + 2, "", label);
  ast_dump(n, out, indent + 2);
}

void ast_dump(const Node *n, Buf *out, int indent) {
  buf_printf(out, "(%s", kind_names[n->kind]);
  if (n->name) buf_printf(out, " %s", n->name);
  if (n->kind == N_TEXT) {
    buf_adds(out, " \"");
    buf_add(out, n->text, n->len);
    buf_addc(out, '"');
  } else if (n->text) {
    buf_printf(out, " %s", n->text);
  }
  if (n->kind == N_BOOL) buf_adds(out, n->num ? " true" : " false");
  if (n->kind == N_UNARY || n->kind == N_BINARY) {
    buf_addc(out, ' ');
    dump_op(n->op, out);
  }
  if (n->doc) buf_printf(out, " doc=\"%s\"", n->doc);
  dump_child("key", n->keyexpr, out, indent);
  dump_child("cond", n->cond, out, indent);
  dump_child("lhs", n->lhs, out, indent);
  dump_child("rhs", n->rhs, out, indent);
  for (int i = 0; i < n->params.len; i++) dump_child("param", n->params.items[i], out, indent);
  for (int i = 0; i < n->items.len; i++) {
    buf_printf(out, "\n%*s", indent + 2, "");
    ast_dump(n->items.items[i], out, indent + 2);
  }
  buf_addc(out, ')');
}

/* Start of the line before the one that starts at `line_start`, or -1 at the top of the file. */
static int previous_line(const Source *s, int line_start) {
  if (line_start == 0) return -1;
  int i = line_start - 1;
  while (i > 0 && s->text[i - 1] != '\n') i--;
  return i;
}

static int skip_blanks(const Source *s, int i) {
  while ((size_t)i < s->len && (s->text[i] == ' ' || s->text[i] == '\t')) i++;
  return i;
}

const char *ast_doc_before(Ctx *cx, const Source *src, int offset) {
  int line = offset;
  while (line > 0 && src->text[line - 1] != '\n') line--;
  if (skip_blanks(src, line) != offset) return NULL; /* the statement does not start its line */
  int first = line;
  for (int p = previous_line(src, line); p >= 0; p = previous_line(src, p)) {
    int t = skip_blanks(src, p);
    if ((size_t)t + 3 > src->len || memcmp(src->text + t, "///", 3) != 0) break;
    first = p;
  }
  if (first == line) return NULL;
  Buf b = {.arena = cx->arena};
  for (int p = first; p < line;) {
    int t = skip_blanks(src, p) + 3;
    if (src->text[t] == ' ') t++;
    int e = t;
    while (src->text[e] != '\n') e++;
    int end = e;
    while (end > t && (src->text[end - 1] == ' ' || src->text[end - 1] == '\r')) end--;
    if (b.len) buf_addc(&b, '\n');
    buf_add(&b, src->text + t, (size_t)(end - t));
    p = e + 1;
  }
  const char *doc = arena_strdup(cx->arena, b.data ? b.data : "");
  buf_free(&b);
  return doc;
}
