/* spec_wast.h — the own front end of the spec runner: a .wast script
 * parsed by the project's text parser (text/wat.h) instead of wast2json,
 * turned into the same spec_script the JSON front end produces, so both go
 * through one command runner (spec_run.c) and one engine. `wasmc wast` and
 * tools/spec-test --frontend=own use it. */
#ifndef SPEC_WAST_H
#define SPEC_WAST_H

#include "spec_run.h"
#include "spec_script.h"

#include <stdbool.h>
#include <stddef.h>

/* Parses script text into *s (modules and strings kept in memory, owned by
 * s; free with spec_script_free). `source` names the file in messages.
 * False, with err set, if the script does not parse at all. */
bool spec_script_from_wast(spec_script *s, const char *text, size_t len,
                           const char *source, char *err, size_t errlen);

/* Reads, parses and runs one .wast file against `ops`. A file that cannot
 * be read or parsed counts as one failure (reported to opts->out). */
spec_counts spec_run_wast_file(const char *path, const spec_engine_ops *ops,
                               const spec_run_options *opts);

#endif /* SPEC_WAST_H */
