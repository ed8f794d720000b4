/*
 * drlc.h: the one internal header of drlc.  Its sections mirror the source files, in pipeline order:
 * parse (grammar/, parse.c, ast.c) -> expand (expand.c, eval.c, modules.c) -> check (check.c)
 * -> emit (emit.c, json_print.c).
 *
 * Ownership: everything that lives for one compile (sources, AST nodes, values, declarations,
 * diagnostics text) is allocated from the compile's Arena and freed at once by arena_free().  Nothing
 * allocated from the arena is ever freed alone; the temporaries of a macro call live in a scratch
 * arena that is released when the call returns (expand.c copies out what its declarations keep).
 * The template that emit builds is arena memory too (never cJSON_Delete it).  Buf is malloc-backed
 * and freed by whoever made it.
 */
#ifndef DRLC_H
#define DRLC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#ifndef DRLC_VERSION
#define DRLC_VERSION "dev"
#endif

#if defined(__GNUC__)
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF(f, a)
#define NORETURN
#endif

typedef struct Ctx Ctx;

/* ---- arena.c: arena, growable buffers, vectors, string maps ------------------------------- */
typedef struct Chunk Chunk;
typedef struct Arena {
  Chunk *head;
  size_t total;  /* bytes handed out and not given back (a scratch arena gives its own back) */
  size_t limit;  /* past this, arena_alloc reports that the budget is spent and bails out */
  jmp_buf *bail; /* where to go then (the compile's recovery point), or NULL to exit(1) */
  bool exhausted;  /* the budget was spent */
  struct Arena *root;    /* of a scratch arena: the arena whose budget it spends (NULL in a root) */
  struct Arena *outer;   /* of a scratch arena: the one opened before it on the same root, or NULL */
  struct Arena *scratch; /* of a root: the innermost scratch arena open on it */
  struct Arena *spare;   /* of a root: scratch arenas released, to be used again (linked by outer) */
} Arena;

void *arena_alloc(Arena *a, size_t n); /* zeroed */
/* Counts n bytes against the budget without allocating them (memory cJSON takes for the output). */
void arena_charge(Arena *a, size_t n);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) PRINTF(2, 3);
void arena_free(Arena *a); /* with the scratch arenas still open on it */
/* Scratch arenas hold the temporaries of one piece of work (a macro call): they draw on the root's
   budget, and arena_release frees all they hold at once and gives it back.  They nest; the innermost
   is released first. */
Arena *arena_scratch(Arena *root);
void arena_release(Arena *scratch);
/* Could p be in a scratch arena open on a's root?  Exact while they hold few chunks; past that it
   answers true, so a caller that copies what the answer says copies too much, never too little. */
bool arena_may_hold(const Arena *a, const void *p);

/* Where a Buf with a sink sends what it holds when it is full and at buf_flush: to fd, or nowhere
   (fd -1) when only the number of bytes matters. */
typedef struct Sink {
  int fd;
  size_t bytes;  /* handed over so far */
  int error;     /* errno of the first write that failed, or 0; nothing is written after it */
} Sink;

typedef struct Buf {
  char *data;
  size_t len, cap;
  Arena *arena;  /* when set, the buffer grows in the arena and buf_free does nothing: a fatal error
                    that unwinds past it leaks nothing.  Every Buf used during a compile is one. */
  Sink *sink;    /* when set, the buffer is a window of 64 KiB onto the sink (malloc'd, not the arena's) */
} Buf;

void buf_add(Buf *b, const char *s, size_t n);
void buf_adds(Buf *b, const char *s);
void buf_addc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...) PRINTF(2, 3);
void buf_free(Buf *b);
void buf_fill(Buf *b, char c, size_t n); /* n copies of c */
void buf_flush(Buf *b);                  /* hands what a Buf with a sink holds to the sink */

typedef struct Vec {
  void **items;
  int len, cap;
} Vec;

void vec_push(Arena *a, Vec *v, void *item);

/* Open-addressing map from NUL-terminated strings to pointers; keys are not copied. */
typedef struct Map {
  const char **keys;
  void **vals;
  unsigned *hashes;  /* of each key: a probe compares strings only when the hashes match, and growing
                        does not read the keys again */
  int cap, len;
} Map;

void *map_get(const Map *m, const char *key);
/* The same, with key's map_hash already known: a lookup along a chain of maps hashes once. */
void *map_get_hashed(const Map *m, const char *key, unsigned hash);
unsigned map_hash(const char *key);
void map_put(Arena *a, Map *m, const char *key, void *val);

/* Open-addressing map from addresses to pointers, in an arena like Map. */
typedef struct PtrMap {
  const void **keys;
  void **vals;
  int cap, len;
} PtrMap;

void *ptrmap_get(const PtrMap *m, const void *key);
void ptrmap_put(Arena *a, PtrMap *m, const void *key, void *val);

int edit_distance(const char *a, const char *b, int cutoff);
/* The candidate closest to name (small edit distance, or equal ignoring case), or NULL. */
const char *closest_name(const char *name, const char *const *candidates, int n);

/* ---- source.c: source files, locations, line maps ----------------------------------------- */
typedef struct Source {
  int id;
  const char *path;   /* as printed in diagnostics: "examples/payment.drl", "<stdlib>/core.drl" */
  const char *dir;    /* directory for relative paths; NULL for the stdlib and standard input */
  const char *text;   /* NUL-terminated copy; may also contain NULs, len is authoritative */
  size_t len;
  int *line_starts;   /* byte offset of each line's first byte */
  int nlines;
  bool is_stdlib;
} Source;

/* A location is a byte range in one source; line and column are computed only when printed. */
typedef struct Loc {
  int file;   /* Source id; -1 for "no location" */
  int start;  /* byte offset of the first byte */
  int end;    /* byte offset past the last byte */
} Loc;

extern const Loc NO_LOC;

Source *source_add(Ctx *cx, const char *path, const char *dir, const char *text, size_t len, bool is_stdlib);
Source *source_get(Ctx *cx, int id);
void source_linecol(const Source *s, int offset, int *line, int *col);
Loc loc_span(Loc a, Loc b);
/* Offset of the first byte that is not valid UTF-8 (or NUL, if asked), or -1 when all is valid. */
long utf8_invalid_offset(const char *text, size_t len, bool nul_is_invalid);

/* ---- diag.c: diagnostics ----------------------------------------------------------------- */
/* A macro expansion frame: "in expansion of macro 'name' called at <call>". */
typedef struct Frame {
  const char *macro;
  bool function;      /* a call of let f(...) = ..., not of a macro */
  bool scratch;       /* made in a macro call's scratch arena (see expand.c) */
  Loc call;
  const struct Frame *parent;
  int depth;
} Frame;

void diag_error(Ctx *cx, Loc loc, const Frame *frame, const char *fmt, ...) PRINTF(4, 5);
/* Warnings have a name: -Wno-NAME silences it, "// drlc:allow NAME" on the line or the line above
   silences one site, and -Werror makes it an error. */
void diag_warning(Ctx *cx, const char *name, Loc loc, const Frame *frame, const char *fmt, ...) PRINTF(5, 6);
/* A stack rule: an error named NAME, which -Wno-NAME or "drlc:allow NAME" (with a reason) turns off
   for the whole program or one site. */
void diag_rule(Ctx *cx, const char *name, Loc loc, const Frame *frame, const char *fmt, ...) PRINTF(5, 6);
/* Is the warning or rule NAME off at loc (-Wno-NAME, or "drlc:allow NAME" there or at a call site)? */
bool diag_silenced(Ctx *cx, const char *name, Loc loc, const Frame *frame);
/* A note belongs to the diagnostic printed just before it; it is dropped if that one was silenced. */
void diag_note(Ctx *cx, Loc loc, const char *fmt, ...) PRINTF(3, 4);
/* An error after which the compile cannot go on (a limit): reports it and unwinds to the recovery
   point of compile_source (cx->bail), which returns NULL.  Nothing leaks: all memory is the arena's. */
void diag_fatal(Ctx *cx, Loc loc, const char *fmt, ...) PRINTF(3, 4) NORETURN;
void diag_bail(Ctx *cx) NORETURN;
void diag_summary(Ctx *cx);
/* The "in expansion of macro" notes of a frame chain, for a note about another place. */
void diag_chain_notes(Ctx *cx, const Frame *frame);

/* ---- ast.c: the syntax tree --------------------------------------------------------------- */
typedef enum NodeKind {
  /* expressions */
  N_STR,        /* string: parts are N_TEXT pieces and interpolated expressions */
  N_TEXT,       /* literal piece of a string: text, len */
  N_NUM,        /* number: num, text (the lexeme) */
  N_BOOL,       /* true/false: num != 0 */
  N_NULL,       /* null */
  N_IDENT,      /* a bare name: name */
  N_PSEUDO,     /* region, account, suffix, regions, ...: name */
  N_ROLE,       /* primary / secondary used as a value: name */
  N_LIST,       /* [items] */
  N_OBJECT,     /* { fields }: items are N_FIELD */
  N_FIELD,      /* name = lhs (key is name, or keyexpr when written as a string) */
  N_DOT,        /* lhs.name */
  N_INDEX,      /* lhs[rhs] */
  N_CALL,       /* name(items): items are N_ARG */
  N_ARG,        /* [name =] lhs */
  N_UNARY,      /* op lhs */
  N_BINARY,     /* lhs op rhs */
  N_TERNARY,    /* cond ? lhs : rhs */
  N_BY_REGION,  /* by_region rhs (an N_OBJECT) */
  N_FOR_EXPR,   /* [for name in lhs: rhs (if cond)] */
  /* statements */
  S_USE,        /* use text */
  S_STACK,      /* stack rhs */
  S_REGIONS,    /* regions rhs */
  S_PARAM,      /* param name: text [= lhs] [rhs] */
  S_LET,        /* let name = lhs, or a function: let name(params) = lhs */
  S_RESOURCE,   /* resource keyexpr: text rhs */
  S_OUTPUT,     /* output keyexpr = lhs [rhs] */
  S_CONDITION,  /* condition keyexpr = lhs */
  S_REGION,     /* primary/secondary/region lhs { items }: name is the role or NULL */
  S_MACRO,      /* macro name(params) { items } */
  S_FOR,        /* for name in lhs { items } */
  S_IF,         /* if cond { items } else rhs (an S_IF or an S_BLOCK) */
  S_BLOCK,      /* { items } (the else branch) */
  S_CALL,       /* name(items) */
  N_PARAM,      /* a macro parameter: name [= lhs] */
} NodeKind;

/* Operators of N_UNARY / N_BINARY: one-character ones are the character itself. */
enum { OP_EQ = 256, OP_NE, OP_AND, OP_OR, OP_LE, OP_GE };

typedef struct Node {
  NodeKind kind;
  Loc loc;
  int op;                /* operator token for N_UNARY / N_BINARY */
  const char *name;      /* identifier, key, macro, variable, role */
  const char *text;      /* N_TEXT, N_NUM lexeme, S_USE path, resource/param type */
  size_t len;            /* length of text */
  double num;            /* N_NUM, N_BOOL */
  struct Node *keyexpr;  /* computed name: resource/output/condition id, string key */
  struct Node *cond;     /* N_TERNARY, S_IF, N_FOR_EXPR filter */
  struct Node *lhs;
  struct Node *rhs;
  Vec items;             /* list items, string parts, fields, args, statements */
  Vec params;            /* S_MACRO: N_PARAM */
  const char *doc;       /* /// comment before a param, resource or output */
  Loc name_loc;          /* where the name (or key) is written */
  Loc type_loc;          /* S_RESOURCE: where the type is written */
  int depth;             /* expressions: the longest chain of operands below, capped by the parser */
} Node;

/* Expressions may be nested this deep, operator chains included, so that no pass recurses further. */
enum { MAX_EXPR_DEPTH = 1000 };
Node *ast_new(Ctx *cx, NodeKind kind, Loc loc);
const char *ast_kind_name(NodeKind kind);
void ast_dump(const Node *n, Buf *out, int indent);
/* The /// lines right above the statement at `offset`, joined with '\n'; NULL if none. */
const char *ast_doc_before(Ctx *cx, const Source *src, int offset);

/* ---- parse.c: the front end -------------------------------------------------------------- */
/* Parses one source into a list of statements (S_BLOCK).  Syntax errors are reported; the result
   is still returned, with what could be recovered. */
Node *parse_source(Ctx *cx, Source *src);

/* A V_FN made for a region choice (Fn::If on a region condition) keeps the mask of its first branch in
   Value.mask, so that the region-safety check can follow each branch. */

/* ---- value.c: compile-time and deploy-time values ---------------------------------------- */
typedef enum ValueKind {
  V_NULL, V_BOOL, V_NUM, V_STR, V_LIST, V_OBJECT,
  /* deploy time */
  V_REF,     /* { "Ref": name } to a parameter, resource or pseudo parameter */
  V_GETATT,  /* { "Fn::GetAtt": [name, attr] } */
  V_SUB,     /* a string with deploy-time parts: items alternate text (V_STR) and values */
  V_FN,      /* any other intrinsic: { fn: arg } (fn is "Fn::Join", "Condition", ...) */
  V_ROLE,    /* a region condition: true in the regions of `mask` */
  V_MACRO,   /* a macro or a function (let f(x) = ...), as bound in a scope */
} ValueKind;

typedef struct Value {
  ValueKind kind;
  Loc loc;
  bool b;             /* V_BOOL */
  bool error;         /* made after an error was reported: later checks stay quiet about it */
  bool deploy;        /* it, or something in it, is known only at deploy time */
  bool scratch;       /* made in a macro call's scratch arena: copied out if a declaration keeps it */
  int depth;          /* nesting of lists, objects and intrinsics below it */
  long size;          /* values in its tree, shared parts counted each time: what walking it costs */
  const Frame *frame;
  union {             /* what each kind holds (val_new zeroes it): read only the fields of v->kind */
    double num;       /* V_NUM */
    struct {
      const char *s;  /* V_STR text, V_REF/V_GETATT target, V_FN name */
      union {
        size_t len;          /* V_STR length */
        const char *attr;    /* V_GETATT attribute (NULL in a V_REF) */
        struct Value *arg;   /* V_FN argument */
      };
      unsigned mask;  /* V_ROLE; and a V_FN for a region choice (see above) */
    };
    struct {
      Vec items;      /* V_LIST, V_SUB parts, V_OBJECT values */
      Vec keys;       /* V_OBJECT keys (const char *), in order */
    };
    struct {
      const Node *macro;   /* V_MACRO definition */
      struct Scope *scope; /* V_MACRO: the scope it was defined in */
    };
  };
} Value;

Value *val_new(Ctx *cx, ValueKind kind, Loc loc);
Value *val_str(Ctx *cx, const char *s, size_t len, Loc loc);
Value *val_cstr(Ctx *cx, const char *s, Loc loc);
Value *val_num(Ctx *cx, double n, Loc loc);
Value *val_bool(Ctx *cx, bool b, Loc loc);
Value *val_fn(Ctx *cx, const char *fn, Value *arg, Loc loc);
Value *val_list1(Ctx *cx, Value *a, Loc loc);
Value *val_list2(Ctx *cx, Value *a, Value *b, Loc loc);
/* Appends item to a list, object or Fn::Sub, keeping size, depth and deploy up to date; a value
   larger than --max-steps or deeper than MAX_VALUE_DEPTH is a fatal error. */
void val_push(Ctx *cx, Value *container, Value *item);
enum { MAX_VALUE_DEPTH = 512 };
Value *obj_get(const Value *obj, const char *key);
void obj_put(Ctx *cx, Value *obj, const char *key, Value *v);
void obj_remove(Value *obj, const char *key);
bool val_is_deploy_time(const Value *v);
const char *val_kind_name(const Value *v);
bool val_equal(const Value *a, const Value *b);

/* ---- the expanded program (expand.c fills it, check.c and emit.c read it) ------------------ */
#define MAX_REGIONS 8

typedef struct Region {
  const char *role;   /* "primary" */
  const char *name;   /* "us-east-1" */
  Loc loc;
} Region;

typedef enum DeclKind { D_PARAM, D_RESOURCE, D_OUTPUT, D_CONDITION } DeclKind;

typedef struct Decl {
  DeclKind kind;
  const char *name;
  Loc loc;             /* the whole statement */
  Loc name_loc;
  const Frame *frame;
  const Node *node;    /* the statement it came from */
  unsigned mask;       /* regions where it exists */
  const char *type;    /* resource or parameter type */
  const char *user_condition; /* `condition = X` on a resource or output */
  Loc user_condition_loc;
  Value *props;        /* resource Properties, parameter/output options: V_OBJECT or NULL */
  Value *value;        /* output value, condition expression, parameter default */
  Value *depends_on;   /* V_LIST of V_STR */
  Value *deletion_policy, *update_replace_policy, *metadata;
  const char *doc;
  const char *condition_name; /* filled by emit: the Condition it is emitted with */
} Decl;

typedef struct Program {
  const char *description;
  Loc description_loc;
  const char *suffix_param;  /* the parameter named by stack { suffix = ... } */
  Loc suffix_loc;
  Region regions[MAX_REGIONS];
  int nregions;
  Loc regions_loc;
  unsigned universe;         /* the regions this template is for (all, or the --region one) */
  Vec decls;                 /* Decl *, in declaration order */
  Map by_name;               /* parameters, resources and conditions: name -> Decl */
  Map outputs;               /* outputs have a namespace of their own */
  Vec files_read;            /* const char * paths, for -M */
} Program;

Decl *program_find(const Program *p, const char *name);
const char *region_condition_name(Ctx *cx, const Program *p, unsigned mask);

/* ---- modules.c: use, file(), the embedded stdlib ------------------------------------------- */
typedef struct StdlibModule {
  const char *name;   /* "core" */
  const unsigned char *text;
  size_t len;
} StdlibModule;

extern const StdlibModule stdlib_modules[];
extern const int stdlib_module_count;

/* Finds and reads module `name` as used from `from`; reports and returns NULL on failure. */
Source *modules_load(Ctx *cx, const char *name, const Source *from, Loc at);
/* Reads file(path) relative to `from`; reports and returns NULL on failure. */
Value *modules_read_file(Ctx *cx, const char *path, const Source *from, Loc at, const Frame *frame);
/* Reads a whole file (or "-" for standard input) into the arena; returns NULL and sets errno. */
char *read_whole_file(Ctx *cx, const char *path, size_t *len, size_t limit);
const char *path_dirname(Ctx *cx, const char *path);

/* ---- expand.c / eval.c: macros, scopes, evaluation ---------------------------------------- */
typedef struct Scope Scope;

/* Runs the main program and everything it uses into a Program. */
void expand_program(Ctx *cx, Node *main, Source *src, Program *out);

/* eval.c: the expression evaluator, called by expand.c. */
typedef struct EvalEnv {
  Scope *scope;
  const Frame *frame;
  unsigned mask;         /* regions in which this code runs */
  const Source *src;     /* the source being run, for file() */
} EvalEnv;

Value *eval(Ctx *cx, EvalEnv *env, const Node *n);
Value *scope_lookup(Scope *s, const char *name);
Value *scope_lookup_here(Scope *s, const char *name); /* this scope only, not its parents */
Scope *scope_parent(Scope *s);
int scope_macro_names(Scope *s, const char **out, int max);
/* Calls f for every name bound in s itself, in a stable order. */
void scope_each(Scope *s, void (*f)(void *ctx, const char *name, Value *v), void *ctx);
Scope *scope_new(Ctx *cx, Scope *parent);
void scope_bind(Ctx *cx, Scope *s, const char *name, Value *v);
/* The text of a compile-time string value, or NULL with an error reported. */
const char *eval_string(Ctx *cx, EvalEnv *env, const Node *n, const char *what);
const char *eval_field_key(Ctx *cx, EvalEnv *env, const Node *field);
const char *eval_format_number(Ctx *cx, double n);
/* The DRL names that stand for deploy-time values (suffix, region, account, ...), i from 0 until
   NULL: candidates for "did you mean" once the scopes are gone. */
const char *eval_pseudo_name(int i);
/* One unit of work against --max-steps; walks over values count each node they visit. */
void eval_count_step(Ctx *cx, Loc loc);
Value *eval_error_value(Ctx *cx, Loc loc);
/* cond ? yes : no, for if(); only the chosen branch is evaluated when cond is known. */
Value *eval_choice(Ctx *cx, EvalEnv *env, const Node *cond, const Node *yes, const Node *no, Loc loc);
/* A region condition true in `mask`, folded to a boolean where env's regions decide it. */
Value *eval_role_value(Ctx *cx, EvalEnv *env, unsigned mask, Loc loc);

/* builtins.c: sub, join, file, lower, ... ; *found is false for a name that is not a builtin. */
Value *builtin_call(Ctx *cx, EvalEnv *env, const Node *n, bool *found);
bool builtin_exists(const char *name);
/* expand.c: a call of a function declared with let f(x) = ... */
Value *expand_function_call(Ctx *cx, EvalEnv *env, const Node *n, Value *fn);

/* ---- check.c: the checks after expansion ------------------------------------------------- */
void check_program(Ctx *cx, Program *p);

/* ---- rules.c: stack rules and the CloudFormation specification ---------------------------- */
/* On the emitted template: types, properties, attributes, suffixes, tags, policies, runtimes, limits. */
void rules_check_template(Ctx *cx, Program *p, cJSON *template);

/* ---- report.c: --report and --source-map ------------------------------------------------- */
void report_markdown(Ctx *cx, Program *p, const cJSON *template, Buf *out);
/* Writes the source map; returns nonzero (with a message) if it cannot be written. */
int write_source_map(Ctx *cx, Program *p, const cJSON *template, const char *path);
int write_atomically(Ctx *cx, const char *path, const char *data, size_t len);
/* The template to path (atomically, as write_atomically), or to standard output if path is NULL;
   nonzero if it could not be written (with a message for a path). */
int write_template(Ctx *cx, const char *path, const cJSON *template);

/* ---- emit.c / json_print.c: the template ------------------------------------------------- */
/* Builds the template in the compile's arena; it lives until ctx_free. */
cJSON *emit_template(Ctx *cx, Program *p);
/* The Value a node of the template was made from, or NULL. */
const Value *emit_origin(const cJSON *node);
/* Reorders every object: the template's sections and each resource's attributes in
   CloudFormation's documented order, every other object's keys in byte order. */
void json_canonicalize(cJSON *template);
/* Prints with two-space indentation and one trailing newline. */
void json_print(const cJSON *item, Buf *out);
size_t json_print_size(const cJSON *item); /* what json_print would write, in bytes */
int json_write(const cJSON *item, int fd);  /* json_print to fd: 0, or -1 with errno set */
/* The shortest text that reads back as n; integers without a fraction.  buf holds 32 bytes. */
const char *json_format_number(double n, char *buf);

/* ---- fmt.c: drlc fmt ---------------------------------------------------------------------- */
/* Formats one source into out in the canonical layout, keeping every comment.  Returns false, with
   diagnostics reported through cx, if the source does not parse (nothing is written to out then). */
bool fmt_format(Ctx *cx, Source *src, Buf *out);
/* `drlc fmt [-w | --check] FILE...`: argv[0] is "fmt".  Exit 0, 1 (--check found files to change, or
   input errors), 2 (usage). */
int fmt_main(int argc, char **argv);

/* ---- cli.c and main.c: the command line and the compile context --------------------------- */
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

typedef struct Options {
  const char *input;          /* path or "-" */
  const char *output;         /* -o */
  const char *region;         /* --region */
  const char *depfile;        /* -MF */
  bool deps;                  /* -M */
  bool check_only;            /* --check */
  bool report;                /* --report */
  const char *source_map;     /* --source-map FILE */
  bool werror;                /* -Werror */
  bool allow_retain;          /* --allow-retain */
  bool no_rules;              /* --no-rules: skip rules.c, to compare with other tools */
  int color;
  Vec include_dirs;           /* -I */
  Vec read_dirs;              /* --allow-read */
  Vec disabled_warnings;      /* -Wno-NAME */
  size_t max_file_size;       /* --max-file-size */
  int max_depth;              /* --max-depth: macro expansion depth */
  long max_steps;             /* --max-steps: expansion work */
  size_t max_memory;          /* --max-memory */
} Options;

/* Parses argv into opt.  Returns 0, or 2 with a message printed for a usage error, or -1 when
   --help or --version was printed and drlc should exit 0. */
int cli_parse(int argc, char **argv, Options *opt, Arena *a);
void cli_usage(FILE *f);

struct Ctx {
  Arena root;         /* the compile's memory: sources, syntax trees, declarations, the template */
  Arena *arena;       /* where allocation goes: &root, or the scratch arena of the macro call being
                         expanded (expand.c), which holds its temporaries; registries use root */
  Options *opt;
  FILE *err;          /* where diagnostics go: stderr, or a memory stream in the unit tests */
  Vec sources;        /* Source *, indexed by id */
  int errors;
  int warnings;
  bool color;
  bool last_silenced; /* the last diagnostic was silenced: drop its notes */
  Vec hinted;         /* names of warnings and rules whose "how to silence" note is printed */
  long steps;         /* expansion work done, bounded by opt->max_steps */
  Loc at;             /* where the work is: the location of the last step, for errors without one */
  Program *prog;      /* the program being expanded */
  Map files;          /* path -> Source, so that each file is read once */
  jmp_buf *bail;      /* the recovery point of a fatal error, set by compile_source */
  bool quiet;         /* past the error limit: count, but print no more */
};

/* driver.c */
void ctx_init(Ctx *cx, Options *opt);
void ctx_free(Ctx *cx);
/* The whole pipeline on one source: the template, or NULL when errors were reported. */
cJSON *compile_source(Ctx *cx, Source *src, Program *prog);

#endif
