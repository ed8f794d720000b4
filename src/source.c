/*
 * source.c: the sources of one compile and their line maps.
 *
 * Every file the compile reads (the main program, modules, the stdlib) is kept whole in memory, once,
 * with the offset of each line's start.  A Loc is a byte range; line and column are computed from the
 * line map only when a diagnostic is printed (jq's locfile).  Columns count bytes, from 1.
 */
#include <string.h>

#include "drlc.h"

const Loc NO_LOC = {-1, 0, 0};

static void build_line_map(Ctx *cx, Source *s) {
  int n = 1;
  for (size_t i = 0; i < s->len; i++) n += s->text[i] == '\n';
  s->line_starts = arena_alloc(&cx->root, sizeof(int) * (size_t)n);
  s->line_starts[0] = 0;
  int line = 1;
  for (size_t i = 0; i < s->len; i++)
    if (s->text[i] == '\n') s->line_starts[line++] = (int)i + 1;
  s->nlines = n;
}

Source *source_add(Ctx *cx, const char *path, const char *dir, const char *text, size_t len, bool is_stdlib) {
  Source *s = arena_alloc(&cx->root, sizeof *s);
  s->id = cx->sources.len;
  s->path = arena_strdup(&cx->root, path);
  s->dir = dir ? arena_strdup(&cx->root, dir) : NULL;
  s->text = text;
  s->len = len;
  s->is_stdlib = is_stdlib;
  build_line_map(cx, s);
  vec_push(&cx->root, &cx->sources, s);
  return s;
}

Source *source_get(Ctx *cx, int id) {
  if (id < 0 || id >= cx->sources.len) return NULL;
  return cx->sources.items[id];
}

/* Binary search for the line holding offset. */
void source_linecol(const Source *s, int offset, int *line, int *col) {
  int lo = 0, hi = s->nlines - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (s->line_starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  *line = lo + 1;
  *col = offset - s->line_starts[lo] + 1;
}

Loc loc_span(Loc a, Loc b) {
  if (a.file < 0) return b;
  if (b.file < 0 || b.file != a.file) return a;
  Loc r = a;
  if (b.start < r.start) r.start = b.start;
  if (b.end > r.end) r.end = b.end;
  return r;
}

/* Length of the UTF-8 sequence at p (1 to 4), or 0 if it is invalid. */
static int utf8_length(const unsigned char *p, size_t avail) {
  if (p[0] < 0x80) return 1;
  int n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
  if (!n || p[0] > 0xF4 || (size_t)n > avail) return 0;
  for (int i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  unsigned cp = n == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
              : n == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
                       : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

long utf8_invalid_offset(const char *text, size_t len, bool nul_is_invalid) {
  const unsigned char *p = (const unsigned char *)text;
  for (size_t i = 0; i < len;) {
    if (p[i] == 0 && nul_is_invalid) return (long)i;
    int n = utf8_length(p + i, len - i);
    if (!n) return (long)i;
    i += (size_t)n;
  }
  return -1;
}
