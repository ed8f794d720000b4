/* test_fold.c: what is folded at compile time and what becomes an intrinsic, through the real pipeline. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

typedef struct Case {
  const char *value;   /* a DRL expression, set as the Tags value of a queue */
  const char *json;    /* the compact JSON it must become */
} Case;

static const char *const prelude =
    "regions { primary = \"us-east-1\", secondary = \"us-west-2\" }\n"
    "stack { suffix = Env }\nparam Env: String\nresource B: AWS::S3::Bucket {}\nlet n = 2\n";

static const Case cases[] = {
    {"\"plain\"", "\"plain\""},
    {"\"a-${n}-${\"b\"}\"", "\"a-2-b\""},
    {"\"x-${suffix}\"", "{\"Fn::Sub\":\"x-${Env}\"}"},
    {"\"${B.Arn}/*\"", "{\"Fn::Sub\":\"${B.Arn}/*\"}"},
    {"\"${region}:${account}\"", "{\"Fn::Sub\":\"${AWS::Region}:${AWS::AccountId}\"}"},
    {"\"\\${keep} ${Env}\"", "{\"Fn::Sub\":\"${!keep} ${Env}\"}"},
    {"\"\\${keep}\"", "\"${keep}\""},
    {"\"${join(\"-\", [B, \"x\"])}!\"", "{\"Fn::Sub\":[\"${Var1}!\",{\"Var1\":{\"Fn::Join\":[\"-\",[{\"Ref\":\"B\"},\"x\"]]}}]}"},
    {"Env", "{\"Ref\":\"Env\"}"},
    {"primary ? 1 : 2", "{\"Fn::If\":[\"IsPrimary\",1,2]}"},
    {"primary ? 1 : 1", "1"},
    {"by_region { primary = \"e\", secondary = \"w\" }", "{\"Fn::If\":[\"IsPrimary\",\"e\",\"w\"]}"},
    {"region == \"us-west-2\" ? \"w\" : \"e\"", "{\"Fn::If\":[\"IsSecondary\",\"w\",\"e\"]}"},
    {"primary && secondary ? 1 : 2", "2"},
    {"primary || secondary ? 1 : 2", "1"},
    {"1 + 2 * 3 - 4 / 2", "5"},
    {"\"a\" + \"b\" + Env", "{\"Fn::Sub\":\"ab${Env}\"}"},
    {"[1] + [2]", "[1,2]"},
    {"base64(\"ab\")", "\"YWI=\""},
    {"split(\",\", \"a,b\")[1]", "\"b\""},
    {"select(0, split(\",\", Env))", "{\"Fn::Select\":[0,{\"Fn::Split\":[\",\",{\"Ref\":\"Env\"}]}]}"},
    {"len(\"abc\") > 2", "true"},
    {"ref(\"B\").DomainName", "{\"Fn::GetAtt\":[\"B\",\"DomainName\"]}"},
    {"[1, no_value, 2]", "[1,2]"},
    {"primary ? no_value : 1", "{\"Fn::If\":[\"IsPrimary\",{\"Ref\":\"AWS::NoValue\"},1]}"},
    {"{ A = no_value, B = 1 }", "{\"B\":1}"},
};

START_TEST(test_fold) {
  char program[2048];
  snprintf(program, sizeof program, "%sresource Q: AWS::SQS::Queue { metadata = { V = %s } }\n", prelude, cases[_i].value);
  Result r = compile_text(program, NULL);
  ck_assert_msg(r.json, "did not compile: %s\n%s", cases[_i].value, r.diags);
  char *got = json_at(r.json, "Resources.Q.Metadata.V");
  ck_assert_str_eq(got, cases[_i].json);
  free(got);
  result_free(&r);
}
END_TEST

START_TEST(test_region_flag_folds_conditions) {
  char program[2048];
  snprintf(program, sizeof program, "%sresource Q: AWS::SQS::Queue { metadata = { V = [primary ? 1 : 2, \"${region}\"] } }\n", prelude);
  Result r = compile_text(program, "secondary");
  char *got = json_at(r.json, "Resources.Q.Metadata.V");
  ck_assert_str_eq(got, "[2,\"us-west-2\"]");
  ck_assert_ptr_null(strstr(r.json, "Conditions"));
  free(got);
  result_free(&r);
}
END_TEST

START_TEST(test_deploy_time_value_in_compile_time_place) {
  Result r = compile_text("param P: String\nif P { }\nresource Q: AWS::SQS::Queue {}\n", NULL);
  ck_assert_ptr_null(r.json);
  ck_assert_int_eq(r.errors, 1);
  ck_assert_ptr_nonnull(strstr(r.diags, "test.drl:2:4: error: 'if' needs a compile-time boolean"));
  result_free(&r);
}
END_TEST

Suite *fold_suite(void) {
  Suite *s = suite_create("fold");
  TCase *tc = tcase_create("values");
  tcase_add_loop_test(tc, test_fold, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_region_flag_folds_conditions);
  tcase_add_test(tc, test_deploy_time_value_in_compile_time_place);
  suite_add_tcase(s, tc);
  return s;
}
