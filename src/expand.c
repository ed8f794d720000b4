/*
 * expand.c: runs the statements of a program into declarations.
 *
 * The main program and every module it uses are executed once, top to bottom: `let` binds a value,
 * `macro` (hoisted within its block) binds a definition, a call runs a macro body in a new scope whose
 * parent is the scope the macro was defined in, and param / resource / output / condition statements
 * add a Decl to the Program with the set of regions they run in.  After this pass no macro, loop or
 * region block remains: later passes see only the flat list of declarations.
 *
 * Scoping: a macro sees its arguments, its own lets, and the top level of its module (which includes
 * the names that module imported with `use`).  Nothing bound inside a block leaks out of it.  A file's
 * top level is two scopes: what it imported (below) and what it defines (above), so that a module
 * exports only its own names, and its own definitions may shadow imported ones.
 *
 * Memory: a macro call runs in a scratch arena (arena.c) that holds its scopes, arguments and
 * intermediate values, and is released when the call returns.  Only declarations outlive a call, and
 * they live in the compile's arena (cx->root) with the program's maps; when the call returns, the
 * Values and Frames they reference that were made in a scratch arena are copied there (keep_decls),
 * once each, shared parts staying shared.  `use` (which adds sources and scopes) runs only at the top
 * level of a file, never inside a call.
 */
#include <ctype.h>
#include <string.h>

#include "drlc.h"

typedef struct Module {
  Source *src;
  Scope *scope;
  bool loading;
} Module;

typedef struct Expander {
  Ctx *cx;
  Program *prog;
  Map modules;    /* source path -> Module */
  Vec loading;    /* Module *, the chain of modules being loaded, for cycle errors */
} Expander;

enum Level { LEVEL_MAIN, LEVEL_MODULE, LEVEL_BLOCK };

static void exec_block(Expander *ex, EvalEnv *env, const Node *block, enum Level level);
static void exec_stmt(Expander *ex, EvalEnv *env, const Node *s, enum Level level);

/* ---- declarations ---- */

Decl *program_find(const Program *p, const char *name) { return map_get(&p->by_name, name); }

static const char *decl_kind_name(DeclKind k) {
  static const char *const names[] = {"parameter", "resource", "output", "condition"}; /* ORDER DeclKind */
  return names[k];
}

static bool valid_logical_id(const char *s) {
  if (!isalpha((unsigned char)s[0])) return false;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p)) return false;
  return strlen(s) <= 255;
}

/* "payments-table" -> "PaymentsTable", for "did you mean". */
static const char *pascal_case(Ctx *cx, const char *s) {
  Buf b = {.arena = cx->arena};
  bool up = true;
  for (const char *p = s; *p; p++) {
    if (!isalnum((unsigned char)*p)) { up = true; continue; }
    if (!b.len && !isalpha((unsigned char)*p)) continue;
    buf_addc(&b, up ? (char)toupper((unsigned char)*p) : *p);
    up = false;
  }
  const char *r = b.len ? arena_strdup(cx->arena, b.data) : NULL;
  buf_free(&b);
  return r;
}

static bool check_logical_id(Ctx *cx, const char *name, Loc loc, const Frame *frame) {
  if (valid_logical_id(name)) return true;
  if (strlen(name) > 255) {
    diag_error(cx, loc, frame, "logical ID '%.40s...' is longer than 255 characters", name);
    return false;
  }
  const char *fix = pascal_case(cx, name);
  if (fix) diag_error(cx, loc, frame, "invalid logical ID '%s': use letters and digits, starting with a letter; did you mean '%s'?", name, fix);
  else diag_error(cx, loc, frame, "invalid logical ID '%s': use letters and digits, starting with a letter", name);
  return false;
}

static Decl *new_decl(Expander *ex, EvalEnv *env, DeclKind kind, const char *name, const Node *s) {
  Decl *d = arena_alloc(&ex->cx->root, sizeof *d); /* outlives the call, as the maps that hold it */
  d->kind = kind;
  d->name = arena_strdup(&ex->cx->root, name);
  d->loc = s->loc;
  d->name_loc = s->name_loc;
  d->frame = env->frame;
  d->node = s;
  d->mask = env->mask & ex->prog->universe;
  d->doc = s->doc;
  return d;
}

/* Adds d to its namespace; false (with an error naming both places) if the name is taken. */
static bool declare(Expander *ex, Decl *d) {
  Ctx *cx = ex->cx;
  Map *names = d->kind == D_OUTPUT ? &ex->prog->outputs : &ex->prog->by_name;
  Decl *old = map_get(names, d->name);
  /* A macro called twice declares its parameters and fixed conditions twice: the same statement
     with the same value is one declaration. */
  if (old && old->kind == d->kind && old->node == d->node &&
      (d->kind == D_PARAM || (d->kind == D_CONDITION && val_equal(old->value, d->value))))
    return false;
  if (old) {
    if (old->kind == d->kind) diag_error(cx, d->name_loc, d->frame, "%s '%s' is declared twice", decl_kind_name(d->kind), d->name);
    else diag_error(cx, d->name_loc, d->frame, "%s '%s' has the name of %s '%s'", decl_kind_name(d->kind), d->name,
                    old->kind == D_PARAM ? "parameter" : old->kind == D_RESOURCE ? "resource" : "condition", d->name);
    diag_note(cx, old->name_loc, "'%s' was first declared here", d->name);
    diag_chain_notes(cx, old->frame);
    return false;
  }
  map_put(&cx->root, names, d->name, d);
  vec_push(&cx->root, &ex->prog->decls, d);
  return true;
}

static const char *decl_name(Expander *ex, EvalEnv *env, const Node *s) {
  const char *name = s->keyexpr->kind == N_IDENT ? s->keyexpr->name : eval_string(ex->cx, env, s->keyexpr, "a logical ID");
  if (name && !check_logical_id(ex->cx, name, s->name_loc, env->frame)) return NULL;
  return name;
}

static bool at_every_region(Expander *ex, EvalEnv *env, const Node *s, const char *what) {
  if ((env->mask & ex->prog->universe) == ex->prog->universe) return true;
  diag_error(ex->cx, s->loc, env->frame, "%s exist in every region; declare this one outside region blocks", what);
  return false;
}

/* ---- options: snake_case keys of param and output blocks ---- */

typedef struct Option {
  const char *key;  /* DRL spelling */
  const char *cfn;  /* CloudFormation spelling */
  ValueKind kind;   /* expected shape; V_NULL for any */
} Option;

static const Option param_options[] = {
    {"allowed_pattern", "AllowedPattern", V_STR}, {"allowed_values", "AllowedValues", V_LIST},
    {"constraint_description", "ConstraintDescription", V_STR}, {"description", "Description", V_STR},
    {"max_length", "MaxLength", V_NUM}, {"max_value", "MaxValue", V_NUM},
    {"min_length", "MinLength", V_NUM}, {"min_value", "MinValue", V_NUM},
    {"no_echo", "NoEcho", V_BOOL},
};

static const Option output_options[] = {
    {"condition", "Condition", V_NULL}, {"description", "Description", V_STR}, {"export", "Export", V_NULL},
};

static const Option *find_option(const Option *opts, int n, const char *key) {
  for (int i = 0; i < n; i++)
    if (strcmp(opts[i].key, key) == 0) return &opts[i];
  return NULL;
}

static void unknown_key(Ctx *cx, const Node *f, const char *key, const char *what, const Option *opts, int n,
                        const Frame *frame) {
  const char *names[32];
  for (int i = 0; i < n && i < 32; i++) names[i] = opts[i].key;
  const char *near = closest_name(key, names, n);
  if (near) diag_error(cx, f->name_loc, frame, "unknown %s option '%s'; did you mean '%s'?", what, key, near);
  else diag_error(cx, f->name_loc, frame, "unknown %s option '%s'", what, key);
}

/* Evaluates an options block into an object with CloudFormation's key names. */
static Value *eval_options(Expander *ex, EvalEnv *env, const Node *block, const Option *opts, int n, const char *what) {
  Ctx *cx = ex->cx;
  Value *out = val_new(cx, V_OBJECT, block ? block->loc : NO_LOC);
  if (!block) return out;
  for (int i = 0; i < block->items.len; i++) {
    const Node *f = block->items.items[i];
    const char *key = eval_field_key(cx, env, f);
    if (!key) continue;
    const Option *o = find_option(opts, n, key);
    if (!o) { unknown_key(cx, f, key, what, opts, n, env->frame); continue; }
    Value *v = eval(cx, env, f->lhs);
    if (o->kind == V_STR && v->kind != V_STR && !(v->kind == V_SUB || v->kind == V_REF || v->kind == V_FN || v->kind == V_GETATT))
      diag_error(cx, f->lhs->loc, env->frame, "'%s' must be a string, not %s", key, val_kind_name(v));
    else if (o->kind != V_STR && o->kind != V_NULL && v->kind != o->kind)
      diag_error(cx, f->lhs->loc, env->frame, "'%s' must be %s, not %s", key,
                 o->kind == V_LIST ? "a list" : o->kind == V_NUM ? "a number" : o->kind == V_BOOL ? "a boolean" : "a condition name",
                 val_kind_name(v));
    else
      obj_put(cx, out, o->cfn, v);
  }
  return out;
}

/* ---- statements ---- */

static void exec_param(Expander *ex, EvalEnv *env, const Node *s) {
  if (!at_every_region(ex, env, s, "parameters")) return;
  if (!check_logical_id(ex->cx, s->name, s->name_loc, env->frame)) return;
  Decl *d = new_decl(ex, env, D_PARAM, s->name, s);
  d->type = s->text;
  if (s->lhs) {
    d->value = eval(ex->cx, env, s->lhs);
    if (val_is_deploy_time(d->value) || d->value->kind == V_OBJECT || d->value->kind == V_NULL) {
      diag_error(ex->cx, s->lhs->loc, env->frame, "a parameter's default must be a compile-time string, number or list, not %s",
                 val_kind_name(d->value));
      d->value = NULL;
    }
  }
  d->props = eval_options(ex, env, s->rhs, param_options, sizeof param_options / sizeof param_options[0], "parameter");
  declare(ex, d);
}

static const char *const resource_attributes[] = {
    "condition", "creation_policy", "deletion_policy", "depends_on", "metadata", "update_policy", "update_replace_policy",
};

static bool is_policy(const Value *v) {
  static const char *const policies[] = {"Delete", "Retain", "RetainExceptOnCreate", "Snapshot"};
  for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
    if (v->kind == V_STR && strcmp(v->s, policies[i]) == 0) return true;
  return false;
}

/* depends_on = [A, "B"] or depends_on = A: a list of names with their locations. */
static Value *depends_on_list(Ctx *cx, EvalEnv *env, Value *v) {
  Value *list = val_new(cx, V_LIST, v->loc);
  Value *items = v->kind == V_LIST ? v : val_list1(cx, v, v->loc);
  for (int i = 0; i < items->items.len; i++) {
    Value *item = items->items.items[i];
    if (item->kind == V_REF || item->kind == V_STR) val_push(cx, list, val_cstr(cx, item->s, item->loc));
    else diag_error(cx, item->loc, env->frame, "depends_on takes resource names, not %s", val_kind_name(item));
  }
  return list;
}

static void resource_attribute(Expander *ex, EvalEnv *env, Decl *d, const Node *f, const char *key) {
  Ctx *cx = ex->cx;
  Value *v = eval(cx, env, f->lhs);
  if (strcmp(key, "condition") == 0) {
    if (v->kind == V_NULL && !v->error) return; /* condition = null: none, for optional macro arguments */
    if (v->kind == V_REF || v->kind == V_STR) { d->user_condition = v->s; d->user_condition_loc = v->loc; }
    else diag_error(cx, f->lhs->loc, env->frame, "condition takes the name of a condition, not %s", val_kind_name(v));
  } else if (strcmp(key, "depends_on") == 0) {
    d->depends_on = depends_on_list(cx, env, v);
  } else if (strcmp(key, "deletion_policy") == 0 || strcmp(key, "update_replace_policy") == 0) {
    if (!is_policy(v)) diag_error(cx, f->lhs->loc, env->frame, "%s must be \"Delete\", \"Retain\", \"RetainExceptOnCreate\" or \"Snapshot\"", key);
    else if (key[0] == 'd') d->deletion_policy = v;
    else d->update_replace_policy = v;
  } else if (v->kind != V_OBJECT) {
    diag_error(cx, f->lhs->loc, env->frame, "%s must be an object, not %s", key, val_kind_name(v));
  } else if (strcmp(key, "metadata") == 0) {
    d->metadata = v;
  } else {
    obj_put(cx, d->value ? d->value : (d->value = val_new(cx, V_OBJECT, f->loc)),
            strcmp(key, "creation_policy") == 0 ? "CreationPolicy" : "UpdatePolicy", v);
  }
}

static void resource_field(Expander *ex, EvalEnv *env, Decl *d, const Node *f) {
  Ctx *cx = ex->cx;
  const char *key = eval_field_key(cx, env, f);
  if (!key) return;
  if (islower((unsigned char)key[0]) || key[0] == '_') {
    int n = sizeof resource_attributes / sizeof resource_attributes[0];
    for (int i = 0; i < n; i++)
      if (strcmp(key, resource_attributes[i]) == 0) { resource_attribute(ex, env, d, f, key); return; }
    const char *near = closest_name(key, resource_attributes, n);
    if (near) diag_error(cx, f->name_loc, env->frame, "unknown resource attribute '%s'; did you mean '%s'?", key, near);
    else diag_error(cx, f->name_loc, env->frame, "unknown resource attribute '%s' (properties are written in PascalCase)", key);
    return;
  }
  if (obj_get(d->props, key)) {
    diag_error(cx, f->name_loc, env->frame, "property '%s' is set twice", key);
    return;
  }
  obj_put(cx, d->props, key, eval(cx, env, f->lhs));
}

static void exec_resource(Expander *ex, EvalEnv *env, const Node *s) {
  const char *name = decl_name(ex, env, s);
  if (!name) return;
  Decl *d = new_decl(ex, env, D_RESOURCE, name, s);
  d->type = s->text;
  d->props = val_new(ex->cx, V_OBJECT, s->rhs->loc);
  for (int i = 0; i < s->rhs->items.len; i++) resource_field(ex, env, d, s->rhs->items.items[i]);
  declare(ex, d);
}

static void exec_output(Expander *ex, EvalEnv *env, const Node *s) {
  const char *name = decl_name(ex, env, s);
  if (!name) return;
  Decl *d = new_decl(ex, env, D_OUTPUT, name, s);
  d->value = eval(ex->cx, env, s->lhs);
  if (d->value->kind == V_NUM || d->value->kind == V_BOOL)
    d->value = val_cstr(ex->cx, d->value->kind == V_NUM ? eval_format_number(ex->cx, d->value->num) : d->value->b ? "true" : "false", d->value->loc);
  else if (!d->value->error && d->value->kind != V_STR && !(d->value->kind == V_REF || d->value->kind == V_GETATT || d->value->kind == V_SUB || d->value->kind == V_FN))
    diag_error(ex->cx, s->lhs->loc, env->frame, "an output's value must be a string, not %s; use join(\",\", ...) for a list",
               val_kind_name(d->value));
  d->props = eval_options(ex, env, s->rhs, output_options, sizeof output_options / sizeof output_options[0], "output");
  Value *cond = obj_get(d->props, "Condition");
  if (cond && cond->kind == V_NULL) obj_remove(d->props, "Condition");
  else if (cond && cond->kind != V_REF && cond->kind != V_STR)
    diag_error(ex->cx, cond->loc, env->frame, "condition takes the name of a condition, not %s", val_kind_name(cond));
  else if (cond) {
    d->user_condition = cond->s;
    d->user_condition_loc = cond->loc;
    obj_remove(d->props, "Condition"); /* emitted as the output's Condition, not as a value */
  }
  declare(ex, d);
}

static void exec_condition(Expander *ex, EvalEnv *env, const Node *s) {
  if (!at_every_region(ex, env, s, "conditions")) return;
  const char *name = decl_name(ex, env, s);
  if (!name) return;
  Decl *d = new_decl(ex, env, D_CONDITION, name, s);
  d->value = eval(ex->cx, env, s->lhs);
  declare(ex, d);
}

static void exec_let(Expander *ex, EvalEnv *env, const Node *s) {
  Ctx *cx = ex->cx;
  Value *old = scope_lookup_here(env->scope, s->name);
  if (old) {
    diag_error(cx, s->name_loc, env->frame, "'%s' is already defined in this scope", s->name);
    diag_note(cx, old->loc, "'%s' was defined here", s->name);
    return;
  }
  Value *v;
  if (s->op == '(') {
    v = val_new(cx, V_MACRO, s->name_loc);
    v->macro = s;
    v->scope = env->scope;
  } else {
    v = eval(cx, env, s->lhs);
  }
  scope_bind(cx, env->scope, s->name, v);
}

/* ---- region blocks, loops, conditionals ---- */

static int region_bit(Expander *ex, EvalEnv *env, const Node *s) {
  Program *p = ex->prog;
  const char *want = s->name;
  if (!want) want = eval_string(ex->cx, env, s->lhs, "a region name");
  if (!want) return 0;
  for (int i = 0; i < p->nregions; i++)
    if (strcmp(s->name ? p->regions[i].role : p->regions[i].name, want) == 0) return 1 << i;
  if (s->name) {
    diag_error(ex->cx, s->name_loc, env->frame, "no region has the role '%s'; declare it in regions { }", want);
    return 0;
  }
  const char *names[MAX_REGIONS];
  for (int i = 0; i < p->nregions; i++) names[i] = p->regions[i].name;
  const char *near = closest_name(want, names, p->nregions);
  if (near) diag_error(ex->cx, s->lhs->loc, env->frame, "region '%s' is not declared in regions { }; did you mean '%s'?", want, near);
  else diag_error(ex->cx, s->lhs->loc, env->frame, "region '%s' is not declared in regions { }", want);
  return 0;
}

static void run_in_regions(Expander *ex, EvalEnv *env, const Node *block, unsigned mask) {
  if (!(mask & ex->prog->universe)) return; /* folded away by --region */
  EvalEnv inner = *env;
  inner.mask = mask;
  inner.scope = scope_new(ex->cx, env->scope);
  exec_block(ex, &inner, block, LEVEL_BLOCK);
}

static void exec_region(Expander *ex, EvalEnv *env, const Node *s) {
  unsigned bit = (unsigned)region_bit(ex, env, s);
  if (!bit) return;
  if (!(env->mask & bit) && (bit & ex->prog->universe)) {
    diag_error(ex->cx, s->name_loc, env->frame, "this block can never exist: it is nested in a block for other regions");
    return;
  }
  run_in_regions(ex, env, s, env->mask & bit);
}

static void exec_for(Expander *ex, EvalEnv *env, const Node *s) {
  Value *list = eval(ex->cx, env, s->lhs);
  if (list->kind != V_LIST) {
    diag_error(ex->cx, s->lhs->loc, env->frame, "'for' needs a compile-time list, not %s", val_kind_name(list));
    return;
  }
  for (int i = 0; i < list->items.len; i++) {
    EvalEnv inner = *env;
    inner.scope = scope_new(ex->cx, env->scope);
    scope_bind(ex->cx, inner.scope, s->name, list->items.items[i]);
    exec_block(ex, &inner, s, LEVEL_BLOCK);
  }
}

/* The else branch of an if: another if (else if) or a block. */
static void exec_else(Expander *ex, EvalEnv *env, const Node *branch);

/* `if` on a compile-time boolean runs one branch; on a region role it is a region block. */
static void exec_if(Expander *ex, EvalEnv *env, const Node *s) {
  Value *c = eval(ex->cx, env, s->cond);
  if (c->kind == V_ROLE) {
    run_in_regions(ex, env, s, env->mask & c->mask);
    if (s->rhs && (env->mask & ~c->mask & ex->prog->universe)) {
      EvalEnv other = *env;
      other.mask = env->mask & ~c->mask;
      exec_else(ex, &other, s->rhs);
    }
    return;
  }
  if (c->kind != V_BOOL) {
    if (!c->error)
      diag_error(ex->cx, s->cond->loc, env->frame,
                 "'if' needs a compile-time boolean or a region role, not %s (choose between values with `cond ? a : b`)",
                 val_kind_name(c));
    return;
  }
  if (c->b) run_in_regions(ex, env, s, env->mask);
  else if (s->rhs) exec_else(ex, env, s->rhs);
}

static void exec_else(Expander *ex, EvalEnv *env, const Node *branch) {
  if (branch->kind == S_IF) exec_if(ex, env, branch);
  else run_in_regions(ex, env, branch, env->mask);
}

/* ---- macro and function calls ---- */

static int param_index(const Node *def, const char *name) {
  for (int i = 0; i < def->params.len; i++)
    if (strcmp(((const Node *)def->params.items[i])->name, name) == 0) return i;
  return -1;
}

static void unknown_argument(Ctx *cx, EvalEnv *env, const Node *def, const Node *arg) {
  const char *names[64];
  int n = def->params.len < 64 ? def->params.len : 64;
  for (int i = 0; i < n; i++) names[i] = ((const Node *)def->params.items[i])->name;
  const char *near = closest_name(arg->name, names, n);
  if (near) diag_error(cx, arg->name_loc, env->frame, "'%s' has no parameter '%s'; did you mean '%s'?", def->name, arg->name, near);
  else diag_error(cx, arg->name_loc, env->frame, "'%s' has no parameter '%s'", def->name, arg->name);
  diag_note(cx, def->name_loc, "'%s' is defined here", def->name);
}

/* Evaluates the arguments of a call (in the caller's env) into slots, one per parameter. */
static bool collect_arguments(Ctx *cx, EvalEnv *env, const Node *call, const Node *def, Value **slots) {
  bool ok = true, keywords = false;
  int next = 0;
  for (int i = 0; i < call->items.len; i++) {
    const Node *arg = call->items.items[i];
    int at = arg->name ? param_index(def, arg->name) : next++;
    if (arg->name) keywords = true;
    if (!arg->name && keywords) {
      diag_error(cx, arg->loc, env->frame, "a positional argument cannot follow keyword arguments");
      ok = false;
    } else if (arg->name && at < 0) {
      unknown_argument(cx, env, def, arg);
      ok = false;
    } else if (at >= def->params.len) {
      diag_error(cx, arg->loc, env->frame, "too many arguments: '%s' takes %d", def->name, def->params.len);
      diag_note(cx, def->name_loc, "'%s' is defined here", def->name);
      return false;
    } else if (slots[at]) {
      diag_error(cx, arg->loc, env->frame, "argument '%s' is given twice", ((const Node *)def->params.items[at])->name);
      ok = false;
    } else {
      slots[at] = eval(cx, env, arg->lhs);
    }
  }
  return ok;
}

/* The scope a body runs in: its parameters bound to the arguments or their defaults. */
static Scope *bind_arguments(Ctx *cx, EvalEnv *caller, const Node *call, Value *fn, EvalEnv *body) {
  const Node *def = fn->macro;
  Value **slots = arena_alloc(cx->arena, sizeof(Value *) * (size_t)(def->params.len + 1));
  if (!collect_arguments(cx, caller, call, def, slots)) return NULL;
  Scope *scope = scope_new(cx, fn->scope);
  body->scope = scope;
  bool ok = true;
  for (int i = 0; i < def->params.len; i++) {
    const Node *p = def->params.items[i];
    Value *v = slots[i];
    if (!v && p->lhs) v = eval(cx, body, p->lhs); /* defaults see the parameters before them */
    if (!v) {
      diag_error(cx, call->loc, caller->frame, "missing argument '%s' in call to '%s'", p->name, def->name);
      diag_note(cx, def->name_loc, "'%s' is defined here", def->name);
      ok = false;
      continue;
    }
    scope_bind(cx, scope, p->name, v);
  }
  return ok ? scope : NULL;
}

/* The env a body runs in; NULL (with an error) if the call would recurse or nest too deep. */
static EvalEnv *enter(Ctx *cx, EvalEnv *caller, const Node *call, Value *fn, bool function) {
  for (const Frame *f = caller->frame; f; f = f->parent) {
    if (strcmp(f->macro, fn->macro->name) == 0) {
      diag_error(cx, call->loc, caller->frame, "'%s' calls itself; recursion is not allowed (use 'for' to repeat)", fn->macro->name);
      return NULL;
    }
  }
  int depth = caller->frame ? caller->frame->depth + 1 : 1;
  if (depth > cx->opt->max_depth) {
    diag_error(cx, call->loc, caller->frame, "macro expansion is nested deeper than %d (see --max-depth)", cx->opt->max_depth);
    return NULL;
  }
  Frame *f = arena_alloc(cx->arena, sizeof *f);
  *f = (Frame){.macro = fn->macro->name, .function = function, .scratch = cx->arena != &cx->root, .call = call->loc,
               .parent = caller->frame, .depth = depth};
  EvalEnv *body = arena_alloc(cx->arena, sizeof *body);
  *body = *caller;
  body->frame = f;
  body->src = source_get(cx, fn->macro->loc.file);
  return body;
}

Value *expand_function_call(Ctx *cx, EvalEnv *env, const Node *n, Value *fn) {
  EvalEnv *body = enter(cx, env, n, fn, true);
  if (!body || !bind_arguments(cx, env, n, fn, body)) return eval_error_value(cx, n->loc);
  return eval(cx, body, fn->macro->lhs);
}

static void unknown_macro(Ctx *cx, EvalEnv *env, const Node *s) {
  const char *names[256];
  int n = 0;
  for (Scope *sc = env->scope; sc && n < 256; sc = scope_parent(sc))
    n += scope_macro_names(sc, names + n, 256 - n);
  const char *near = closest_name(s->name, names, n);
  if (near) diag_error(cx, s->name_loc, env->frame, "unknown macro '%s'; did you mean '%s'?", s->name, near);
  else if (builtin_exists(s->name)) diag_error(cx, s->name_loc, env->frame, "'%s' is a function; its value would be lost here", s->name);
  else diag_error(cx, s->name_loc, env->frame, "unknown macro '%s'", s->name);
}

/* ---- what a macro call leaves behind: its declarations, copied out of its scratch arena ---- */

typedef struct Keeper {
  Ctx *cx;
  PtrMap copies; /* a Value or Frame of a scratch arena -> its copy in the compile's arena; the table
                    is in the call's scratch arena, released with it */
} Keeper;

static const char *keep_text(Keeper *k, const char *s, size_t len) {
  return s && arena_may_hold(k->cx->arena, s) ? arena_strndup(&k->cx->root, s, len) : s;
}

static const char *keep_string(Keeper *k, const char *s) { return s ? keep_text(k, s, strlen(s)) : NULL; }

static const Frame *keep_frame(Keeper *k, const Frame *f) {
  if (!f || !f->scratch) return f;
  Frame *copy = ptrmap_get(&k->copies, f);
  if (copy) return copy;
  copy = arena_alloc(&k->cx->root, sizeof *copy);
  *copy = *f;
  copy->scratch = false;
  ptrmap_put(k->cx->arena, &k->copies, f, copy);
  copy->parent = keep_frame(k, f->parent);
  return copy;
}

static void keep_vec(Keeper *k, Vec *v) {
  void **items = v->len ? arena_alloc(&k->cx->root, sizeof(void *) * (size_t)v->len) : NULL;
  if (v->len) memcpy(items, v->items, sizeof(void *) * (size_t)v->len);
  *v = (Vec){items, v->len, v->len};
}

static Value *keep_value(Keeper *k, Value *v) {
  if (!v || !v->scratch) return v; /* made in the compile's arena, and so is all it holds */
  Value *copy = ptrmap_get(&k->copies, v);
  if (copy) return copy;
  copy = arena_alloc(&k->cx->root, sizeof *copy);
  *copy = *v;
  copy->scratch = false;
  ptrmap_put(k->cx->arena, &k->copies, v, copy);
  copy->frame = keep_frame(k, v->frame);
  switch (v->kind) {
  case V_STR: copy->s = keep_text(k, v->s, v->len); break;
  case V_REF: copy->s = keep_string(k, v->s); break;
  case V_GETATT: copy->s = keep_string(k, v->s); copy->attr = keep_string(k, v->attr); break;
  case V_FN: copy->arg = keep_value(k, v->arg); break; /* v->s is a constant name */
  case V_LIST: case V_SUB: case V_OBJECT:
    keep_vec(k, &copy->items);
    for (int i = 0; i < copy->items.len; i++) copy->items.items[i] = keep_value(k, copy->items.items[i]);
    if (v->kind != V_OBJECT) break;
    keep_vec(k, &copy->keys);
    for (int i = 0; i < copy->keys.len; i++) copy->keys.items[i] = (void *)keep_string(k, copy->keys.items[i]);
    break;
  default: break; /* V_MACRO cannot be a declaration's value: eval refuses it */
  }
  return copy;
}

/* Points the declarations made since `first` at copies of what they hold in scratch arenas. */
static void keep_decls(Ctx *cx, int first) {
  Keeper k = {cx, {0}};
  for (int i = first; i < cx->prog->decls.len; i++) {
    Decl *d = cx->prog->decls.items[i];
    d->frame = keep_frame(&k, d->frame);
    d->user_condition = keep_string(&k, d->user_condition);
    d->props = keep_value(&k, d->props);
    d->value = keep_value(&k, d->value);
    d->depends_on = keep_value(&k, d->depends_on);
    d->deletion_policy = keep_value(&k, d->deletion_policy);
    d->update_replace_policy = keep_value(&k, d->update_replace_policy);
    d->metadata = keep_value(&k, d->metadata);
  }
}

static void exec_call(Expander *ex, EvalEnv *env, const Node *s) {
  Ctx *cx = ex->cx;
  Value *fn = scope_lookup(env->scope, s->name);
  if (!fn || fn->kind != V_MACRO) { unknown_macro(cx, env, s); return; }
  if (fn->macro->kind != S_MACRO) {
    diag_error(cx, s->name_loc, env->frame, "'%s' is a function; its value would be lost here", s->name);
    return;
  }
  Arena *outer = cx->arena;
  int first = ex->prog->decls.len;
  cx->arena = arena_scratch(&cx->root);
  EvalEnv *body = enter(cx, env, s, fn, false);
  if (body && bind_arguments(cx, env, s, fn, body)) exec_block(ex, body, fn->macro, LEVEL_BLOCK);
  keep_decls(cx, first);
  arena_release(cx->arena);
  cx->arena = outer;
}

/* ---- modules ---- */

typedef struct Import {
  Ctx *cx;
  Scope *into;
  const Node *use;
  const char *module;
} Import;

static void import_name(void *ctx, const char *name, Value *v) {
  Import *im = ctx;
  Value *old = scope_lookup_here(im->into, name);
  if (old && old != v) {
    diag_error(im->cx, im->use->loc, NULL, "'%s' from module '%s' clashes with a name already defined here", name, im->module);
    diag_note(im->cx, old->loc, "the other '%s' is defined here", name);
    return;
  }
  scope_bind(im->cx, im->into, name, v);
}

static void report_cycle(Expander *ex, const Node *use, Module *m) {
  Buf chain = {.arena = ex->cx->arena};
  int i = 0;
  while (i < ex->loading.len && ex->loading.items[i] != m) i++;
  for (; i < ex->loading.len; i++) buf_printf(&chain, "%s -> ", ((Module *)ex->loading.items[i])->src->path);
  buf_adds(&chain, m->src->path);
  diag_error(ex->cx, use->loc, NULL, "module cycle: %s", chain.data);
  buf_free(&chain);
}

static Module *load_module(Expander *ex, EvalEnv *env, const Node *use, const char *name) {
  Ctx *cx = ex->cx;
  Source *src = modules_load(cx, name, env->src, use->keyexpr->loc);
  if (!src) return NULL;
  Module *m = map_get(&ex->modules, src->path);
  if (m) {
    if (m->loading) { report_cycle(ex, use, m); return NULL; }
    return m;
  }
  m = arena_alloc(cx->arena, sizeof *m);
  m->src = src;
  m->scope = scope_new(cx, scope_new(cx, NULL)); /* own definitions over imports */
  m->loading = true;
  map_put(cx->arena, &ex->modules, src->path, m);
  vec_push(cx->arena, &ex->loading, m);
  Node *prog = parse_source(cx, src);
  EvalEnv menv = {m->scope, NULL, ex->prog->universe, src};
  exec_block(ex, &menv, prog, LEVEL_MODULE);
  ex->loading.len--;
  m->loading = false;
  return m;
}

static void exec_use(Expander *ex, EvalEnv *env, const Node *s, enum Level level) {
  if (level == LEVEL_BLOCK) {
    diag_error(ex->cx, s->loc, env->frame, "'use' belongs at the top level of a file");
    return;
  }
  const char *name = eval_string(ex->cx, env, s->keyexpr, "a module name");
  if (!name) return;
  Module *m = load_module(ex, env, s, name);
  if (!m) return;
  Import im = {ex->cx, scope_parent(env->scope), s, name};
  scope_each(m->scope, import_name, &im);
}

/* ---- blocks ---- */

static void hoist_macros(Expander *ex, EvalEnv *env, const Node *block) {
  for (int i = 0; i < block->items.len; i++) {
    const Node *s = block->items.items[i];
    if (s->kind != S_MACRO) continue;
    Value *old = scope_lookup_here(env->scope, s->name);
    if (old) {
      diag_error(ex->cx, s->name_loc, env->frame, "'%s' is already defined in this scope", s->name);
      diag_note(ex->cx, old->loc, "'%s' was defined here", s->name);
      continue;
    }
    for (int p = 0; p < s->params.len; p++)
      if (param_index(s, ((const Node *)s->params.items[p])->name) != p)
        diag_error(ex->cx, ((const Node *)s->params.items[p])->name_loc, env->frame, "parameter '%s' is declared twice",
                   ((const Node *)s->params.items[p])->name);
    Value *v = val_new(ex->cx, V_MACRO, s->name_loc);
    v->macro = s;
    v->scope = env->scope;
    scope_bind(ex->cx, env->scope, s->name, v);
  }
}

static void exec_block(Expander *ex, EvalEnv *env, const Node *block, enum Level level) {
  hoist_macros(ex, env, block);
  for (int i = 0; i < block->items.len; i++) exec_stmt(ex, env, block->items.items[i], level);
}

static bool allowed_in_module(const Node *s) { return s->kind == S_USE || s->kind == S_LET || s->kind == S_MACRO; }

static void exec_stmt(Expander *ex, EvalEnv *env, const Node *s, enum Level level) {
  if (++ex->cx->steps > ex->cx->opt->max_steps)
    diag_fatal(ex->cx, s->loc, "expansion exceeds %ld steps (see --max-steps); is a macro expanding exponentially?",
               ex->cx->opt->max_steps);
  if (level == LEVEL_MODULE && !allowed_in_module(s)) {
    diag_error(ex->cx, s->loc, NULL, "a module may only hold 'use', 'let' and 'macro'; put '%s' in a macro", ast_kind_name(s->kind));
    return;
  }
  switch (s->kind) {
  case S_USE: exec_use(ex, env, s, level); break;
  case S_STACK: case S_REGIONS:
    if (level != LEVEL_MAIN) diag_error(ex->cx, s->loc, env->frame, "'%s' belongs at the top level of the main program", ast_kind_name(s->kind));
    break; /* the main program's were run first, by expand_program */
  case S_PARAM: exec_param(ex, env, s); break;
  case S_LET: exec_let(ex, env, s); break;
  case S_RESOURCE: exec_resource(ex, env, s); break;
  case S_OUTPUT: exec_output(ex, env, s); break;
  case S_CONDITION: exec_condition(ex, env, s); break;
  case S_REGION: exec_region(ex, env, s); break;
  case S_MACRO: break; /* hoisted */
  case S_FOR: exec_for(ex, env, s); break;
  case S_IF: exec_if(ex, env, s); break;
  case S_CALL: exec_call(ex, env, s); break;
  default: diag_error(ex->cx, s->loc, env->frame, "internal error: unexpected %s statement", ast_kind_name(s->kind));
  }
}

/* ---- stack { } and regions { } of the main program, run before everything else ---- */

static const char *const known_regions[] = {
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1",
    "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1",
    "us-gov-west-1", "us-west-1", "us-west-2",
};

static void add_region(Expander *ex, EvalEnv *env, const Node *f, const char *role) {
  Ctx *cx = ex->cx;
  Program *p = ex->prog;
  const char *name = eval_string(cx, env, f->lhs, "a region");
  if (!name) return;
  int n = sizeof known_regions / sizeof known_regions[0];
  bool known = false;
  for (int i = 0; i < n; i++) known |= strcmp(known_regions[i], name) == 0;
  const char *near = known ? NULL : closest_name(name, known_regions, n);
  if (near) diag_error(cx, f->lhs->loc, NULL, "unknown AWS region '%s'; did you mean '%s'?", name, near);
  else if (!known) diag_warning(cx, "unknown-region", f->lhs->loc, NULL, "'%s' is not a region drlc knows", name);
  for (int i = 0; i < p->nregions; i++) {
    if (strcmp(p->regions[i].name, name) == 0) {
      diag_error(cx, f->lhs->loc, NULL, "region '%s' is listed twice", name);
      return;
    }
  }
  if (p->nregions == MAX_REGIONS) {
    diag_error(cx, f->loc, NULL, "at most %d regions", MAX_REGIONS);
    return;
  }
  p->regions[p->nregions++] = (Region){role, name, f->loc};
}

static void run_regions(Expander *ex, EvalEnv *env, const Node *s) {
  if (ex->prog->regions_loc.file >= 0) {
    diag_error(ex->cx, s->loc, NULL, "regions are declared twice");
    diag_note(ex->cx, ex->prog->regions_loc, "first declared here");
    return;
  }
  ex->prog->regions_loc = s->loc;
  for (int i = 0; i < s->rhs->items.len; i++) {
    const Node *f = s->rhs->items.items[i];
    const char *role = eval_field_key(ex->cx, env, f);
    if (role) add_region(ex, env, f, role);
  }
}

static void run_stack(Expander *ex, EvalEnv *env, const Node *s) {
  Ctx *cx = ex->cx;
  Program *p = ex->prog;
  if (p->description_loc.file >= 0 || p->suffix_loc.file >= 0) {
    diag_error(cx, s->loc, NULL, "stack { } is declared twice");
    return;
  }
  for (int i = 0; i < s->rhs->items.len; i++) {
    const Node *f = s->rhs->items.items[i];
    const char *key = eval_field_key(cx, env, f);
    if (!key) continue;
    if (strcmp(key, "description") == 0) {
      p->description = eval_string(cx, env, f->lhs, "the description");
      p->description_loc = f->lhs->loc;
    } else if (strcmp(key, "suffix") == 0) {
      if (f->lhs->kind == N_IDENT) p->suffix_param = f->lhs->name;
      else diag_error(cx, f->lhs->loc, NULL, "suffix names a parameter: suffix = EnvironmentSuffix");
      p->suffix_loc = f->lhs->loc;
    } else {
      static const char *const keys[] = {"description", "suffix"};
      const char *near = closest_name(key, keys, 2);
      if (near) diag_error(cx, f->name_loc, NULL, "unknown stack option '%s'; did you mean '%s'?", key, near);
      else diag_error(cx, f->name_loc, NULL, "unknown stack option '%s' (stack takes description and suffix)", key);
    }
  }
}

/* --region R: the one region the template is for, by name or role. */
static void choose_universe(Expander *ex) {
  Program *p = ex->prog;
  const char *want = ex->cx->opt->region;
  p->universe = p->nregions ? (1u << p->nregions) - 1 : 1;
  if (!want) return;
  for (int i = 0; i < p->nregions; i++) {
    if (strcmp(p->regions[i].name, want) == 0 || strcmp(p->regions[i].role, want) == 0) {
      p->universe = 1u << i;
      return;
    }
  }
  diag_error(ex->cx, p->regions_loc, NULL, "--region %s: the program declares no such region", want);
}

void expand_program(Ctx *cx, Node *main, Source *src, Program *out) {
  Expander ex = {cx, out, {0}, {0}};
  out->description_loc = out->suffix_loc = out->regions_loc = NO_LOC;
  cx->prog = out;
  EvalEnv env = {scope_new(cx, scope_new(cx, NULL)), NULL, 0, src}; /* own definitions over imports */
  for (int i = 0; i < main->items.len; i++) {
    const Node *s = main->items.items[i];
    if (s->kind == S_STACK) run_stack(&ex, &env, s);
    if (s->kind == S_REGIONS) run_regions(&ex, &env, s);
  }
  choose_universe(&ex);
  env.mask = out->universe;
  exec_block(&ex, &env, main, LEVEL_MAIN);
}
