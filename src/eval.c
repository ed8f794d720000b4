/*
 * eval.c: evaluates expressions to Values, folding everything known at compile time.
 *
 * Two times meet here.  Literals, lets, macro arguments and file() are known now and are folded;
 * parameters, resources, pseudo parameters and region conditions are known at deploy time and become
 * intrinsic functions.  A name not bound in scope is a deferred reference (V_REF): it may name a
 * parameter, resource or condition declared anywhere, and check.c resolves it after expansion.
 *
 * Region conditions are sets of regions (bit masks).  An EvalEnv carries the regions the code runs in,
 * so `primary ? a : b` inside a primary block folds to a, and --region folds every region condition.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

struct Scope {
  Scope *parent;
  Map names;
};

Scope *scope_new(Ctx *cx, Scope *parent) {
  Scope *s = arena_alloc(cx->arena, sizeof *s);
  s->parent = parent;
  return s;
}

/* Map order is a hash order: sort the names so that everything derived from it is deterministic. */
static int compare_names(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

void scope_each(Scope *s, void (*f)(void *ctx, const char *name, Value *v), void *ctx) {
  if (!s->names.len) return;
  const char **names = malloc(sizeof(char *) * (size_t)s->names.len);
  int n = 0;
  for (int i = 0; i < s->names.cap; i++)
    if (s->names.keys[i]) names[n++] = s->names.keys[i];
  qsort(names, (size_t)n, sizeof *names, compare_names);
  for (int i = 0; i < n; i++) f(ctx, names[i], map_get(&s->names, names[i]));
  free(names);
}

void scope_bind(Ctx *cx, Scope *s, const char *name, Value *v) { map_put(cx->arena, &s->names, name, v); }

Value *scope_lookup_here(Scope *s, const char *name) { return map_get(&s->names, name); }

Scope *scope_parent(Scope *s) { return s->parent; }

/* The names of the macros bound in s itself, for "did you mean". */
int scope_macro_names(Scope *s, const char **out, int max) {
  int n = 0;
  for (int i = 0; i < s->names.cap && n < max; i++) {
    Value *v = s->names.vals[i];
    if (s->names.keys[i] && v->kind == V_MACRO && v->macro->kind == S_MACRO) out[n++] = s->names.keys[i];
  }
  return n;
}

Value *scope_lookup(Scope *s, const char *name) {
  unsigned hash = map_hash(name);
  for (; s; s = s->parent) {
    Value *v = map_get_hashed(&s->names, name, hash);
    if (v) return v;
  }
  return NULL;
}

void eval_count_step(Ctx *cx, Loc loc) {
  if (loc.file >= 0) cx->at = loc;
  if (++cx->steps > cx->opt->max_steps)
    diag_fatal(cx, cx->at, "expansion exceeds %ld steps (see --max-steps); is a macro expanding exponentially?",
               cx->opt->max_steps);
}

Value *eval_error_value(Ctx *cx, Loc loc) {
  Value *v = val_new(cx, V_NULL, loc);
  v->error = true;
  return v;
}


/* ---- numbers and strings ---- */

/* Shortest text that reads back as the same double; integers without a fraction. */
static const char *format_number(Ctx *cx, double n) {
  char buf[32];
  return arena_strdup(cx->arena, json_format_number(n, buf));
}

const char *eval_format_number(Ctx *cx, double n) { return format_number(cx, n); }

static bool is_scalar_deploy(const Value *v) {
  return v->kind == V_REF || v->kind == V_GETATT || v->kind == V_SUB || v->kind == V_FN;
}

/* The text gathered so far, as a string: the arena buffer itself becomes it, and text starts anew. */
static Value *take_text(Ctx *cx, Buf *text, Loc loc) {
  Value *v = val_new(cx, V_STR, loc);
  v->s = text->data ? text->data : "";
  v->len = text->len;
  *text = (Buf){.arena = text->arena};
  return v;
}

/* Appends one interpolated value to the parts of a string being built. */
static bool add_part(Ctx *cx, Value *sub, Buf *text, Value *v, Loc at, const Frame *frame) {
  switch (v->kind) {
  case V_STR: buf_add(text, v->s, v->len); return true;
  case V_NUM: buf_adds(text, format_number(cx, v->num)); return true;
  case V_BOOL: buf_adds(text, v->b ? "true" : "false"); return true;
  case V_SUB:
    for (int i = 0; i < v->items.len; i++) add_part(cx, sub, text, v->items.items[i], at, frame);
    return true;
  case V_REF: case V_GETATT: case V_FN:
    val_push(cx, sub, take_text(cx, text, v->loc));
    val_push(cx, sub, v);
    return true;
  default:
    if (!v->error) diag_error(cx, at, frame, "cannot put %s into a string", val_kind_name(v));
    return false;
  }
}

/* Closes a string: a plain V_STR when every part was known, else a V_SUB. */
static Value *finish_string(Ctx *cx, Value *sub, Buf *text, Loc loc) {
  Value *last = take_text(cx, text, loc);
  if (sub->items.len == 0) return last;
  if (last->len) val_push(cx, sub, last);
  return sub;
}

static Value *eval_string_node(Ctx *cx, EvalEnv *env, const Node *n) {
  if (n->items.len == 0) return val_str(cx, "", 0, n->loc);
  const Node *only = n->items.items[0];
  if (n->items.len == 1 && only->kind == N_TEXT) { /* the common case: nothing to splice */
    Value *v = val_new(cx, V_STR, n->loc);
    v->s = only->text;
    v->len = only->len;
    return v;
  }
  Value *sub = val_new(cx, V_SUB, n->loc);
  Buf text = {.arena = cx->arena};
  for (int i = 0; i < n->items.len; i++) {
    const Node *part = n->items.items[i];
    if (part->kind == N_TEXT) buf_add(&text, part->text, part->len);
    else add_part(cx, sub, &text, eval(cx, env, part), part->loc, env->frame);
  }
  return finish_string(cx, sub, &text, n->loc);
}

static Value *concat_strings(Ctx *cx, Value *a, Value *b, Loc loc, const Frame *frame) {
  Value *sub = val_new(cx, V_SUB, loc);
  Buf text = {.arena = cx->arena};
  add_part(cx, sub, &text, a, a->loc, frame);
  add_part(cx, sub, &text, b, b->loc, frame);
  return finish_string(cx, sub, &text, loc);
}

const char *eval_string(Ctx *cx, EvalEnv *env, const Node *n, const char *what) {
  Value *v = eval(cx, env, n);
  if (v->kind == V_STR) return v->s;
  if (!v->error) diag_error(cx, n->loc, env->frame, "%s must be a compile-time string, not %s", what, val_kind_name(v));
  return NULL;
}

/* ---- regions ---- */

static int region_bit_of_role(const Program *p, const char *role) {
  for (int i = 0; i < p->nregions; i++)
    if (strcmp(p->regions[i].role, role) == 0) return 1 << i;
  return 0;
}

static int region_bit_of_name(const Program *p, const char *name) {
  for (int i = 0; i < p->nregions; i++)
    if (strcmp(p->regions[i].name, name) == 0) return 1 << i;
  return 0;
}

/* A region condition seen from code running in env->mask: folds to a boolean when it cannot vary. */
static Value *role_value(Ctx *cx, EvalEnv *env, unsigned mask, Loc loc) {
  unsigned here = env->mask & cx->prog->universe;
  if ((here & mask) == here) return val_bool(cx, true, loc);
  if ((here & mask) == 0) return val_bool(cx, false, loc);
  Value *v = val_new(cx, V_ROLE, loc);
  v->mask = mask & cx->prog->universe;
  v->frame = env->frame;
  return v;
}

static Value *eval_role(Ctx *cx, EvalEnv *env, const Node *n) {
  unsigned bit = (unsigned)region_bit_of_role(cx->prog, n->name);
  if (!bit) {
    diag_error(cx, n->loc, env->frame, "no region has the role '%s'; declare it in regions { }", n->name);
    return eval_error_value(cx, n->loc);
  }
  return role_value(cx, env, bit, n->loc);
}

/* ---- deferred references and pseudo parameters ---- */

static Value *ref(Ctx *cx, EvalEnv *env, const char *name, Loc loc) {
  Value *v = val_new(cx, V_REF, loc);
  v->s = name;
  v->frame = env->frame;
  return v;
}

/* ORDER: DRL name, CloudFormation pseudo parameter */
static const char *const pseudo_names[][2] = {
    {"account", "AWS::AccountId"},  {"partition", "AWS::Partition"}, {"stack_name", "AWS::StackName"},
    {"stack_id", "AWS::StackId"},   {"url_suffix", "AWS::URLSuffix"}, {"no_value", "AWS::NoValue"},
    {"notification_arns", "AWS::NotificationARNs"},
};

const char *eval_pseudo_name(int i) {
  static const char *const own[] = {"suffix", "region", "regions"};
  int nown = (int)(sizeof own / sizeof own[0]), npseudo = (int)(sizeof pseudo_names / sizeof pseudo_names[0]);
  if (i < 0 || i >= nown + npseudo) return NULL;
  return i < nown ? own[i] : pseudo_names[i - nown][0];
}

static Value *eval_region_pseudo(Ctx *cx, EvalEnv *env, Loc loc) {
  Program *p = cx->prog;
  unsigned here = env->mask & p->universe;
  for (int i = 0; i < p->nregions; i++)
    if (here == (1u << i)) return val_cstr(cx, p->regions[i].name, loc); /* known: fold it */
  return ref(cx, env, "AWS::Region", loc);
}

/* Every declared region, also under --region: a one-region template still replicates to the others. */
static Value *eval_regions_list(Ctx *cx, Loc loc) {
  Value *list = val_new(cx, V_LIST, loc);
  for (int i = 0; i < cx->prog->nregions; i++) val_push(cx, list, val_cstr(cx, cx->prog->regions[i].name, loc));
  return list;
}

static Value *eval_suffix(Ctx *cx, EvalEnv *env, Loc loc) {
  if (!cx->prog->suffix_param) {
    diag_error(cx, loc, env->frame, "'suffix' needs stack { suffix = ParameterName }");
    return val_cstr(cx, "", loc);
  }
  return ref(cx, env, cx->prog->suffix_param, loc);
}

static Value *eval_pseudo(Ctx *cx, EvalEnv *env, const Node *n) {
  if (strcmp(n->name, "region") == 0) return eval_region_pseudo(cx, env, n->loc);
  if (strcmp(n->name, "regions") == 0) return eval_regions_list(cx, n->loc);
  return eval_error_value(cx, n->loc);
}

static Value *eval_ident(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *v = scope_lookup(env->scope, n->name);
  if (v) {
    if (v->kind == V_MACRO) {
      diag_error(cx, n->loc, env->frame, "'%s' is a %s, not a value", n->name, v->macro->kind == S_MACRO ? "macro" : "function");
      return eval_error_value(cx, n->loc);
    }
    return v;
  }
  if (strcmp(n->name, "suffix") == 0) return eval_suffix(cx, env, n->loc);
  for (size_t i = 0; i < sizeof pseudo_names / sizeof pseudo_names[0]; i++)
    if (strcmp(n->name, pseudo_names[i][0]) == 0) return ref(cx, env, pseudo_names[i][1], n->loc);
  return ref(cx, env, n->name, n->loc);
}

/* ---- lists, objects, comprehensions ---- */

static Value *eval_list(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *v = val_new(cx, V_LIST, n->loc);
  for (int i = 0; i < n->items.len; i++) val_push(cx, v, eval(cx, env, n->items.items[i]));
  return v;
}

const char *eval_field_key(Ctx *cx, EvalEnv *env, const Node *field) {
  if (!field->keyexpr) return field->name;
  return eval_string(cx, env, field->keyexpr, "a key");
}

static Value *eval_object(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *v = val_new(cx, V_OBJECT, n->loc);
  for (int i = 0; i < n->items.len; i++) {
    const Node *f = n->items.items[i];
    const char *key = eval_field_key(cx, env, f);
    if (!key) continue;
    if (obj_get(v, key)) {
      diag_error(cx, f->name_loc, env->frame, "duplicate key '%s'", key);
      continue;
    }
    obj_put(cx, v, key, eval(cx, env, f->lhs));
  }
  return v;
}

static Value *compile_time_list(Ctx *cx, EvalEnv *env, const Node *n, const char *what) {
  Value *v = eval(cx, env, n);
  if (v->kind == V_LIST) return v;
  diag_error(cx, n->loc, env->frame, "%s needs a compile-time list, not %s", what, val_kind_name(v));
  return NULL;
}

static bool compile_time_bool(Ctx *cx, EvalEnv *env, Value *v, const char *what) {
  if (v->kind == V_BOOL) return v->b;
  if (!v->error) diag_error(cx, v->loc, env->frame, "%s must be a compile-time boolean, not %s", what, val_kind_name(v));
  return false;
}

static Value *eval_for_expr(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *out = val_new(cx, V_LIST, n->loc);
  Value *list = compile_time_list(cx, env, n->lhs, "'for'");
  if (!list) return out;
  for (int i = 0; i < list->items.len; i++) {
    EvalEnv inner = *env;
    inner.scope = scope_new(cx, env->scope);
    scope_bind(cx, inner.scope, n->name, list->items.items[i]);
    Value *keep = n->cond ? eval(cx, &inner, n->cond) : NULL;
    if (keep && keep->kind != V_BOOL) {
      compile_time_bool(cx, &inner, keep, "the filter of 'for'"); /* reported once, not per item */
      break;
    }
    if (keep && !keep->b) continue;
    val_push(cx, out, eval(cx, &inner, n->rhs));
  }
  return out;
}

/* ---- operators ---- */

/* A condition as Fn::And / Fn::Or / Fn::Not take it: {"Condition": name} for names and roles. */
static Value *as_condition(Ctx *cx, EvalEnv *env, Value *v) {
  if (v->kind == V_REF) return val_fn(cx, "Condition", val_cstr(cx, v->s, v->loc), v->loc);
  if (v->kind == V_ROLE) return val_fn(cx, "Condition", v, v->loc);
  if (v->kind == V_FN) return v;
  if (v->kind == V_BOOL)
    return val_fn(cx, "Fn::Equals", val_list2(cx, val_cstr(cx, "true", v->loc), val_cstr(cx, v->b ? "true" : "false", v->loc), v->loc), v->loc);
  diag_error(cx, v->loc, env->frame, "expected a condition, not %s", val_kind_name(v));
  return v;
}

static Value *logical(Ctx *cx, EvalEnv *env, int op, Value *a, Value *b, Loc loc) {
  bool is_and = op == OP_AND;
  if (a->kind == V_BOOL) return a->b == is_and ? b : a;
  if (b->kind == V_BOOL) return b->b == is_and ? a : b;
  if (a->kind == V_ROLE && b->kind == V_ROLE)
    return role_value(cx, env, is_and ? a->mask & b->mask : a->mask | b->mask, loc);
  return val_fn(cx, is_and ? "Fn::And" : "Fn::Or", val_list2(cx, as_condition(cx, env, a), as_condition(cx, env, b), loc), loc);
}

static Value *equality(Ctx *cx, EvalEnv *env, int op, Value *a, Value *b, Loc loc) {
  Value *r;
  if (!val_is_deploy_time(a) && !val_is_deploy_time(b)) {
    r = val_bool(cx, val_equal(a, b), loc);
    if (op == OP_NE) r->b = !r->b;
    return r;
  }
  /* region == "us-west-2" is a region condition when that region is declared */
  Value *name = a->kind == V_STR ? a : b->kind == V_STR ? b : NULL;
  Value *other = name == a ? b : a;
  unsigned bit = name ? (unsigned)region_bit_of_name(cx->prog, name->s) : 0;
  if (bit && other->kind == V_REF && strcmp(other->s, "AWS::Region") == 0) {
    r = role_value(cx, env, op == OP_EQ ? bit : cx->prog->universe & ~bit, loc);
    return r;
  }
  r = val_fn(cx, "Fn::Equals", val_list2(cx, a, b, loc), loc);
  return op == OP_NE ? val_fn(cx, "Fn::Not", val_list1(cx, r, loc), loc) : r;
}

static Value *arithmetic(Ctx *cx, EvalEnv *env, int op, Value *a, Value *b, Loc loc) {
  if (op == '+' && a->kind == V_LIST && b->kind == V_LIST) {
    Value *v = val_new(cx, V_LIST, loc);
    for (int i = 0; i < a->items.len; i++) val_push(cx, v, a->items.items[i]);
    for (int i = 0; i < b->items.len; i++) val_push(cx, v, b->items.items[i]);
    return v;
  }
  bool a_text = a->kind == V_STR || is_scalar_deploy(a), b_text = b->kind == V_STR || is_scalar_deploy(b);
  if (op == '+' && (a_text || b_text) && a->kind != V_LIST && b->kind != V_LIST && a->kind != V_OBJECT && b->kind != V_OBJECT)
    return concat_strings(cx, a, b, loc, env->frame);
  if (a->error || b->error) return eval_error_value(cx, loc);
  if (a->kind != V_NUM || b->kind != V_NUM) {
    diag_error(cx, loc, env->frame, "'%c' needs two compile-time numbers, not %s and %s", op, val_kind_name(a), val_kind_name(b));
    return eval_error_value(cx, loc);
  }
  if ((op == '/' || op == '%') && b->num == 0) {
    diag_error(cx, loc, env->frame, "division by zero");
    return eval_error_value(cx, loc);
  }
  double r = op == '+' ? a->num + b->num : op == '-' ? a->num - b->num : op == '*' ? a->num * b->num
           : op == '/' ? a->num / b->num : fmod(a->num, b->num);
  if (!isfinite(r)) {
    diag_error(cx, loc, env->frame, "the result is out of range");
    return eval_error_value(cx, loc);
  }
  return val_num(cx, r, loc);
}

/* < > <= >= on two compile-time numbers or two compile-time strings (byte order). */
static Value *compare(Ctx *cx, EvalEnv *env, int op, Value *a, Value *b, Loc loc) {
  if (a->error || b->error) return eval_error_value(cx, loc);
  int c;
  if (a->kind == V_NUM && b->kind == V_NUM) c = a->num < b->num ? -1 : a->num > b->num;
  else if (a->kind == V_STR && b->kind == V_STR) c = strcmp(a->s, b->s);
  else {
    diag_error(cx, loc, env->frame, "comparison needs two compile-time numbers or strings, not %s and %s", val_kind_name(a), val_kind_name(b));
    return eval_error_value(cx, loc);
  }
  bool r = op == '<' ? c < 0 : op == '>' ? c > 0 : op == OP_LE ? c <= 0 : c >= 0;
  return val_bool(cx, r, loc);
}

static Value *eval_binary(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *a = eval(cx, env, n->lhs);
  Value *b = eval(cx, env, n->rhs);
  switch (n->op) {
  case OP_AND: case OP_OR: return logical(cx, env, n->op, a, b, n->loc);
  case OP_EQ: case OP_NE: return equality(cx, env, n->op, a, b, n->loc);
  case '<': case '>': case OP_LE: case OP_GE: return compare(cx, env, n->op, a, b, n->loc);
  default: return arithmetic(cx, env, n->op, a, b, n->loc);
  }
}

static Value *eval_unary(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *a = eval(cx, env, n->lhs);
  if (n->op == '-') {
    if (a->kind == V_NUM) return val_num(cx, -a->num, n->loc);
    diag_error(cx, n->loc, env->frame, "'-' needs a compile-time number, not %s", val_kind_name(a));
    return eval_error_value(cx, n->loc);
  }
  if (a->kind == V_BOOL) return val_bool(cx, !a->b, n->loc);
  if (a->kind == V_ROLE) return role_value(cx, env, cx->prog->universe & ~a->mask, n->loc);
  return val_fn(cx, "Fn::Not", val_list1(cx, as_condition(cx, env, a), n->loc), n->loc);
}

/* ---- choices: ?:, if(), by_region ---- */

/* Fn::If over a region condition, each branch evaluated in the regions where it applies. */
static Value *region_choice(Ctx *cx, EvalEnv *env, Value *role, const Node *yes, const Node *no, Loc loc) {
  EvalEnv in = *env, out = *env;
  in.mask = env->mask & role->mask;
  out.mask = env->mask & ~role->mask;
  Value *args = val_new(cx, V_LIST, loc);
  Value *a = eval(cx, &in, yes), *b = eval(cx, &out, no);
  if (val_equal(a, b)) return a; /* the same in every region: no choice to make */
  val_push(cx, args, role);
  val_push(cx, args, a);
  val_push(cx, args, b);
  Value *v = val_fn(cx, "Fn::If", args, loc);
  v->mask = role->mask;
  return v;
}

static Value *choose(Ctx *cx, EvalEnv *env, const Node *cond, const Node *yes, const Node *no, Loc loc) {
  Value *c = eval(cx, env, cond);
  if (c->kind == V_BOOL) return eval(cx, env, c->b ? yes : no);
  if (c->kind == V_ROLE) return region_choice(cx, env, c, yes, no, loc);
  if (c->kind == V_REF || c->kind == V_STR) { /* a condition, by name or by a name built as a string */
    Value *args = val_new(cx, V_LIST, loc);
    val_push(cx, args, val_cstr(cx, c->s, c->loc));
    val_push(cx, args, eval(cx, env, yes));
    val_push(cx, args, eval(cx, env, no));
    return val_fn(cx, "Fn::If", args, loc);
  }
  if (!c->error)
    diag_error(cx, cond->loc, env->frame,
             "a choice needs a compile-time boolean, a region role or a condition name, not %s; declare "
             "`condition Name = ...` and choose on Name", val_kind_name(c));
  return eval_error_value(cx, loc);
}

/* by_region { primary = a, secondary = b, "eu-west-1" = c, default = d } */
static Value *eval_by_region(Ctx *cx, EvalEnv *env, const Node *n) {
  Program *p = cx->prog;
  const Node *fallback = NULL;
  const Node *choice[MAX_REGIONS] = {0};
  for (int i = 0; i < n->rhs->items.len; i++) {
    const Node *f = n->rhs->items.items[i];
    const char *key = eval_field_key(cx, env, f);
    if (!key) continue;
    if (strcmp(key, "default") == 0) { fallback = f->lhs; continue; }
    int bit = region_bit_of_role(p, key);
    if (!bit) bit = region_bit_of_name(p, key);
    if (!bit) {
      diag_error(cx, f->name_loc, env->frame, "'%s' is neither a region role nor a declared region", key);
      continue;
    }
    for (int r = 0; r < p->nregions; r++)
      if (bit == 1 << r) choice[r] = f->lhs;
  }
  /* Build the chain from the last region backwards: if(region0, a0, if(region1, a1, ...)). */
  Value *result = NULL;
  for (int r = p->nregions - 1; r >= 0; r--) {
    if (!(env->mask & p->universe & (1u << r))) continue;
    const Node *pick = choice[r] ? choice[r] : fallback;
    if (!pick) {
      diag_error(cx, n->loc, env->frame, "by_region has no value for %s (%s); add it or a default", p->regions[r].role, p->regions[r].name);
      return eval_error_value(cx, n->loc);
    }
    EvalEnv in = *env;
    in.mask = env->mask & (1u << r);
    Value *here = eval(cx, &in, pick);
    if (!result || val_equal(here, result)) { result = here; continue; }
    Value *role = val_new(cx, V_ROLE, n->loc);
    role->mask = 1u << r;
    Value *args = val_new(cx, V_LIST, n->loc);
    val_push(cx, args, role);
    val_push(cx, args, here);
    val_push(cx, args, result);
    result = val_fn(cx, "Fn::If", args, n->loc);
    result->mask = role->mask;
  }
  return result ? result : eval_error_value(cx, n->loc);
}

/* ---- member access ---- */

static Value *eval_dot(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *target = eval(cx, env, n->lhs);
  if (target->kind == V_OBJECT) {
    Value *v = obj_get(target, n->name);
    if (v) return v;
    diag_error(cx, n->name_loc, env->frame, "the object has no key '%s'", n->name);
    return eval_error_value(cx, n->loc);
  }
  if (target->kind == V_REF && strncmp(target->s, "AWS::", 5) != 0) {
    Value *v = val_new(cx, V_GETATT, n->loc);
    v->s = target->s;
    v->attr = n->name;
    v->frame = env->frame;
    return v;
  }
  if (target->kind == V_GETATT) {
    Value *v = val_new(cx, V_GETATT, n->loc);
    v->s = target->s;
    v->attr = arena_printf(cx->arena, "%s.%s", target->attr, n->name);
    v->frame = env->frame;
    return v;
  }
  diag_error(cx, n->name_loc, env->frame, "cannot take '.%s' of %s", n->name, val_kind_name(target));
  return eval_error_value(cx, n->loc);
}

static Value *eval_index(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *list = eval(cx, env, n->lhs);
  Value *index = eval(cx, env, n->rhs);
  if (list->kind == V_OBJECT && index->kind == V_STR) {
    Value *v = obj_get(list, index->s);
    if (v) return v;
    diag_error(cx, n->rhs->loc, env->frame, "the object has no key '%s'", index->s);
    return eval_error_value(cx, n->loc);
  }
  if (list->kind == V_LIST && index->kind == V_NUM) {
    double i = index->num;
    if (i != floor(i) || i < 0 || i >= list->items.len) {
      diag_error(cx, n->rhs->loc, env->frame, "index %s is out of range for a list of %d", format_number(cx, i), list->items.len);
      return eval_error_value(cx, n->loc);
    }
    return list->items.items[(int)i];
  }
  if (val_is_deploy_time(list) && (index->kind == V_NUM || val_is_deploy_time(index)))
    return val_fn(cx, "Fn::Select", val_list2(cx, index, list, n->loc), n->loc);
  diag_error(cx, n->loc, env->frame, "cannot index %s with %s", val_kind_name(list), val_kind_name(index));
  return eval_error_value(cx, n->loc);
}

/* ---- calls: builtins in builtins.c, user functions here ---- */


static Value *eval_call(Ctx *cx, EvalEnv *env, const Node *n) {
  Value *fn = scope_lookup(env->scope, n->name);
  if (fn && fn->kind == V_MACRO) {
    if (fn->macro->kind == S_MACRO) {
      diag_error(cx, n->loc, env->frame, "'%s' is a macro: it declares things and has no value; call it as a statement", n->name);
      return eval_error_value(cx, n->loc);
    }
    return expand_function_call(cx, env, n, fn);
  }
  bool found = false;
  Value *v = builtin_call(cx, env, n, &found);
  if (found) return v;
  diag_error(cx, n->name_loc, env->frame, "unknown function '%s'", n->name);
  return eval_error_value(cx, n->loc);
}

Value *eval(Ctx *cx, EvalEnv *env, const Node *n) {
  eval_count_step(cx, n->loc);
  switch (n->kind) {
  case N_STR: return eval_string_node(cx, env, n);
  case N_NUM: return val_num(cx, n->num, n->loc);
  case N_BOOL: return val_bool(cx, n->num != 0, n->loc);
  case N_NULL: return val_new(cx, V_NULL, n->loc);
  case N_IDENT: return eval_ident(cx, env, n);
  case N_PSEUDO: return eval_pseudo(cx, env, n);
  case N_ROLE: return eval_role(cx, env, n);
  case N_LIST: return eval_list(cx, env, n);
  case N_OBJECT: return eval_object(cx, env, n);
  case N_DOT: return eval_dot(cx, env, n);
  case N_INDEX: return eval_index(cx, env, n);
  case N_CALL: return eval_call(cx, env, n);
  case N_UNARY: return eval_unary(cx, env, n);
  case N_BINARY: return eval_binary(cx, env, n);
  case N_TERNARY: return choose(cx, env, n->cond, n->lhs, n->rhs, n->loc);
  case N_BY_REGION: return eval_by_region(cx, env, n);
  case N_FOR_EXPR: return eval_for_expr(cx, env, n);
  default:
    diag_error(cx, n->loc, env->frame, "internal error: cannot evaluate a %s node", ast_kind_name(n->kind));
    return eval_error_value(cx, n->loc);
  }
}

Value *eval_choice(Ctx *cx, EvalEnv *env, const Node *cond, const Node *yes, const Node *no, Loc loc) {
  return choose(cx, env, cond, yes, no, loc);
}

Value *eval_role_value(Ctx *cx, EvalEnv *env, unsigned mask, Loc loc) { return role_value(cx, env, mask, loc); }
