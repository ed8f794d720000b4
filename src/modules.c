/*
 * modules.c: the files a compile reads besides the main program.
 *
 * `use "name"` looks for name.drl in the using file's directory, each -I directory, each DRLC_PATH
 * directory, and then in the stdlib embedded in the binary (diagnostics call it <stdlib>/name.drl).
 * A stdlib module looks in the stdlib first.  Every file is read once per compile (cx->files).
 *
 * file("path") reads a file relative to the source that names it, but only below the main program's
 * directory, an -I directory or an --allow-read directory (after resolving symbolic links), and only
 * a regular file of at most --max-file-size bytes of UTF-8 text: a program from a pull request must
 * not be able to read ~/.aws/credentials, a device or a named pipe.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drlc.h"

/* ---- reading ---- */

static char *read_fd(Ctx *cx, int fd, size_t *len, size_t limit) {
  Buf b = {.arena = cx->arena};
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { buf_free(&b); return NULL; }
    if (n == 0) break;
    if (b.len + (size_t)n > limit) { buf_free(&b); errno = EFBIG; return NULL; }
    buf_add(&b, chunk, (size_t)n);
  }
  char *text = arena_alloc(cx->arena, b.len + 1);
  if (b.len) memcpy(text, b.data, b.len);
  *len = b.len;
  buf_free(&b);
  return text;
}

char *read_whole_file(Ctx *cx, const char *path, size_t *len, size_t limit) {
  if (strcmp(path, "-") == 0) return read_fd(cx, 0, len, limit);
  /* A FIFO is opened waiting for its writer, as cat does: opened without waiting, one whose writer
     has not come yet reads as empty.  Anything else is opened without waiting, so that a device
     cannot block the open; fstat then refuses it.  (Modules and file() refuse FIFOs earlier.) */
  struct stat st;
  bool fifo = stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
  int fd = open(path, O_RDONLY | O_NOCTTY | (fifo ? 0 : O_NONBLOCK));
  if (fd < 0) return NULL;
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) { close(fd); errno = EISDIR; return NULL; }
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) { close(fd); errno = ENODEV; return NULL; }
  if (S_ISREG(st.st_mode) && (size_t)st.st_size > limit) { close(fd); errno = EFBIG; return NULL; }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  char *text = read_fd(cx, fd, len, limit);
  int saved = errno;
  close(fd);
  errno = saved;
  return text;
}

static const char *read_error(Ctx *cx, size_t limit) {
  if (errno == EFBIG) return arena_printf(cx->arena, "it is larger than the limit of %zu bytes (see --max-file-size)", limit);
  if (errno == EISDIR) return "it is a directory";
  if (errno == ENODEV) return "it is not a regular file";
  return strerror(errno);
}

/* ---- paths ---- */

static const char *join_path(Ctx *cx, const char *dir, const char *file) {
  if (!dir || !*dir || strcmp(dir, ".") == 0 || file[0] == '/') return arena_strdup(cx->arena, file);
  size_t n = strlen(dir);
  return arena_printf(cx->arena, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", file);
}

const char *path_dirname(Ctx *cx, const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return ".";
  if (slash == path) return "/";
  return arena_strndup(cx->arena, path, (size_t)(slash - path));
}

static bool valid_module_name(const char *name) {
  if (!*name || name[0] == '/') return false;
  for (const char *p = name; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '/' || *p == '.')) return false;
  for (const char *p = name; (p = strstr(p, "..")) != NULL; p += 2)
    if ((p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) return false;
  return true;
}

/* ---- use ---- */

static const StdlibModule *find_stdlib(const char *file) {
  for (int i = 0; i < stdlib_module_count; i++) {
    size_t n = strlen(stdlib_modules[i].name);
    if (strncmp(file, stdlib_modules[i].name, n) == 0 && strcmp(file + n, ".drl") == 0) return &stdlib_modules[i];
  }
  return NULL;
}

static Source *stdlib_source(Ctx *cx, const StdlibModule *m) {
  const char *path = arena_printf(cx->arena, "<stdlib>/%s.drl", m->name);
  Source *s = map_get(&cx->files, path);
  if (!s) {
    s = source_add(cx, path, NULL, (const char *)m->text, m->len, true);
    map_put(&cx->root, &cx->files, s->path, s);
  }
  return s;
}

static bool same_file(const struct stat *st, const char *other) {
  struct stat o;
  return other && strcmp(other, "-") != 0 && stat(other, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

/* A module file in dir: its Source, NULL if absent; *failed is set if it exists but cannot be used.
   The main program and the using file are never modules: examples/payment.drl may `use "payment"`. */
static Source *try_dir(Ctx *cx, const char *dir, const char *file, const Source *from, Loc at, bool *failed) {
  const char *path = join_path(cx, dir, file);
  struct stat st;
  if (stat(path, &st) != 0) return NULL;
  if (same_file(&st, cx->opt->input) || (!from->is_stdlib && same_file(&st, from->path))) return NULL;
  Source *s = map_get(&cx->files, path);
  if (s) return s;
  if (!S_ISREG(st.st_mode)) { /* a FIFO would block for ever, a device never end */
    diag_error(cx, at, NULL, "cannot read module '%s': %s", path, S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file");
    *failed = true;
    return NULL;
  }
  size_t len;
  char *text = read_whole_file(cx, path, &len, cx->opt->max_file_size);
  if (!text) {
    diag_error(cx, at, NULL, "cannot read module '%s': %s", path, read_error(cx, cx->opt->max_file_size));
    *failed = true;
    return NULL;
  }
  s = source_add(cx, path, path_dirname(cx, path), text, len, false);
  map_put(&cx->root, &cx->files, s->path, s);
  vec_push(&cx->root, &cx->prog->files_read, (void *)s->path);
  return s;
}

/* DRLC_PATH, split at ':' into the directories it names. */
static void env_path_dirs(Ctx *cx, Vec *out) {
  const char *env = getenv("DRLC_PATH");
  if (!env) return;
  for (const char *p = env; *p;) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (n) vec_push(cx->arena, out, arena_strndup(cx->arena, p, n));
    p += n + (colon != NULL);
  }
}

Source *modules_load(Ctx *cx, const char *name, const Source *from, Loc at) {
  if (!valid_module_name(name)) {
    diag_error(cx, at, NULL, "invalid module name '%s': use a relative path without '..'", name);
    return NULL;
  }
  size_t n = strlen(name);
  const char *file = n > 4 && strcmp(name + n - 4, ".drl") == 0 ? name : arena_printf(cx->arena, "%s.drl", name);
  const StdlibModule *std = find_stdlib(file);
  if (from->is_stdlib && std) return stdlib_source(cx, std);
  Vec dirs = {0};
  if (!from->is_stdlib) vec_push(cx->arena, &dirs, (void *)(from->dir ? from->dir : "."));
  for (int i = 0; i < cx->opt->include_dirs.len; i++) vec_push(cx->arena, &dirs, cx->opt->include_dirs.items[i]);
  env_path_dirs(cx, &dirs);
  bool failed = false;
  for (int i = 0; i < dirs.len && !failed; i++) {
    Source *s = try_dir(cx, dirs.items[i], file, from, at, &failed);
    if (s) return s;
  }
  if (failed) return NULL;
  if (std) return stdlib_source(cx, std);
  diag_error(cx, at, NULL, "module '%s' not found", name);
  Buf places = {.arena = cx->arena};
  for (int i = 0; i < dirs.len; i++) buf_printf(&places, "%s, ", join_path(cx, dirs.items[i], file));
  buf_printf(&places, "<stdlib>/%s", file);
  diag_note(cx, at, "searched %s", places.data);
  buf_free(&places);
  return NULL;
}

/* ---- file() ---- */

static bool below(const char *path, const char *root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return true;
  return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static bool under_allowed_root(Ctx *cx, const char *real) {
  char buf[PATH_MAX];
  const char *main_dir = strcmp(cx->opt->input, "-") == 0 ? "." : path_dirname(cx, cx->opt->input);
  if (realpath(main_dir, buf) && below(real, buf)) return true;
  const Vec *lists[] = {&cx->opt->include_dirs, &cx->opt->read_dirs};
  for (int l = 0; l < 2; l++)
    for (int i = 0; i < lists[l]->len; i++)
      if (realpath(lists[l]->items[i], buf) && below(real, buf)) return true;
  return false;
}

static bool is_text(const char *s, size_t len) { return utf8_invalid_offset(s, len, true) < 0; }

Value *modules_read_file(Ctx *cx, const char *path, const Source *from, Loc at, const Frame *frame) {
  if (from && from->is_stdlib) {
    diag_error(cx, at, frame, "file() cannot be used in stdlib code; pass the contents as an argument");
    return NULL;
  }
  const char *full = join_path(cx, from && from->dir ? from->dir : ".", path);
  char real[PATH_MAX];
  /* Refuse a path outside the allowed directories before saying whether it exists. */
  bool found = realpath(full, real) != NULL;
  int saved = errno;
  if (!found && !realpath(path_dirname(cx, full), real)) strcpy(real, "/");
  if (!under_allowed_root(cx, real)) {
    diag_error(cx, at, frame, "file() may only read below the program's directory and the -I directories; '%s' is outside them (allow it with --allow-read DIR)", full);
    return NULL;
  }
  if (!found) {
    diag_error(cx, at, frame, "cannot read '%s': %s", full, strerror(saved));
    return NULL;
  }
  struct stat st;
  if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
    diag_error(cx, at, frame, "cannot read '%s': %s", full, S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file");
    return NULL;
  }
  size_t len;
  char *text = read_whole_file(cx, real, &len, cx->opt->max_file_size);
  if (!text) {
    diag_error(cx, at, frame, "cannot read '%s': %s", full, read_error(cx, cx->opt->max_file_size));
    return NULL;
  }
  if (!is_text(text, len)) {
    diag_error(cx, at, frame, "'%s' is not UTF-8 text", full);
    return NULL;
  }
  vec_push(&cx->root, &cx->prog->files_read, arena_strdup(&cx->root, full));
  Value *v = val_new(cx, V_STR, at);
  v->s = text;
  v->len = len;
  return v;
}
