/*
 * harness.h: what the fuzz targets share (harness.c).
 *
 * Each compile runs the real pipeline (driver.c: source_add + compile_source, then json_print) with
 * low limits, in a fresh Ctx, with diagnostics captured in memory.  The program is named
 * ROOT/fuzz.drl, where ROOT is $DRLC_FUZZ_ROOT (run.sh fills it with the golden tests' modules and
 * data) or an empty temporary directory: `use` and file() only ever see that directory, the stdlib
 * and the fixed -I list below.
 *
 * Built with -DDRLC_FUZZ_RECOVER (run.sh does), an exit() inside drlc returns to the harness, which
 * frees what the run had malloc'd and records the status (harness.c).
 */
#ifndef DRLC_FUZZ_HARNESS_H
#define DRLC_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct FuzzResult {
  char *json;         /* the printed template (malloc'd), or NULL when the compile failed */
  size_t json_len;
  char *diags;        /* every diagnostic (malloc'd, NUL-terminated) */
  size_t diags_len;
  int errors;         /* cx.errors at the end */
  int exit_status;    /* -1, or the status drlc passed to exit() (recovered) */
} FuzzResult;

/* Once per process: the root directory, the diagnostics sink, cJSON's allocator. */
void fuzz_setup(void);

/* Compiles text (len bytes, any content).  Options come from an "// args: ..." first line of
   args_text (only --region, -Werror, -Wno-NAME, --allow-retain, -I modules, and --max-steps,
   --max-depth and --max-memory below the fuzzing limits are honoured) after the fuzzing limits. */
void fuzz_compile(const char *text, size_t len, const char *args_text, size_t args_len, FuzzResult *r);

/* drlc fmt on text: 1 with *out (malloc'd) on success, 0 when it reported errors, -1 when it failed
   without reporting any (which breaks fmt_format's contract). */
int fuzz_format(const char *text, size_t len, char **out, size_t *out_len, int *exit_status);

void fuzz_result_free(FuzzResult *r);

/* Checks what every compile must satisfy (see harness.c); aborts with a message if one fails. */
void fuzz_check_result(const char *text, size_t len, const FuzzResult *r);

/* Prints a message about the input and aborts: libFuzzer and AFL++ both record that as a crash. */
void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

#endif
