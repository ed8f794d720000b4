/*
 * unit.h: what the Check suites share: the suite constructors the runner calls, and helpers that
 * run the real pipeline on a program held in a string.
 */
#ifndef DRLC_UNIT_H
#define DRLC_UNIT_H

#include <check.h>

#include "drlc.h"

Suite *spec_suite(void);
Suite *lexer_suite(void);
Suite *parser_suite(void);
Suite *fold_suite(void);
Suite *json_suite(void);
Suite *cli_suite(void);

/* The result of compiling a program: the canonical template text (NULL on errors) and every
   diagnostic printed, both malloc'd; free with result_free. */
typedef struct Result {
  char *json;
  char *diags;
  int errors;
} Result;

Result compile_text(const char *program, const char *region);
void result_free(Result *r);
/* The compact JSON of the value at "Resources.R.Properties.P" style paths, malloc'd, or NULL. */
char *json_at(const char *json, const char *path);

#endif
