/*
 * rules.c: what CloudFormation and a two-region stack require, checked before AWS does.
 *
 * Specification (from AWS's resource schemas, spec.c): known types available in each region they are
 * deployed to, known and required properties, value shapes, enums, GetAtt attributes.
 * Stack rules, each an error named so that -Wno-NAME or "// drlc:allow NAME" turns it off:
 *   suffix        every physical name carries the stack's suffix (when stack { suffix = ... } is set)
 *   tags          Environment and Region tags on every taggable resource (idem)
 *   retain        no Retain, RetainExceptOnCreate or Snapshot policy unless --allow-retain
 *   dr-symmetry   a compute or monitoring resource in one region has a counterpart in the others
 *   limits        500 resources, 200 parameters, 200 outputs, 1 MB of template (warning at 90%)
 * Warnings: deprecated-runtime (a Lambda runtime past its deprecation date), inline-size (over 51,200
 * bytes, the most `aws cloudformation deploy` takes without --s3-bucket).
 * Errors found in the template are traced back to the source through emit_origin().
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drlc.h"
#include "spec.h"

typedef struct Rules {
  Ctx *cx;
  Program *prog;
  const Decl *decl;   /* the resource being checked */
  Map *type_regions;  /* resource type -> the regions its resources cover together (a unsigned *) */
} Rules;

/* The location of a node of the template: its Value's, else the declaration's. */
static Loc where(Rules *r, const cJSON *node, const Frame **frame) {
  const Value *v = node ? emit_origin(node) : NULL;
  *frame = v && v->frame ? v->frame : r->decl->frame;
  return v && v->loc.file >= 0 ? v->loc : r->decl->name_loc;
}

/* ---- the specification ---- */

static void report_spec(void *ctx, const cJSON *node, const char *message) {
  Rules *r = ctx;
  const Frame *frame;
  Loc loc = where(r, node, &frame);
  diag_error(r->cx, loc, frame, "%s", message);
}

static unsigned spec_regions_of(const Program *p, unsigned mask) {
  unsigned out = 0;
  for (int i = 0; i < p->nregions; i++) {
    if (!(mask & (1u << i))) continue;
    if (strcmp(p->regions[i].name, "us-east-1") == 0) out |= SPEC_REGION_US_EAST_1;
    if (strcmp(p->regions[i].name, "us-west-2") == 0) out |= SPEC_REGION_US_WEST_2;
  }
  return out;
}

static bool check_type(Rules *r, const Decl *d) {
  if (!spec_type_known(d->type)) {
    const char *near = r->cx->quiet ? NULL : spec_closest_type(d->type); /* a search of every type */
    if (near) diag_error(r->cx, d->node->type_loc, d->frame, "unknown resource type '%s'; did you mean '%s'?", d->type, near);
    else diag_error(r->cx, d->node->type_loc, d->frame, "unknown resource type '%s'", d->type);
    return false;
  }
  unsigned missing = spec_regions_of(r->prog, d->mask) & ~spec_type_regions(d->type);
  if (missing)
    diag_error(r->cx, d->node->type_loc, d->frame, "%s is not available in %s", d->type,
               missing & SPEC_REGION_US_EAST_1 ? "us-east-1" : "us-west-2");
  return true;
}

static void check_attribute(Ctx *cx, const Value *v) {
  Decl *target = program_find(cx->prog, v->s);
  if (!target || target->kind != D_RESOURCE || !spec_type_known(target->type)) return;
  if (spec_has_attribute(target->type, v->attr)) return;
  const char *near = spec_closest_attribute(target->type, v->attr);
  if (near) diag_error(cx, v->loc, v->frame, "%s '%s' has no attribute '%s'; did you mean '%s'?", target->type, v->s, v->attr, near);
  else diag_error(cx, v->loc, v->frame, "%s '%s' has no attribute '%s'", target->type, v->s, v->attr);
}

static void walk_attributes(Ctx *cx, const Value *v) {
  if (!v) return;
  eval_count_step(cx, v->loc);
  if (v->kind == V_GETATT) check_attribute(cx, v);
  if (v->kind == V_FN) walk_attributes(cx, v->arg);
  for (int i = 0; (v->kind == V_LIST || v->kind == V_OBJECT || v->kind == V_SUB) && i < v->items.len; i++)
    walk_attributes(cx, v->items.items[i]);
}

/* ---- the suffix in physical names ---- */

static bool sub_mentions(const cJSON *sub, const char *param) {
  const cJSON *text = cJSON_IsArray(sub) ? sub->child : sub;
  char want[300];
  snprintf(want, sizeof want, "${%s}", param);
  return cJSON_IsString(text) && strstr(text->valuestring, want) != NULL;
}

/* Does the value mention the suffix parameter: {"Ref": S} or "${S}" inside an Fn::Sub? */
static bool mentions(const cJSON *node, const char *param) {
  for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
    bool is_ref = c->string && strcmp(c->string, "Ref") == 0 && cJSON_IsString(c) && strcmp(c->valuestring, param) == 0;
    if (is_ref || (c->string && strcmp(c->string, "Fn::Sub") == 0 && sub_mentions(c, param)) || mentions(c, param)) return true;
  }
  return false;
}

static void check_physical_name(Rules *r, const cJSON *props) {
  const char *suffix = r->prog->suffix_param;
  const char *prop = spec_physical_name_property(r->decl->type);
  const cJSON *name = prop && props ? cJSON_GetObjectItemCaseSensitive(props, prop) : NULL;
  if (!suffix || !name || mentions(name, suffix)) return;
  const Frame *frame;
  Loc loc = where(r, name, &frame);
  diag_rule(r->cx, "suffix", loc, frame, "the physical name '%s' of '%s' does not carry the suffix ${%s}", prop, r->decl->name, suffix);
}

/* ---- tags ---- */

static bool has_tag(const cJSON *tags, bool is_map, const char *key) {
  if (is_map) return cJSON_GetObjectItemCaseSensitive(tags, key) != NULL;
  const cJSON *t;
  cJSON_ArrayForEach(t, tags) {
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "Key");
    if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0) return true;
  }
  return false;
}

/* An intrinsic (Fn::If, Ref, ...) where the tags go: drlc cannot see the keys, so it trusts them. */
static bool is_intrinsic(const cJSON *node) {
  return cJSON_IsObject(node) && node->child && !node->child->next &&
         (strncmp(node->child->string, "Fn::", 4) == 0 || strcmp(node->child->string, "Ref") == 0);
}

static void check_tags_at(Rules *r, const cJSON *tags, bool is_map, const cJSON *holder) {
  if (tags && is_intrinsic(tags)) return;
  static const char *const required[] = {"Environment", "Region"};
  for (int i = 0; i < 2; i++) {
    if (tags && has_tag(tags, is_map, required[i])) continue;
    const Frame *frame;
    Loc loc = where(r, tags ? tags : holder, &frame);
    diag_rule(r->cx, "tags", loc, frame, "'%s' (%s) has no '%s' tag", r->decl->name, r->decl->type, required[i]);
  }
}

/* Follows a path of the form "Tags" or "Replicas/ * /Tags" (no spaces) to every tags value. */
static void check_tags_path(Rules *r, const cJSON *node, const char *path, bool is_map) {
  const char *slash = strchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : strlen(path);
  if (n == 1 && path[0] == '*') {
    const cJSON *item;
    cJSON_ArrayForEach(item, node) if (!is_intrinsic(item)) check_tags_path(r, item, slash + 1, is_map);
    return;
  }
  char key[128];
  snprintf(key, sizeof key, "%.*s", (int)n, path);
  const cJSON *next = node ? cJSON_GetObjectItemCaseSensitive(node, key) : NULL;
  if (!slash) check_tags_at(r, next, is_map, node);
  else if (next && !is_intrinsic(next)) check_tags_path(r, next, slash + 1, is_map);
}

static void check_tags(Rules *r, const cJSON *props) {
  bool is_map = false;
  const char *path = spec_tags_property(r->decl->type, &is_map);
  if (!r->prog->suffix_param || !path) return;
  check_tags_path(r, props, path, is_map);
}

/* ---- policies ---- */

static void check_policy(Rules *r, const Value *policy, const char *what) {
  if (!policy || r->cx->opt->allow_retain || strcmp(policy->s, "Delete") == 0) return;
  diag_rule(r->cx, "retain", policy->loc, r->decl->frame,
            "%s \"%s\" on '%s' keeps data after the stack is deleted (allow it with --allow-retain)", what, policy->s,
            r->decl->name);
}

/* ---- Lambda runtimes ---- */

static const char *today(char *buf) {
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  time_t now = epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, 11, "%Y-%m-%d", &tm);
  return buf;
}

/* The runtime's value, looking through a Ref to a parameter's default; *at is where it is written. */
static const Value *runtime_value(Ctx *cx, const Value *v) {
  if (v && v->kind == V_REF) {
    Decl *param = program_find(cx->prog, v->s);
    if (param && param->kind == D_PARAM) return param->value;
  }
  return v;
}

static void check_runtime(Rules *r) {
  if (strcmp(r->decl->type, "AWS::Lambda::Function") != 0) return;
  const Value *v = runtime_value(r->cx, obj_get(r->decl->props, "Runtime"));
  const char *deprecated, *blocked, *successor;
  char date[16];
  if (!v || v->kind != V_STR || !spec_runtime_info(v->s, &deprecated, &blocked, &successor) || !deprecated) return;
  if (strcmp(deprecated, today(date)) > 0) return;
  const char *frozen = spec_runtime_update_blocked(v->s);
  bool past_create = blocked && strcmp(blocked, date) <= 0, past_update = frozen && strcmp(frozen, date) <= 0;
  diag_warning(r->cx, "deprecated-runtime", v->loc, v->frame ? v->frame : r->decl->frame,
               "Lambda runtime %s is deprecated since %s%s%s%s%s; move to %s", v->s, deprecated,
               past_create ? "; functions cannot be created on it since " : "", past_create ? blocked : "",
               past_update ? " nor updated since " : "", past_update ? frozen : "",
               successor ? successor : "a supported runtime");
}

/* ---- DR symmetry ---- */

static bool is_compute_or_monitoring(const char *type) {
  static const char *const prefixes[] = {"AWS::Lambda::", "AWS::CloudWatch::", "AWS::SNS::", "AWS::Events::",
                                         "AWS::Synthetics::", "AWS::ECS::", "AWS::StepFunctions::", "AWS::SQS::"};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(type, prefixes[i], strlen(prefixes[i])) == 0) return true;
  return false;
}

/* For each resource type, the regions its resources cover together: built once, for all checks. */
static void build_type_regions(Ctx *cx, const Program *p, Map *out) {
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_RESOURCE) continue;
    unsigned *mask = map_get(out, d->type);
    if (!mask) map_put(cx->arena, out, d->type, mask = arena_alloc(cx->arena, sizeof *mask));
    *mask |= d->mask;
  }
}

static void check_symmetry(Rules *r) {
  const Decl *d = r->decl;
  Program *p = r->prog;
  if (d->mask == p->universe || !is_compute_or_monitoring(d->type)) return;
  unsigned missing = p->universe & ~*(unsigned *)map_get(r->type_regions, d->type);
  if (!missing) return;
  for (int i = 0; i < p->nregions; i++) {
    if (!(missing & (1u << i))) continue;
    diag_rule(r->cx, "dr-symmetry", d->name_loc, d->frame,
              "%s '%s' exists only in some regions and has no counterpart of its type in %s; if that is meant, say why with "
              "\"// drlc:allow dr-symmetry: REASON\"", d->type, d->name, p->regions[i].name);
    return;
  }
}

/* ---- limits ---- */

static void check_limit(Ctx *cx, const char *what, long count, long limit) {
  Loc top = {0, 0, 0};
  if (count > limit) diag_rule(cx, "limits", top, NULL, "the template has %ld %s; CloudFormation allows %ld", count, what, limit);
  else if (count * 10 > limit * 9)
    diag_warning(cx, "limits", top, NULL, "the template has %ld %s, over 90%% of CloudFormation's %ld", count, what, limit);
}

static void check_limits(Ctx *cx, const cJSON *t, int resources) {
  check_limit(cx, "resources", resources, 500);
  check_limit(cx, "parameters", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "Parameters")), 200);
  check_limit(cx, "outputs", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "Outputs")), 200);
  check_limit(cx, "mappings", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "Mappings")), 200);
  Loc top = {0, 0, 0}; /* counting the bytes prints the template once more: not for diagnostics that are off */
  if (diag_silenced(cx, "limits", top, NULL) && diag_silenced(cx, "inline-size", top, NULL)) return;
  size_t bytes = json_print_size(t);
  check_limit(cx, "bytes", (long)bytes, 1024 * 1024);
  if (bytes > 51200)
    diag_warning(cx, "inline-size", (Loc){0, 0, 0}, NULL,
                 "the template is %zu bytes: deploy it with --s3-bucket (templates passed inline take 51,200 bytes)", bytes);
}

/* ---- drivers ---- */

void rules_check_template(Ctx *cx, Program *p, cJSON *template) {
  Map by_name = {0}, type_regions = {0}; /* a lookup by name in cJSON is a linear search */
  const cJSON *resource;
  int resources = 0; /* counted here: walking the 23,000 of N=1000 again costs a cache miss each */
  cJSON_ArrayForEach(resource, cJSON_GetObjectItemCaseSensitive(template, "Resources")) {
    map_put(cx->arena, &by_name, resource->string, (void *)resource);
    resources++;
  }
  build_type_regions(cx, p, &type_regions);
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    walk_attributes(cx, d->kind == D_RESOURCE ? d->props : d->value);
    if (d->kind != D_RESOURCE) continue;
    Rules r = {cx, p, d, &type_regions};
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(map_get(&by_name, d->name), "Properties");
    check_policy(&r, d->deletion_policy, "deletion_policy");
    check_policy(&r, d->update_replace_policy, "update_replace_policy");
    check_symmetry(&r);
    if (!check_type(&r, d)) continue;
    spec_check_properties(d->type, props, report_spec, &r);
    check_physical_name(&r, props);
    check_tags(&r, props);
    check_runtime(&r);
  }
  check_limits(cx, template, resources);
}
