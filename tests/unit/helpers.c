/* helpers.c: run the whole pipeline on a program in a string, capturing template and diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

Result compile_text(const char *program, const char *region) {
  Result r = {0};
  Options opt;
  Arena a = {0};
  char name[] = "drlc", input[] = "-";
  char *argv[] = {name, input, NULL};
  cli_parse(2, argv, &opt, &a);
  opt.region = region;
  vec_push(&a, &opt.disabled_warnings, (void *)"tags"); /* the snippets are about values, not tagging */
  Ctx cx;
  ctx_init(&cx, &opt);
  cx.color = false;
  size_t diag_len;
  cx.err = open_memstream(&r.diags, &diag_len);
  Source *src = source_add(&cx, "test.drl", ".", arena_strdup(cx.arena, program), strlen(program), false);
  Program *prog = arena_alloc(cx.arena, sizeof *prog);
  cJSON *t = compile_source(&cx, src, prog);
  if (t) {
    Buf out = {0};
    json_print(t, &out);
    r.json = out.data;
  }
  fclose(cx.err);
  r.errors = cx.errors;
  ctx_free(&cx);
  arena_free(&a);
  return r;
}

void result_free(Result *r) {
  free(r->json);
  free(r->diags);
}

char *json_at(const char *json, const char *path) {
  cJSON *root = json ? cJSON_Parse(json) : NULL;
  cJSON *node = root;
  char *copy = strdup(path), *save = NULL;
  for (char *key = strtok_r(copy, ".", &save); key && node; key = strtok_r(NULL, ".", &save))
    node = cJSON_IsArray(node) ? cJSON_GetArrayItem(node, atoi(key)) : cJSON_GetObjectItemCaseSensitive(node, key);
  char *text = node ? cJSON_PrintUnformatted(node) : NULL;
  free(copy);
  cJSON_Delete(root);
  return text;
}
