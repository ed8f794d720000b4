/*
 * fuzz_arena.c: arena_alloc for the sanitizer builds of the fuzz targets.
 *
 * src/arena.c hands out pieces of 1 MiB chunks, so AddressSanitizer cannot see a read or write past
 * the end of one arena object into the next.  Here every object is its own malloc'd chunk of exactly
 * the bytes asked for: ASan's redzones then sit right after each object.  The chunk list keeps the
 * layout of src/arena.c's private struct Chunk, so src/arena.c's own arena_free() releases these
 * chunks (and any 1 MiB chunk arena.c may still make) unchanged.  The budget is src/arena.c's own
 * arena_charge(), so --max-memory bails out exactly as it does in drlc.
 *
 * run.sh compiles src/arena.c with -fPIC -fsemantic-interposition, so that its own callers
 * (arena_strndup, arena_printf, vec_push, map_put, ...) call arena_alloc through the symbol, and
 * makes that definition weak (objcopy --weaken-symbol=arena_alloc): this one wins at link time.
 * run.sh checks that struct Chunk in src/arena.c still has the layout below.
 */
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

struct Chunk {
  Chunk *next;
  size_t used, cap;
  _Alignas(max_align_t) char data[];
};

void drlc_fuzz_exit(int status) __attribute__((noreturn));

void *arena_alloc(Arena *a, size_t n) {
  arena_charge(a, (n + 7) & ~(size_t)7); /* the budget, counted as src/arena.c counts it */
  Chunk *c = malloc(sizeof(Chunk) + n);
  if (!c) {
    fputs("drlc: error: out of memory\n", stderr);
    drlc_fuzz_exit(1);
  }
  c->next = a->head;
  c->used = c->cap = n; /* full: src/arena.c's code never allocates from it */
  a->head = c;
  memset(c->data, 0, n);
  return c->data;
}
