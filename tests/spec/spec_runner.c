/* spec_runner.c — `wasmc-spec`: runs one wast2json script.
 *
 *   wasmc-spec [--list-skipped] [--json-out FILE] [--opt N]
 *              [--engine exec|validate] [-v] DIR/NAME.json
 *
 * The default engine is `exec` (compile + run) when the compiler is built,
 * else `validate` (decode + validate only).
 *
 * Prints failures (and skips with --list-skipped), then the line
 * "NAME: N passed, M failed, K skipped". Exit status 0 iff nothing failed;
 * 2 on bad usage.
 */
#include "spec_engine.h"
#include "spec_run.h"
#include "spec_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct runner_args {
  const char *json_path;
  const char *json_out;
  bool list_skipped, verbose;
  int opt;
  const spec_engine_ops *engine;
} runner_args;

static const spec_engine_ops *find_engine(const char *name) {
#ifdef WASMC_SPEC_HAVE_EXEC
  if (strcmp(name, spec_engine_exec.name) == 0)
    return &spec_engine_exec;
#endif
  if (strcmp(name, spec_engine_validator.name) == 0)
    return &spec_engine_validator;
  return NULL;
}

static int usage(void) {
  fprintf(stderr, "usage: wasmc-spec [--list-skipped] [--json-out FILE] "
                  "[--opt N] [--engine exec|validate] [-v] "
                  "DIR/NAME.json\n");
  return 2;
}

static bool parse_args(int argc, char **argv, runner_args *a) {
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (strcmp(s, "--list-skipped") == 0) {
      a->list_skipped = true;
    } else if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0) {
      a->verbose = true;
    } else if (strcmp(s, "--json-out") == 0 && i + 1 < argc) {
      a->json_out = argv[++i];
    } else if (strcmp(s, "--opt") == 0 && i + 1 < argc) {
      a->opt = atoi(argv[++i]);
    } else if (strcmp(s, "--engine") == 0 && i + 1 < argc) {
      if (!(a->engine = find_engine(argv[++i])))
        return false;
    } else if (s[0] != '-' && !a->json_path) {
      a->json_path = s;
    } else {
      return false;
    }
  }
  return a->json_path != NULL;
}

/* "dir/i32.json" -> "i32" in name, "dir" in dir. */
static void split_path(const char *path, char *dir, size_t dirlen, char *name,
                       size_t namelen) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (slash)
    snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
  else
    snprintf(dir, dirlen, ".");
  size_t n = strlen(base);
  if (n > 5 && strcmp(base + n - 5, ".json") == 0)
    n -= 5;
  snprintf(name, namelen, "%.*s", (int)n, base);
}

/* Writes the name as a JSON string; names come from file names, so only
 * quotes, backslashes and control characters need escaping. */
static void write_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static bool write_json_out(const char *path, const char *name,
                           const spec_counts *c) {
  FILE *f = fopen(path, "w");
  if (!f)
    return false;
  fprintf(f, "{\"file\": ");
  write_json_string(f, name);
  fprintf(f, ", \"passed\": %zu, \"failed\": %zu, \"skipped\": %zu}\n",
          c->passed, c->failed, c->skipped);
  return fclose(f) == 0;
}

static const char *display_name(const spec_script *s, const char *fallback) {
  const char *src = s->source_filename;
  const char *slash = src ? strrchr(src, '/') : NULL;
  if (slash)
    return slash + 1;
  return src && *src ? src : fallback;
}

int main(int argc, char **argv) {
  runner_args a = {0};
#ifdef WASMC_SPEC_HAVE_EXEC
  a.engine = &spec_engine_exec;
#else
  a.engine = &spec_engine_validator;
#endif
  char dir[4096], name[1024], err[1024];
  spec_script script;
  spec_counts counts = {0};

  setvbuf(stdout, NULL, _IOLBF, 0); /* keep output if a module crashes us */
  if (!parse_args(argc, argv, &a))
    return usage();
  split_path(a.json_path, dir, sizeof dir, name, sizeof name);
  if (spec_script_load(&script, a.json_path, err, sizeof err)) {
    spec_run_options opts = {
        .dir = dir,
        .display_name = display_name(&script, name),
        .out = stdout,
        .list_skipped = a.list_skipped,
        .verbose = a.verbose,
        .opt = a.opt,
    };
    counts = spec_run_script(&script, a.engine, &opts);
  } else {
    printf("%s: cannot load script: %s\n", name, err);
    counts.failed = 1;
  }
  spec_script_free(&script);
  printf("%s: %zu passed, %zu failed, %zu skipped\n", name, counts.passed,
         counts.failed, counts.skipped);
  if (a.json_out && !write_json_out(a.json_out, name, &counts)) {
    fprintf(stderr, "wasmc-spec: cannot write %s\n", a.json_out);
    return 1;
  }
  return counts.failed ? 1 : 0;
}
