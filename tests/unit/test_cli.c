/* test_cli.c: option parsing: values, defaults, and usage errors (exit 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static int parse(Options *opt, Arena *a, const char *line) {
  char *copy = strdup(line), *save = NULL;
  char *argv[32] = {arena_strdup(a, "drlc")};
  int argc = 1;
  for (char *w = strtok_r(copy, " ", &save); w && argc < 31; w = strtok_r(NULL, " ", &save)) argv[argc++] = arena_strdup(a, w);
  free(copy);
  FILE *saved = stderr;
  stderr = fopen("/dev/null", "w");
  int r = cli_parse(argc, argv, opt, a);
  fclose(stderr);
  stderr = saved;
  return r;
}

START_TEST(test_values_and_flags) {
  Options opt;
  Arena a = {0};
  ck_assert_int_eq(parse(&opt, &a, "-o out.json --region us-west-2 -I lib -Ilib2 --allow-read ../lambda -Werror -Wno-suffix --color=never in.drl"), 0);
  ck_assert_str_eq(opt.input, "in.drl");
  ck_assert_str_eq(opt.output, "out.json");
  ck_assert_str_eq(opt.region, "us-west-2");
  ck_assert_int_eq(opt.include_dirs.len, 2);
  ck_assert_str_eq(opt.include_dirs.items[1], "lib2");
  ck_assert_str_eq(opt.read_dirs.items[0], "../lambda");
  ck_assert(opt.werror);
  ck_assert_str_eq(opt.disabled_warnings.items[0], "suffix");
  ck_assert_int_eq(opt.color, COLOR_NEVER);
  arena_free(&a);
}
END_TEST

START_TEST(test_defaults_and_limits) {
  Options opt;
  Arena a = {0};
  ck_assert_int_eq(parse(&opt, &a, "-"), 0);
  ck_assert_str_eq(opt.input, "-");
  ck_assert_int_eq(opt.max_depth, 64);
  ck_assert_uint_eq(opt.max_file_size, 16u << 20);
  ck_assert_int_eq(parse(&opt, &a, "--max-file-size=2M --max-steps 1K --max-depth 5 --max-memory 64M x.drl"), 0);
  ck_assert_uint_eq(opt.max_file_size, 2u << 20);
  ck_assert_int_eq(opt.max_steps, 1024);
  ck_assert_int_eq(opt.max_depth, 5);
  ck_assert_uint_eq(opt.max_memory, 64u << 20);
  arena_free(&a);
}
END_TEST

static const char *const usage_errors[] = {
    "", "a.drl b.drl", "-o", "--bogus x.drl", "--color=sometimes x.drl", "--max-depth 0 x.drl",
    "--max-memory 12 x.drl", "--check -o out.json x.drl", "--max-steps -5 x.drl", "-I x.drl",
};

START_TEST(test_usage_errors) {
  Options opt;
  Arena a = {0};
  ck_assert_int_eq(parse(&opt, &a, usage_errors[_i]), 2);
  arena_free(&a);
}
END_TEST

Suite *cli_suite(void) {
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("options");
  tcase_add_test(tc, test_values_and_flags);
  tcase_add_test(tc, test_defaults_and_limits);
  tcase_add_loop_test(tc, test_usage_errors, 0, sizeof usage_errors / sizeof usage_errors[0]);
  suite_add_tcase(s, tc);
  return s;
}
