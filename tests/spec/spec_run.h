/* spec_run.h — executes a parsed script against an engine and counts. */
#ifndef SPEC_RUN_H
#define SPEC_RUN_H

#include "spec_engine.h"
#include "spec_script.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct spec_counts {
  size_t passed, failed, skipped;
} spec_counts;

typedef struct spec_run_options {
  const char *dir;          /* folder of the .json; module files are there */
  const char *display_name; /* "i32.wast", used in messages */
  FILE *out;                /* failures and skip listings go here */
  bool list_skipped;        /* print every skipped command */
  bool verbose;             /* print "running FILE:LINE" to stderr */
  int opt;                  /* passed to the engine */
} spec_run_options;

/* Why an engine lacking capabilities skips a command; NULL if it runs. */
const char *spec_skip_reason(const spec_command *c, unsigned engine_caps);

/* The known engine gap `message` (an UNSUPPORTED result's) starts with, or
 * NULL: only those are skipped, other UNSUPPORTED results fail. */
const char *spec_engine_gap(const char *message);

spec_counts spec_run_script(const spec_script *s, const spec_engine_ops *ops,
                            const spec_run_options *opts);

#endif /* SPEC_RUN_H */
