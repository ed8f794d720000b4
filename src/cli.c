/*
 * cli.c: the command line.  Parsing only: no file is touched here, so the unit tests can run it.
 *
 * Every error is a usage error (exit 2), printed with the option it is about.  Numbers take
 * suffixes K, M and G where they are sizes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drlc.h"

void cli_usage(FILE *f) {
  fputs("Usage: drlc [OPTION]... FILE.drl       compile FILE.drl (or - for standard input)\n"
        "       drlc fmt [-w | --check] FILE...   format DRL programs\n"
        "\n"
        "Output:\n"
        "  -o FILE               write the template to FILE, atomically (default: standard output)\n"
        "  --check               diagnose only; write nothing\n"
        "  --region REGION       a template for one region (name or role) with the region conditions folded\n"
        "  -M                    print a make rule of the files the compile reads, instead of the template\n"
        "  -MF FILE              also write that make rule to FILE\n"
        "  --report              print the DR readiness report (Markdown) instead of the template\n"
        "  --source-map FILE     write a map from logical IDs and property paths to source locations\n"
        "\n"
        "Input:\n"
        "  -I DIR                search DIR for modules; file() may read below it\n"
        "  --allow-read DIR      file() may read below DIR\n"
        "\n"
        "Diagnostics:\n"
        "  -Werror               make warnings errors\n"
        "  -Wno-NAME             silence warning NAME (one site: // drlc:allow NAME)\n"
        "  --allow-retain        allow Retain and Snapshot deletion policies\n"
        "  --no-rules            skip the specification and stack rules (to compare with other tools)\n"
        "  --color[=WHEN]        color diagnostics: auto (default), always or never\n"
        "\n"
        "Limits:\n"
        "  --max-depth N         macro expansion depth (default 64)\n"
        "  --max-steps N         expansion work, in statements and expressions (default 10000000)\n"
        "  --max-file-size N     bytes of any one file read (default 16M)\n"
        "  --max-memory N        bytes of memory for one compile (default 1G)\n"
        "\n"
        "  --help                show this help\n"
        "  --version             show the version\n"
        "\n"
        "Exit status: 0 success, 1 errors in the input, 2 usage errors.\n",
        f);
}

static int usage_error(const char *fmt, ...) PRINTF(1, 2);
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "drlc: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry 'drlc --help' for more information.\n");
  va_end(ap);
  return 2;
}

/* "512", "16K", "16M", "1G" */
static bool parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long n = strtoull(s, &end, 10);
  if (errno || end == s || s[0] == '-') return false;
  unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
  if (shift) end++;
  if (*end || n > (~0ULL >> (shift + 1))) return false;
  *out = (size_t)(n << shift);
  return true;
}

static bool parse_count(const char *s, long *out) {
  size_t n;
  if (!parse_size(s, &n) || n == 0 || n > 1000000000000ULL) return false;
  *out = (long)n;
  return true;
}

static void set_defaults(Options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->color = COLOR_AUTO;
  opt->max_depth = 64;
  opt->max_steps = 10000000;
  opt->max_file_size = (size_t)16 << 20;
  opt->max_memory = (size_t)1 << 30;
}

/* Options that take a value: "-o FILE" or "-oFILE"; "--name VALUE" or "--name=VALUE". */
static const char *value_of(int argc, char **argv, int *i, const char *name, bool *missing) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  *missing = false;
  if (strncmp(a, name, n) != 0) return NULL;
  if (a[n] == '\0') {
    if (*i + 1 >= argc) { *missing = true; return NULL; }
    return argv[++*i];
  }
  if (name[1] == '-' && a[n] == '=') return a + n + 1;
  if (name[1] != '-' && n == 2 && strcmp(name, "-M") != 0) return a + n;
  return NULL;
}

static int take_limit(const char *name, const char *v, Options *opt) {
  long count;
  size_t size;
  if (strcmp(name, "--max-depth") == 0 && parse_count(v, &count) && count <= 10000) opt->max_depth = (int)count;
  else if (strcmp(name, "--max-steps") == 0 && parse_count(v, &count)) opt->max_steps = count;
  else if (strcmp(name, "--max-file-size") == 0 && parse_size(v, &size) && size) opt->max_file_size = size;
  else if (strcmp(name, "--max-memory") == 0 && parse_size(v, &size) && size >= ((size_t)1 << 20)) opt->max_memory = size;
  else return usage_error("invalid value '%s' for a limit", v);
  return 0;
}

static int take_color(const char *v, Options *opt) {
  if (strcmp(v, "auto") == 0) opt->color = COLOR_AUTO;
  else if (strcmp(v, "always") == 0) opt->color = COLOR_ALWAYS;
  else if (strcmp(v, "never") == 0) opt->color = COLOR_NEVER;
  else return usage_error("--color takes auto, always or never, not '%s'", v);
  return 0;
}

/* One option with a value; returns 1 if argv[*i] was not one of them. */
static int take_valued(int argc, char **argv, int *i, Options *opt, Arena *a) {
  static const char *const names[] = {"-o", "-I", "-MF", "--region", "--allow-read", "--source-map",
                                      "--max-depth", "--max-steps", "--max-file-size", "--max-memory"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    bool missing;
    const char *v = value_of(argc, argv, i, names[k], &missing);
    if (missing) return usage_error("option '%s' needs a value", names[k]);
    if (!v) continue;
    if (!*v) return usage_error("option '%s' needs a non-empty value", names[k]);
    switch (k) {
    case 0: opt->output = v; break;
    case 1: vec_push(a, &opt->include_dirs, (void *)v); break;
    case 2: opt->depfile = v; break;
    case 3: opt->region = v; break;
    case 4: vec_push(a, &opt->read_dirs, (void *)v); break;
    case 5: opt->source_map = v; break;
    default: return take_limit(names[k], v, opt);
    }
    return 0;
  }
  return 1;
}

static int take_flag(const char *arg, Options *opt, Arena *a) {
  if (strcmp(arg, "--check") == 0) opt->check_only = true;
  else if (strcmp(arg, "-M") == 0) opt->deps = true;
  else if (strcmp(arg, "--report") == 0) opt->report = true;
  else if (strcmp(arg, "-Werror") == 0) opt->werror = true;
  else if (strncmp(arg, "-Wno-", 5) == 0 && arg[5]) vec_push(a, &opt->disabled_warnings, (void *)(arg + 5));
  else if (strcmp(arg, "--allow-retain") == 0) opt->allow_retain = true;
  else if (strcmp(arg, "--no-rules") == 0) opt->no_rules = true;
  else if (strcmp(arg, "--color") == 0) opt->color = COLOR_ALWAYS;
  else if (strncmp(arg, "--color=", 8) == 0) return take_color(arg + 8, opt);
  else return usage_error("unknown option '%s'", arg);
  return 0;
}

int cli_parse(int argc, char **argv, Options *opt, Arena *a) {
  set_defaults(opt);
  bool no_more_options = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (no_more_options || arg[0] != '-' || strcmp(arg, "-") == 0) {
      if (opt->input) return usage_error("only one input file, not also '%s'", arg);
      opt->input = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) { no_more_options = true; continue; }
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) { cli_usage(stdout); return -1; }
    if (strcmp(arg, "--version") == 0) { printf("drlc %s\n", DRLC_VERSION); return -1; }
    int r = take_valued(argc, argv, &i, opt, a);
    if (r == 1) r = take_flag(arg, opt, a);
    if (r) return r;
  }
  if (!opt->input) return usage_error("%s", "no input file");
  if (opt->check_only && opt->output) return usage_error("%s", "--check writes nothing; drop -o");
  return 0;
}
