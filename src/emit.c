/*
 * emit.c: turns the checked Program into a CloudFormation template (a cJSON tree).
 *
 * Deploy-time values become intrinsic functions; region sets become Conditions, emitted only when
 * something uses them: IsPrimary is {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}.  A
 * declaration that exists in some regions only gets the matching Condition; one that also has a
 * user condition gets a combined one (IsPrimaryAndIsProd).  The caller owns the tree (cJSON_Delete).
 * Every node made from a Value is recorded in cx->origins, so later checks can point at the source.
 * Strings and keys that come from Values are referenced, not copied: the tree must be deleted
 * before the compile's arena is freed (main.c and the unit tests do so).
 *
 * User conditions are emitted when something uses them, so a condition that --region made useless
 * disappears.  One whose expression folded to a compile-time boolean is a constant: a declaration
 * under a false one is left out, and a choice on it is made here.
 */
#include <ctype.h>
#include <string.h>

#include "drlc.h"

typedef struct Emitter {
  Ctx *cx;
  Program *prog;
  unsigned used[64];     /* region masks whose condition is used */
  int nused;
  cJSON *conditions;     /* the Conditions section being built */
  bool stopped;          /* a limit was reached: nothing more is built, the walk just finishes */
} Emitter;

static cJSON *emit_value(Emitter *e, const Value *v);
static cJSON *emit_condition(Emitter *e, Decl *d);

/* ---- user conditions ---- */

/* 1 or 0 for a user condition whose value folded to true or false, -1 for a real condition. */
static int constant_condition(Emitter *e, const char *name) {
  Decl *d = program_find(e->prog, name);
  for (int hops = 0; d && d->kind == D_CONDITION && hops < 64; hops++) {
    if (d->value->kind == V_BOOL) return d->value->b;
    if (d->value->kind != V_REF) return -1;
    d = program_find(e->prog, d->value->s);
  }
  return -1;
}

/* Emits a user condition's definition the first time it is used; returns its name. */
static const char *use_condition(Emitter *e, const char *name) {
  Decl *d = program_find(e->prog, name);
  if (d && d->kind == D_CONDITION && !cJSON_GetObjectItemCaseSensitive(e->conditions, name)) {
    cJSON_AddItemToObject(e->conditions, name, cJSON_CreateNull()); /* stops a cycle */
    cJSON_ReplaceItemInObjectCaseSensitive(e->conditions, name, emit_condition(e, d));
  }
  return name;
}

/* A constant as a condition function, for places that need one. */
static cJSON *constant_definition(bool value) {
  cJSON *def = cJSON_CreateObject();
  cJSON *args = cJSON_AddArrayToObject(def, "Fn::Equals");
  cJSON_AddItemToArray(args, cJSON_CreateString("true"));
  cJSON_AddItemToArray(args, cJSON_CreateString(value ? "true" : "false"));
  return def;
}

const Value *emit_origin(Ctx *cx, const cJSON *node) { return ptrmap_get(&cx->origins, node); }

/* Every node of the output counts as a step and against the memory budget (cJSON mallocs it).
   A limit does not unwind here, where nodes built and not yet linked would leak: the emitter stops
   building, finishes its walk, and emit_template unwinds with the whole tree in cx->pending. */
static bool may_build(Emitter *e, const Value *v) {
  if (e->stopped) return false;
  arena_charge(e->cx->arena, sizeof(cJSON));
  e->stopped = !eval_step_within_limit(e->cx, v ? v->loc : NO_LOC) || e->cx->root.exhausted;
  return !e->stopped;
}

static cJSON *origin(Emitter *e, cJSON *node, const Value *v) {
  if (node && v) ptrmap_put(&e->cx->origins, node, (void *)v);
  return node;
}

/* ---- region conditions ---- */

static const char *capitalized(Ctx *cx, const char *role) {
  Buf b = {.arena = cx->arena};
  bool up = true;
  for (const char *p = role; *p; p++) {
    if (!isalnum((unsigned char)*p)) { up = true; continue; }
    buf_addc(&b, up ? (char)toupper((unsigned char)*p) : *p);
    up = false;
  }
  const char *r = arena_strdup(cx->arena, b.data ? b.data : "");
  buf_free(&b);
  return r;
}

const char *region_condition_name(Ctx *cx, const Program *p, unsigned mask) {
  Buf b = {.arena = cx->arena};
  buf_adds(&b, "Is");
  bool first = true;
  for (int i = 0; i < p->nregions; i++) {
    if (!(mask & (1u << i))) continue;
    if (!first) buf_adds(&b, "Or");
    buf_adds(&b, capitalized(cx, p->regions[i].role));
    first = false;
  }
  const char *r = arena_strdup(cx->arena, b.data);
  buf_free(&b);
  return r;
}

static const char *use_region(Emitter *e, unsigned mask) {
  bool seen = false;
  for (int i = 0; i < e->nused; i++) seen |= e->used[i] == mask;
  if (!seen && e->nused < 64) e->used[e->nused++] = mask;
  return region_condition_name(e->cx, e->prog, mask);
}

static cJSON *condition_ref(const char *name) {
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "Condition", name);
  return c;
}

static cJSON *region_definition(Emitter *e, unsigned mask) {
  Program *p = e->prog;
  int count = 0, only = 0;
  for (int i = 0; i < p->nregions; i++)
    if (mask & (1u << i)) { count++; only = i; }
  cJSON *def = cJSON_CreateObject();
  cJSON *args = cJSON_AddArrayToObject(def, count == 1 ? "Fn::Equals" : "Fn::Or");
  if (count == 1) {
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "Ref", "AWS::Region");
    cJSON_AddItemToArray(args, ref);
    cJSON_AddItemToArray(args, cJSON_CreateString(p->regions[only].name));
    return def;
  }
  for (int i = 0; i < p->nregions; i++)
    if (mask & (1u << i)) cJSON_AddItemToArray(args, condition_ref(use_region(e, 1u << i)));
  return def;
}

/* ---- values ---- */

static cJSON *single(const char *key, cJSON *value) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, key, value);
  return o;
}

/* A Fn::Sub variable name that no declaration uses. */
static const char *sub_variable(Emitter *e, int *counter) {
  for (;;) {
    const char *name = arena_printf(e->cx->arena, "Var%d", ++*counter);
    if (!program_find(e->prog, name)) return name;
  }
}

static void add_literal(Buf *fmt, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    buf_addc(fmt, s[i]);
    if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') buf_adds(fmt, "{!"), i++; /* literal "${" is "${!" */
  }
}

static cJSON *emit_sub(Emitter *e, const Value *v) {
  Buf fmt = {.arena = e->cx->arena};
  cJSON *vars = NULL;
  int counter = 0;
  for (int i = 0; i < v->items.len; i++) {
    const Value *part = v->items.items[i];
    if (part->kind == V_STR) add_literal(&fmt, part->s, part->len);
    else if (part->kind == V_REF) buf_printf(&fmt, "${%s}", part->s);
    else if (part->kind == V_GETATT) buf_printf(&fmt, "${%s.%s}", part->s, part->attr);
    else {
      const char *name = sub_variable(e, &counter);
      if (!vars) vars = cJSON_CreateObject();
      cJSON_AddItemToObject(vars, name, emit_value(e, part));
      buf_printf(&fmt, "${%s}", name);
    }
  }
  cJSON *text = cJSON_CreateString(fmt.data ? fmt.data : "");
  buf_free(&fmt);
  if (!vars) return single("Fn::Sub", text);
  cJSON *args = cJSON_CreateArray();
  cJSON_AddItemToArray(args, text);
  cJSON_AddItemToArray(args, vars);
  return single("Fn::Sub", args);
}

static cJSON *emit_ref(Emitter *e, const Value *v) {
  Decl *d = program_find(e->prog, v->s);
  if (d && d->kind == D_CONDITION) {
    int constant = constant_condition(e, v->s);
    return constant >= 0 ? constant_definition(constant) : condition_ref(use_condition(e, v->s));
  }
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "Ref", v->s);
  return r;
}

static cJSON *emit_getatt(const Value *v) {
  cJSON *args = cJSON_CreateArray();
  cJSON_AddItemToArray(args, cJSON_CreateString(v->s));
  cJSON_AddItemToArray(args, cJSON_CreateString(v->attr));
  return single("Fn::GetAtt", args);
}

/* The first argument of Fn::If, or the argument of {"Condition": ...}: a condition's name. */
static cJSON *condition_name(Emitter *e, const Value *v) {
  if (v->kind == V_ROLE) return cJSON_CreateString(use_region(e, v->mask));
  if (v->kind == V_STR) return cJSON_CreateString(use_condition(e, v->s));
  return emit_value(e, v);
}

static cJSON *emit_fn(Emitter *e, const Value *v) {
  const Value *first = v->arg && v->arg->kind == V_LIST && v->arg->items.len ? v->arg->items.items[0] : v->arg;
  int constant = first && first->kind == V_STR && (strcmp(v->s, "Condition") == 0 || strcmp(v->s, "Fn::If") == 0)
                     ? constant_condition(e, first->s) : -1;
  if (constant >= 0 && strcmp(v->s, "Condition") == 0) return constant_definition(constant);
  if (constant >= 0) return emit_value(e, v->arg->items.items[constant ? 1 : 2]);
  if (strcmp(v->s, "Condition") == 0) return single("Condition", condition_name(e, v->arg));
  if (strcmp(v->s, "Fn::If") == 0) {
    cJSON *args = cJSON_CreateArray();
    cJSON_AddItemToArray(args, condition_name(e, v->arg->items.items[0]));
    cJSON_AddItemToArray(args, emit_value(e, v->arg->items.items[1]));
    cJSON_AddItemToArray(args, emit_value(e, v->arg->items.items[2]));
    return single("Fn::If", args);
  }
  return single(v->s, emit_value(e, v->arg));
}

/* A region condition used as a value: true where it holds, false elsewhere. */
static cJSON *emit_role(Emitter *e, const Value *v) {
  cJSON *args = cJSON_CreateArray();
  cJSON_AddItemToArray(args, cJSON_CreateString(use_region(e, v->mask)));
  cJSON_AddItemToArray(args, cJSON_CreateTrue());
  cJSON_AddItemToArray(args, cJSON_CreateFalse());
  return single("Fn::If", args);
}

/* no_value known at compile time: the item or key is simply left out. */
static bool is_no_value(const Value *v) { return v->kind == V_REF && strcmp(v->s, "AWS::NoValue") == 0; }

static cJSON *emit_list(Emitter *e, const Value *v) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < v->items.len; i++)
    if (!is_no_value(v->items.items[i])) cJSON_AddItemToArray(a, emit_value(e, v->items.items[i]));
  return a;
}

static cJSON *emit_object(Emitter *e, const Value *v) {
  cJSON *o = cJSON_CreateObject();
  for (int i = 0; i < v->keys.len; i++)
    if (!is_no_value(v->items.items[i])) cJSON_AddItemToObjectCS(o, v->keys.items[i], emit_value(e, v->items.items[i]));
  return o;
}

static cJSON *emit_value(Emitter *e, const Value *v) {
  if (!may_build(e, v)) return cJSON_CreateNull();
  cJSON *j;
  switch (v->kind) {
  case V_BOOL: j = cJSON_CreateBool(v->b); break;
  case V_NUM: j = cJSON_CreateNumber(v->num); break;
  case V_STR: j = cJSON_CreateStringReference(v->s); break; /* arena text, which outlives the tree */
  case V_LIST: j = emit_list(e, v); break;
  case V_OBJECT: j = emit_object(e, v); break;
  case V_REF: j = emit_ref(e, v); break;
  case V_GETATT: j = emit_getatt(v); break;
  case V_SUB: j = emit_sub(e, v); break;
  case V_FN: j = emit_fn(e, v); break;
  case V_ROLE: j = emit_role(e, v); break;
  default: j = cJSON_CreateNull();
  }
  return origin(e, j, v);
}

/* ---- declarations ---- */

/* The Condition a declaration is emitted with, or NULL if it exists everywhere unconditionally. */
static const char *decl_condition(Emitter *e, Decl *d) {
  bool regional = d->mask != e->prog->universe;
  const char *user = d->user_condition && constant_condition(e, d->user_condition) != 1 ? use_condition(e, d->user_condition) : NULL;
  if (!regional) return user;
  const char *region = use_region(e, d->mask);
  if (!user) return region;
  const char *name = arena_printf(e->cx->arena, "%sAnd%s", region, user);
  if (!cJSON_GetObjectItemCaseSensitive(e->conditions, name)) {
    cJSON *args = cJSON_CreateArray();
    cJSON_AddItemToArray(args, condition_ref(region));
    cJSON_AddItemToArray(args, condition_ref(d->user_condition));
    cJSON_AddItemToObject(e->conditions, name, single("Fn::And", args));
  }
  return name;
}

static void add_options(Emitter *e, cJSON *to, const Value *opts) {
  for (int i = 0; opts && i < opts->keys.len; i++) {
    const char *key = opts->keys.items[i];
    const Value *v = opts->items.items[i];
    if (strcmp(key, "Condition") == 0) continue;
    if (strcmp(key, "Export") == 0) cJSON_AddItemToObject(to, key, single("Name", emit_value(e, v)));
    else cJSON_AddItemToObject(to, key, emit_value(e, v));
  }
}

static cJSON *emit_param(Emitter *e, Decl *d) {
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "Type", d->type);
  if (d->value) {
    const Value *def = d->value;
    if (def->kind == V_LIST) {
      Buf b = {.arena = e->cx->arena};
      for (int i = 0; i < def->items.len; i++) {
        const Value *item = def->items.items[i];
        char num[32];
        if (i) buf_addc(&b, ',');
        buf_adds(&b, item->kind == V_STR ? item->s : item->kind == V_NUM ? json_format_number(item->num, num) : "");
      }
      if (may_build(e, def)) cJSON_AddItemToObject(p, "Default", origin(e, cJSON_CreateString(b.data ? b.data : ""), def));
      buf_free(&b);
    } else {
      cJSON_AddItemToObject(p, "Default", emit_value(e, def));
    }
  }
  if (d->doc && !obj_get(d->props, "Description")) cJSON_AddStringToObject(p, "Description", d->doc);
  add_options(e, p, d->props);
  return p;
}

static cJSON *emit_resource(Emitter *e, Decl *d) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "Type", d->type);
  const char *cond = decl_condition(e, d);
  if (cond) cJSON_AddStringToObject(r, "Condition", cond);
  if (d->depends_on && d->depends_on->items.len) cJSON_AddItemToObject(r, "DependsOn", emit_value(e, d->depends_on));
  if (d->deletion_policy) cJSON_AddItemToObject(r, "DeletionPolicy", emit_value(e, d->deletion_policy));
  if (d->update_replace_policy) cJSON_AddItemToObject(r, "UpdateReplacePolicy", emit_value(e, d->update_replace_policy));
  cJSON *meta = d->metadata ? emit_value(e, d->metadata) : NULL;
  if (d->doc) {
    if (!meta) meta = cJSON_CreateObject();
    if (!cJSON_GetObjectItemCaseSensitive(meta, "Description")) cJSON_AddStringToObject(meta, "Description", d->doc);
  }
  if (meta) cJSON_AddItemToObject(r, "Metadata", meta);
  if (d->props->keys.len) cJSON_AddItemToObject(r, "Properties", emit_value(e, d->props));
  for (int i = 0; d->value && i < d->value->keys.len; i++) /* CreationPolicy, UpdatePolicy */
    cJSON_AddItemToObject(r, d->value->keys.items[i], emit_value(e, d->value->items.items[i]));
  return r;
}

static cJSON *emit_output(Emitter *e, Decl *d) {
  cJSON *o = cJSON_CreateObject();
  const char *cond = decl_condition(e, d);
  if (cond) cJSON_AddStringToObject(o, "Condition", cond);
  if (d->doc && !obj_get(d->props, "Description")) cJSON_AddStringToObject(o, "Description", d->doc);
  add_options(e, o, d->props);
  cJSON_AddItemToObject(o, "Value", emit_value(e, d->value));
  return o;
}

/* A condition's definition: a condition function, never a bare name or role. */
static cJSON *emit_condition(Emitter *e, Decl *d) {
  const Value *v = d->value;
  if (v->kind == V_ROLE) return region_definition(e, v->mask);
  if (v->kind == V_REF) {
    Decl *target = program_find(e->prog, v->s);
    if (target && target->kind == D_CONDITION && target != d) return emit_condition(e, target);
  }
  return emit_value(e, v);
}

static cJSON *section(cJSON *template, const char *name) {
  cJSON *s = cJSON_GetObjectItemCaseSensitive(template, name);
  return s ? s : cJSON_AddObjectToObject(template, name);
}

static void warn_unused_conditions(Emitter *e) {
  if (e->cx->opt->region) return; /* folding to one region leaves conditions unused on purpose */
  for (int i = 0; i < e->prog->decls.len; i++) {
    Decl *d = e->prog->decls.items[i];
    if (d->kind == D_CONDITION && constant_condition(e, d->name) < 0 && !cJSON_GetObjectItemCaseSensitive(e->conditions, d->name))
      diag_warning(e->cx, "unused-condition", d->name_loc, d->frame, "condition '%s' is never used", d->name);
  }
}

cJSON *emit_template(Ctx *cx, Program *p) {
  cJSON *t = cJSON_CreateObject();
  cx->pending = t; /* owned by the driver's recovery point until returned */
  cx->root.deferred = true;
  Emitter e = {cx, p, {0}, 0, cJSON_AddObjectToObject(t, "Conditions"), false};
  cJSON_AddStringToObject(t, "AWSTemplateFormatVersion", "2010-09-09");
  if (p->description) cJSON_AddStringToObject(t, "Description", p->description);
  cJSON_AddObjectToObject(t, "Resources");
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if (d->user_condition && constant_condition(&e, d->user_condition) == 0) continue; /* never exists */
    if (d->kind != D_CONDITION && !may_build(&e, NULL)) break;
    switch (d->kind) {
    case D_PARAM: cJSON_AddItemToObject(section(t, "Parameters"), d->name, emit_param(&e, d)); break;
    case D_RESOURCE: cJSON_AddItemToObject(section(t, "Resources"), d->name, emit_resource(&e, d)); break;
    case D_OUTPUT: cJSON_AddItemToObject(section(t, "Outputs"), d->name, emit_output(&e, d)); break;
    case D_CONDITION: break; /* emitted when used */
    }
  }
  if (!e.stopped) {
    warn_unused_conditions(&e);
    for (int i = 0; i < e.nused; i++) /* may grow while we go: IsPrimaryOrSecondary uses IsPrimary */
      if (!cJSON_GetObjectItemCaseSensitive(e.conditions, use_region(&e, e.used[i])))
        cJSON_AddItemToObject(e.conditions, use_region(&e, e.used[i]), region_definition(&e, e.used[i]));
  }
  cx->root.deferred = false;
  if (e.stopped || cx->root.exhausted) diag_bail(cx); /* the error is reported; the tree is whole, in cx->pending */
  if (!e.conditions->child) cJSON_DeleteItemFromObjectCaseSensitive(t, "Conditions");
  json_canonicalize(t);
  return t;
}
