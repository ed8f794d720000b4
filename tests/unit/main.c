/* main.c: runs every Check suite of drlc and exits non-zero if any test failed. */
#include <stdlib.h>

#include "spec.h"
#include "unit.h"

int main(void) {
  SRunner *sr = srunner_create(lexer_suite());
  srunner_add_suite(sr, parser_suite());
  srunner_add_suite(sr, fold_suite());
  srunner_add_suite(sr, json_suite());
  srunner_add_suite(sr, cli_suite());
  srunner_add_suite(sr, spec_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  spec_release();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
