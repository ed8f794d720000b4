/*
 * fuzz_fmt.c: libFuzzer target for `drlc fmt` (fmt_format).  For every input that formats:
 *   - formatting is idempotent: fmt(fmt(x)) == fmt(x), byte for byte;
 *   - fmt(x) compiles to exactly the template x compiles to, when x compiles (the options of x's
 *     "// args:" line are used for both);
 * and for every input: if x compiles, x formats; fmt_format never fails without a diagnostic.
 * Plus the checks of fuzz_compile on both compiles (harness.c: fuzz_check_result).
 *
 * While fmt.c is the stub that fails on everything without a word, fmt_format is taken as "not
 * implemented" until it has once succeeded in this process: then only the compile half runs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void show(const char *what, const char *text, size_t len) {
  fprintf(stderr, "---- %s (%zu bytes) ----\n%.*s\n", what, len, (int)(len > 4000 ? 4000 : len), text ? text : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bool fmt_works, told;
  const char *text = (const char *)data;
  char *once = NULL, *twice = NULL;
  size_t once_len = 0, twice_len = 0;
  int exited = -1;
  int formatted = fuzz_format(text, size, &once, &once_len, &exited);
  if (formatted == 1) fmt_works = true;
  if (formatted < 0 && !fmt_works) {
    if (!told) fprintf(stderr, "fuzz_fmt: fmt_format fails without a diagnostic: taken as not implemented yet\n");
    told = true;
  } else if (formatted < 0) {
    show("x", text, size);
    fuzz_fail("fmt_format failed without reporting an error");
  }

  FuzzResult orig;
  fuzz_compile(text, size, text, size, &orig);
  fuzz_check_result(text, size, &orig);
  if (formatted != 1) {
    /* fmt_format fails only on syntax errors, which also stop the compile. */
    if (orig.json && fmt_works) {
      show("x", text, size);
      fuzz_fail("x compiles but does not format");
    }
    fuzz_result_free(&orig);
    return 0;
  }

  if (fuzz_format(once, once_len, &twice, &twice_len, &exited) != 1) {
    show("fmt(x)", once, once_len);
    fuzz_fail("fmt(x) does not format again");
  }
  if (twice_len != once_len || memcmp(once, twice, once_len) != 0) {
    show("fmt(x)", once, once_len);
    show("fmt(fmt(x))", twice, twice_len);
    fuzz_fail("formatting is not idempotent");
  }

  if (orig.json) {
    FuzzResult again;
    fuzz_compile(once, once_len, text, size, &again);
    fuzz_check_result(once, once_len, &again);
    if (!again.json) {
      show("fmt(x)", once, once_len);
      show("diagnostics of fmt(x)", again.diags, again.diags_len);
      fuzz_fail("x compiles, fmt(x) does not");
    }
    if (again.json_len != orig.json_len || memcmp(again.json, orig.json, orig.json_len) != 0) {
      show("fmt(x)", once, once_len);
      show("template of x", orig.json, orig.json_len);
      show("template of fmt(x)", again.json, again.json_len);
      fuzz_fail("fmt(x) compiles to a different template than x");
    }
    fuzz_result_free(&again);
  }
  fuzz_result_free(&orig);
  free(once);
  free(twice);
  return 0;
}
