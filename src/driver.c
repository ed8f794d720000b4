/*
 * driver.c: the compile context and the pipeline, shared by the command line and the unit tests.
 *
 * parse -> expand -> check -> emit -> rules on the template.  Expansion runs only on a program that
 * parsed, and the rest only on one that expanded, so no pass sees a half-built program; check errors
 * (names, region safety) leave a complete program, so the rules still run and report in the same run.
 *
 * write_atomically writes a temporary file in the target's directory and renames it over the target
 * only when everything is written and synced: a failed compile, a full disk or a killed process never
 * leaves a truncated file or replaces a good one.  write_template does the same with a template,
 * printed as it is written, or prints it to standard output.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drlc.h"

void ctx_init(Ctx *cx, Options *opt) {
  memset(cx, 0, sizeof *cx);
  cx->opt = opt;
  cx->err = stderr;
  cx->arena = &cx->root;
  cx->root.limit = opt->max_memory;
  const char *term = getenv("TERM");
  cx->color = opt->color == COLOR_ALWAYS ||
              (opt->color == COLOR_AUTO && isatty(2) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0);
}

void ctx_free(Ctx *cx) {
  arena_free(&cx->root);
}

/* What a file gets: bytes, or a template printed as it is written. */
typedef struct Output {
  const char *data;
  size_t len;
  const cJSON *template;
} Output;

static int write_all(int fd, Output out) {
  if (out.template) return json_write(out.template, fd);
  for (const char *data = out.data; out.len;) {
    ssize_t n = write(fd, data, out.len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    data += n;
    out.len -= (size_t)n;
  }
  return 0;
}

/* A device, a pipe or /dev/stdout is written in place: renaming over it would replace it. */
static int write_in_place(const char *path, Output out) {
  int fd = open(path, O_WRONLY | O_TRUNC | O_NOCTTY);
  if (fd < 0) return -1;
  int ok = write_all(fd, out) == 0;
  int saved = errno;
  ok = close(fd) == 0 && ok;
  if (!ok && saved) errno = saved;
  return ok ? 0 : -1;
}

/* Writes data to a temporary file beside path, syncs it and renames it over path.  A file that
   already exists keeps its permissions; a new one gets 0666 less the umask. */
static int write_by_rename(Ctx *cx, const char *path, Output out) {
  struct stat old;
  bool existed = stat(path, &old) == 0;
  const char *dir = path_dirname(cx, path);
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  char *tmp = arena_printf(cx->arena, "%s/.%s.XXXXXX", dir, base);
  int fd = mkstemp(tmp);
  if (fd < 0) return -1;
  mode_t mask = umask(0);
  umask(mask);
  mode_t mode = existed ? old.st_mode & 07777 : 0666 & ~mask;
  int ok = write_all(fd, out) == 0 && fchmod(fd, mode) == 0 && fsync(fd) == 0;
  int saved = errno;
  ok = close(fd) == 0 && ok;
  if (ok && rename(tmp, path) == 0) return 0;
  if (ok) saved = errno;
  unlink(tmp);
  errno = saved;
  return -1;
}

static int write_output(Ctx *cx, const char *path, Output out) {
  struct stat st;
  char real[PATH_MAX];
  int r;
  errno = 0;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) errno = EISDIR, r = -1;
  else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) r = write_in_place(path, out);
  else if (realpath(path, real)) r = write_by_rename(cx, real, out); /* through symbolic links */
  else r = write_by_rename(cx, path, out);
  if (r) fprintf(stderr, "drlc: error: cannot write '%s': %s\n", path, errno == EISDIR ? "it is a directory" : strerror(errno));
  return r;
}

int write_atomically(Ctx *cx, const char *path, const char *data, size_t len) {
  return write_output(cx, path, (Output){data, len, NULL});
}

int write_template(Ctx *cx, const char *path, const cJSON *template) {
  if (path) return write_output(cx, path, (Output){NULL, 0, template});
  return json_write(template, STDOUT_FILENO);
}

static cJSON *compile_steps(Ctx *cx, Source *src, Program *prog);

/* The recovery point of fatal errors (limits): everything allocated is the arena's, or a scratch
   arena's, released here; the template too. */
cJSON *compile_source(Ctx *cx, Source *src, Program *prog) {
  jmp_buf bail;
  cx->at = (Loc){src->id, 0, 0};
  if (setjmp(bail)) {
    cx->bail = cx->root.bail = NULL;
    while (cx->root.scratch) arena_release(cx->root.scratch); /* of the macro calls it unwound */
    cx->arena = &cx->root;
    if (cx->root.exhausted) /* located at the last step taken: where the memory went */
      diag_error(cx, cx->at, NULL, "the compile needs more than %zu MiB of memory (see --max-memory)", cx->opt->max_memory >> 20);
    return NULL;
  }
  cx->bail = cx->root.bail = &bail;
  cJSON *template = compile_steps(cx, src, prog);
  cx->bail = cx->root.bail = NULL;
  return template;
}

static cJSON *compile_steps(Ctx *cx, Source *src, Program *prog) {
  Node *main_program = parse_source(cx, src);
  if (!cx->errors) expand_program(cx, main_program, src, prog);
  if (cx->errors) return NULL;
  check_program(cx, prog);
  /* The template is built even after check errors, so that the rules report in the same run. */
  cJSON *template = emit_template(cx, prog);
  if (!cx->opt->no_rules) rules_check_template(cx, prog, template);
  return cx->errors ? NULL : template;
}
