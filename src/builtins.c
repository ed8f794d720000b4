/*
 * builtins.c: the functions every program has.
 *
 * Intrinsics (sub, join, split, select, base64, get_azs, import_value, find_in_map, cidr, if, ref) fold
 * at compile time when every argument is known and otherwise become CloudFormation's Fn:: functions.
 * Compile-time helpers (file, lower, upper, len, keys, range, contains, merge) need known arguments.
 * The table is sorted by name; each entry takes positional arguments only.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

typedef Value *BuiltinFn(Ctx *cx, EvalEnv *env, const Node *call, Value **args);

typedef struct Builtin {
  const char *name;
  int min_args, max_args;
  bool lazy;      /* gets no evaluated arguments: evaluates the nodes itself */
  BuiltinFn *fn;
} Builtin;

static const Node *arg_node(const Node *call, int i) { return ((const Node *)call->items.items[i])->lhs; }

static Value *fail(Ctx *cx, EvalEnv *env, Loc loc, const char *fmt, ...) PRINTF(4, 5);
static Value *fail(Ctx *cx, EvalEnv *env, Loc loc, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_error(cx, loc, env->frame, "%s", msg);
  return eval_error_value(cx, loc);
}

static bool known(const Value *v) { return !val_is_deploy_time(v); }

static Value *want_string(Ctx *cx, EvalEnv *env, const Node *call, Value *v) {
  if (v->kind == V_STR) return v;
  fail(cx, env, v->loc, "'%s' needs a compile-time string here, not %s", call->name, val_kind_name(v));
  return NULL;
}

/* ---- intrinsics ---- */

static Value *b_sub(Ctx *cx, EvalEnv *env, const Node *call, Value **args) { return args[0]; }

static Value *b_join(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *sep = want_string(cx, env, call, args[0]), *list = args[1];
  if (!sep) return eval_error_value(cx, call->loc);
  if (list->kind != V_LIST && !val_is_deploy_time(list))
    return fail(cx, env, list->loc, "'join' needs a list, not %s", val_kind_name(list));
  if (list->kind == V_LIST && known(list)) {
    Buf b = {.arena = cx->arena};
    for (int i = 0; i < list->items.len; i++) {
      Value *item = list->items.items[i];
      if (item->kind != V_STR && item->kind != V_NUM) {
        buf_free(&b);
        return fail(cx, env, item->loc, "'join' can only join strings and numbers, not %s", val_kind_name(item));
      }
      if (i) buf_add(&b, sep->s, sep->len);
      buf_adds(&b, item->kind == V_STR ? item->s : eval_format_number(cx, item->num));
    }
    Value *r = val_str(cx, b.data ? b.data : "", b.len, call->loc);
    buf_free(&b);
    return r;
  }
  return val_fn(cx, "Fn::Join", val_list2(cx, sep, list, call->loc), call->loc);
}

static Value *b_split(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *sep = want_string(cx, env, call, args[0]), *s = args[1];
  if (!sep) return eval_error_value(cx, call->loc);
  if (sep->len == 0) return fail(cx, env, sep->loc, "'split' needs a non-empty separator");
  if (s->kind != V_STR) return val_fn(cx, "Fn::Split", val_list2(cx, sep, s, call->loc), call->loc);
  Value *list = val_new(cx, V_LIST, call->loc);
  const char *p = s->s, *end = s->s + s->len;
  for (;;) {
    const char *hit = strstr(p, sep->s);
    if (!hit || hit >= end) hit = end;
    val_push(cx, list, val_str(cx, p, (size_t)(hit - p), s->loc));
    if (hit == end) break;
    p = hit + sep->len;
  }
  return list;
}

static Value *b_select(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *i = args[0], *list = args[1];
  if (i->kind == V_NUM && list->kind == V_LIST) {
    if (i->num != floor(i->num) || i->num < 0 || i->num >= list->items.len)
      return fail(cx, env, i->loc, "'select' index %s is out of range", eval_format_number(cx, i->num));
    return list->items.items[(int)i->num];
  }
  return val_fn(cx, "Fn::Select", val_list2(cx, i, list, call->loc), call->loc);
}

static Value *b_base64(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Value *s = args[0];
  if (s->kind != V_STR) return val_fn(cx, "Fn::Base64", s, call->loc);
  Buf b = {.arena = cx->arena};
  const unsigned char *p = (const unsigned char *)s->s;
  for (size_t i = 0; i < s->len; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < s->len ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < s->len ? p[i + 2] : 0);
    buf_addc(&b, digits[v >> 18 & 63]);
    buf_addc(&b, digits[v >> 12 & 63]);
    buf_addc(&b, i + 1 < s->len ? digits[v >> 6 & 63] : '=');
    buf_addc(&b, i + 2 < s->len ? digits[v & 63] : '=');
  }
  Value *r = val_str(cx, b.data ? b.data : "", b.len, call->loc);
  buf_free(&b);
  return r;
}

static Value *b_get_azs(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  return val_fn(cx, "Fn::GetAZs", args[0] ? args[0] : val_cstr(cx, "", call->loc), call->loc);
}

static Value *b_import_value(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  return val_fn(cx, "Fn::ImportValue", args[0], call->loc);
}

static Value *b_find_in_map(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *list = val_new(cx, V_LIST, call->loc);
  for (int i = 0; i < 3; i++) val_push(cx, list, args[i]);
  return val_fn(cx, "Fn::FindInMap", list, call->loc);
}

static Value *b_cidr(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *list = val_new(cx, V_LIST, call->loc);
  for (int i = 0; i < 3; i++) val_push(cx, list, args[i]);
  return val_fn(cx, "Fn::Cidr", list, call->loc);
}

static Value *b_if(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  return eval_choice(cx, env, arg_node(call, 0), arg_node(call, 1), arg_node(call, 2), call->loc);
}

static Value *b_ref(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *name = want_string(cx, env, call, args[0]);
  if (!name) return eval_error_value(cx, call->loc);
  Value *v = val_new(cx, V_REF, call->loc);
  v->s = name->s;
  v->frame = env->frame;
  return v;
}

/* ---- compile-time helpers ---- */

static Value *b_file(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *path = want_string(cx, env, call, args[0]);
  if (!path) return eval_error_value(cx, call->loc);
  Value *v = modules_read_file(cx, path->s, env->src, path->loc, env->frame);
  return v ? v : eval_error_value(cx, call->loc);
}

static Value *change_case(Ctx *cx, EvalEnv *env, const Node *call, Value *s, int (*conv)(int)) {
  if (!want_string(cx, env, call, s)) return eval_error_value(cx, call->loc);
  Value *r = val_str(cx, s->s, s->len, call->loc);
  for (size_t i = 0; i < r->len; i++) ((char *)r->s)[i] = (char)conv((unsigned char)r->s[i]);
  return r;
}

static Value *b_lower(Ctx *cx, EvalEnv *env, const Node *call, Value **args) { return change_case(cx, env, call, args[0], tolower); }
static Value *b_upper(Ctx *cx, EvalEnv *env, const Node *call, Value **args) { return change_case(cx, env, call, args[0], toupper); }

static Value *b_len(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *v = args[0];
  if (v->kind == V_STR) return val_num(cx, (double)v->len, call->loc);
  if (v->kind == V_LIST || v->kind == V_OBJECT) return val_num(cx, v->items.len, call->loc);
  return fail(cx, env, v->loc, "'len' needs a compile-time string, list or object, not %s", val_kind_name(v));
}

static Value *b_keys(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *obj = args[0];
  if (obj->kind != V_OBJECT) return fail(cx, env, obj->loc, "'keys' needs an object, not %s", val_kind_name(obj));
  Value *list = val_new(cx, V_LIST, call->loc);
  for (int i = 0; i < obj->keys.len; i++) val_push(cx, list, val_cstr(cx, obj->keys.items[i], call->loc));
  return list;
}

static Value *b_range(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *from = args[1] ? args[0] : NULL, *to = args[1] ? args[1] : args[0];
  double lo = from && from->kind == V_NUM ? from->num : 0;
  if (to->kind != V_NUM || (from && from->kind != V_NUM))
    return fail(cx, env, call->loc, "'range' needs compile-time numbers");
  if (to->num - lo > 1e6) return fail(cx, env, call->loc, "'range' is limited to a million numbers");
  Value *list = val_new(cx, V_LIST, call->loc);
  for (double i = lo; i < to->num; i++) val_push(cx, list, val_num(cx, i, call->loc));
  return list;
}

static Value *b_contains(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *list = args[0], *item = args[1];
  if (list->kind == V_OBJECT && item->kind == V_STR) return val_bool(cx, obj_get(list, item->s) != NULL, call->loc);
  if (list->kind != V_LIST) return fail(cx, env, list->loc, "'contains' needs a list or an object, not %s", val_kind_name(list));
  for (int i = 0; i < list->items.len; i++)
    if (val_equal(list->items.items[i], item)) return val_bool(cx, true, call->loc);
  return val_bool(cx, false, call->loc);
}

static Value *b_merge(Ctx *cx, EvalEnv *env, const Node *call, Value **args) {
  Value *r = val_new(cx, V_OBJECT, call->loc);
  for (int a = 0; a < 2; a++) {
    if (args[a]->kind != V_OBJECT) return fail(cx, env, args[a]->loc, "'merge' needs objects, not %s", val_kind_name(args[a]));
    for (int i = 0; i < args[a]->keys.len; i++) obj_put(cx, r, args[a]->keys.items[i], args[a]->items.items[i]);
  }
  return r;
}

/* ORDER: sorted by name, for bsearch */
static const Builtin builtins[] = {
    {"base64", 1, 1, false, b_base64},   {"cidr", 3, 3, false, b_cidr},
    {"contains", 2, 2, false, b_contains}, {"file", 1, 1, false, b_file},
    {"find_in_map", 3, 3, false, b_find_in_map}, {"get_azs", 0, 1, false, b_get_azs},
    {"if", 3, 3, true, b_if},            {"import_value", 1, 1, false, b_import_value},
    {"join", 2, 2, false, b_join},       {"keys", 1, 1, false, b_keys},
    {"len", 1, 1, false, b_len},         {"lower", 1, 1, false, b_lower},
    {"merge", 2, 2, false, b_merge},     {"range", 1, 2, false, b_range},
    {"ref", 1, 1, false, b_ref},         {"select", 2, 2, false, b_select},
    {"split", 2, 2, false, b_split},     {"sub", 1, 1, false, b_sub},
    {"upper", 1, 1, false, b_upper},
};

static int compare_builtin(const void *key, const void *b) { return strcmp(key, ((const Builtin *)b)->name); }

bool builtin_exists(const char *name) {
  return bsearch(name, builtins, sizeof builtins / sizeof builtins[0], sizeof builtins[0], compare_builtin) != NULL;
}

Value *builtin_call(Ctx *cx, EvalEnv *env, const Node *n, bool *found) {
  const Builtin *b = bsearch(n->name, builtins, sizeof builtins / sizeof builtins[0], sizeof builtins[0], compare_builtin);
  *found = b != NULL;
  if (!b) return NULL;
  int count = n->items.len;
  if (count < b->min_args || count > b->max_args) {
    if (b->min_args == b->max_args)
      diag_error(cx, n->loc, env->frame, "'%s' takes %d argument%s, got %d", b->name, b->min_args, b->min_args == 1 ? "" : "s", count);
    else
      diag_error(cx, n->loc, env->frame, "'%s' takes %d to %d arguments, got %d", b->name, b->min_args, b->max_args, count);
    return eval_error_value(cx, n->loc);
  }
  Value *args[3] = {0};
  for (int i = 0; i < count; i++) {
    const Node *arg = n->items.items[i];
    if (arg->name) {
      diag_error(cx, arg->name_loc, env->frame, "'%s' takes no keyword arguments", b->name);
      return eval_error_value(cx, n->loc);
    }
    if (!b->lazy) args[i] = eval(cx, env, arg->lhs);
  }
  return b->fn(cx, env, n, args);
}
