/*
 * fmt.c: `drlc fmt`, the canonical layout of DRL source.
 *
 * The job: print a program that parses with the same tokens in the same order, every comment kept,
 * laid out by the rules below; nothing else changes.  How:
 *   1. parse_source() first, so that a file that does not parse gets the compiler's own diagnostics.
 *   2. A tokenizer of its own reads the text again, because the flex scanner drops comments and line
 *      breaks: words, punctuation, brackets, comments, and each string literal as one token with its
 *      escapes and ${...} interpolations (nested strings too), copied byte for byte.  Every token
 *      knows how many newlines came before it.
 *   3. The syntax tree marks the first token of each statement and each object field (the grammar
 *      needs no separator between them); the neighbours of each bracket tell what it opens.
 *   4. A printer walks the bracket structure and decides the line breaks; then the '=' of
 *      consecutive `key = value` lines are aligned by a pass over the printed text.
 *   5. The result is parsed again and its tree compared with the input's (all that ast_dump shows):
 *      a formatter bug becomes an internal error instead of a changed program.
 *
 * Layout (docs/fmt.md says the same for users):
 *   - 2 spaces of indentation per level of { [ (; one statement per line; no trailing whitespace;
 *     exactly one newline at the end of the file (an empty file stays empty).
 *   - A group -- block, object, list, call arguments, macro or function parameters -- written on one
 *     line stays on one line if its closing bracket ends by column 100 (a block of several
 *     statements never does): `{ a = 1, b = 2 }`, `[1, 2]`, `f(a, b)`, no trailing comma.  Otherwise
 *     it has one item per line, with a trailing comma in lists and argument lists and no commas in
 *     objects.  A multi-line list or argument list whose only item is a list or object written on
 *     the same lines hugs it: `f([` ... `])`, `[{` ... `}]`.
 *   - Parentheses, index brackets and [for ...] are never broken by the formatter: they keep a line
 *     break written right after the opening bracket or right before the closing one.
 *   - Inside an item, a line break written in the source is kept (a continuation line, indented 2
 *     more than the item), except before '{', 'else', '.', the ':' of a header or [for ...], the '('
 *     of a call, the '[' of an index and the '<' '>' of a parameter type, which join the line above.
 *   - Spaces around '=', binary operators, '?' and the ':' of a ternary; `name: Type`,
 *     `[for x in xs: e]`; none around '.', after unary '-' and '!', inside ( ) and [ ], before the
 *     '(' of a call and the '[' of an index, or inside `List<String>`.
 *   - In a multi-line object or argument list, the '=' of consecutive `key = value` lines line up.
 *     A run ends at a blank line, a comment line, any other item, or after an item that spans
 *     several lines (whose first line still lines up).  The padding is not counted for the 100
 *     columns, so that no line-breaking decision depends on it.
 *   - Blank lines between statements, items and comment lines are kept, at most one; none after an
 *     opening bracket, before a closing one, inside an item or at the top of the file.
 *   - A comment after code stays on that line, one space after it; a comment on its own line stays on
 *     its own line, indented like what follows it; a block comment that starts a line with code after
 *     it stays in front of that code.  Comments lose their trailing blanks (/// doc comments only
 *     spaces and CRs, as the compiler reads them) and are otherwise copied as written.
 *
 * Invariants: every token other than ',' is printed byte for byte, in source order.  Commas only
 * separate the items of lists, arguments, parameters and objects, so they are dropped and printed
 * again where the layout wants them (a comment between an item and its comma ends up after the
 * comma).  Every decision depends only on the tokens and on the source line breaks that the output
 * reproduces: that makes formatting idempotent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

enum { WIDTH = 100, INDENT = 2, MAX_DEPTH = 512 };

typedef enum TokKind { T_WORD, T_STR, T_PUNCT, T_OPEN, T_CLOSE, T_LINE_COMMENT, T_BLOCK_COMMENT } TokKind;

/* What a bracket opens: its items are statements, fields, comma-separated expressions, or one
   expression (G_PAREN, G_INDEX, G_FOR). */
typedef enum Group { G_BLOCK, G_OBJECT, G_LIST, G_ARGS, G_PAREN, G_INDEX, G_FOR } Group;

/* How a group is printed. */
typedef enum Mode {
  M_EMPTY,     /* {} [] () */
  M_ONE_LINE,  /* { a = 1, b = 2 } */
  M_INLINE,    /* ( ... ) as written, for the one-expression groups */
  M_HUG,       /* f([ ... ]): the only item is a multi-line group */
  M_MULTI,     /* one item per line */
} Mode;

enum { /* Tok.flags */
  F_STMT = 1,      /* the first token of a statement */
  F_FIELD = 2,     /* the first token of an object field */
  F_UNARY = 4,     /* '-' or '!' in front of its operand */
  F_TERNARY = 8,   /* the ':' of a ternary */
  F_TYPE = 16,     /* '<' or '>' of a parameter type */
  F_IF_CALL = 32,  /* the function if(cond, a, b) */
};

typedef struct Tok {
  TokKind kind;
  int start, end;      /* bytes of the source */
  int nl;              /* newlines between the previous token (or comment) and this one */
  int line, end_line;  /* source lines of the first and the last byte */
  int match;           /* T_OPEN, T_CLOSE: the other bracket */
  Group group;         /* T_OPEN, T_CLOSE */
  unsigned flags;
} Tok;

/* A `key = value` item that starts a line, for the alignment pass. */
typedef struct Align {
  int group;           /* its opening bracket */
  int line, end_line;  /* output lines of its first and last line */
  size_t at;           /* output offset right after the key */
  int width, pad;
} Align;

/* Where the printer is in the output.  Indentation and spaces are written lazily, with the next
   text, so that no line ends in a blank. */
typedef struct Out {
  Buf *buf;
  bool bol;      /* at the beginning of a line: `indent` spaces are due */
  bool space;    /* a space is due before the next text */
  bool need_nl;  /* a // comment was written: the next text goes on a new line */
  int indent;    /* indentation of the current line */
  int lines;     /* newlines written */
} Out;

typedef struct Fmt {
  const char *text;
  size_t len;
  Buf tokbuf;      /* Tok[] */
  Tok *toks;
  int ntoks;
  Buf aligns;      /* Align[] */
  Out o;
  int flat;        /* > 0 while printing or measuring a group kept on one line */
  bool too_wide;   /* measuring met a group that cannot be on one line */
} Fmt;

/* ---- the tokenizer ------------------------------------------------------------------------ */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_word_char(char c) { return is_alnum(c) || c == '_'; }
static bool is_comment(const Tok *t) { return t->kind == T_LINE_COMMENT || t->kind == T_BLOCK_COMMENT; }

static size_t skip_digits(const char *s, size_t i) {
  while (is_digit(s[i])) i++;
  return i;
}

/* NUMBER of drl.l: digits, an optional fraction, an optional exponent. */
static size_t scan_number(const char *s, size_t i) {
  i = skip_digits(s, i);
  if (s[i] == '.' && is_digit(s[i + 1])) i = skip_digits(s, i + 1);
  if (s[i] == 'e' || s[i] == 'E') {
    size_t e = i + 1 + (s[i + 1] == '+' || s[i + 1] == '-');
    if (is_digit(s[e])) i = skip_digits(s, e);
  }
  return i;
}

/* The longer of drl.l's IDENT and TYPEID (AWS::SQS::Queue) at i. */
static size_t scan_word(const char *s, size_t i) {
  size_t ident = i, type = i;
  while (is_word_char(s[ident])) ident++;
  while (is_alnum(s[type])) type++;
  size_t parts = type;
  while (type > i && s[parts] == ':' && s[parts + 1] == ':' && is_alnum(s[parts + 2])) {
    parts += 2;
    while (is_alnum(s[parts])) parts++;
  }
  return parts > type && parts > ident ? parts : ident;
}

static size_t skip_line(const char *s, size_t len, size_t i) {
  while (i < len && s[i] != '\n') i++;
  return i;
}

static size_t skip_block_comment(const char *s, size_t len, size_t i) {
  for (i += 2; i + 1 < len; i++)
    if (s[i] == '*' && s[i + 1] == '/') return i + 2;
  return len;
}

static size_t scan_string(const char *s, size_t len, size_t i);

/* Past the '}' that ends the interpolation whose code starts at i. */
static size_t skip_interpolation(const char *s, size_t len, size_t i) {
  int depth = 0;
  while (i < len) {
    if (s[i] == '"') i = scan_string(s, len, i);
    else if (s[i] == '/' && s[i + 1] == '/') i = skip_line(s, len, i);
    else if (s[i] == '/' && s[i + 1] == '*') i = skip_block_comment(s, len, i);
    else if (s[i] == '}' && depth == 0) return i + 1;
    else {
      depth += (s[i] == '{') - (s[i] == '}');
      i++;
    }
  }
  return len;
}

/* Past the string literal that opens at i: its escapes and interpolations are part of it. */
static size_t scan_string(const char *s, size_t len, size_t i) {
  for (i++; i < len && s[i] != '"' && s[i] != '\n';) {
    if (s[i] == '\\' && i + 1 < len && s[i + 1] != '\n') i += 2;
    else if (s[i] == '$' && s[i + 1] == '{') i = skip_interpolation(s, len, i + 2);
    else i++;
  }
  return i < len && s[i] == '"' ? i + 1 : i;
}

/* Past the punctuation at i: drl.l's two-character operators, or one character. */
static size_t scan_punct(const char *s, size_t i) {
  static const char pairs[][3] = {"==", "!=", "&&", "||", "<=", ">="};
  for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++)
    if (s[i] == pairs[k][0] && s[i + 1] == pairs[k][1]) return i + 2;
  return i + 1;
}

/* The kind of the token at i, and where it ends. */
static size_t scan_token(const char *s, size_t len, size_t i, TokKind *kind) {
  char c = s[i];
  *kind = T_PUNCT;
  if (c == '/' && s[i + 1] == '/') *kind = T_LINE_COMMENT;
  else if (c == '/' && s[i + 1] == '*') *kind = T_BLOCK_COMMENT;
  else if (c == '"') *kind = T_STR;
  else if (is_word_char(c)) *kind = T_WORD;
  else if (c == '{' || c == '(' || c == '[') *kind = T_OPEN;
  else if (c == '}' || c == ')' || c == ']') *kind = T_CLOSE;
  switch (*kind) {
  case T_LINE_COMMENT: return skip_line(s, len, i);
  case T_BLOCK_COMMENT: return skip_block_comment(s, len, i);
  case T_STR: return scan_string(s, len, i);
  case T_WORD: return is_digit(c) ? scan_number(s, i) : scan_word(s, i);
  case T_PUNCT: return scan_punct(s, i);
  default: return i + 1;
  }
}

static int count_newlines(const char *s, size_t n) {
  int lines = 0;
  for (size_t i = 0; i < n; i++) lines += s[i] == '\n';
  return lines;
}

static void tokenize(Fmt *f) {
  int line = 1, nl = 0;
  size_t bom = f->len >= 3 && memcmp(f->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* dropped, as the scanner does */
  for (size_t i = bom; i < f->len;) {
    char c = f->text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      nl += c == '\n';
      line += c == '\n';
      i++;
      continue;
    }
    Tok t = {.start = (int)i, .nl = nl, .line = line, .match = -1};
    i = scan_token(f->text, f->len, i, &t.kind);
    t.end = (int)i;
    line = t.end_line = line + count_newlines(f->text + t.start, i - (size_t)t.start);
    nl = 0;
    buf_add(&f->tokbuf, (const char *)&t, sizeof t);
  }
  f->toks = (Tok *)(void *)f->tokbuf.data;
  f->ntoks = (int)(f->tokbuf.len / sizeof(Tok));
}

/* Pairs the brackets; false if they do not pair up (which a program that parsed cannot do). */
static bool match_brackets(Fmt *f) {
  int stack[MAX_DEPTH], depth = 0;
  for (int i = 0; i < f->ntoks; i++) {
    Tok *t = &f->toks[i];
    if (t->kind == T_OPEN && depth == MAX_DEPTH) return false;
    if (t->kind == T_OPEN) stack[depth++] = i;
    if (t->kind != T_CLOSE) continue;
    if (depth == 0) return false;
    t->match = stack[--depth];
    f->toks[t->match].match = i;
  }
  return depth == 0;
}

/* ---- what each token is -------------------------------------------------------------------- */

static const char *const keywords[] = {
  "use", "stack", "regions", "param", "let", "resource", "output", "condition", "primary", "secondary",
  "region", "macro", "for", "in", "if", "else", "true", "false", "null", "by_region",
};
/* The keywords that never end an operand (the others can be values: true, region, primary, ...). */
static const char *const non_values[] = {
  "use", "stack", "param", "let", "resource", "output", "condition", "macro", "for", "in", "if", "else",
  "by_region",
};

static bool tok_is(const Fmt *f, int i, const char *s) {
  if (i < 0 || i >= f->ntoks) return false;
  size_t n = strlen(s);
  const Tok *t = &f->toks[i];
  return (size_t)(t->end - t->start) == n && memcmp(f->text + t->start, s, n) == 0;
}

static bool tok_in(const Fmt *f, int i, const char *const *list, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (tok_is(f, i, list[k])) return true;
  return false;
}

static bool is_punct(const Fmt *f, int i, char c) {
  return i >= 0 && i < f->ntoks && f->toks[i].kind == T_PUNCT && f->toks[i].end - f->toks[i].start == 1 &&
         f->text[f->toks[i].start] == c;
}

static bool is_comma(const Fmt *f, int i) { return is_punct(f, i, ','); }

static char first_char(const Fmt *f, int i) { return f->text[f->toks[i].start]; }

/* A name that a '(' after it calls: not a keyword, a number or a resource type. */
static bool is_identifier(const Fmt *f, int i) {
  const Tok *t = &f->toks[i];
  return t->kind == T_WORD && !is_digit(first_char(f, i)) &&
         !memchr(f->text + t->start, ':', (size_t)(t->end - t->start)) &&
         !tok_in(f, i, keywords, sizeof keywords / sizeof *keywords);
}

/* Can token i be the end of an operand, so that a '-' after it subtracts and a '[' indexes? */
static bool ends_operand(const Fmt *f, int i) {
  if (i < 0) return false;
  const Tok *t = &f->toks[i];
  if (t->kind == T_STR || t->kind == T_CLOSE) return true;
  return t->kind == T_WORD && !(t->flags & F_STMT) && !tok_in(f, i, non_values, sizeof non_values / sizeof *non_values);
}

/* The next token after i that is not a comment (f->ntoks at the end). */
static int next_code(const Fmt *f, int i) {
  for (i++; i < f->ntoks && is_comment(&f->toks[i]); i++) {}
  return i;
}

/* The last token of the element at i: the closing bracket of a group, or i itself. */
static int elem_end(const Fmt *f, int i) { return f->toks[i].kind == T_OPEN ? f->toks[i].match : i; }

/* The token that starts at byte `at`, or -1. */
static int token_at(const Fmt *f, int at) {
  int lo = 0, hi = f->ntoks - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (f->toks[mid].start == at) return mid;
    if (f->toks[mid].start < at) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

static bool holds_statements(NodeKind k) {
  return k == S_BLOCK || k == S_REGION || k == S_MACRO || k == S_FOR || k == S_IF;
}

/* Flags the first token of every statement and every object field in the tree.  Loops down the
   left operands, which is where long chains (a + b + c ...) grow. */
static void mark_tree(Fmt *f, const Node *n) {
  for (; n; n = n->lhs) {
    unsigned flag = n->kind == N_OBJECT ? F_FIELD : holds_statements(n->kind) ? F_STMT : 0;
    for (int i = 0; i < n->items.len; i++) {
      const Node *item = n->items.items[i];
      int t = flag ? token_at(f, item->loc.start) : -1;
      if (t >= 0) f->toks[t].flags |= flag;
      mark_tree(f, item);
    }
    for (int i = 0; i < n->params.len; i++) mark_tree(f, n->params.items[i]);
    mark_tree(f, n->keyexpr);
    mark_tree(f, n->cond);
    mark_tree(f, n->rhs);
  }
}

static void classify_open(Fmt *f, int i, int prev) {
  Tok *t = &f->toks[i];
  int next = next_code(f, i);
  char c = first_char(f, i);
  if (c == '{') t->group = next < t->match && (f->toks[next].flags & F_STMT) ? G_BLOCK : G_OBJECT;
  else if (c == '(')
    t->group = prev >= 0 && (is_identifier(f, prev) || (f->toks[prev].flags & F_IF_CALL)) ? G_ARGS : G_PAREN;
  else t->group = tok_is(f, next, "for") ? G_FOR : ends_operand(f, prev) ? G_INDEX : G_LIST;
  f->toks[t->match].group = t->group;
}

/* `if` opens a statement, filters a [for ...], names a field, or calls the function if(). */
static void classify_if(Fmt *f, int i, int prev) {
  if ((f->toks[i].flags & F_STMT) || tok_is(f, prev, "else") || is_punct(f, next_code(f, i), '=')) return;
  if (!ends_operand(f, prev)) f->toks[i].flags |= F_IF_CALL;
}

/* `pending` counts the '?' of this bracket level still waiting for their ':'. */
static void classify_punct(Fmt *f, int i, int prev, int *pending) {
  Tok *t = &f->toks[i];
  if (t->end - t->start != 1) return;
  char c = first_char(f, i);
  if (c == '!' || (c == '-' && !ends_operand(f, prev))) t->flags |= F_UNARY;
  else if (c == '?') ++*pending;
  else if (c == ':' && *pending > 0) {
    t->flags |= F_TERNARY;
    --*pending;
  }
}

/* Flags the '<' and '>' of the parameter type that starts at token i; returns its last token. */
static int mark_type(Fmt *f, int i) {
  int lt = next_code(f, i);
  if (!is_punct(f, lt, '<')) return i;
  f->toks[lt].flags |= F_TYPE;
  int gt = next_code(f, mark_type(f, next_code(f, lt)));
  if (gt < f->ntoks) f->toks[gt].flags |= F_TYPE;
  return gt;
}

static void classify(Fmt *f) {
  int pending[MAX_DEPTH + 1] = {0}, depth = 0, prev = -1;
  for (int i = 0; i < f->ntoks; i++) {
    Tok *t = &f->toks[i];
    if (is_comment(t)) continue;
    if (t->kind == T_OPEN) {
      classify_open(f, i, prev);
      pending[++depth] = 0;
    } else if (t->kind == T_CLOSE) depth--;
    else if (t->kind == T_PUNCT) classify_punct(f, i, prev, &pending[depth]);
    else if (tok_is(f, i, "if")) classify_if(f, i, prev);
    else if (tok_is(f, i, "param") && (t->flags & F_STMT)) mark_type(f, next_code(f, next_code(f, next_code(f, i))));
    prev = i;
  }
}

/* ---- output -------------------------------------------------------------------------------- */

/* Columns taken by UTF-8 text: one per character. */
static int display_width(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
  return w;
}

static void newline(Out *o) {
  buf_addc(o->buf, '\n');
  o->lines++;
}

static void put(Fmt *f, const char *s, size_t n) {
  Out *o = &f->o;
  if (o->need_nl && !o->bol) {
    newline(o);
    o->bol = true;
  }
  if (o->bol) buf_printf(o->buf, "%*s", o->indent, "");
  else if (o->space) buf_addc(o->buf, ' ');
  o->bol = o->space = o->need_nl = false;
  buf_add(o->buf, s, n);
  o->lines += count_newlines(s, n);
}

/* Ends the current line (and leaves one blank line if asked); what follows is indented by `indent`. */
static void line_break(Fmt *f, int indent, bool blank) {
  Out *o = &f->o;
  o->space = o->need_nl = false;
  o->indent = indent;
  if (o->buf->len == 0) return;
  if (!o->bol) newline(o);
  if (blank && !(o->buf->len >= 2 && o->buf->data[o->buf->len - 2] == '\n')) newline(o);
  o->bol = true;
}

/* The column where the next text will start. */
static int column(const Fmt *f) {
  const Out *o = &f->o;
  if (o->bol) return o->indent;
  size_t i = o->buf->len;
  while (i > 0 && o->buf->data[i - 1] != '\n') i--;
  return display_width(o->buf->data + i, o->buf->len - i) + o->space;
}

static void put_tok(Fmt *f, int i) { put(f, f->text + f->toks[i].start, (size_t)(f->toks[i].end - f->toks[i].start)); }

static size_t trim_end(const char *s, size_t n, const char *blanks) {
  while (n > 0 && s[n - 1] && strchr(blanks, s[n - 1])) n--;
  return n;
}

/* A comment without its trailing blanks: every line of a block comment loses them. */
static void put_comment(Fmt *f, int i) {
  const char *s = f->text + f->toks[i].start;
  size_t n = (size_t)(f->toks[i].end - f->toks[i].start);
  if (f->toks[i].kind == T_LINE_COMMENT) {
    put(f, s, trim_end(s, n, n >= 3 && s[2] == '/' ? " \r" : " \t\r"));  /* ast_doc_before keeps tabs */
    f->o.need_nl = true;
    return;
  }
  Buf b = {0};
  for (size_t at = 0; at < n;) {
    size_t e = at;
    while (e < n && s[e] != '\n') e++;
    buf_add(&b, s + at, trim_end(s + at, e - at, " \t\r"));
    if (e < n) buf_addc(&b, '\n');
    at = e + 1;
  }
  put(f, b.data, b.len);
  buf_free(&b);
}

/* ---- spacing ------------------------------------------------------------------------------- */

/* Is a space due between a (the last thing printed, or -1 after a comma the printer added) and b? */
static bool spaced(const Fmt *f, int a, int b) {
  if (a < 0) return true;
  const Tok *x = &f->toks[a], *y = &f->toks[b];
  bool x_round_or_square = x->kind == T_OPEN && first_char(f, a) != '{';
  bool y_round_or_square = y->kind == T_CLOSE && first_char(f, b) != '}';
  if (is_comment(y)) return !x_round_or_square;
  if (is_comment(x) || y->kind == T_CLOSE || x->kind == T_OPEN) return !x_round_or_square && !y_round_or_square;
  if (is_punct(f, a, '.') || is_punct(f, b, '.') || (x->flags & F_UNARY)) return false;
  if ((y->flags & F_TYPE) || ((x->flags & F_TYPE) && is_punct(f, a, '<'))) return false;
  if (is_punct(f, b, ':') && !(y->flags & F_TERNARY)) return false;
  return !(y->kind == T_OPEN && (y->group == G_ARGS || y->group == G_INDEX));
}

/* Does b join the line above when the source breaks the line before it? */
static bool joins(const Fmt *f, int b) {
  const Tok *t = &f->toks[b];
  if (t->kind == T_OPEN) return t->group == G_BLOCK || t->group == G_OBJECT || t->group == G_ARGS || t->group == G_INDEX;
  if (is_punct(f, b, ':')) return !(t->flags & F_TERNARY);
  return tok_is(f, b, "else") || is_punct(f, b, '.') || (t->flags & F_TYPE);
}

/* What goes between the element just printed (prev) and the next one (i) inside an item. */
static void gap(Fmt *f, int prev, int i, int cont) {
  if (f->o.need_nl || (f->toks[i].nl > 0 && !joins(f, i))) line_break(f, cont, false);
  else f->o.space = spaced(f, prev, i);
}

/* ---- items --------------------------------------------------------------------------------- */

static unsigned item_flag(Group g) { return g == G_BLOCK ? F_STMT : g == G_OBJECT ? F_FIELD : 0; }

/* The last token of the item that starts at i: the item ends at a comma, at the start of the next
   statement or field, or at `close`.  Comments after its last token are not part of it. */
static int item_last(const Fmt *f, Group g, int i, int close) {
  int last = elem_end(f, i);
  for (int j = last + 1; j < close; j = elem_end(f, j) + 1) {
    if (is_comma(f, j) || (f->toks[j].flags & item_flag(g))) break;
    if (!is_comment(&f->toks[j])) last = elem_end(f, j);
  }
  return last;
}

/* Does another item start before `close`? */
static bool more_items(const Fmt *f, int i, int close) {
  for (; i < close; i++)
    if (!is_comma(f, i) && !is_comment(&f->toks[i])) return true;
  return false;
}

static int count_statements(const Fmt *f, int open) {
  int n = 0;
  for (int j = open + 1; j < f->toks[open].match; j = elem_end(f, j) + 1) n += (f->toks[j].flags & F_STMT) != 0;
  return n;
}

static void print_group(Fmt *f, int open, bool force_multi, int tail);

/* Tokens i..last of one item; a line break written in the source starts a continuation line at
   `cont`.  `comma` says that a comma will follow the item, for the width of a group that ends it. */
static void print_item(Fmt *f, int i, int last, int cont, bool comma) {
  for (int prev = -1; i <= last;) {
    const Tok *t = &f->toks[i];
    if (prev >= 0) gap(f, prev, i, cont);
    if (is_comment(t)) put_comment(f, i);
    else if (t->kind == T_OPEN) print_group(f, i, false, comma && t->match == last);
    else put_tok(f, i);
    prev = elem_end(f, i);
    i = prev + 1;
  }
}

/* Prints the comments on the line where the previous item (or the opening bracket) ended, and skips
   the commas there; returns where the next item or own-line comment starts. */
static int trailing_comments(Fmt *f, int i, int close) {
  for (; i < close; i++) {
    if (is_comma(f, i)) continue;
    if (!is_comment(&f->toks[i]) || f->toks[i].nl > 0 || f->o.need_nl) break;
    f->o.space = true;
    put_comment(f, i);
  }
  return i;
}

/* A block comment on its own line with code after it on that line stays in front of the code. */
static bool glues(const Fmt *f, int i, int close) {
  return f->toks[i].kind == T_BLOCK_COMMENT && i + 1 < close && f->toks[i + 1].nl == 0 && !is_comma(f, i + 1);
}

/* ---- alignment ----------------------------------------------------------------------------- */

/* Records the `key = value` item that starts at i on a line of its own; returns the record or -1. */
static int align_start(Fmt *f, int open, Group g, int i) {
  const Tok *key = &f->toks[i];
  if ((g != G_OBJECT && g != G_ARGS) || (key->kind != T_WORD && key->kind != T_STR)) return -1;
  if (key->line != key->end_line || !is_punct(f, i + 1, '=') || f->toks[i + 1].nl > 0) return -1;
  size_t n = (size_t)(key->end - key->start);
  Align a = {.group = open, .line = f->o.lines, .end_line = f->o.lines,
             .at = f->o.buf->len + (size_t)f->o.indent + n, .width = display_width(f->text + key->start, n)};
  buf_add(&f->aligns, (const char *)&a, sizeof a);
  return (int)(f->aligns.len / sizeof a) - 1;
}

/* Are a and the next record b in one run? */
static bool same_run(const Align *a, const Align *b) {
  return a->group == b->group && a->end_line == a->line && b->line == a->line + 1;
}

/* Pads the keys of each run to its widest key, in the printed text. */
static void apply_alignment(Fmt *f, Buf *text) {
  Align *a = (Align *)(void *)f->aligns.data;
  int n = (int)(f->aligns.len / sizeof *a);
  if (n == 0) return;
  for (int s = 0, e; s < n; s = e) {
    int widest = a[s].width;
    for (e = s + 1; e < n && same_run(&a[e - 1], &a[e]); e++)
      if (a[e].width > widest) widest = a[e].width;
    for (int k = s; k < e; k++) a[k].pad = widest - a[k].width;
  }
  Buf out = {0};
  size_t from = 0;
  for (int k = 0; k < n; k++) {
    buf_add(&out, text->data + from, a[k].at - from);
    buf_printf(&out, "%*s", a[k].pad, "");
    from = a[k].at;
  }
  buf_add(&out, text->data + from, text->len - from);
  buf_free(text);
  *text = out;
}

/* ---- groups -------------------------------------------------------------------------------- */

/* One item of a multi-line group, with its comma and the comments after it; returns what follows. */
static int body_item(Fmt *f, int open, int i, int close, int ind, bool glued) {
  Group g = open < 0 ? G_BLOCK : f->toks[open].group;
  bool comma = g == G_LIST || g == G_ARGS;
  int last = item_last(f, g, i, close);
  int rec = glued ? -1 : align_start(f, open, g, i);
  print_item(f, i, last, ind + INDENT, comma);
  if (comma) put(f, ",", 1);
  int next = trailing_comments(f, last + 1, close);
  if (rec >= 0) ((Align *)(void *)f->aligns.data)[rec].end_line = f->o.lines;
  return next;
}

/* The items and comments between open and close, one per line at indentation `ind`.  The whole file
   is the body of open = -1, close = f->ntoks. */
static void body(Fmt *f, int open, int close, int ind) {
  int i = open < 0 ? 0 : trailing_comments(f, open + 1, close);
  bool first = true, glued = false;
  while (i < close) {
    if (is_comma(f, i)) {
      i++;
      continue;
    }
    if (glued) f->o.space = true;
    else line_break(f, ind, !first && f->toks[i].nl >= 2);
    first = false;
    if (is_comment(&f->toks[i])) {
      put_comment(f, i);
      glued = glues(f, i, close);
      i++;
    } else {
      i = body_item(f, open, i, close, ind, glued);
      glued = false;
    }
  }
}

/* The items between open and close on the current line, separated by ", ". */
static void inline_body(Fmt *f, int open, int close) {
  Group g = f->toks[open].group;
  int cont = f->o.indent + INDENT, prev = open;
  for (int i = open + 1; i < close;) {
    if (is_comma(f, i)) {
      i++;
      continue;
    }
    gap(f, prev, i, cont);
    if (is_comment(&f->toks[i])) {
      put_comment(f, i);
      prev = i++;
      continue;
    }
    int last = item_last(f, g, i, close);
    print_item(f, i, last, cont, false);
    prev = last;
    i = last + 1;
    if (more_items(f, i, close)) {
      put(f, ",", 1);
      prev = -1;
    }
  }
  if (f->o.need_nl) line_break(f, cont - INDENT, false);
  else f->o.space = spaced(f, prev, close);
}

/* Can the group be on one line?  Not a block of several statements. */
static bool may_be_one_line(const Fmt *f, int open) {
  return f->toks[open].group != G_BLOCK || count_statements(f, open) <= 1;
}

static void print_group_as(Fmt *f, int open, Mode mode);

/* Does the group, printed on one line from here, end by column WIDTH (`tail` more for a comma)? */
static bool fits(Fmt *f, int open, int tail) {
  int col = column(f);
  Out saved = f->o;
  Buf scratch = {0};
  f->o = (Out){.buf = &scratch};
  f->too_wide = false;
  print_group_as(f, open, M_ONE_LINE);
  bool ok = !f->too_wide && col + display_width(scratch.data, scratch.len) + tail <= WIDTH;
  f->o = saved;
  buf_free(&scratch);
  return ok;
}

/* A multi-line list or argument list whose only item is a list or object that opens on its first
   line and closes on its last. */
static bool hugs(const Fmt *f, int open) {
  const Tok *t = &f->toks[open], *child = &f->toks[open + 1];
  if ((t->group != G_LIST && t->group != G_ARGS) || child->kind != T_OPEN) return false;
  if (child->group != G_LIST && child->group != G_OBJECT) return false;
  return child->match == t->match - 1 && child->line == t->line && f->toks[child->match].line == f->toks[t->match].line;
}

static Mode group_mode(Fmt *f, int open, bool force_multi, int tail) {
  const Tok *t = &f->toks[open], *close = &f->toks[t->match];
  if (t->match == open + 1) return M_EMPTY;
  if (t->group == G_PAREN || t->group == G_INDEX || t->group == G_FOR)
    return f->toks[open + 1].nl == 0 && close->nl == 0 ? M_INLINE : M_MULTI;
  if (f->flat) {
    if (!may_be_one_line(f, open)) f->too_wide = true;
    return M_ONE_LINE;
  }
  if (!force_multi && t->line == close->line && may_be_one_line(f, open) && fits(f, open, tail)) return M_ONE_LINE;
  return hugs(f, open) ? M_HUG : M_MULTI;
}

static void print_group_as(Fmt *f, int open, Mode mode) {
  int close = f->toks[open].match, base = f->o.indent;
  put_tok(f, open);
  f->flat += mode == M_ONE_LINE;
  if (mode == M_HUG) print_group(f, open + 1, true, 0);
  else if (mode == M_MULTI) body(f, open, close, base + INDENT);
  else if (mode != M_EMPTY) inline_body(f, open, close);
  f->flat -= mode == M_ONE_LINE;
  if (mode == M_MULTI) line_break(f, base, false);
  put_tok(f, close);
}

static void print_group(Fmt *f, int open, bool force_multi, int tail) {
  print_group_as(f, open, group_mode(f, open, force_multi, tail));
}

/* ---- fmt_format ---------------------------------------------------------------------------- */

static bool same_string(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

static bool same_tree(const Node *a, const Node *b);

static bool same_vec(const Vec *a, const Vec *b) {
  if (a->len != b->len) return false;
  for (int i = 0; i < a->len; i++)
    if (!same_tree(a->items[i], b->items[i])) return false;
  return true;
}

/* What ast_dump shows of two trees is the same (compared directly: the outline of a long chain
   a + b + c ... grows with the square of its length).  Loops down the left operands. */
static bool same_tree(const Node *a, const Node *b) {
  for (; a && b; a = a->lhs, b = b->lhs) {
    if (a->kind != b->kind || a->op != b->op || a->num != b->num || !same_string(a->name, b->name)) return false;
    if (a->kind == N_TEXT ? a->len != b->len || memcmp(a->text, b->text, a->len) != 0 : !same_string(a->text, b->text))
      return false;
    if (!same_string(a->doc, b->doc) || !same_tree(a->keyexpr, b->keyexpr) || !same_tree(a->cond, b->cond)) return false;
    if (!same_tree(a->rhs, b->rhs) || !same_vec(&a->params, &b->params) || !same_vec(&a->items, &b->items)) return false;
  }
  return a == b;
}

/* Does `text` parse to the same tree as the source?  Reports an internal error if not. */
static bool same_meaning(Ctx *cx, Source *src, const Node *tree, const char *text, size_t len) {
  const char *path = arena_printf(cx->arena, "%s (formatted)", src->path);
  Source *again = source_add(cx, path, src->dir, text, len, src->is_stdlib);
  int errors = cx->errors;
  bool quiet = cx->quiet;
  cx->quiet = true;  /* its own syntax errors would only confuse: the one below says it all */
  const Node *tree2 = parse_source(cx, again);
  bool same = cx->errors == errors && same_tree(tree, tree2);
  cx->errors = errors;
  cx->quiet = quiet;
  if (!same)
    diag_error(cx, (Loc){src->id, 0, 0}, NULL,
               "internal error: the formatted program would not mean the same; left as it is (please report this)");
  return same;
}

/* Lays out the tokens; the text is arena memory, so that nothing leaks if a later parse bails out. */
static char *layout(Ctx *cx, Source *src, Node *tree, size_t *len) {
  Fmt f = {.text = src->text, .len = src->len};
  Buf text = {0};
  tokenize(&f);
  bool ok = match_brackets(&f);
  if (ok) {
    mark_tree(&f, tree);
    classify(&f);
    f.o = (Out){.buf = &text, .bol = true};
    body(&f, -1, f.ntoks, 0);
    if (text.len) buf_addc(&text, '\n');
    apply_alignment(&f, &text);
  }
  char *copy = ok ? arena_strndup(cx->arena, text.data ? text.data : "", text.len) : NULL;
  *len = text.len;
  buf_free(&text);
  buf_free(&f.tokbuf);
  buf_free(&f.aligns);
  if (!ok) diag_error(cx, (Loc){src->id, 0, 0}, NULL, "internal error: unbalanced brackets (please report this)");
  return copy;
}

bool fmt_format(Ctx *cx, Source *src, Buf *out) {
  int errors = cx->errors;
  Node *tree = parse_source(cx, src);
  if (cx->errors > errors) return false;
  size_t len;
  char *text = layout(cx, src, tree, &len);
  if (!text || !same_meaning(cx, src, tree, text, len)) return false;
  buf_add(out, text, len);
  return true;
}

/* ---- drlc fmt ------------------------------------------------------------------------------ */

enum Action { SHOW, WRITE, CHECK };

static void fmt_usage(FILE *out) {
  fputs("Usage: drlc fmt [-w | --check] FILE...\n"
        "Prints each DRL file in the canonical layout (see docs/fmt.md); - reads standard input.\n"
        "\n"
        "  -w        rewrite the files in place instead, only those that change\n"
        "  --check   write nothing; list the files that are not formatted, one per line\n"
        "  --help    show this help\n"
        "\n"
        "Exit status: 0 done; 1 a file could not be read or does not parse, or --check found files\n"
        "to format; 2 usage error.\n",
        out);
}

static int usage_error(const char *what, const char *arg) {
  if (arg) fprintf(stderr, "drlc fmt: %s '%s'\n", what, arg);
  else fprintf(stderr, "drlc fmt: %s\n", what);
  fputs("Try 'drlc fmt --help' for more information.\n", stderr);
  return 2;
}

/* The compiler's defaults (cli.c), which fmt has no options to change. */
static void default_options(Options *opt, const char *path) {
  memset(opt, 0, sizeof *opt);
  opt->input = path;
  opt->color = COLOR_AUTO;
  opt->max_depth = 64;
  opt->max_steps = 10000000;
  opt->max_file_size = (size_t)16 << 20;
  opt->max_memory = (size_t)1 << 30;
}

static Source *read_source(Ctx *cx, const char *path) {
  size_t len;
  char *text = read_whole_file(cx, path, &len, cx->opt->max_file_size);
  if (!text) {
    fprintf(stderr, "drlc: error: cannot read '%s': %s\n", path,
            errno == EFBIG ? "it is larger than 16 MiB" : errno == EISDIR ? "it is a directory"
            : errno == ENODEV ? "it is not a regular file" : strerror(errno));
    return NULL;
  }
  bool in = strcmp(path, "-") == 0;
  return source_add(cx, in ? "<stdin>" : path, in ? "." : path_dirname(cx, path), text, len, false);
}

/* Prints, checks or writes back the formatted text of one file; returns its exit status. */
static int deliver(Ctx *cx, const char *path, const Source *src, const Buf *out, enum Action action) {
  bool same = out->len == src->len && (out->len == 0 || memcmp(out->data, src->text, out->len) == 0);
  if (action == SHOW) return out->len && fwrite(out->data, 1, out->len, stdout) != out->len;
  if (same) return 0;
  if (action == CHECK) {
    printf("%s\n", path);
    return 1;
  }
  return write_atomically(cx, path, out->data ? out->data : "", out->len) ? 1 : 0;
}

static int fmt_file(const char *path, enum Action action) {
  Options opt;
  default_options(&opt, path);
  Ctx cx;
  ctx_init(&cx, &opt);
  int status = 1;
  Source *src = read_source(&cx, path);
  Buf out = {0};
  if (src && fmt_format(&cx, src, &out)) status = deliver(&cx, path, src, &out, action);
  else if (src) diag_summary(&cx);
  buf_free(&out);
  ctx_free(&cx);
  return status;
}

/* Reads the options into *action and the operands into files; returns 0, 2 for a usage error, or
   -1 when --help was printed. */
static int parse_args(int argc, char **argv, enum Action *action, const char **files, int *nfiles) {
  bool operands_only = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (operands_only || a[0] != '-' || strcmp(a, "-") == 0) files[(*nfiles)++] = a;
    else if (strcmp(a, "--") == 0) operands_only = true;
    else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fmt_usage(stdout);
      return -1;
    }
    else if (strcmp(a, "-w") != 0 && strcmp(a, "--check") != 0) return usage_error("unknown option", a);
    else if (*action != SHOW && *action != (a[1] == 'w' ? WRITE : CHECK))
      return usage_error("-w and --check do not go together", NULL);
    else *action = a[1] == 'w' ? WRITE : CHECK;
  }
  if (*nfiles == 0) return usage_error("no input files", NULL);
  for (int i = 0; i < *nfiles; i++)
    if (*action == WRITE && strcmp(files[i], "-") == 0) return usage_error("-w cannot rewrite standard input", NULL);
  return 0;
}

int fmt_main(int argc, char **argv) {
  const char **files = malloc(sizeof *files * (size_t)(argc > 0 ? argc : 1));
  if (!files) {
    fputs("drlc: error: out of memory\n", stderr);
    return 1;
  }
  enum Action action = SHOW;
  int nfiles = 0, r = parse_args(argc, argv, &action, files, &nfiles), status = r < 0 ? 0 : r;
  for (int i = 0; r == 0 && i < nfiles; i++)
    if (fmt_file(files[i], action)) status = 1;
  if (fflush(stdout) != 0) status = 1;
  free(files);
  return status;
}
