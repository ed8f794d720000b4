/*
 * check.c: the checks on the expanded program, before anything is emitted.
 *
 * Names: every reference resolves to a parameter, resource or condition ("did you mean" otherwise),
 * and is of the right kind for where it stands.  Region safety: a declaration that exists in a region
 * may only reference declarations that exist there too; a reference inside one branch of a region
 * choice (primary ? a : b) is checked against the regions of that branch only.  Parameters: the
 * default must satisfy allowed_values and allowed_pattern.  Specification and stack rules live in
 * rules.c, which runs on the emitted template.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

typedef struct Checker {
  Ctx *cx;
  Program *prog;
  const char **names;  /* every parameter, resource and condition name and the pseudo names, sorted:
                          made for the first name that does not resolve, for "did you mean" */
  int nnames;
} Checker;

static int compare_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void collect_names(Checker *c) {
  Vec *decls = &c->prog->decls;
  int npseudo = 0;
  while (eval_pseudo_name(npseudo)) npseudo++;
  c->names = arena_alloc(c->cx->arena, sizeof(char *) * (size_t)(decls->len + npseudo + 1));
  for (int i = 0; i < decls->len; i++) {
    Decl *d = decls->items[i];
    if (d->kind != D_OUTPUT) c->names[c->nnames++] = d->name;
  }
  for (int i = 0; i < npseudo; i++) c->names[c->nnames++] = eval_pseudo_name(i);
  qsort(c->names, (size_t)c->nnames, sizeof *c->names, compare_str);
}

/* "us-east-1 (primary)" or "us-east-1 (primary) and us-west-2 (secondary)" */
static const char *describe_regions(Ctx *cx, const Program *p, unsigned mask) {
  Buf b = {.arena = cx->arena};
  int count = 0, total = 0;
  for (int i = 0; i < p->nregions; i++) total += (mask >> i) & 1;
  for (int i = 0; i < p->nregions; i++) {
    if (!(mask & (1u << i))) continue;
    if (count) buf_adds(&b, ++count == total ? " and " : ", ");
    else count++;
    buf_printf(&b, "%s (%s)", p->regions[i].name, p->regions[i].role);
  }
  const char *r = arena_strdup(cx->arena, b.data ? b.data : "no region");
  buf_free(&b);
  return r;
}

static Decl *resolve(Checker *c, const char *name, Loc loc, const Frame *frame) {
  Decl *d = program_find(c->prog, name);
  if (d) return d;
  if (!c->names) collect_names(c);
  const char *near = closest_name(name, c->names, c->nnames);
  if (near) diag_error(c->cx, loc, frame, "unknown name '%s'; did you mean '%s'?", name, near);
  else diag_error(c->cx, loc, frame, "unknown name '%s'", name);
  return NULL;
}

static void check_region_safety(Checker *c, const Decl *from, const Decl *to, unsigned mask, Loc loc, const Frame *frame) {
  unsigned missing = mask & ~to->mask & c->prog->universe;
  if (!missing || to->kind == D_PARAM || to->kind == D_CONDITION) return;
  diag_error(c->cx, loc, frame, "'%s' exists in %s, where '%s' does not exist", from->name,
             describe_regions(c->cx, c->prog, missing), to->name);
  diag_note(c->cx, to->name_loc, "'%s' exists only in %s", to->name, describe_regions(c->cx, c->prog, to->mask));
  diag_chain_notes(c->cx, to->frame);
}

static void check_ref(Checker *c, const Decl *from, const Value *v, unsigned mask) {
  if (strncmp(v->s, "AWS::", 5) == 0) {
    if (from->kind == D_CONDITION && strcmp(v->s, "AWS::NoValue") == 0)
      diag_error(c->cx, v->loc, v->frame, "no_value has no place in a condition");
    return;
  }
  Decl *to = resolve(c, v->s, v->loc, v->frame);
  if (!to) return;
  if (v->kind == V_GETATT && to->kind != D_RESOURCE) {
    diag_error(c->cx, v->loc, v->frame, "'%s' is a %s; only resources have attributes", v->s, to->kind == D_PARAM ? "parameter" : "condition");
    return;
  }
  if (to->kind == D_CONDITION && from->kind != D_CONDITION) {
    diag_error(c->cx, v->loc, v->frame, "'%s' is a condition, not a value; choose with `%s ? a : b`", v->s, v->s);
    return;
  }
  if (to->kind == D_RESOURCE && from->kind == D_CONDITION) {
    diag_error(c->cx, v->loc, v->frame, "a condition cannot depend on resource '%s': conditions are decided before resources exist", v->s);
    return;
  }
  check_region_safety(c, from, to, mask, v->loc, v->frame);
}

/* The name in {"Condition": name} or the first argument of Fn::If must be a condition. */
static void check_condition_name(Checker *c, const Value *v) {
  if (v->kind != V_STR) return;
  Decl *d = resolve(c, v->s, v->loc, v->frame);
  if (d && d->kind != D_CONDITION)
    diag_error(c->cx, v->loc, v->frame, "'%s' is a %s, not a condition; declare `condition Is%s = %s == \"...\"`", v->s,
               d->kind == D_PARAM ? "parameter" : "resource", v->s, v->s);
}

static void walk(Checker *c, const Decl *from, const Value *v, unsigned mask) {
  if (!v) return;
  eval_count_step(c->cx, v->loc);
  switch (v->kind) {
  case V_REF: case V_GETATT: check_ref(c, from, v, mask); break;
  case V_LIST: case V_OBJECT: case V_SUB:
    for (int i = 0; i < v->items.len; i++) walk(c, from, v->items.items[i], mask);
    break;
  case V_FN:
    if (strcmp(v->s, "Condition") == 0) { check_condition_name(c, v->arg); break; }
    if (strcmp(v->s, "Fn::If") == 0) {
      const Value *cond = v->arg->items.items[0];
      check_condition_name(c, cond);
      unsigned yes = cond->kind == V_ROLE ? mask & cond->mask : mask;
      unsigned no = cond->kind == V_ROLE ? mask & ~cond->mask : mask;
      walk(c, from, v->arg->items.items[1], yes);
      walk(c, from, v->arg->items.items[2], no);
      break;
    }
    walk(c, from, v->arg, mask);
    break;
  default: break;
  }
}

static void check_user_condition(Checker *c, const Decl *d) {
  if (!d->user_condition) return;
  Decl *cond = resolve(c, d->user_condition, d->user_condition_loc, d->frame);
  if (cond && cond->kind != D_CONDITION)
    diag_error(c->cx, d->user_condition_loc, d->frame, "'%s' is a %s, not a condition", d->user_condition,
               cond->kind == D_PARAM ? "parameter" : "resource");
}

static void check_depends_on(Checker *c, const Decl *d) {
  for (int i = 0; d->depends_on && i < d->depends_on->items.len; i++) {
    const Value *name = d->depends_on->items.items[i];
    Decl *to = resolve(c, name->s, name->loc, d->frame);
    if (!to) continue;
    if (to->kind != D_RESOURCE) diag_error(c->cx, name->loc, d->frame, "depends_on names resources; '%s' is not one", name->s);
    else if (to == d) diag_error(c->cx, name->loc, d->frame, "'%s' depends on itself", d->name);
    else check_region_safety(c, d, to, d->mask, name->loc, d->frame);
  }
}

/* ---- parameters ---- */

static void check_default(Checker *c, const Decl *d) {
  const Value *def = d->value, *allowed = obj_get(d->props, "AllowedValues"), *pattern = obj_get(d->props, "AllowedPattern");
  if (!def || def->kind == V_LIST) return;
  if (allowed && def->kind == V_STR) {
    bool found = false;
    for (int i = 0; i < allowed->items.len; i++) found |= val_equal(allowed->items.items[i], def);
    if (!found) diag_error(c->cx, def->loc, d->frame, "the default '%s' is not one of allowed_values", def->s);
  }
  if (pattern && pattern->kind == V_STR && def->kind == V_STR) {
    regex_t re;
    if (regcomp(&re, pattern->s, REG_EXTENDED | REG_NOSUB) != 0) return; /* CloudFormation's regex dialect is Java's */
    if (regexec(&re, def->s, 0, NULL, 0) != 0)
      diag_error(c->cx, def->loc, d->frame, "the default '%s' does not match allowed_pattern '%s'", def->s, pattern->s);
    regfree(&re);
  }
}

static void check_suffix(Checker *c) {
  const char *name = c->prog->suffix_param;
  if (!name) return;
  Decl *d = resolve(c, name, c->prog->suffix_loc, NULL);
  if (d && d->kind != D_PARAM) diag_error(c->cx, c->prog->suffix_loc, NULL, "the suffix must be a parameter; '%s' is a %s", name,
                                          d->kind == D_RESOURCE ? "resource" : "condition");
}

void check_program(Ctx *cx, Program *p) {
  Checker c = {cx, p, NULL, 0};
  check_suffix(&c);
  bool any_resource = false;
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    any_resource |= d->kind == D_RESOURCE;
    if (d->kind == D_PARAM) check_default(&c, d);
    check_user_condition(&c, d);
    check_depends_on(&c, d);
    walk(&c, d, d->kind == D_PARAM ? NULL : d->kind == D_RESOURCE ? d->props : d->value, d->mask);
    if (d->kind == D_OUTPUT) walk(&c, d, d->props, d->mask);
    if (d->kind == D_RESOURCE) walk(&c, d, d->metadata, d->mask);
  }
  if (!any_resource && !cx->errors) diag_error(cx, (Loc){0, 0, 0}, NULL, "the program declares no resource; a template needs at least one");
}
