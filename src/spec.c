/*
 * spec.c: CloudFormation resource-type knowledge and Properties validation, read from the tables that
 * tools/gen-spec.py generates into spec_data.c (AWS's provider schemas as bundled with cfn-lint).
 *
 * Ownership: all strings handed out point into the static spec_data_blob and never die.  The only
 * mutable state is `cache`, built lazily: cache[i] is type i's node table, parsed from its text on the
 * first spec_check_properties() of that type and kept until spec_release().  Parsed names and enum
 * values are (pointer, length) views of the blob, so parsing copies no text.  Not thread-safe.
 * Report messages live in a stack buffer for the duration of the callback.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

#if defined(__GNUC__)
#define SPEC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SPEC_PRINTF(f, a)
#endif

/* Value kinds a schema node admits (one letter each in the node text: s i n b l o j). */
enum { K_STR = 1, K_INT = 2, K_NUM = 4, K_BOOL = 8, K_LIST = 16, K_OBJ = 32, K_ANY = 64 };

enum { PATH_MAX_LEN = 512, MSG_MAX_LEN = 2048, ENUM_SHOWN = 10, NAME_MAX_LEN = 255 };

typedef struct {
  const char *name; /* view into spec_data_blob, not NUL-terminated */
  size_t len;
  long node;
  bool required;
} Prop;

typedef struct {
  unsigned kinds;
  bool closed;           /* unknown keys are errors (unless map >= 0) */
  bool has_enum, enum_ci;
  long item, map;        /* node of list items / of values under other keys; -1: unconstrained */
  const char *enums;     /* "A|B|C", a view into the blob */
  size_t enums_len;
  Prop *props;           /* sorted by name */
  size_t nprops;
} Node;

typedef struct {
  Node *nodes; /* nodes[0] is the Properties object */
  size_t nnodes;
  Prop *props;
} Schema;

static Schema **cache; /* spec_data_ntypes entries, lazily allocated; see the file comment */

/* ---- type index ------------------------------------------------------------------------------ */

static const char *blob(uint_least32_t off) { return spec_data_blob + off; }

static const struct spec_data_type *find_type(const char *type) {
  if (!type) return NULL;
  if (strncmp(type, "Custom::", 8) == 0) type = "AWS::CloudFormation::CustomResource";
  size_t lo = 0, hi = spec_data_ntypes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = strcmp(type, blob(spec_data_types[mid].name));
    if (cmp == 0) return &spec_data_types[mid];
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

const char *spec_version(void) { return spec_data_version; }

bool spec_type_known(const char *type) { return find_type(type) != NULL; }

unsigned spec_type_regions(const char *type) {
  const struct spec_data_type *t = find_type(type);
  if (!t) return 0;
  return ((t->flags & SPEC_F_US_EAST_1) ? SPEC_REGION_US_EAST_1 : 0u) |
         ((t->flags & SPEC_F_US_WEST_2) ? SPEC_REGION_US_WEST_2 : 0u);
}

bool spec_type_taggable(const char *type) {
  const struct spec_data_type *t = find_type(type);
  return t && (t->flags & SPEC_F_TAGGABLE);
}

const char *spec_tags_property(const char *type, bool *is_map) {
  const struct spec_data_type *t = find_type(type);
  if (!t || !(t->flags & SPEC_F_TAGGABLE) || !t->tags) return NULL;
  if (is_map) *is_map = (t->flags & SPEC_F_TAGS_MAP) != 0;
  return blob(t->tags);
}

const char *spec_physical_name_property(const char *type) {
  const struct spec_data_type *t = find_type(type);
  return t && t->physical_name ? blob(t->physical_name) : NULL;
}

/* ---- "did you mean" ---------------------------------------------------------------------------- */

typedef struct {
  const char *want;
  size_t wlen;
  const char *best; /* candidate so far, a view */
  size_t blen;
  size_t dist;
} Closest;

static size_t max_distance(size_t len) { return len <= 3 ? 1 : len <= 6 ? 2 : len <= 12 ? 3 : 4; }

static bool same_ci(char a, char b) { return tolower((unsigned char)a) == tolower((unsigned char)b); }

static size_t min3(size_t a, size_t b, size_t c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

/* Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits), ignoring case. */
static size_t osa_distance(const char *a, size_t n, const char *b, size_t m) {
  size_t rows[3][NAME_MAX_LEN + 2];
  size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++) prev[j] = j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t cost = same_ci(a[i - 1], b[j - 1]) ? 0 : 1;
      cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && same_ci(a[i - 1], b[j - 2]) && same_ci(a[i - 2], b[j - 1]) &&
          prev2[j - 2] + 1 < cur[j])
        cur[j] = prev2[j - 2] + 1;
    }
    size_t *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

static void closest_init(Closest *c, const char *want) {
  c->want = want;
  c->wlen = strlen(want);
  c->best = NULL;
  c->blen = 0;
  c->dist = max_distance(c->wlen) + 1;
}

static void closest_add(Closest *c, const char *cand, size_t len) {
  size_t gap = len > c->wlen ? len - c->wlen : c->wlen - len;
  if (gap >= c->dist || len > NAME_MAX_LEN || c->wlen > NAME_MAX_LEN) return;
  size_t d = osa_distance(c->want, c->wlen, cand, len);
  if (d < c->dist) {
    c->best = cand;
    c->blen = len;
    c->dist = d;
  }
}

const char *spec_closest_type(const char *type) {
  if (!type) return NULL;
  Closest c;
  closest_init(&c, type);
  for (size_t i = 0; i < spec_data_ntypes; i++) {
    const char *name = blob(spec_data_types[i].name);
    closest_add(&c, name, strlen(name));
  }
  return c.best;
}

/* ---- attributes ------------------------------------------------------------------------------ */

/* Glob match where '*' stands for any run of characters (cfn-lint's ".*" in attribute patterns). */
static bool glob_match(const char *pat, const char *s) {
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == '*') {
      star = pat++;
      resume = s;
    } else if (*pat == *s) {
      pat++;
      s++;
    } else if (star) {
      pat = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (*pat == '*') pat++;
  return *pat == '\0';
}

bool spec_has_attribute(const char *type, const char *attr) {
  const struct spec_data_type *t = find_type(type);
  if (!t || !attr || !t->attrs) return false;
  for (const char *a = blob(t->attrs); *a; a += strlen(a) + 1)
    if (strcmp(a, attr) == 0 || (strchr(a, '*') && glob_match(a, attr))) return true;
  return false;
}

const char *spec_closest_attribute(const char *type, const char *attr) {
  const struct spec_data_type *t = find_type(type);
  if (!t || !attr || !t->attrs) return NULL;
  Closest c;
  closest_init(&c, attr);
  for (const char *a = blob(t->attrs); *a; a += strlen(a) + 1)
    if (!strchr(a, '*')) closest_add(&c, a, strlen(a));
  return c.best;
}

/* ---- Lambda runtimes ------------------------------------------------------------------------- */

static const struct spec_data_runtime *find_runtime(const char *runtime) {
  for (size_t i = 0; runtime && i < spec_data_nruntimes; i++)
    if (strcmp(spec_data_runtimes[i].name, runtime) == 0) return &spec_data_runtimes[i];
  return NULL;
}

bool spec_runtime_info(const char *runtime, const char **deprecated, const char **create_blocked,
                       const char **successor) {
  const struct spec_data_runtime *r = find_runtime(runtime);
  if (deprecated) *deprecated = r ? r->deprecated : NULL;
  if (create_blocked) *create_blocked = r ? r->create_blocked : NULL;
  if (successor) *successor = r ? r->successor : NULL;
  return r != NULL;
}

const char *spec_runtime_update_blocked(const char *runtime) {
  const struct spec_data_runtime *r = find_runtime(runtime);
  return r ? r->update_blocked : NULL;
}

/* ---- parsing a type's node table ------------------------------------------------------------- */

/* Next ';'-separated field of [*pos, end); advances *pos past the separator. */
static const char *next_field(const char **pos, const char *end, size_t *len) {
  const char *start = *pos, *p = start;
  while (p < end && *p != ';') p++;
  *len = (size_t)(p - start);
  *pos = p < end ? p + 1 : end;
  return start;
}

static long parse_index(const char *s, size_t len) {
  if (len == 0) return -1;
  long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (!isdigit((unsigned char)s[i]) || v > 100000000L) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static unsigned parse_kinds(const char *s, size_t len) {
  static const char letters[] = "sinbloj";
  unsigned kinds = 0;
  for (size_t i = 0; i < len; i++) {
    const char *p = strchr(letters, s[i]);
    if (p && *p) kinds |= 1u << (p - letters);
  }
  return kinds ? kinds : K_ANY;
}

static void parse_flags(Node *n, const char *s, size_t len) {
  n->closed = memchr(s, 'c', len) != NULL;
  n->enum_ci = memchr(s, 'i', len) != NULL;
  n->has_enum = memchr(s, 'e', len) != NULL;
}

/* "Name=12!,Other=3": fills props from *next on, returns how many. */
static size_t parse_props(const char *s, size_t len, Prop *out) {
  size_t n = 0;
  const char *end = s + len;
  while (s < end) {
    const char *comma = memchr(s, ',', (size_t)(end - s));
    const char *stop = comma ? comma : end;
    const char *eq = memchr(s, '=', (size_t)(stop - s));
    if (eq) {
      bool req = stop > eq + 1 && stop[-1] == '!';
      out[n].name = s;
      out[n].len = (size_t)(eq - s);
      out[n].node = parse_index(eq + 1, (size_t)(stop - eq - 1) - (req ? 1 : 0));
      out[n].required = req;
      n++;
    }
    s = comma ? comma + 1 : end;
  }
  return n;
}

static void parse_node(Node *n, const char *line, const char *end, Prop *props) {
  const char *pos = line;
  size_t len;
  const char *f = next_field(&pos, end, &len);
  n->kinds = parse_kinds(f, len);
  f = next_field(&pos, end, &len);
  n->item = parse_index(f, len);
  f = next_field(&pos, end, &len);
  n->map = parse_index(f, len);
  f = next_field(&pos, end, &len);
  parse_flags(n, f, len);
  n->enums = next_field(&pos, end, &n->enums_len);
  f = next_field(&pos, end, &len);
  n->props = props;
  n->nprops = parse_props(f, len, props);
}

/* Out-of-range node references (never produced by gen-spec.py) become "unconstrained". */
static void clamp_indexes(Schema *s) {
  long max = (long)s->nnodes;
  for (size_t i = 0; i < s->nnodes; i++) {
    Node *n = &s->nodes[i];
    if (n->item >= max) n->item = -1;
    if (n->map >= max) n->map = -1;
    for (size_t j = 0; j < n->nprops; j++)
      if (n->props[j].node >= max) n->props[j].node = -1;
  }
}

static void free_schema(Schema *s) {
  if (!s) return;
  free(s->nodes);
  free(s->props);
  free(s);
}

static Schema *parse_schema(const char *body) {
  size_t nnodes = 1, nprops = 0;
  for (const char *p = body; *p; p++) {
    if (*p == '\n') nnodes++;
    else if (*p == '=') nprops++;
  }
  Schema *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->nnodes = nnodes;
  s->nodes = calloc(nnodes, sizeof *s->nodes);
  s->props = calloc(nprops ? nprops : 1, sizeof *s->props);
  if (!s->nodes || !s->props) {
    free_schema(s);
    return NULL;
  }
  Prop *next = s->props;
  const char *line = body;
  for (size_t i = 0; i < nnodes; i++) {
    const char *end = line + strcspn(line, "\n");
    parse_node(&s->nodes[i], line, end, next);
    next += s->nodes[i].nprops;
    line = *end ? end + 1 : end;
  }
  clamp_indexes(s);
  return s;
}

static const Schema *schema_of(const struct spec_data_type *t) {
  size_t i = (size_t)(t - spec_data_types);
  if (!cache) cache = calloc(spec_data_ntypes, sizeof *cache);
  if (!cache) return NULL;
  if (!cache[i]) cache[i] = parse_schema(blob(t->body));
  return cache[i];
}

void spec_release(void) {
  if (!cache) return;
  for (size_t i = 0; i < spec_data_ntypes; i++) free_schema(cache[i]);
  free(cache);
  cache = NULL;
}

/* ---- checking: values ------------------------------------------------------------------------ */

typedef struct {
  char text[PATH_MAX_LEN];
  size_t len;
} Path;

typedef struct {
  const char *type;
  const Schema *schema;
  const char *read_only; /* the type's read-only paths, NUL-separated, ended by "" */
  spec_report_fn report;
  void *ctx;
  int count;
  Path shown;  /* the value's name in messages: Replicas[0].Region */
  Path schema_path; /* the same as in readOnlyProperties: Replicas / * / Region */
} Checker;

static void path_add(Path *p, const char *s, size_t n) {
  size_t room = sizeof p->text - 1 - p->len;
  if (n > room) n = room;
  memcpy(p->text + p->len, s, n);
  p->len += n;
  p->text[p->len] = '\0';
}

static void path_cut(Path *p, size_t len) {
  p->len = len;
  p->text[len] = '\0';
}

static void push_key(Checker *c, const char *key) {
  if (c->shown.len) path_add(&c->shown, ".", 1);
  path_add(&c->shown, key, strlen(key));
  if (c->schema_path.len) path_add(&c->schema_path, "/", 1);
  path_add(&c->schema_path, key, strlen(key));
}

static void push_index(Checker *c, int i) {
  char buf[16], *p = buf + sizeof buf; /* "[i]", without snprintf: one for each item checked */
  *--p = ']';
  do *--p = (char)('0' + i % 10); while (i /= 10);
  *--p = '[';
  path_add(&c->shown, p, (size_t)(buf + sizeof buf - p));
  path_add(&c->schema_path, c->schema_path.len ? "/*" : "*", c->schema_path.len ? 2 : 1);
}

static void report(Checker *c, const cJSON *node, const char *fmt, ...) SPEC_PRINTF(3, 4);

static void report(Checker *c, const cJSON *node, const char *fmt, ...) {
  char msg[MSG_MAX_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->count++;
  if (c->report) c->report(c->ctx, node, msg);
}

static bool is_intrinsic(const cJSON *v) {
  if (!cJSON_IsObject(v) || !v->child || v->child->next || !v->child->string) return false;
  const char *k = v->child->string;
  return strcmp(k, "Ref") == 0 || strcmp(k, "Condition") == 0 || strncmp(k, "Fn::", 4) == 0;
}

static bool is_no_value(const cJSON *v) {
  if (!is_intrinsic(v) || strcmp(v->child->string, "Ref") != 0) return false;
  return cJSON_IsString(v->child) && strcmp(v->child->valuestring, "AWS::NoValue") == 0;
}

static const char *skip_space(const char *s) {
  while (isspace((unsigned char)*s)) s++;
  return s;
}

static const char *skip_digits(const char *s, bool *any) {
  while (isdigit((unsigned char)*s)) {
    s++;
    *any = true;
  }
  return s;
}

/* Strings CloudFormation (and cfn-lint's non-strict typing) accept as numbers: "12", " -1.5e3 ". */
static bool is_number_string(const char *s, bool integer_only) {
  bool digits = false;
  s = skip_space(s);
  if (*s == '+' || *s == '-') s++;
  s = skip_digits(s, &digits);
  if (!integer_only && *s == '.') s = skip_digits(s + 1, &digits);
  if (!digits) return false;
  if (!integer_only && (*s == 'e' || *s == 'E')) {
    bool exp_digits = false;
    s++;
    if (*s == '+' || *s == '-') s++;
    s = skip_digits(s, &exp_digits);
    if (!exp_digits) return false;
  }
  return *skip_space(s) == '\0';
}

static bool is_bool_string(const char *s) {
  static const char *const words[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcmp(s, words[i]) == 0) return true;
  return false;
}

static bool string_fits(unsigned kinds, const char *s) {
  return (kinds & K_STR) || ((kinds & K_NUM) && is_number_string(s, false)) ||
         ((kinds & K_INT) && is_number_string(s, true)) || ((kinds & K_BOOL) && is_bool_string(s));
}

static bool type_fits(unsigned kinds, const cJSON *v) {
  if (kinds & K_ANY) return true;
  if (cJSON_IsObject(v)) return kinds & K_OBJ;
  if (cJSON_IsArray(v)) return kinds & K_LIST;
  if (cJSON_IsString(v)) return string_fits(kinds, v->valuestring);
  if (cJSON_IsNumber(v)) return kinds & (K_STR | K_INT | K_NUM);
  if (cJSON_IsBool(v)) return kinds & (K_STR | K_BOOL);
  if (cJSON_IsNull(v)) return false;
  return true;
}

static const char *json_kind(const cJSON *v) {
  if (cJSON_IsObject(v)) return "an object";
  if (cJSON_IsArray(v)) return "a list";
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsBool(v)) return "a boolean";
  return "null";
}

/* "a string or an object" for the kinds of a node. */
static void describe_kinds(unsigned kinds, char *out, size_t size) {
  static const struct { unsigned mask; const char *text; } names[] = {
      {K_STR, "a string"}, {K_INT | K_NUM, "a number"}, {K_BOOL, "a boolean"},
      {K_LIST, "a list"},  {K_OBJ, "an object"},
  };
  size_t n = 0, total = 0;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) total += (kinds & names[i].mask) != 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    if (!(kinds & names[i].mask)) continue;
    const char *sep = n == 0 ? "" : n + 1 == total ? " or " : ", ";
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%s", sep, names[i].text);
    n++;
  }
}

static void report_type(Checker *c, unsigned kinds, const cJSON *v) {
  char want[96];
  describe_kinds(kinds, want, sizeof want);
  if (c->shown.len == 0) {
    report(c, v, "Properties of %s expects %s, got %s", c->type, want, json_kind(v));
  } else if ((kinds & K_INT) && !(kinds & (K_STR | K_NUM)) && cJSON_IsString(v) &&
             is_number_string(v->valuestring, false)) {
    report(c, v, "'%s' expects an integer, got '%.100s'", c->shown.text, v->valuestring);
  } else {
    report(c, v, "'%s' expects %s, got %s", c->shown.text, want, json_kind(v));
  }
}

static bool enum_equal(const Node *n, const char *a, size_t alen, const char *b) {
  if (strlen(b) != alen) return false;
  for (size_t i = 0; i < alen; i++)
    if (n->enum_ci ? !same_ci(a[i], b[i]) : a[i] != b[i]) return false;
  return true;
}

/* Calls fn for each '|'-separated enum value of n; stops early when fn returns true. */
static bool each_enum(const Node *n, bool (*fn)(void *arg, const char *s, size_t len), void *arg) {
  const char *s = n->enums, *end = n->enums + n->enums_len;
  while (s <= end && n->enums_len) {
    const char *bar = memchr(s, '|', (size_t)(end - s));
    const char *stop = bar ? bar : end;
    if (fn(arg, s, (size_t)(stop - s))) return true;
    if (!bar) break;
    s = bar + 1;
  }
  return false;
}

typedef struct {
  const Node *node;
  const char *value;
} EnumMatch;

typedef struct {
  char list[MSG_MAX_LEN / 2];
  size_t count;
  Closest closest;
} EnumScan;

static bool enum_matches(void *arg, const char *s, size_t len) {
  EnumMatch *m = arg;
  return enum_equal(m->node, s, len, m->value);
}

static bool enum_collect(void *arg, const char *s, size_t len) {
  EnumScan *e = arg;
  size_t used = strlen(e->list);
  if (e->count < ENUM_SHOWN)
    snprintf(e->list + used, sizeof e->list - used, "%s%.*s", e->count ? ", " : "", (int)len, s);
  e->count++;
  closest_add(&e->closest, s, len);
  return false;
}

/* The match is looked for first, with a small struct: valid values, the common case, do not pay for
 * zeroing the message buffer. */
static void check_enum(Checker *c, const Node *n, const cJSON *v) {
  EnumMatch m = {.node = n, .value = v->valuestring};
  if (each_enum(n, enum_matches, &m)) return;
  EnumScan e = {.count = 0};
  closest_init(&e.closest, v->valuestring);
  each_enum(n, enum_collect, &e);
  char more[48] = "", hint[NAME_MAX_LEN + 32] = "";
  if (e.count > ENUM_SHOWN) snprintf(more, sizeof more, ", ... (%zu values)", e.count);
  if (e.closest.best)
    snprintf(hint, sizeof hint, "; did you mean '%.*s'?", (int)e.closest.blen, e.closest.best);
  const char *name = c->shown.len ? c->shown.text : "Properties";
  report(c, v, "'%s' must be one of %s%s; got '%.100s'%s", name, e.list, more, v->valuestring, hint);
}

/* ---- checking: objects and lists ------------------------------------------------------------- */

static void check_value(Checker *c, long node, const cJSON *v);

static int prop_cmp(const char *key, size_t klen, const Prop *p) {
  size_t n = klen < p->len ? klen : p->len;
  int cmp = memcmp(key, p->name, n);
  if (cmp) return cmp;
  return klen < p->len ? -1 : klen > p->len ? 1 : 0;
}

static const Prop *find_prop(const Node *n, const char *key) {
  size_t klen = strlen(key), lo = 0, hi = n->nprops;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = prop_cmp(key, klen, &n->props[mid]);
    if (cmp == 0) return &n->props[mid];
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

static bool has_member(const cJSON *obj, const char *name, size_t len) {
  for (const cJSON *m = obj->child; m; m = m->next)
    if (m->string && strlen(m->string) == len && memcmp(m->string, name, len) == 0) return true;
  return false;
}

static bool is_read_only(const Checker *c) {
  for (const char *p = c->read_only; *p; p += strlen(p) + 1)
    if (strcmp(p, c->schema_path.text) == 0) return true;
  return false;
}

/* " for AWS::S3::Bucket" at the top, " in 'Replicas[0]' of AWS::..." below it. */
static void where(const Checker *c, const char *top_word, char *out, size_t size) {
  if (c->shown.len == 0) snprintf(out, size, "%s %s", top_word, c->type);
  else snprintf(out, size, "in '%s' of %s", c->shown.text, c->type);
}

static void report_unknown(Checker *c, const Node *n, const cJSON *m) {
  char at[PATH_MAX_LEN + 64], hint[NAME_MAX_LEN + 32] = "";
  Closest best;
  closest_init(&best, m->string);
  for (size_t i = 0; i < n->nprops; i++) closest_add(&best, n->props[i].name, n->props[i].len);
  if (best.best) snprintf(hint, sizeof hint, "; did you mean '%.*s'?", (int)best.blen, best.best);
  where(c, "for", at, sizeof at);
  report(c, m, "unknown property '%.200s' %s%s", m->string, at, hint);
}

static void check_member(Checker *c, const Node *n, const cJSON *m) {
  size_t shown = c->shown.len, schema = c->schema_path.len;
  const Prop *p = find_prop(n, m->string);
  if (!p && n->map < 0) {
    if (n->closed) report_unknown(c, n, m);
    return;
  }
  push_key(c, m->string);
  if (p && c->read_only && is_read_only(c))
    report(c, m, "property '%s' of %s is read-only", c->shown.text, c->type);
  else
    check_value(c, p ? p->node : n->map, m);
  path_cut(&c->shown, shown);
  path_cut(&c->schema_path, schema);
}

static void check_required(Checker *c, const Node *n, const cJSON *obj) {
  char at[PATH_MAX_LEN + 64];
  for (size_t i = 0; i < n->nprops; i++) {
    const Prop *p = &n->props[i];
    if (!p->required || (obj && has_member(obj, p->name, p->len))) continue;
    where(c, "in", at, sizeof at);
    report(c, obj, "missing required property '%.*s' %s", (int)p->len, p->name, at);
  }
}

static void check_object(Checker *c, const Node *n, const cJSON *obj) {
  for (const cJSON *m = obj->child; m; m = m->next)
    if (m->string) check_member(c, n, m);
  check_required(c, n, obj);
}

static void check_list(Checker *c, const Node *n, const cJSON *list) {
  if (n->item < 0) return;
  size_t shown = c->shown.len, schema = c->schema_path.len;
  int i = 0;
  for (const cJSON *item = list->child; item; item = item->next, i++) {
    push_index(c, i);
    check_value(c, n->item, item);
    path_cut(&c->shown, shown);
    path_cut(&c->schema_path, schema);
  }
}

/* Fn::If [condition, then, else]: both branches must fit; other intrinsics are deploy-time values. */
static void check_intrinsic(Checker *c, long node, const cJSON *v) {
  const cJSON *args = v->child;
  if (strcmp(args->string, "Fn::If") != 0 || !cJSON_IsArray(args) || cJSON_GetArraySize(args) != 3) return;
  check_value(c, node, cJSON_GetArrayItem(args, 1));
  check_value(c, node, cJSON_GetArrayItem(args, 2));
}

static void check_value(Checker *c, long node, const cJSON *v) {
  if (node < 0 || !v || is_no_value(v)) return;
  if (is_intrinsic(v)) {
    check_intrinsic(c, node, v);
    return;
  }
  const Node *n = &c->schema->nodes[node];
  if (n->kinds & K_ANY) return;
  if (!type_fits(n->kinds, v)) {
    report_type(c, n->kinds, v);
  } else if (cJSON_IsObject(v)) {
    check_object(c, n, v);
  } else if (cJSON_IsArray(v)) {
    check_list(c, n, v);
  } else if (cJSON_IsString(v) && n->has_enum && (n->kinds & K_STR)) {
    check_enum(c, n, v);
  }
}

int spec_check_properties(const char *type, const cJSON *properties, spec_report_fn report_fn,
                          void *ctx) {
  const struct spec_data_type *t = find_type(type);
  const Schema *s = t ? schema_of(t) : NULL;
  if (!s) return -1;
  Checker c = {.type = blob(t->name), .schema = s, .report = report_fn, .ctx = ctx};
  if (strncmp(type, "Custom::", 8) == 0) c.type = type;
  c.read_only = t->read_only ? blob(t->read_only) : NULL;
  if (properties) check_value(&c, 0, properties);
  else check_required(&c, &s->nodes[0], NULL);
  return c.count;
}
