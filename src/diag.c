/*
 * diag.c: every message drlc prints about the input.
 *
 * GNU format, one diagnostic at a time:
 *   file:line:col: error: message
 *       3 |   x = Tabel
 *         |       ^~~~~
 *   file:line:col: note: in expansion of macro 'name'
 * Errors are counted and the compile goes on; the caller exits 1 at the end if any were reported.
 * Warnings have names so that each can be silenced or promoted (see drlc.h).
 */
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

enum { MAX_ERRORS = 100 };

static const char *color(Ctx *cx, const char *code) { return cx->color ? code : ""; }
#define BOLD "\033[1m"
#define RED "\033[1;31m"
#define MAGENTA "\033[1;35m"
#define CYAN "\033[1;36m"
#define GREEN "\033[1;32m"
#define RESET "\033[0m"

/* Display width of the bytes [from, to) of a line: one column per UTF-8 code point, tabs kept. */
static void print_pad(Ctx *cx, const char *from, const char *to) {
  for (const char *p = from; p < to; p++) {
    if (*p == '\t') fputc('\t', cx->err);
    else if (((unsigned char)*p & 0xC0) != 0x80) fputc(' ', cx->err);
  }
}

static int count_chars(const char *from, const char *to) {
  int n = 0;
  for (const char *p = from; p < to; p++) n += ((unsigned char)*p & 0xC0) != 0x80;
  return n;
}

static void print_excerpt(Ctx *cx, const Source *s, Loc loc, int line) {
  const char *text = s->text;
  int begin = s->line_starts[line - 1];
  int end = begin;
  while ((size_t)end < s->len && text[end] != '\n') end++;
  int shown_end = end - begin > 300 ? begin + 300 : end; /* a 10 MB line is not printed whole */
  fprintf(cx->err, "%5d | ", line);
  for (int i = begin; i < shown_end; i++) fputc(text[i] ? text[i] : ' ', cx->err);
  fputs(shown_end < end ? " ...\n" : "\n", cx->err);
  int start = loc.start < begin ? begin : loc.start > shown_end ? shown_end : loc.start;
  int stop = loc.end > shown_end ? shown_end : loc.end;
  fputs("      | ", cx->err);
  print_pad(cx, text + begin, text + start);
  fprintf(cx->err, "%s^", color(cx, GREEN));
  for (int i = count_chars(text + start, text + (stop > start ? stop : start)); i > 1; i--) fputc('~', cx->err);
  fprintf(cx->err, "%s\n", color(cx, RESET));
}

static char *vformat(Ctx *cx, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *p = arena_alloc(cx->arena, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

static void print_one(Ctx *cx, Loc loc, const char *kind, const char *kind_color, bool excerpt, const char *msg) {
  const Source *s = source_get(cx, loc.file);
  int line = 0, col = 0;
  if (s) {
    source_linecol(s, loc.start, &line, &col);
    fprintf(cx->err, "%s%s:%d:%d: %s", color(cx, BOLD), s->path, line, col, color(cx, RESET));
  } else {
    fprintf(cx->err, "%sdrlc: %s", color(cx, BOLD), color(cx, RESET));
  }
  fprintf(cx->err, "%s%s:%s %s\n", color(cx, kind_color), kind, color(cx, RESET), msg);
  if (s && excerpt) print_excerpt(cx, s, loc, line);
}

static void print_chain(Ctx *cx, const Frame *f) {
  for (; f; f = f->parent)
    if (f->call.file >= 0)
      print_one(cx, f->call, "note", CYAN, false,
                arena_printf(cx->arena, f->function ? "in call of function '%s'" : "in expansion of macro '%s'", f->macro));
}

void diag_chain_notes(Ctx *cx, const Frame *frame) {
  if (!cx->last_silenced) print_chain(cx, frame);
}

/* Past MAX_ERRORS the compile goes on to its end (every pass is bounded) but prints nothing more. */
static void report_error(Ctx *cx, Loc loc, const Frame *frame, const char *msg) {
  cx->errors++;
  cx->last_silenced = cx->quiet;
  if (cx->quiet) return;
  print_one(cx, loc, "error", RED, true, msg);
  print_chain(cx, frame);
  if (cx->errors >= MAX_ERRORS) {
    fprintf(cx->err, "drlc: too many errors (%d); not printing any more\n", cx->errors);
    cx->quiet = true;
  }
}

void diag_error(Ctx *cx, Loc loc, const Frame *frame, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(cx, fmt, ap);
  va_end(ap);
  report_error(cx, loc, frame, msg);
}

/* Does "drlc:allow NAME" stand on the line of offset or on the line above? */
static bool allowed_at(Ctx *cx, int file, int offset, const char *name) {
  const Source *s = source_get(cx, file);
  if (!s) return false;
  int line, col;
  source_linecol(s, offset, &line, &col);
  size_t from = (size_t)s->line_starts[line > 1 ? line - 2 : 0];
  size_t to = line < s->nlines ? (size_t)s->line_starts[line] : s->len;
  size_t nlen = strlen(name);
  for (size_t i = from; i + 11 + nlen <= to; i++) {
    if (memcmp(s->text + i, "drlc:allow ", 11) != 0) continue;
    const char *p = s->text + i + 11;
    if (strncmp(p, name, nlen) == 0 && (p + nlen == s->text + to || !(p[nlen] == '-' || (p[nlen] >= 'a' && p[nlen] <= 'z'))))
      return true;
  }
  return false;
}

bool diag_silenced(Ctx *cx, const char *name, Loc loc, const Frame *frame) {
  const Vec *off = &cx->opt->disabled_warnings;
  for (int i = 0; i < off->len; i++)
    if (strcmp(off->items[i], name) == 0) return true;
  if (loc.file >= 0 && allowed_at(cx, loc.file, loc.start, name)) return true;
  for (const Frame *f = frame; f; f = f->parent)
    if (allowed_at(cx, f->call.file, f->call.start, name)) return true;
  return false;
}

/* The first time a name is reported in a compile, a note says how to turn it off (and, for a
   warning, how to make it fail the build), so nobody has to look it up. */
static void print_hint(Ctx *cx, bool rule, const char *name, Loc loc) {
  for (int i = 0; i < cx->hinted.len; i++)
    if (strcmp(cx->hinted.items[i], name) == 0) return;
  vec_push(&cx->root, &cx->hinted, (void *)name); /* kept past the macro call that reports it */
  const char *off = arena_printf(cx->arena, "turn it off with -Wno-%s, or at this site with '// drlc:allow %s: REASON' on this line or the one above", name, name);
  print_one(cx, loc, "note", CYAN, false,
            rule || cx->opt->werror ? off : arena_printf(cx->arena, "-Werror makes it an error; %s", off));
}

/* A named diagnostic: a stack rule is an error, a warning is one only under -Werror. */
static void report_named(Ctx *cx, bool rule, const char *name, Loc loc, const Frame *frame, const char *text) {
  if (diag_silenced(cx, name, loc, frame)) {
    cx->last_silenced = true;
    return;
  }
  if (rule || cx->opt->werror) {
    report_error(cx, loc, frame, arena_printf(cx->arena, "%s [%s%s]", text, rule ? "" : "-Werror=", name));
    if (!cx->last_silenced) print_hint(cx, rule, name, loc);
    return;
  }
  cx->last_silenced = cx->quiet;
  if (cx->quiet) return;
  print_one(cx, loc, "warning", MAGENTA, true, arena_printf(cx->arena, "%s [-W%s]", text, name));
  print_chain(cx, frame);
  print_hint(cx, rule, name, loc);
  cx->warnings++;
}

void diag_warning(Ctx *cx, const char *name, Loc loc, const Frame *frame, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = vformat(cx, fmt, ap);
  va_end(ap);
  report_named(cx, false, name, loc, frame, text);
}

void diag_rule(Ctx *cx, const char *name, Loc loc, const Frame *frame, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = vformat(cx, fmt, ap);
  va_end(ap);
  report_named(cx, true, name, loc, frame, text);
}

void diag_note(Ctx *cx, Loc loc, const char *fmt, ...) {
  if (cx->last_silenced || cx->quiet) return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(cx, fmt, ap);
  va_end(ap);
  print_one(cx, loc, "note", CYAN, true, msg);
}

void diag_fatal(Ctx *cx, Loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(cx, fmt, ap);
  va_end(ap);
  report_error(cx, loc, NULL, msg);
  diag_bail(cx);
}

void diag_bail(Ctx *cx) {
  if (cx->bail) longjmp(*cx->bail, 1);
  diag_summary(cx);
  exit(1);
}

void diag_summary(Ctx *cx) {
  if (!cx->errors && !cx->warnings) return;
  if (cx->errors && cx->warnings)
    fprintf(cx->err, "%d error%s and %d warning%s generated.\n", cx->errors, cx->errors == 1 ? "" : "s",
            cx->warnings, cx->warnings == 1 ? "" : "s");
  else if (cx->errors)
    fprintf(cx->err, "%d error%s generated.\n", cx->errors, cx->errors == 1 ? "" : "s");
  else
    fprintf(cx->err, "%d warning%s generated.\n", cx->warnings, cx->warnings == 1 ? "" : "s");
}
