/*
 * report.c: what a compiled program says about disaster recovery, and where each part came from.
 *
 * --report prints a Markdown table (for a pull request): each resource, where it exists, how it
 * replicates (global table replicas, bucket replication, secret replicas), which alarms and health
 * checks guard it, and what exists in some regions only.
 * --source-map writes JSON mapping every logical ID, and every property path below it, to the
 * file:line:col that wrote it, with the chain of macro calls, so that a CloudFormation error that
 * names "PaymentsTable.Replicas[1].Region" can be traced back to the .drl line.
 */
#include <string.h>

#include "drlc.h"
#include "spec.h"

/* ---- locations ---- */

static const char *where(Ctx *cx, Loc loc) {
  const Source *s = source_get(cx, loc.file);
  if (!s) return "";
  int line, col;
  source_linecol(s, loc.start, &line, &col);
  return arena_printf(cx->arena, "%s:%d:%d", s->path, line, col);
}

static cJSON *chain(Ctx *cx, const Frame *f) {
  cJSON *list = cJSON_CreateArray();
  for (; f; f = f->parent)
    cJSON_AddItemToArray(list, cJSON_CreateString(arena_printf(cx->arena, "%s %s", where(cx, f->call), f->macro)));
  return list;
}

/* Every property path below v: "Tags[0].Key" -> its location. */
static void property_paths(Ctx *cx, const Value *v, const char *path, cJSON *out) {
  if (!v) return;
  if (*path) cJSON_AddStringToObject(out, path, where(cx, v->loc));
  if (v->kind == V_OBJECT)
    for (int i = 0; i < v->keys.len; i++)
      property_paths(cx, v->items.items[i], arena_printf(cx->arena, "%s%s%s", path, *path ? "." : "", (const char *)v->keys.items[i]), out);
  if (v->kind == V_LIST)
    for (int i = 0; i < v->items.len; i++) property_paths(cx, v->items.items[i], arena_printf(cx->arena, "%s[%d]", path, i), out);
}

static cJSON *map_entry(Ctx *cx, const Decl *d) {
  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, "location", where(cx, d->name_loc));
  if (d->frame) cJSON_AddItemToObject(e, "expansion", chain(cx, d->frame));
  cJSON *props = cJSON_CreateObject();
  property_paths(cx, d->kind == D_RESOURCE ? d->props : d->value, "", props);
  if (props->child) cJSON_AddItemToObject(e, "properties", props);
  else cJSON_Delete(props);
  return e;
}

int write_source_map(Ctx *cx, Program *p, const cJSON *template, const char *path) {
  (void)template;
  static const char *const sections[] = {"Parameters", "Resources", "Outputs", "Conditions"}; /* ORDER DeclKind */
  cJSON *map = cJSON_CreateObject();
  cJSON_AddNumberToObject(map, "version", 1);
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    cJSON *section = cJSON_GetObjectItemCaseSensitive(map, sections[d->kind]);
    if (!section) section = cJSON_AddObjectToObject(map, sections[d->kind]);
    cJSON_AddItemToObject(section, d->name, map_entry(cx, d));
  }
  json_canonicalize(map);
  Buf out = {0};
  json_print(map, &out);
  int r = write_atomically(cx, path, out.data, out.len);
  buf_free(&out);
  cJSON_Delete(map);
  return r;
}

/* ---- the DR readiness report ---- */

static const char *regions_of(Ctx *cx, const Program *p, unsigned mask) {
  Buf b = {.arena = cx->arena};
  for (int i = 0; i < p->nregions; i++)
    if (mask & (1u << i)) buf_printf(&b, "%s%s", b.len ? ", " : "", p->regions[i].name);
  const char *r = arena_strdup(cx->arena, b.data ? b.data : "-");
  buf_free(&b);
  return r;
}

static const char *strings_of(Ctx *cx, const cJSON *list, const char *key) {
  Buf b = {.arena = cx->arena};
  const cJSON *item;
  cJSON_ArrayForEach(item, list) {
    const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(item, key) : item;
    if (cJSON_IsString(v)) buf_printf(&b, "%s%s", b.len ? ", " : "", v->valuestring);
  }
  const char *r = arena_strdup(cx->arena, b.data ? b.data : "");
  buf_free(&b);
  return r;
}

/* How a resource replicates, read from its properties in the template. */
static const char *replication(Ctx *cx, const Decl *d, const cJSON *props) {
  if (strcmp(d->type, "AWS::DynamoDB::GlobalTable") == 0)
    return arena_printf(cx->arena, "global table replicas: %s", strings_of(cx, cJSON_GetObjectItemCaseSensitive(props, "Replicas"), "Region"));
  if (strcmp(d->type, "AWS::SecretsManager::Secret") == 0 && cJSON_GetObjectItemCaseSensitive(props, "ReplicaRegions"))
    return arena_printf(cx->arena, "secret replicas: %s", strings_of(cx, cJSON_GetObjectItemCaseSensitive(props, "ReplicaRegions"), "Region"));
  if (strcmp(d->type, "AWS::S3::Bucket") == 0 && cJSON_GetObjectItemCaseSensitive(props, "ReplicationConfiguration"))
    return d->mask == cx->prog->universe ? "bucket replication (conditional)" : "bucket replication";
  return "";
}

/* Does value v name the resource d, by reference (or equal `physical`, when given)? */
static bool refers_to(const Value *v, const Decl *d, const Value *physical) {
  if (!v) return false;
  if ((v->kind == V_REF || v->kind == V_GETATT) && strcmp(v->s, d->name) == 0) return true;
  if (physical && val_equal(v, physical)) return true;
  if (v->kind == V_FN) return refers_to(v->arg, d, physical);
  for (int i = 0; (v->kind == V_LIST || v->kind == V_OBJECT || v->kind == V_SUB) && i < v->items.len; i++)
    if (refers_to(v->items.items[i], d, physical)) return true;
  return false;
}

static bool is_guard(const Decl *g) {
  return g->kind == D_RESOURCE && (strcmp(g->type, "AWS::CloudWatch::Alarm") == 0 || strcmp(g->type, "AWS::Route53::HealthCheck") == 0);
}



/* Does an alarm dimension name d: by reference, or as { Name = "TableName", Value = <d's TableName> }? */
static bool dimension_names(const Value *dim, const Decl *d) {
  const Value *name = obj_get(dim, "Name"), *value = obj_get(dim, "Value");
  const char *prop = spec_physical_name_property(d->type);
  const Value *physical = prop ? obj_get(d->props, prop) : NULL;
  if (refers_to(value, d, NULL)) return true;
  return name && name->kind == V_STR && prop && strcmp(name->s, prop) == 0 && physical && value && val_equal(value, physical);
}

static bool alarm_watches(const Decl *alarm, const Decl *d) {
  const Value *dims = obj_get(alarm->props, "Dimensions");
  for (int i = 0; dims && dims->kind == V_LIST && i < dims->items.len; i++)
    if (dimension_names(dims->items.items[i], d)) return true;
  return false;
}

/* A health check watches what its target names, or what that names (the function behind a URL). */
static bool health_check_watches(const Program *p, const Decl *check, const Decl *d) {
  const Value *target = obj_get(check->props, "HealthCheckConfig");
  if (refers_to(target, d, NULL)) return true;
  for (int j = 0; j < p->decls.len; j++) {
    const Decl *between = p->decls.items[j];
    if (between->kind == D_RESOURCE && refers_to(target, between, NULL) && refers_to(between->props, d, NULL)) return true;
  }
  return false;
}

/* The alarms and health checks that watch d. */
static const char *guards(Ctx *cx, const Program *p, const Decl *d) {
  Buf b = {.arena = cx->arena};
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *g = p->decls.items[i];
    if (!is_guard(g) || g == d) continue;
    bool hit = strcmp(g->type, "AWS::CloudWatch::Alarm") == 0 ? alarm_watches(g, d) : health_check_watches(p, g, d);
    if (hit) buf_printf(&b, "%s%s", b.len ? ", " : "", g->name);
  }
  const char *r = arena_strdup(cx->arena, b.data ? b.data : "");
  buf_free(&b);
  return r;
}

static void report_row(Ctx *cx, const Program *p, const Decl *d, const cJSON *resources, Buf *out) {
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resources, d->name), "Properties");
  const char *g = is_guard(d) ? "" : guards(cx, p, d);
  buf_printf(out, "| %s | %s | %s | %s | %s |\n", d->name, d->type, regions_of(cx, p, d->mask), replication(cx, d, props), g);
}

void report_markdown(Ctx *cx, Program *p, const cJSON *template, Buf *out) {
  const cJSON *resources = cJSON_GetObjectItemCaseSensitive(template, "Resources");
  buf_printf(out, "# DR readiness%s%s\n\n", p->description ? ": " : "", p->description ? p->description : "");
  buf_adds(out, "Regions:");
  for (int i = 0; i < p->nregions; i++) buf_printf(out, "%s %s (%s)", i ? "," : "", p->regions[i].name, p->regions[i].role);
  buf_adds(out, p->nregions ? "\n\n" : " none declared\n\n");
  buf_adds(out, "| Resource | Type | Exists in | Replication | Guarded by |\n|---|---|---|---|---|\n");
  int partial = 0;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_RESOURCE) continue;
    report_row(cx, p, d, resources, out);
    partial += d->mask != p->universe;
  }
  buf_printf(out, "\n## In some regions only (%d)\n\n", partial);
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind == D_RESOURCE && d->mask != p->universe)
      buf_printf(out, "- %s (%s): %s only\n", d->name, d->type, regions_of(cx, p, d->mask));
  }
  if (!partial) buf_adds(out, "- none\n");
}
