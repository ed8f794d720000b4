/* test_json.c: the canonical order and the printer, on trees built by hand. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static char *canonical(const char *json) {
  cJSON *t = cJSON_Parse(json);
  json_canonicalize(t);
  Buf out = {0};
  json_print(t, &out);
  cJSON_Delete(t);
  return out.data;
}

START_TEST(test_sections_in_documented_order) {
  char *s = canonical("{\"Outputs\":{},\"Resources\":{},\"Conditions\":{},\"Parameters\":{},\"Description\":\"d\","
                      "\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Mappings\":{},\"Metadata\":{},\"Rules\":{},\"Transform\":\"t\"}");
  const char *order[] = {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
                         "Mappings", "Conditions", "Transform", "Resources", "Outputs"};
  const char *at = s;
  for (int i = 0; i < 10; i++) {
    const char *next = strstr(at, order[i]);
    ck_assert_msg(next != NULL, "%s missing or out of order", order[i]);
    at = next;
  }
  free(s);
}
END_TEST

START_TEST(test_resource_attributes_then_byte_order) {
  char *s = canonical("{\"Resources\":{\"b\":{\"Properties\":{\"b\":1,\"B\":2,\"a\":3},\"Metadata\":{},\"Type\":\"T\","
                      "\"DependsOn\":[\"x\"],\"Condition\":\"C\",\"DeletionPolicy\":\"Delete\"},\"A\":{\"Type\":\"T\"}}}");
  ck_assert_str_eq(s,
                   "{\n  \"Resources\": {\n    \"A\": {\n      \"Type\": \"T\"\n    },\n    \"b\": {\n      \"Type\": \"T\",\n"
                   "      \"Condition\": \"C\",\n      \"DependsOn\": [\n        \"x\"\n      ],\n      \"DeletionPolicy\": \"Delete\",\n"
                   "      \"Metadata\": {},\n      \"Properties\": {\n        \"B\": 2,\n        \"a\": 3,\n        \"b\": 1\n      }\n"
                   "    }\n  }\n}\n");
  free(s);
}
END_TEST

START_TEST(test_scalars) {
  char *s = canonical("[1, 1.5, -0.0, 1e21, 0.1, true, false, null, \"\\\"\\\\\\n\\t\\u0001/\", [], {}]");
  ck_assert_str_eq(s, "[\n  1,\n  1.5,\n  0,\n  1e+21,\n  0.1,\n  true,\n  false,\n  null,\n  \"\\\"\\\\\\n\\t\\u0001/\",\n  [],\n  {}\n]\n");
  free(s);
}
END_TEST

START_TEST(test_number_format_round_trips) {
  const double values[] = {0.1, 1.0 / 3, 123456789.125, 1e-7, 2.5e300, -42};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    char buf[32];
    ck_assert(strtod(json_format_number(values[i], buf), NULL) == values[i]);
  }
}
END_TEST

START_TEST(test_same_program_same_bytes) {
  const char *program = "resource Z: AWS::SQS::Queue { Tags = [{ Value = \"v\", Key = \"k\" }] }\n"
                        "resource A: AWS::SQS::Queue { QueueName = \"a\", DelaySeconds = 1 }\n";
  Result a = compile_text(program, NULL), b = compile_text(program, NULL);
  ck_assert_str_eq(a.json, b.json);
  ck_assert(strstr(a.json, "\"A\"") < strstr(a.json, "\"Z\""));
  ck_assert(strstr(a.json, "\"Key\"") < strstr(a.json, "\"Value\""));
  ck_assert(a.json[strlen(a.json) - 1] == '\n' && a.json[strlen(a.json) - 2] == '}');
  result_free(&a);
  result_free(&b);
}
END_TEST

Suite *json_suite(void) {
  Suite *s = suite_create("json");
  TCase *tc = tcase_create("canonical");
  tcase_add_test(tc, test_sections_in_documented_order);
  tcase_add_test(tc, test_resource_attributes_then_byte_order);
  tcase_add_test(tc, test_scalars);
  tcase_add_test(tc, test_number_format_round_trips);
  tcase_add_test(tc, test_same_program_same_bytes);
  suite_add_tcase(s, tc);
  return s;
}
