/*
 * json_print.c: the canonical form of a template, and its printer.
 *
 * cJSON's own printer indents with tabs and sorts only one level, case-insensitively, so drlc owns
 * both steps.  json_canonicalize puts the template's sections and each resource's attributes in
 * CloudFormation's documented order and every other object's keys in byte order; json_print writes
 * two-space indentation, "\n" line ends and one trailing newline.  Same tree, same bytes.  A template
 * is not kept as text: json_print_size counts its bytes and json_write prints it straight to a file,
 * both through a 64 KiB window.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

/* ORDER: CloudFormation's template anatomy */
static const char *const section_order[] = {
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
    "Mappings", "Conditions", "Transform", "Resources", "Outputs",
};

/* ORDER: a resource's attributes as drlc documents them */
static const char *const resource_order[] = {
    "Type", "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy",
    "Metadata", "Properties", "CreationPolicy", "UpdatePolicy",
};

typedef struct Ranked {
  cJSON *item;
  const char *key; /* item->string, at hand: a large object is sorted without visiting its items */
  int rank;
} Ranked;

static int rank_of(const char *key, const char *const *order, int n) {
  for (int i = 0; order && i < n; i++)
    if (strcmp(key, order[i]) == 0) return i;
  return n;
}

static int compare_ranked(const void *pa, const void *pb) {
  const Ranked *a = pa, *b = pb;
  if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
  return strcmp(a->key, b->key);
}

/* Sorts the members of one object by (rank in order, bytes) and relinks them.  Most objects have a
   few members: those are sorted by insertion on the stack, the large ones by qsort. */
static void sort_object(cJSON *obj, const char *const *order, int n) {
  int count = cJSON_GetArraySize(obj);
  if (!cJSON_IsObject(obj) || count < 2) return;
  Ranked few[16];
  Ranked *items = count <= 16 ? few : malloc(sizeof(Ranked) * (size_t)count);
  if (!items) return;
  int i = 0;
  for (cJSON *c = obj->child; c; c = c->next, i++) items[i] = (Ranked){c, c->string, rank_of(c->string, order, n)};
  if (items != few) qsort(items, (size_t)count, sizeof *items, compare_ranked);
  for (i = 1; items == few && i < count; i++) {
    Ranked r = items[i];
    int j = i;
    for (; j > 0 && compare_ranked(&items[j - 1], &r) > 0; j--) items[j] = items[j - 1];
    items[j] = r;
  }
  for (i = 0; i < count; i++) {
    items[i].item->prev = i ? items[i - 1].item : items[count - 1].item; /* cJSON: child->prev is the tail */
    items[i].item->next = i + 1 < count ? items[i + 1].item : NULL;
  }
  obj->child = items[0].item;
  if (items != few) free(items);
}

static void canonicalize(cJSON *node, const char *const *order, int n, bool resources) {
  for (cJSON *c = node->child; c; c = c->next) {
    if (resources) canonicalize(c, resource_order, sizeof resource_order / sizeof resource_order[0], false);
    else canonicalize(c, NULL, 0, false);
  }
  if (cJSON_IsObject(node)) sort_object(node, order, n);
}

void json_canonicalize(cJSON *template) {
  if (!cJSON_IsObject(template)) {
    canonicalize(template, NULL, 0, false);
    return;
  }
  for (cJSON *c = template->child; c; c = c->next)
    canonicalize(c, NULL, 0, c->string && strcmp(c->string, "Resources") == 0);
  sort_object(template, section_order, sizeof section_order / sizeof section_order[0]);
}

const char *json_format_number(double n, char *buf) {
  if (n == floor(n) && fabs(n) < 9007199254740992.0) { /* an integer: its digits, as "%.0f" writes them */
    char *p = buf + 31;
    *p = '\0';
    unsigned long long i = (unsigned long long)fabs(n);
    do *--p = (char)('0' + i % 10); while (i /= 10);
    if (n < 0) *--p = '-';
    return p;
  }
  if (!isfinite(n)) return strcpy(buf, "null");
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, n);
    if (strtod(buf, NULL) == n) break;
  }
  return buf;
}

/* The escape of '"', '\\' or a control character into esc; its length. */
static size_t escape(unsigned char c, char *esc) {
  static const char named[] = "\"\"\\\\\nn\tt\rr\bb\ff"; /* pairs: the byte, the letter after '\\' */
  static const char hex[] = "0123456789abcdef";
  esc[0] = '\\';
  for (const char *n = named; *n; n += 2)
    if ((unsigned char)n[0] == c) {
      esc[1] = n[1];
      return 2;
    }
  memcpy(esc + 1, "u00", 3);
  esc[4] = hex[c >> 4];
  esc[5] = hex[c & 15];
  return 6;
}

static void escape_string(const char *s, Buf *out) {
  buf_addc(out, '"');
  for (const unsigned char *p = (const unsigned char *)s;;) {
    const unsigned char *run = p; /* most bytes need no escape: copy them in one go */
    while (*p >= 0x20 && *p != '"' && *p != '\\') p++;
    buf_add(out, (const char *)run, (size_t)(p - run));
    if (!*p) break;
    char esc[6];
    buf_add(out, esc, escape(*p++, esc));
  }
  buf_addc(out, '"');
}

typedef struct Printer {
  Buf *out;
  const char *repeated;  /* the last long string printed (the same Lambda source in every region) */
  Buf escaped;           /* its escaped text, copied when it is printed again */
} Printer;

enum { LONG_STRING = 1024 };

static void print_string(Printer *pr, const char *s) {
  if (s != pr->repeated && strlen(s) >= LONG_STRING) {
    pr->repeated = s;
    pr->escaped.len = 0;
    escape_string(s, &pr->escaped);
  }
  if (s == pr->repeated) buf_add(pr->out, pr->escaped.data, pr->escaped.len);
  else escape_string(s, pr->out);
}

static void print_value(Printer *pr, const cJSON *item, int indent);

static void print_children(Printer *pr, const cJSON *item, int indent, char open, char close) {
  Buf *out = pr->out;
  buf_addc(out, open);
  for (const cJSON *c = item->child; c; c = c->next) {
    buf_addc(out, '\n');
    buf_fill(out, ' ', (size_t)indent + 2);
    if (open == '{') {
      escape_string(c->string, out); /* keys are short: none is worth remembering */
      buf_add(out, ": ", 2);
    }
    print_value(pr, c, indent + 2);
    if (c->next) buf_addc(out, ',');
  }
  if (item->child) {
    buf_addc(out, '\n');
    buf_fill(out, ' ', (size_t)indent);
  }
  buf_addc(out, close);
}

static void print_value(Printer *pr, const cJSON *item, int indent) {
  char num[32];
  switch (item->type & 0xFF) {
  case cJSON_NULL: buf_add(pr->out, "null", 4); break;
  case cJSON_False: buf_add(pr->out, "false", 5); break;
  case cJSON_True: buf_add(pr->out, "true", 4); break;
  case cJSON_Number: buf_adds(pr->out, json_format_number(item->valuedouble, num)); break;
  case cJSON_String: print_string(pr, item->valuestring); break;
  case cJSON_Raw: buf_adds(pr->out, item->valuestring); break;
  case cJSON_Array: print_children(pr, item, indent, '[', ']'); break;
  case cJSON_Object: print_children(pr, item, indent, '{', '}'); break;
  default: buf_add(pr->out, "null", 4);
  }
}

void json_print(const cJSON *item, Buf *out) {
  Printer pr = {out, NULL, {.arena = out->arena}}; /* the same owner as out's */
  print_value(&pr, item, 0);
  buf_addc(out, '\n');
  buf_free(&pr.escaped);
}

/* Through a window: the text of a large template is never held whole. */
static Sink print_to(const cJSON *item, int fd) {
  Sink sink = {fd, 0, 0};
  Buf window = {.sink = &sink};
  json_print(item, &window);
  buf_flush(&window);
  buf_free(&window);
  return sink;
}

size_t json_print_size(const cJSON *item) { return print_to(item, -1).bytes; }

int json_write(const cJSON *item, int fd) {
  Sink sink = print_to(item, fd);
  errno = sink.error;
  return sink.error ? -1 : 0;
}
