/*
 * emit.c: turns the checked Program into a CloudFormation template (a cJSON tree).
 *
 * Deploy-time values become intrinsic functions; region sets become Conditions, emitted only when
 * something uses them: IsPrimary is {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}.  A
 * declaration that exists in some regions only gets the matching Condition; one that also has a
 * user condition gets a combined one (IsPrimaryAndIsProd).
 *
 * The tree lives in the compile's arena, like the Values it is made from: each node is an OutNode (a
 * cJSON node and the Value it was made from, so that later checks can point at the source), strings
 * and keys are referenced, not copied, and nothing is freed alone.  cJSON's functions only read and
 * link these nodes (never cJSON_Delete, cJSON_Create*, cJSON_Add*ToObject, which would malloc or free).
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
} Emitter;

typedef struct OutNode {
  cJSON json;            /* first, so that a cJSON * of the template points at its OutNode */
  const Value *origin;   /* the Value it was made from, or NULL */
} OutNode;

static cJSON *emit_value(Emitter *e, const Value *v);
static cJSON *emit_condition(Emitter *e, Decl *d);

/* ---- nodes: from the arena, which counts them against --max-memory ---- */

static cJSON *node(Emitter *e, int type) {
  OutNode *n = arena_alloc(e->cx->arena, sizeof *n);
  n->json.type = type;
  return &n->json;
}

static cJSON *object(Emitter *e) { return node(e, cJSON_Object); }
static cJSON *array(Emitter *e) { return node(e, cJSON_Array); }

/* s must outlive the tree: arena text or a constant. */
static cJSON *string(Emitter *e, const char *s) {
  cJSON *n = node(e, cJSON_String);
  n->valuestring = (char *)s;
  return n;
}

static cJSON *number(Emitter *e, double d) {
  cJSON *n = node(e, cJSON_Number);
  n->valuedouble = d;
  return n;
}

/* Links item into an object under key (which must outlive the tree) or at the end of an array. */
static cJSON *put(cJSON *object, const char *key, cJSON *item) {
  cJSON_AddItemToObjectCS(object, key, item);
  return item;
}

static cJSON *push(cJSON *array, cJSON *item) {
  cJSON_AddItemToArray(array, item);
  return item;
}

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
    cJSON *placeholder = put(e->conditions, d->name, node(e, cJSON_NULL)); /* stops a cycle */
    cJSON *definition = emit_condition(e, d);
    cJSON_DetachItemViaPointer(e->conditions, placeholder); /* the section is sorted later */
    put(e->conditions, d->name, definition);
  }
  return name;
}

/* A constant as a condition function, for places that need one. */
static cJSON *constant_definition(Emitter *e, bool value) {
  cJSON *def = object(e);
  cJSON *args = put(def, "Fn::Equals", array(e));
  push(args, string(e, "true"));
  push(args, string(e, value ? "true" : "false"));
  return def;
}

const Value *emit_origin(const cJSON *node) { return ((const OutNode *)node)->origin; }

static cJSON *origin(cJSON *node, const Value *v) {
  ((OutNode *)node)->origin = v;
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

static cJSON *condition_ref(Emitter *e, const char *name) {
  cJSON *c = object(e);
  put(c, "Condition", string(e, name));
  return c;
}

static cJSON *region_definition(Emitter *e, unsigned mask) {
  Program *p = e->prog;
  int count = 0, only = 0;
  for (int i = 0; i < p->nregions; i++)
    if (mask & (1u << i)) { count++; only = i; }
  cJSON *def = object(e);
  cJSON *args = put(def, count == 1 ? "Fn::Equals" : "Fn::Or", array(e));
  if (count == 1) {
    cJSON *ref = push(args, object(e));
    put(ref, "Ref", string(e, "AWS::Region"));
    push(args, string(e, p->regions[only].name));
    return def;
  }
  for (int i = 0; i < p->nregions; i++)
    if (mask & (1u << i)) push(args, condition_ref(e, use_region(e, 1u << i)));
  return def;
}

/* ---- values ---- */

static cJSON *single(Emitter *e, const char *key, cJSON *value) {
  cJSON *o = object(e);
  put(o, key, value);
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

/* "${name}" or "${name.attr}" */
static void add_variable(Buf *fmt, const char *name, const char *attr) {
  buf_add(fmt, "${", 2);
  buf_adds(fmt, name);
  if (attr) {
    buf_addc(fmt, '.');
    buf_adds(fmt, attr);
  }
  buf_addc(fmt, '}');
}

static cJSON *emit_sub(Emitter *e, const Value *v) {
  Buf fmt = {.arena = e->cx->arena};
  cJSON *vars = NULL;
  int counter = 0;
  for (int i = 0; i < v->items.len; i++) {
    const Value *part = v->items.items[i];
    if (part->kind == V_STR) add_literal(&fmt, part->s, part->len);
    else if (part->kind == V_REF || part->kind == V_GETATT) add_variable(&fmt, part->s, part->kind == V_GETATT ? part->attr : NULL);
    else {
      const char *name = sub_variable(e, &counter);
      if (!vars) vars = object(e);
      put(vars, name, emit_value(e, part));
      add_variable(&fmt, name, NULL);
    }
  }
  cJSON *text = string(e, fmt.data ? fmt.data : ""); /* the arena buffer */
  if (!vars) return single(e, "Fn::Sub", text);
  cJSON *args = array(e);
  push(args, text);
  push(args, vars);
  return single(e, "Fn::Sub", args);
}

static cJSON *emit_ref(Emitter *e, const Value *v) {
  Decl *d = program_find(e->prog, v->s);
  if (d && d->kind == D_CONDITION) {
    int constant = constant_condition(e, v->s);
    return constant >= 0 ? constant_definition(e, constant) : condition_ref(e, use_condition(e, v->s));
  }
  cJSON *r = object(e);
  put(r, "Ref", string(e, v->s));
  return r;
}

static cJSON *emit_getatt(Emitter *e, const Value *v) {
  cJSON *args = array(e);
  push(args, string(e, v->s));
  push(args, string(e, v->attr));
  return single(e, "Fn::GetAtt", args);
}

/* The first argument of Fn::If, or the argument of {"Condition": ...}: a condition's name. */
static cJSON *condition_name(Emitter *e, const Value *v) {
  if (v->kind == V_ROLE) return string(e, use_region(e, v->mask));
  if (v->kind == V_STR) return string(e, use_condition(e, v->s));
  return emit_value(e, v);
}

static cJSON *emit_fn(Emitter *e, const Value *v) {
  const Value *first = v->arg && v->arg->kind == V_LIST && v->arg->items.len ? v->arg->items.items[0] : v->arg;
  int constant = first && first->kind == V_STR && (strcmp(v->s, "Condition") == 0 || strcmp(v->s, "Fn::If") == 0)
                     ? constant_condition(e, first->s) : -1;
  if (constant >= 0 && strcmp(v->s, "Condition") == 0) return constant_definition(e, constant);
  if (constant >= 0) return emit_value(e, v->arg->items.items[constant ? 1 : 2]);
  if (strcmp(v->s, "Condition") == 0) return single(e, "Condition", condition_name(e, v->arg));
  if (strcmp(v->s, "Fn::If") == 0) {
    cJSON *args = array(e);
    push(args, condition_name(e, v->arg->items.items[0]));
    push(args, emit_value(e, v->arg->items.items[1]));
    push(args, emit_value(e, v->arg->items.items[2]));
    return single(e, "Fn::If", args);
  }
  return single(e, v->s, emit_value(e, v->arg));
}

/* A region condition used as a value: true where it holds, false elsewhere. */
static cJSON *emit_role(Emitter *e, const Value *v) {
  cJSON *args = array(e);
  push(args, string(e, use_region(e, v->mask)));
  push(args, node(e, cJSON_True));
  push(args, node(e, cJSON_False));
  return single(e, "Fn::If", args);
}

/* no_value known at compile time: the item or key is simply left out. */
static bool is_no_value(const Value *v) { return v->kind == V_REF && strcmp(v->s, "AWS::NoValue") == 0; }

static cJSON *emit_list(Emitter *e, const Value *v) {
  cJSON *a = array(e);
  for (int i = 0; i < v->items.len; i++)
    if (!is_no_value(v->items.items[i])) push(a, emit_value(e, v->items.items[i]));
  return a;
}

static cJSON *emit_object(Emitter *e, const Value *v) {
  cJSON *o = object(e);
  for (int i = 0; i < v->keys.len; i++)
    if (!is_no_value(v->items.items[i])) put(o, v->keys.items[i], emit_value(e, v->items.items[i]));
  return o;
}

/* Every Value emitted is a step against --max-steps. */
static cJSON *emit_value(Emitter *e, const Value *v) {
  eval_count_step(e->cx, v->loc);
  cJSON *j;
  switch (v->kind) {
  case V_BOOL: j = node(e, v->b ? cJSON_True : cJSON_False); break;
  case V_NUM: j = number(e, v->num); break;
  case V_STR: j = string(e, v->s); break;
  case V_LIST: j = emit_list(e, v); break;
  case V_OBJECT: j = emit_object(e, v); break;
  case V_REF: j = emit_ref(e, v); break;
  case V_GETATT: j = emit_getatt(e, v); break;
  case V_SUB: j = emit_sub(e, v); break;
  case V_FN: j = emit_fn(e, v); break;
  case V_ROLE: j = emit_role(e, v); break;
  default: j = node(e, cJSON_NULL);
  }
  return origin(j, v);
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
    cJSON *args = array(e);
    push(args, condition_ref(e, region));
    push(args, condition_ref(e, d->user_condition));
    put(e->conditions, name, single(e, "Fn::And", args));
  }
  return name;
}

static void add_options(Emitter *e, cJSON *to, const Value *opts) {
  for (int i = 0; opts && i < opts->keys.len; i++) {
    const char *key = opts->keys.items[i];
    const Value *v = opts->items.items[i];
    if (strcmp(key, "Condition") == 0) continue;
    if (strcmp(key, "Export") == 0) put(to, key, single(e, "Name", emit_value(e, v)));
    else put(to, key, emit_value(e, v));
  }
}

static cJSON *emit_param(Emitter *e, Decl *d) {
  cJSON *p = object(e);
  put(p, "Type", string(e, d->type));
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
      eval_count_step(e->cx, def->loc);
      put(p, "Default", origin(string(e, b.data ? b.data : ""), def)); /* the arena buffer */
    } else {
      put(p, "Default", emit_value(e, def));
    }
  }
  if (d->doc && !obj_get(d->props, "Description")) put(p, "Description", string(e, d->doc));
  add_options(e, p, d->props);
  return p;
}

static cJSON *emit_resource(Emitter *e, Decl *d) {
  cJSON *r = object(e);
  put(r, "Type", string(e, d->type));
  const char *cond = decl_condition(e, d);
  if (cond) put(r, "Condition", string(e, cond));
  if (d->depends_on && d->depends_on->items.len) put(r, "DependsOn", emit_value(e, d->depends_on));
  if (d->deletion_policy) put(r, "DeletionPolicy", emit_value(e, d->deletion_policy));
  if (d->update_replace_policy) put(r, "UpdateReplacePolicy", emit_value(e, d->update_replace_policy));
  cJSON *meta = d->metadata ? emit_value(e, d->metadata) : NULL;
  if (d->doc) {
    if (!meta) meta = object(e);
    if (!cJSON_GetObjectItemCaseSensitive(meta, "Description")) put(meta, "Description", string(e, d->doc));
  }
  if (meta) put(r, "Metadata", meta);
  if (d->props->keys.len) put(r, "Properties", emit_value(e, d->props));
  for (int i = 0; d->value && i < d->value->keys.len; i++) /* CreationPolicy, UpdatePolicy */
    put(r, d->value->keys.items[i], emit_value(e, d->value->items.items[i]));
  return r;
}

static cJSON *emit_output(Emitter *e, Decl *d) {
  cJSON *o = object(e);
  const char *cond = decl_condition(e, d);
  if (cond) put(o, "Condition", string(e, cond));
  if (d->doc && !obj_get(d->props, "Description")) put(o, "Description", string(e, d->doc));
  add_options(e, o, d->props);
  put(o, "Value", emit_value(e, d->value));
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

static cJSON *section(Emitter *e, cJSON *template, const char *name) {
  cJSON *s = cJSON_GetObjectItemCaseSensitive(template, name);
  return s ? s : put(template, name, object(e));
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
  Emitter e = {cx, p, {0}, 0, NULL};
  cJSON *t = object(&e);
  e.conditions = put(t, "Conditions", object(&e));
  put(t, "AWSTemplateFormatVersion", string(&e, "2010-09-09"));
  if (p->description) put(t, "Description", string(&e, p->description));
  put(t, "Resources", object(&e));
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if (d->user_condition && constant_condition(&e, d->user_condition) == 0) continue; /* never exists */
    if (d->kind != D_CONDITION) eval_count_step(cx, NO_LOC);
    switch (d->kind) {
    case D_PARAM: put(section(&e, t, "Parameters"), d->name, emit_param(&e, d)); break;
    case D_RESOURCE: put(section(&e, t, "Resources"), d->name, emit_resource(&e, d)); break;
    case D_OUTPUT: put(section(&e, t, "Outputs"), d->name, emit_output(&e, d)); break;
    case D_CONDITION: break; /* emitted when used */
    }
  }
  warn_unused_conditions(&e);
  for (int i = 0; i < e.nused; i++) /* may grow while we go: IsPrimaryOrSecondary uses IsPrimary */
    if (!cJSON_GetObjectItemCaseSensitive(e.conditions, use_region(&e, e.used[i])))
      put(e.conditions, use_region(&e, e.used[i]), region_definition(&e, e.used[i]));
  if (!e.conditions->child) cJSON_DetachItemViaPointer(t, e.conditions);
  json_canonicalize(t);
  return t;
}
