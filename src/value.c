/*
 * value.c: the values that expressions evaluate to.
 *
 * Compile-time values (null, booleans, numbers, strings, lists, objects) are folded by the evaluator;
 * deploy-time values (Ref, GetAtt, Fn::Sub, other intrinsics, region conditions) become intrinsic
 * functions in the template.  Objects keep their keys in insertion order; the emitter sorts them.
 */
#include <limits.h>
#include <string.h>

#include "drlc.h"

Value *val_new(Ctx *cx, ValueKind kind, Loc loc) {
  Value *v = arena_alloc(cx->arena, sizeof *v);
  v->kind = kind;
  v->loc = loc;
  v->scratch = cx->arena != &cx->root;
  v->size = 1;
  v->deploy = kind == V_REF || kind == V_GETATT || kind == V_SUB || kind == V_FN || kind == V_ROLE;
  return v;
}

/* Shared parts are counted each time they occur, because every walk visits them each time: a
   value built by doubling a list 40 times is refused when built, not walked for ever. */
static void account(Ctx *cx, Value *container, const Value *item) {
  long size = container->size + item->size;
  container->size = size < 0 ? LONG_MAX : size;
  if (item->depth + 1 > container->depth) container->depth = item->depth + 1;
  container->deploy |= item->deploy;
  if (container->size > cx->opt->max_steps)
    diag_fatal(cx, container->loc, "a value with more than %ld parts (see --max-steps)", cx->opt->max_steps);
  if (container->depth > MAX_VALUE_DEPTH)
    diag_fatal(cx, container->loc, "values nested deeper than %d levels", MAX_VALUE_DEPTH);
}

void val_push(Ctx *cx, Value *container, Value *item) {
  vec_push(cx->arena, &container->items, item);
  account(cx, container, item);
}

Value *val_str(Ctx *cx, const char *s, size_t len, Loc loc) {
  Value *v = val_new(cx, V_STR, loc);
  v->s = arena_strndup(cx->arena, s, len);
  v->len = len;
  return v;
}

Value *val_cstr(Ctx *cx, const char *s, Loc loc) { return val_str(cx, s, strlen(s), loc); }

Value *val_num(Ctx *cx, double n, Loc loc) {
  Value *v = val_new(cx, V_NUM, loc);
  v->num = n;
  return v;
}

Value *val_bool(Ctx *cx, bool b, Loc loc) {
  Value *v = val_new(cx, V_BOOL, loc);
  v->b = b;
  return v;
}

Value *val_fn(Ctx *cx, const char *fn, Value *arg, Loc loc) {
  Value *v = val_new(cx, V_FN, loc);
  v->s = fn;
  v->arg = arg;
  account(cx, v, arg);
  return v;
}

Value *val_list1(Ctx *cx, Value *a, Loc loc) {
  Value *v = val_new(cx, V_LIST, loc);
  val_push(cx, v, a);
  return v;
}

Value *val_list2(Ctx *cx, Value *a, Value *b, Loc loc) {
  Value *v = val_new(cx, V_LIST, loc);
  val_push(cx, v, a);
  val_push(cx, v, b);
  return v;
}

Value *obj_get(const Value *obj, const char *key) {
  for (int i = 0; i < obj->keys.len; i++)
    if (strcmp(obj->keys.items[i], key) == 0) return obj->items.items[i];
  return NULL;
}

/* Replaces the value of an existing key, or appends the key. */
void obj_put(Ctx *cx, Value *obj, const char *key, Value *v) {
  for (int i = 0; i < obj->keys.len; i++) {
    if (strcmp(obj->keys.items[i], key) == 0) {
      obj->size -= ((Value *)obj->items.items[i])->size;
      obj->items.items[i] = v;
      account(cx, obj, v);
      return;
    }
  }
  vec_push(cx->arena, &obj->keys, (void *)key);
  val_push(cx, obj, v);
}

void obj_remove(Value *obj, const char *key) {
  for (int i = 0; i < obj->keys.len; i++) {
    if (strcmp(obj->keys.items[i], key) != 0) continue;
    obj->size -= ((Value *)obj->items.items[i])->size;
    for (int j = i + 1; j < obj->keys.len; j++) {
      obj->keys.items[j - 1] = obj->keys.items[j];
      obj->items.items[j - 1] = obj->items.items[j];
    }
    obj->keys.len--;
    obj->items.len--;
    return;
  }
}

bool val_is_deploy_time(const Value *v) { return v->deploy; }

const char *val_kind_name(const Value *v) {
  switch (v->kind) {
  case V_NULL: return "null";
  case V_BOOL: return "a boolean";
  case V_NUM: return "a number";
  case V_STR: return "a string";
  case V_LIST: return "a list";
  case V_OBJECT: return "an object";
  case V_REF: return "a reference";
  case V_GETATT: return "an attribute";
  case V_SUB: return "a deploy-time string";
  case V_FN: return "a deploy-time value";
  case V_ROLE: return "a region condition";
  case V_MACRO: return "a macro";
  }
  return "a value";
}

static bool str_eq(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

bool val_equal(const Value *a, const Value *b) {
  if (a == b) return true;
  if (a->kind != b->kind || a->size != b->size) return false;
  switch (a->kind) {
  case V_NULL: return true;
  case V_BOOL: return a->b == b->b;
  case V_NUM: return a->num == b->num;
  case V_STR: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
  case V_REF: case V_GETATT: return str_eq(a->s, b->s) && str_eq(a->attr, b->attr);
  case V_ROLE: return a->mask == b->mask;
  case V_MACRO: return a->macro == b->macro;
  case V_FN:
    if (!str_eq(a->s, b->s)) return false;
    return val_equal(a->arg, b->arg);
  case V_LIST: case V_SUB: case V_OBJECT:
    if (a->items.len != b->items.len) return false;
    for (int i = 0; i < a->items.len; i++) {
      if (a->kind == V_OBJECT && strcmp(a->keys.items[i], b->keys.items[i]) != 0) return false;
      if (!val_equal(a->items.items[i], b->items.items[i])) return false;
    }
    return true;
  }
  return false;
}
