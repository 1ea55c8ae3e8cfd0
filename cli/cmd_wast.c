/* cmd_wast.c — `wasmc wast [-O N] [-v] FILE.wast...`: runs spec-test
 * scripts with the project's own text front end (no wast2json) through
 * the spec runner's executing engine (tests/spec, library wasmc_wast).
 *
 * Per file: its failures, then "NAME: N passed, M failed, K skipped"; with
 * more than one file, the totals in the same form last. -O defaults to 0:
 * scripts are many small modules that run briefly, so compile time
 * dominates and -O0 is the fastest way through (and what the spec suite's
 * main ctest run uses, whose artifact cache it then shares). */
#include "cli.h"

#ifdef WASMC_HAVE_COMPILER
#include "spec_engine.h"
#include "spec_wast.h"
#endif

#include <stdlib.h>
#include <string.h>

#ifndef WASMC_HAVE_COMPILER
int wasmc_cmd_wast(int argc, char **argv) {
  (void)argc, (void)argv;
  fprintf(stderr, "wasmc wast: this wasmc was built without the compiler\n");
  return WASMC_EXIT_FAIL;
}
#else

typedef struct wast_args {
  int opt;
  bool verbose;
  char **files;
  int nfiles;
} wast_args;

static int usage(void) {
  fprintf(stderr, "usage: wasmc wast [-O N | -O0..-O3] [-v] FILE.wast...\n");
  return WASMC_EXIT_USAGE;
}

static bool parse_opt(const char *s, int *opt) {
  if (s[0] < '0' || s[0] > '3' || s[1] != '\0')
    return false;
  *opt = s[0] - '0';
  return true;
}

/* Options may come anywhere; "--" ends them. */
static bool parse_args(int argc, char **argv, wast_args *a) {
  bool options = true;
  a->files = argv + 1;
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (options && strcmp(s, "--") == 0) {
      options = false;
    } else if (options && (strcmp(s, "-v") == 0 || !strcmp(s, "--verbose"))) {
      a->verbose = true;
    } else if (options && strcmp(s, "-O") == 0) {
      if (++i >= argc || !parse_opt(argv[i], &a->opt))
        return false;
    } else if (options && strncmp(s, "-O", 2) == 0) {
      if (!parse_opt(s + 2, &a->opt))
        return false;
    } else if (options && s[0] == '-' && s[1] != '\0') {
      return false;
    } else {
      a->files[a->nfiles++] = argv[i]; /* compacts argv in place */
    }
  }
  return a->nfiles > 0;
}

/* "dir/i32.wast" -> "i32.wast" (display) and "i32" (summary name). */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static spec_counts run_file(const char *path, const wast_args *a) {
  const char *display = base_name(path);
  size_t n = strlen(display);
  if (n > 5 && strcmp(display + n - 5, ".wast") == 0)
    n -= 5;
  spec_run_options opts = {
      .dir = ".",
      .display_name = display,
      .out = stdout,
      .list_skipped = a->verbose,
      .verbose = a->verbose,
      .opt = a->opt,
  };
  spec_counts c = spec_run_wast_file(path, &spec_engine_exec, &opts);
  printf("%.*s: %zu passed, %zu failed, %zu skipped\n", (int)n, display,
         c.passed, c.failed, c.skipped);
  return c;
}

int wasmc_cmd_wast(int argc, char **argv) {
  wast_args a = {0};
  spec_counts total = {0};
  if (!parse_args(argc, argv, &a))
    return usage();
  /* Line-buffered: what was printed survives a crash in generated code. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 0; i < a.nfiles; i++) {
    spec_counts c = run_file(a.files[i], &a);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  if (a.nfiles > 1)
    printf("%zu passed, %zu failed, %zu skipped\n", total.passed, total.failed,
           total.skipped);
  return total.failed ? WASMC_EXIT_FAIL : WASMC_EXIT_OK;
}
#endif
