/*
 * fuzz_compile.c: libFuzzer target for the whole pipeline (parse, expand, check, emit, rules on the
 * template, json_print) on arbitrary bytes.  Besides the sanitizers it checks, for every input
 * (harness.c: fuzz_check_result): a template comes exactly when no error was counted, it is a JSON
 * object ending in a newline, every error is printed, every "fuzz.drl:L:C:" names a place inside the
 * program, no diagnostic prints "(null)", and a fatal limit exits with status 1.
 *
 * Build and run: tests/fuzz/run.sh.  -DSTANDALONE gives a plain program over files (AFL++).
 */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  FuzzResult r;
  fuzz_compile(text, size, text, size, &r);
  fuzz_check_result(text, size, &r);
  fuzz_result_free(&r);
  return 0;
}
