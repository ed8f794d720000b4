/*
 * harness.c: the compile and format runs that the fuzz targets share (see harness.h).
 *
 * Fatal limits inside compile_source (steps, depth, the memory budget) unwind to its own recovery
 * point (driver.c, cx->bail) and return NULL.  What can still end the process: diag_bail() and the
 * budget outside compile_source (fmt_format runs without a recovery point), malloc failing
 * (arena.c: out_of_memory), flex's yy_fatal_error.  So that such an input is reported as what it is
 * and does not stop the fuzzer ("fuzz target exited"), run.sh renames exit/malloc/calloc/realloc/
 * free in drlc's object files to the functions below (-DDRLC_FUZZ_RECOVER): drlc_fuzz_exit jumps
 * back to fuzz_compile or fuzz_format, which frees what the run had malloc'd (Bufs, sort arrays)
 * and carries on.  Allocations are tracked only while a run goes on; spec.c's schema cache outlives a
 * run, so after a recovery spec_release() drops it before the tracked blocks are freed.  A run that
 * ends normally frees nothing here: what it leaked is LeakSanitizer's to report.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drlc.h"
#include "spec.h"
#include "harness.h"

/* The fuzzing limits: low, so that one input stays fast.  Kept in step with docs/reliability.md. */
#define FUZZ_MAX_STEPS 200000L
#define FUZZ_MAX_DEPTH 32
#define FUZZ_MAX_MEMORY "256M"
#define FUZZ_MAX_MEMORY_MB 256
#define FUZZ_MAX_FILE_SIZE "1M"

static char root[PATH_MAX];        /* the program's directory */
static char input_path[PATH_MAX];  /* root/fuzz.drl: never created, only named */
static char modules_dir[PATH_MAX]; /* root/modules, for "-I modules" */
static bool verbose;               /* DRLC_FUZZ_VERBOSE=1: echo diagnostics to stderr */

void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("\n==drlc-fuzz== invariant violated: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

/* ---- allocation tracking and exit recovery ------------------------------------------------ */

#ifdef DRLC_FUZZ_RECOVER
/* An open-addressing set of the blocks the current compile has malloc'd and not freed. */
static void **live;
static size_t live_cap, live_len;
static bool tracking;

static size_t live_slot(const void *p) {
  uint64_t h = (uint64_t)(uintptr_t)p;
  h ^= h >> 29;
  h *= 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 20) & (live_cap - 1);
}

static void live_insert(void *p);

static void live_grow(void) {
  void **old = live;
  size_t old_cap = live_cap;
  live_cap = live_cap ? live_cap * 2 : 1024;
  live = calloc(live_cap, sizeof *live);
  if (!live) fuzz_fail("out of memory tracking allocations");
  live_len = 0;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i]) live_insert(old[i]);
  free(old);
}

static void live_insert(void *p) {
  if ((live_len + 1) * 2 > live_cap) live_grow();
  size_t i = live_slot(p);
  while (live[i]) i = (i + 1) & (live_cap - 1);
  live[i] = p;
  live_len++;
}

/* Removes p; false if it was not tracked.  Linear probing: shift the cluster back over the hole. */
static bool live_remove(void *p) {
  if (!live_len) return false;
  size_t i = live_slot(p);
  while (live[i] != p) {
    if (!live[i]) return false;
    i = (i + 1) & (live_cap - 1);
  }
  live[i] = NULL;
  live_len--;
  for (size_t j = (i + 1) & (live_cap - 1); live[j]; j = (j + 1) & (live_cap - 1)) {
    size_t home = live_slot(live[j]);
    /* live[j] may move to the hole at i unless its home lies cyclically in (i, j]. */
    bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!stays) {
      live[i] = live[j];
      live[j] = NULL;
      i = j;
    }
  }
  return true;
}

void *drlc_fuzz_malloc(size_t n);
void *drlc_fuzz_calloc(size_t n, size_t size);
void *drlc_fuzz_realloc(void *p, size_t n);
void drlc_fuzz_free(void *p);
void drlc_fuzz_exit(int status) __attribute__((noreturn));

void *drlc_fuzz_malloc(size_t n) {
  void *p = malloc(n);
  if (p && tracking) live_insert(p);
  return p;
}

void *drlc_fuzz_calloc(size_t n, size_t size) {
  void *p = calloc(n, size);
  if (p && tracking) live_insert(p);
  return p;
}

void *drlc_fuzz_realloc(void *p, size_t n) {
  if (!p) return drlc_fuzz_malloc(n);
  void *q = realloc(p, n);
  if (q && q != p && live_remove(p)) live_insert(q);
  return q;
}

void drlc_fuzz_free(void *p) {
  if (p) live_remove(p);
  free(p);
}

static jmp_buf recover_point;
static volatile int recover_armed;
static volatile int recover_status;

void drlc_fuzz_exit(int status) {
  if (recover_armed) {
    recover_armed = 0;
    recover_status = status;
    longjmp(recover_point, 1);
  }
  exit(status);
}

static void tracking_begin(void) {
  tracking = true;
}

/* A compile that finished: what is still tracked is either kept on purpose (the spec cache) or a
   leak that LeakSanitizer will report. */
static void tracking_end(void) {
  tracking = false;
  if (live_len) memset(live, 0, live_cap * sizeof *live);
  live_len = 0;
}

/* A compile that exit()ed: free everything it had allocated. */
static void tracking_recover(void) {
  tracking = false;
  spec_release();
  for (size_t i = 0; i < live_cap; i++)
    if (live[i]) {
      free(live[i]);
      live[i] = NULL;
    }
  live_len = 0;
}

#define ARM(status_var)                        \
  do {                                         \
    recover_status = -1;                       \
    if (setjmp(recover_point)) {               \
      tracking_recover();                      \
      (status_var) = recover_status;           \
    } else {                                   \
      recover_armed = 1;                       \
      tracking_begin();
#define DISARM                                 \
      recover_armed = 0;                       \
      tracking_end();                          \
    }                                          \
  } while (0)
#else
#define ARM(status_var) do { (void)(status_var); {
#define DISARM } } while (0)
#endif

/* ---- setup -------------------------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

static void make_root(void) {
  const char *env = getenv("DRLC_FUZZ_ROOT");
  if (env && *env) {
    if (!realpath(env, root)) fuzz_fail("DRLC_FUZZ_ROOT=%s: %s", env, strerror(errno));
  } else {
    /* An empty directory of our own, with a module and a data file to find. */
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/drlc-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) fuzz_fail("mkdtemp %s: %s", root, strerror(errno));
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/modules", root);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/data", root);
    mkdir(sub, 0755);
    write_file(root, "modules/queues.drl",
               "macro queue(id, delay = 0) {\n  resource \"${id}Queue\": AWS::SQS::Queue { DelaySeconds = delay }\n}\n"
               "let queue_prefix = \"q\"\n");
    write_file(root, "data/note.txt", "hello from a file\n");
  }
  snprintf(input_path, sizeof input_path, "%s/fuzz.drl", root);
  snprintf(modules_dir, sizeof modules_dir, "%s/modules", root);
}

void fuzz_setup(void) {
  static bool done;
  if (done) return;
  done = true;
  unsetenv("DRLC_PATH");
  unsetenv("NO_COLOR");
  verbose = getenv("DRLC_FUZZ_VERBOSE") && atoi(getenv("DRLC_FUZZ_VERBOSE")) > 0;
  make_root();
#ifdef DRLC_FUZZ_RECOVER
  cJSON_Hooks hooks = {drlc_fuzz_malloc, drlc_fuzz_free};
  cJSON_InitHooks(&hooks);
#endif
}

/* ---- options ------------------------------------------------------------------------------ */

enum { MAX_ARGS = 24, MAX_ARG_LEN = 64 };

typedef struct Args {
  char *argv[MAX_ARGS + 1];
  int argc;
  char store[MAX_ARGS][MAX_ARG_LEN + 1];
} Args;

static void add_arg(Args *a, const char *s) {
  if (a->argc >= MAX_ARGS) return;
  snprintf(a->store[a->argc], sizeof a->store[a->argc], "%s", s);
  a->argv[a->argc] = a->store[a->argc];
  a->argc++;
}

static bool plain_word(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
      return false;
  return true;
}

static bool small_count(const char *s, long max) {
  if (!*s || strlen(s) > 9) return false;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9') return false;
  long n = atol(s);
  return n >= 1 && n <= max;
}

/* "1M" to "256M" */
static bool small_megabytes(const char *s, long max) {
  size_t n = strlen(s);
  if (n < 2 || n > 5 || s[n - 1] != 'M') return false;
  char digits[8];
  memcpy(digits, s, n - 1);
  digits[n - 1] = '\0';
  return small_count(digits, max);
}

/* drlc --max-* LIMITS [the input's own "// args:" options] ROOT/fuzz.drl */
static void build_args(const char *text, size_t len, Args *a) {
  char steps[32], depth[32];
  snprintf(steps, sizeof steps, "%ld", FUZZ_MAX_STEPS);
  snprintf(depth, sizeof depth, "%d", FUZZ_MAX_DEPTH);
  a->argc = 0;
  add_arg(a, "drlc");
  add_arg(a, "--color=never");
  add_arg(a, "--max-steps"), add_arg(a, steps);
  add_arg(a, "--max-depth"), add_arg(a, depth);
  add_arg(a, "--max-memory"), add_arg(a, FUZZ_MAX_MEMORY);
  add_arg(a, "--max-file-size"), add_arg(a, FUZZ_MAX_FILE_SIZE);
  static const char prefix[] = "// args: ";
  if (text && len > sizeof prefix - 1 && memcmp(text, prefix, sizeof prefix - 1) == 0) {
    char line[512];
    size_t n = 0;
    for (size_t i = sizeof prefix - 1; i < len && text[i] != '\n' && n < sizeof line - 1; i++) line[n++] = text[i];
    line[n] = '\0';
    char *words[32];
    int nw = 0;
    char *save = NULL;
    for (char *w = strtok_r(line, " \t\r", &save); w && nw < 32; w = strtok_r(NULL, " \t\r", &save)) words[nw++] = w;
    /* Two slots stay free: an option's value and the input, which must never be the one dropped. */
    for (int i = 0; i < nw && a->argc < MAX_ARGS - 2; i++) {
      const char *w = words[i], *next = i + 1 < nw ? words[i + 1] : "";
      if (strcmp(w, "-Werror") == 0 || strcmp(w, "--allow-retain") == 0) add_arg(a, w);
      else if (strncmp(w, "-Wno-", 5) == 0 && plain_word(w + 5) && strlen(w) <= MAX_ARG_LEN) add_arg(a, w);
      else if (strcmp(w, "--region") == 0 && plain_word(next) && strlen(next) <= 32) add_arg(a, w), add_arg(a, next), i++;
      else if (strcmp(w, "-I") == 0 && strcmp(next, "modules") == 0) add_arg(a, "-I"), add_arg(a, "@modules"), i++;
      else if (strcmp(w, "--max-steps") == 0 && small_count(next, FUZZ_MAX_STEPS)) add_arg(a, w), add_arg(a, next), i++;
      else if (strcmp(w, "--max-depth") == 0 && small_count(next, FUZZ_MAX_DEPTH)) add_arg(a, w), add_arg(a, next), i++;
      else if (strcmp(w, "--max-memory") == 0 && small_megabytes(next, FUZZ_MAX_MEMORY_MB)) add_arg(a, w), add_arg(a, next), i++;
    }
  }
  add_arg(a, "@input");
  /* Long paths do not fit the fixed slots: point at them. */
  for (int i = 0; i < a->argc; i++) {
    if (strcmp(a->argv[i], "@input") == 0) a->argv[i] = input_path;
    else if (strcmp(a->argv[i], "@modules") == 0) a->argv[i] = modules_dir;
  }
  a->argv[a->argc] = NULL;
}

/* ---- one compile -------------------------------------------------------------------------- */

/* State that must survive a longjmp lives here, not in locals. */
static Options opt;
static Arena options_arena;
static Ctx cx;
static bool cx_live;
static cJSON *tmpl;
static FILE *diag_stream;
static char *diag_text;
static size_t diag_size;

static void open_diags(void) {
  diag_text = NULL;
  diag_size = 0;
  diag_stream = open_memstream(&diag_text, &diag_size);
  if (!diag_stream) fuzz_fail("open_memstream: %s", strerror(errno));
}

static void close_diags(char **text, size_t *len) {
  fclose(diag_stream);
  diag_stream = NULL;
  if (verbose && diag_size) fwrite(diag_text, 1, diag_size, stderr);
  if (text) {
    *text = diag_text;
    *len = diag_size;
  } else {
    free(diag_text);
  }
  diag_text = NULL;
}

static bool start_ctx(const char *args_text, size_t args_len) {
  static Args args; /* opt points into it for the whole compile */
  build_args(args_text, args_len, &args);
  options_arena = (Arena){0};
  if (cli_parse(args.argc, args.argv, &opt, &options_arena) != 0) {
    arena_free(&options_arena);
    return false;
  }
  ctx_init(&cx, &opt);
  cx_live = true;
  cx.color = false;
  cx.err = diag_stream;
  return true;
}

static void end_ctx(void) {
  if (cx_live) ctx_free(&cx);
  cx_live = false;
  arena_free(&options_arena);
}

void fuzz_compile(const char *text, size_t len, const char *args_text, size_t args_len, FuzzResult *r) {
  fuzz_setup();
  memset(r, 0, sizeof *r);
  r->exit_status = -1;
  tmpl = NULL;
  open_diags();
  static Buf out;
  out = (Buf){0};
  int status = -1;
  ARM(status)
  if (start_ctx(args_text, args_len)) {
    char *copy = arena_strndup(cx.arena, text ? text : "", len); /* sources are NUL-terminated */
    Source *src = source_add(&cx, input_path, root, copy, len, false);
    Program *prog = arena_alloc(cx.arena, sizeof *prog);
    tmpl = compile_source(&cx, src, prog);
    if (tmpl) json_print(tmpl, &out);
    diag_summary(&cx);
    r->errors = cx.errors;
    tmpl = NULL; /* in the compile's arena, freed with it */
  }
  DISARM;
  if (status >= 0) {
    /* exit() from inside drlc: what it had malloc'd is gone; the arena is freed below. */
    r->errors = cx_live ? cx.errors : 0;
    r->exit_status = status;
    tmpl = NULL;
    out = (Buf){0};
  }
  end_ctx();
  r->json = out.data;
  r->json_len = out.len;
  close_diags(&r->diags, &r->diags_len);
}

int fuzz_format(const char *text, size_t len, char **out_text, size_t *out_len, int *exit_status) {
  fuzz_setup();
  *out_text = NULL;
  *out_len = 0;
  open_diags();
  static Buf out;
  static bool ok;
  static int errors;
  out = (Buf){0};
  ok = false;
  errors = 0;
  int status = -1;
  ARM(status)
  if (start_ctx(NULL, 0)) {
    char *copy = arena_strndup(cx.arena, text ? text : "", len);
    Source *src = source_add(&cx, input_path, root, copy, len, false);
    ok = fmt_format(&cx, src, &out);
    errors = cx.errors;
  }
  DISARM;
  if (status >= 0) {
    out = (Buf){0};
    ok = false;
    errors = cx_live ? cx.errors : 1;
  }
  end_ctx();
  close_diags(NULL, NULL);
  *exit_status = status;
  if (!ok) {
    free(out.data);
    return errors ? 0 : -1;
  }
  *out_text = out.data ? out.data : calloc(1, 1);
  *out_len = out.len;
  return 1;
}

void fuzz_result_free(FuzzResult *r) {
  free(r->json);
  free(r->diags);
  memset(r, 0, sizeof *r);
}

/* ---- invariants --------------------------------------------------------------------------- */

/* Every "ROOT/fuzz.drl:L:C: kind:" names a place inside the program (C may be one past a line's end). */
static void check_locations(const char *text, size_t len, const char *diags) {
  size_t plen = strlen(input_path);
  for (const char *line = diags; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, input_path, plen) != 0 || line[plen] != ':') continue;
    char *end;
    long l = strtol(line + plen + 1, &end, 10);
    if (*end != ':') continue;
    long c = strtol(end + 1, &end, 10);
    if (*end != ':') continue;
    /* Find the line's extent in the source. */
    long cur = 1;
    size_t start = 0;
    for (size_t i = 0; i < len && cur < l; i++)
      if (text[i] == '\n') cur++, start = i + 1;
    if (l < 1 || cur != l) fuzz_fail("diagnostic names line %ld, the program has %ld lines:\n%.200s", l, cur, line);
    size_t stop = start;
    while (stop < len && text[stop] != '\n') stop++;
    if (c < 1 || (size_t)c > stop - start + 1)
      fuzz_fail("diagnostic names column %ld of line %ld, which has %zu bytes:\n%.200s", c, l, stop - start, line);
  }
}

/* An error about the program names the place in it.  Not an error about an option ("--region R: the
   program declares no such region"), nor the memory budget's when it is spent before there is a
   place ("the compile needs more memory than --max-memory allows"). */
static void check_unlocated(const char *diags) {
  for (const char *line = diags; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, "drlc: error: ", 13) != 0) continue;
    if (strncmp(line + 13, "the compile needs more", 22) == 0 || strncmp(line + 13, "--", 2) == 0) continue;
    const char *end = strchr(line, '\n');
    fuzz_fail("an error without a location: %.*s", (int)(end ? end - line : 200), line);
  }
}

void fuzz_check_result(const char *text, size_t len, const FuzzResult *r) {
  const char *diags = r->diags ? r->diags : "";
  /* glibc prints a NULL %s as "(null)"; the program's own text may say it too. */
  if (strstr(diags, "(null)") && !memmem(text, len, "(null)", 6)) fuzz_fail("a diagnostic printed a NULL string:\n%s", diags);
  if (r->exit_status >= 0) {
    /* A fatal limit: drlc exits 1 after saying why. */
    if (r->exit_status != 1) fuzz_fail("drlc called exit(%d)", r->exit_status);
    check_unlocated(diags);
    check_locations(text, len, diags);
    return;
  }
  if (r->json && r->errors) fuzz_fail("a template came with %d errors", r->errors);
  if (!r->json && !r->errors) fuzz_fail("no template and no error:\n%s", diags);
  if (r->errors && !strstr(diags, "error:")) fuzz_fail("%d errors counted, none printed:\n%s", r->errors, diags);
  if (r->json) {
    if (r->json_len == 0 || r->json[r->json_len - 1] != '\n') fuzz_fail("the template does not end with a newline");
    if (strlen(r->json) != r->json_len) fuzz_fail("the template contains a NUL byte");
    cJSON *parsed = cJSON_ParseWithLength(r->json, r->json_len);
    if (!parsed || !cJSON_IsObject(parsed)) fuzz_fail("the template is not a JSON object:\n%.2000s", r->json);
    cJSON_Delete(parsed);
  }
  check_unlocated(diags);
  check_locations(text, len, diags);
}

/* ---- a plain driver, for AFL++ and for replaying files without libFuzzer --------------------- */

#ifdef STANDALONE
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return 2;
  }
  Buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    char *p = realloc(b.data, b.len + n + 1);
    if (!p) abort();
    b.data = p;
    memcpy(b.data + b.len, chunk, n);
    b.len += n;
  }
  if (f != stdin) fclose(f);
  /* The exact size, so that AddressSanitizer sees a read past the end. */
  uint8_t *data = malloc(b.len ? b.len : 1);
  if (!data) abort();
  if (b.len) memcpy(data, b.data, b.len);
  free(b.data);
  LLVMFuzzerTestOneInput(data, b.len);
  free(data);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE... (or - for standard input)\n", argv[0]);
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) status |= run_file(argv[i]);
  return status;
}
#endif
