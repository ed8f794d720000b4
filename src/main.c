/*
 * main.c: the drlc command: options in, outputs out.
 *
 * Any error stops the compile before anything is written; -o and -MF are written atomically
 * (driver.c).  Exit 0 on success, 1 for errors in the input, 2 for usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "drlc.h"

static const char *make_escape(Ctx *cx, const char *path) {
  Buf b = {0};
  for (const char *p = path; *p; p++) {
    if (*p == ' ' || *p == '#' || *p == ':') buf_addc(&b, '\\');
    if (*p == '$') buf_addc(&b, '$');
    buf_addc(&b, *p);
  }
  const char *r = arena_strdup(cx->arena, b.data ? b.data : "");
  buf_free(&b);
  return r;
}

/* "stack.json: payment.drl lambda/payment_processor.py" and an empty rule for each prerequisite. */
static void dependency_rule(Ctx *cx, Program *p, Buf *out) {
  const Options *opt = cx->opt;
  const char *target = opt->output;
  if (!target) {
    const char *dot = strrchr(opt->input, '.');
    target = arena_printf(cx->arena, "%.*s.json", dot ? (int)(dot - opt->input) : (int)strlen(opt->input), opt->input);
  }
  buf_printf(out, "%s: %s", make_escape(cx, target), make_escape(cx, opt->input));
  for (int i = 0; i < p->files_read.len; i++) buf_printf(out, " \\\n  %s", make_escape(cx, p->files_read.items[i]));
  buf_addc(out, '\n');
  for (int i = 0; i < p->files_read.len; i++) buf_printf(out, "\n%s:\n", make_escape(cx, p->files_read.items[i]));
}

static Source *read_main(Ctx *cx) {
  const char *path = cx->opt->input;
  size_t len;
  char *text = read_whole_file(cx, path, &len, cx->opt->max_file_size);
  if (!text) {
    fprintf(stderr, "drlc: error: cannot read '%s': %s\n", path,
            errno == EFBIG ? "it is larger than --max-file-size" : errno == EISDIR ? "it is a directory"
            : errno == ENODEV ? "it is not a regular file" : strerror(errno));
    return NULL;
  }
  bool in = strcmp(path, "-") == 0;
  return source_add(cx, in ? "<stdin>" : path, in ? "." : path_dirname(cx, path), text, len, false);
}

/* Writes what the compile produced; returns the exit status. */
static int write_outputs(Ctx *cx, Program *p, cJSON *template) {
  const Options *opt = cx->opt;
  Buf out = {0};
  int status = 0;
  if (opt->deps || opt->depfile) {
    dependency_rule(cx, p, &out);
    if (opt->depfile && write_atomically(cx, opt->depfile, out.data, out.len)) status = 1;
    if (opt->deps) fwrite(out.data, 1, out.len, stdout);
    out.len = 0;
  }
  if (opt->source_map && write_source_map(cx, p, template, opt->source_map)) status = 1;
  if (opt->report) {
    report_markdown(cx, p, template, &out);
    fwrite(out.data, 1, out.len, stdout);
  } else if (!opt->check_only && !opt->deps && !status) {
    if (fflush(stdout) != 0 || write_template(cx, opt->output, template)) status = 1;
  }
  buf_free(&out);
  return status;
}

static int compile(Ctx *cx) {
  Source *src = read_main(cx);
  if (!src) return 2;
  Program *prog = arena_alloc(cx->arena, sizeof *prog);
  cJSON *template = compile_source(cx, src, prog);
  int status = cx->errors ? 1 : write_outputs(cx, prog, template);
  diag_summary(cx);
  return status;
}

int main(int argc, char **argv) {
#ifdef M_TRIM_THRESHOLD
  /* Each macro call's scratch arena is freed at the top of the heap, and the next call's takes the
     same memory again: glibc would give it back to the kernel every time, and fault it in anew. */
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
  if (argc > 1 && strcmp(argv[1], "fmt") == 0) return fmt_main(argc - 1, argv + 1);
  Options opt;
  Arena options_arena = {0};
  int r = cli_parse(argc, argv, &opt, &options_arena);
  if (r) {
    arena_free(&options_arena);
    return r < 0 ? 0 : r;
  }
  Ctx cx;
  ctx_init(&cx, &opt);
  int status = compile(&cx);
  ctx_free(&cx);
  arena_free(&options_arena);
  return status;
}
