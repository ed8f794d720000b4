/*
 * arena.c: the memory of one compile, and the small containers built on it.
 *
 * Everything that lives for one compile comes from an Arena and is released at once by arena_free()
 * (jsonnet's allocator, chibicc's rule of never freeing a node alone).  The arena has a budget:
 * past opt.max_memory bytes it stops the compile with an error instead of exhausting the machine.
 * A scratch arena, opened on the compile's for one piece of work (a macro call), spends the same
 * budget and is released whole when the work is done: what must outlive it is copied out first.
 * Buf is the one malloc-backed container (unless it grows in an arena); its owner calls buf_free().
 * With a Sink, a Buf is a small window that is handed to a file descriptor, or only counted, as it
 * fills: a large output is never held whole.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drlc.h"

struct Chunk {
  Chunk *next;
  size_t used, cap;
  _Alignas(max_align_t) char data[];
};

enum { CHUNK_SIZE = 1 << 20, SCRATCH_CHUNK = 64 << 10, SCRATCH_CHUNK_MAX = 4 << 20 };

/* Pieces are 8-byte aligned: enough for what drlc keeps in an arena (pointers, size_t, double), and a
   Value or an output node of 72 bytes takes 72, not the 80 that max_align_t's 16 would round it to. */
static size_t aligned(size_t n) { return (n + 7) & ~(size_t)7; }

static void out_of_memory(void) {
  fputs("drlc: error: out of memory\n", stderr);
  exit(1);
}

void arena_charge(Arena *a, size_t n) {
  Arena *budget = a->root ? a->root : a;
  if (!budget->limit || budget->total + n <= budget->limit) {
    budget->total += n;
    if (a != budget) a->total += n; /* given back when the scratch arena is released */
    return;
  }
  budget->exhausted = true;
  budget->limit = 0; /* the diagnostics reported on the way out may still allocate */
  if (budget->bail) longjmp(*budget->bail, 1);
  fputs("drlc: error: the compile needs more memory than --max-memory allows\n", stderr);
  exit(1);
}

static Chunk *new_chunk(size_t cap) {
  Chunk *c = malloc(sizeof(Chunk) + cap);
  if (!c) out_of_memory();
  c->used = 0;
  c->cap = cap;
  return c;
}

/* A root takes 1 MiB chunks; a scratch arena starts small and doubles, so that few chunks hold it. */
void *arena_alloc(Arena *a, size_t n) {
  n = aligned(n);
  arena_charge(a, n);
  Chunk *c = a->head;
  if (!c || c->used + n > c->cap) {
    size_t cap = !a->root ? CHUNK_SIZE : !c ? SCRATCH_CHUNK : c->cap < SCRATCH_CHUNK_MAX / 2 ? 2 * c->cap : SCRATCH_CHUNK_MAX;
    c = new_chunk(n > cap ? n : cap);
    c->next = a->head;
    a->head = c;
  }
  void *p = c->data + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

/* The struct of a scratch arena is the root's (one released before is used again), so that the
   root can always reach and free every scratch arena open on it. */
Arena *arena_scratch(Arena *root) {
  Arena *s = root->spare;
  if (s) root->spare = s->outer;
  else s = arena_alloc(root, sizeof *s);
  *s = (Arena){.root = root, .outer = root->scratch};
  root->scratch = s;
  return s;
}

void arena_release(Arena *s) {
  Arena *root = s->root;
  root->scratch = s->outer;
  root->total -= s->total;
  for (Chunk *c = s->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  *s = (Arena){.outer = root->spare};
  root->spare = s;
}

bool arena_may_hold(const Arena *a, const void *p) {
  const char *at = p;
  int looked = 0;
  for (const Arena *s = (a->root ? a->root : a)->scratch; s; s = s->outer)
    for (const Chunk *c = s->head; c; c = c->next) {
      if (at >= c->data && at < c->data + c->cap) return true;
      if (++looked > 64) return true; /* not worth the search: assume it is */
    }
  return false;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}

void arena_free(Arena *a) {
  while (a->scratch) arena_release(a->scratch);
  for (Chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  a->head = NULL;
  a->total = 0;
}

/* ---- Buf ---- */

void buf_flush(Buf *b) {
  Sink *s = b->sink;
  for (size_t done = 0; s->fd >= 0 && !s->error && done < b->len;) {
    ssize_t n = write(s->fd, b->data + done, b->len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) s->error = n < 0 ? errno : EIO;
    else done += (size_t)n;
  }
  s->bytes += b->len;
  b->len = 0;
}

static void buf_reserve(Buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap) return;
  if (b->sink && b->len) {
    buf_flush(b);
    if (n + 1 <= b->cap) return;
  }
  size_t cap = b->cap ? b->cap : b->arena ? 32 : b->sink ? 65536 : 256; /* arena buffers are never given back */
  while (cap < b->len + n + 1) cap *= 2;
  char *p;
  if (b->arena) {
    p = arena_alloc(b->arena, cap);
    if (b->len) memcpy(p, b->data, b->len);
  } else if (!(p = realloc(b->data, cap))) {
    out_of_memory();
  }
  b->data = p;
  b->cap = cap;
}

void buf_add(Buf *b, const char *s, size_t n) {
  buf_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_adds(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_addc(Buf *b, char c) {
  if (b->len + 2 > b->cap) buf_reserve(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
}

void buf_printf(Buf *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  buf_reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  b->len += (size_t)n;
}

void buf_fill(Buf *b, char c, size_t n) {
  buf_reserve(b, n);
  memset(b->data + b->len, c, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_free(Buf *b) {
  if (!b->arena) free(b->data);
  *b = (Buf){.arena = b->arena};
}

/* ---- Vec ---- */

void vec_push(Arena *a, Vec *v, void *item) {
  if (v->len == v->cap) {
    int cap = v->cap ? v->cap * 2 : 4;
    void **items = arena_alloc(a, sizeof(void *) * (size_t)cap);
    if (v->len) memcpy(items, v->items, sizeof(void *) * (size_t)v->len);
    v->items = items;
    v->cap = cap;
  }
  v->items[v->len++] = item;
}

/* ---- Map ---- */

unsigned map_hash(const char *s) {
  unsigned h = 2166136261u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static int slot(const Map *m, const char *key, unsigned hash) {
  unsigned i = hash & (unsigned)(m->cap - 1);
  while (m->keys[i] && (m->hashes[i] != hash || strcmp(m->keys[i], key) != 0)) i = (i + 1) & (unsigned)(m->cap - 1);
  return (int)i;
}

void *map_get_hashed(const Map *m, const char *key, unsigned hash) {
  if (!m->cap) return NULL;
  int i = slot(m, key, hash);
  return m->keys[i] ? m->vals[i] : NULL;
}

void *map_get(const Map *m, const char *key) { return map_get_hashed(m, key, map_hash(key)); }

static void map_insert(Map *m, const char *key, unsigned hash, void *val) {
  int i = slot(m, key, hash);
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->hashes[i] = hash;
    m->len++;
  }
  m->vals[i] = val;
}

static void map_grow(Arena *a, Map *m) {
  Map bigger = {0};
  bigger.cap = m->cap ? m->cap * 2 : 8;
  bigger.keys = arena_alloc(a, sizeof(char *) * (size_t)bigger.cap);
  bigger.vals = arena_alloc(a, sizeof(void *) * (size_t)bigger.cap);
  bigger.hashes = arena_alloc(a, sizeof(unsigned) * (size_t)bigger.cap);
  for (int i = 0; i < m->cap; i++)
    if (m->keys[i]) map_insert(&bigger, m->keys[i], m->hashes[i], m->vals[i]);
  *m = bigger;
}

void map_put(Arena *a, Map *m, const char *key, void *val) {
  if ((m->len + 1) * 4 >= m->cap * 3) map_grow(a, m);
  map_insert(m, key, map_hash(key), val);
}

/* ---- PtrMap ---- */

static unsigned hash_ptr(const void *p) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (unsigned)x;
}

static int ptr_slot(const PtrMap *m, const void *key) {
  unsigned i = hash_ptr(key) & (unsigned)(m->cap - 1);
  while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (unsigned)(m->cap - 1);
  return (int)i;
}

void *ptrmap_get(const PtrMap *m, const void *key) {
  if (!m->cap) return NULL;
  int i = ptr_slot(m, key);
  return m->keys[i] ? m->vals[i] : NULL;
}

void ptrmap_put(Arena *a, PtrMap *m, const void *key, void *val) {
  if ((m->len + 1) * 4 >= m->cap * 3) {
    PtrMap bigger = {0};
    bigger.cap = m->cap ? m->cap * 2 : 256;
    bigger.keys = arena_alloc(a, sizeof(void *) * (size_t)bigger.cap);
    bigger.vals = arena_alloc(a, sizeof(void *) * (size_t)bigger.cap);
    for (int i = 0; i < m->cap; i++)
      if (m->keys[i]) ptrmap_put(a, &bigger, m->keys[i], m->vals[i]);
    *m = bigger;
  }
  int i = ptr_slot(m, key);
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->len++;
  }
  m->vals[i] = val;
}

/* ---- "did you mean" ---- */

/* Levenshtein distance with adjacent transpositions, giving up past cutoff. */
int edit_distance(const char *a, const char *b, int cutoff) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (abs(la - lb) > cutoff || la > 64 || lb > 64) return cutoff + 1;
  int d[65][65];
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++) {
    for (int j = 1; j <= lb; j++) {
      int cost = a[i - 1] != b[j - 1];
      int best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  }
  return d[la][lb];
}

static bool equal_ignoring_case(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
  return *a == *b;
}

const char *closest_name(const char *name, const char *const *candidates, int n) {
  const char *best = NULL;
  int len = (int)strlen(name);
  int best_d = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  for (int i = 0; i < n; i++) {
    if (equal_ignoring_case(name, candidates[i])) return candidates[i];
    int d = edit_distance(name, candidates[i], best_d);
    if (d <= best_d && (d < best_d || !best)) {
      best = candidates[i];
      best_d = d;
    }
  }
  return best;
}
