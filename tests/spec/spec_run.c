/* spec_run.c — command semantics: what each wast command expects of the
 * engine, and which commands are skipped and why. */
#include "spec_run.h"

#include "wat.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SPEC_MAX_MODULE_BYTES (64u << 20)

const char *spec_outcome_str(spec_outcome o) {
  static const char *const names[] = {
      [SPEC_OUT_OK] = "ok",
      [SPEC_OUT_MALFORMED] = "malformed",
      [SPEC_OUT_INVALID] = "invalid",
      [SPEC_OUT_UNLINKABLE] = "unlinkable",
      [SPEC_OUT_UNINSTANTIABLE] = "uninstantiable",
      [SPEC_OUT_TRAP] = "trap",
      [SPEC_OUT_EXHAUSTION] = "exhaustion",
      [SPEC_OUT_UNSUPPORTED] = "unsupported",
      [SPEC_OUT_ERROR] = "error",
  };
  return (unsigned)o <= SPEC_OUT_ERROR ? names[o] : "?";
}

/* ------------------------------------------------------------ skip table */

#define ANY_MODULE_TYPE (-1)
#define ALWAYS 0u

/* The one place that decides what is skipped. A rule applies when the kind
 * (and module type, if given) match and the engine lacks any of `needs`
 * (ALWAYS: skipped whatever the engine). */
static const struct spec_skip_rule {
  spec_command_kind kind;
  int module_type;
  unsigned needs;
  const char *reason;
} skip_rules[] = {
    {SPEC_CMD_ASSERT_RETURN, ANY_MODULE_TYPE, SPEC_CAP_INVOKE,
     "execution not supported by this engine"},
    {SPEC_CMD_ASSERT_TRAP, ANY_MODULE_TYPE, SPEC_CAP_INVOKE,
     "execution not supported by this engine"},
    {SPEC_CMD_ASSERT_EXHAUSTION, ANY_MODULE_TYPE, SPEC_CAP_INVOKE,
     "execution not supported by this engine"},
    {SPEC_CMD_ACTION, ANY_MODULE_TYPE, SPEC_CAP_INVOKE,
     "execution not supported by this engine"},
    {SPEC_CMD_REGISTER, ANY_MODULE_TYPE, SPEC_CAP_INSTANTIATE,
     "instantiation not supported by this engine"},
    {SPEC_CMD_ASSERT_UNLINKABLE, ANY_MODULE_TYPE, SPEC_CAP_INSTANTIATE,
     "linking not supported by this engine"},
    {SPEC_CMD_ASSERT_UNINSTANTIABLE, ANY_MODULE_TYPE, SPEC_CAP_INSTANTIATE,
     "instantiation not supported by this engine"},
};

/* Commands whose binary the wast2json front end (Debian wabt 1.0.32)
 * encodes wrongly, so no engine could pass them through it. Keyed by the
 * .wasm name wast2json gives the command; the runner takes the module from
 * the project's own text front end instead (own_frontend_module). */
static const char *const frontend_defects[] = {
    /* (select (result) ...) becomes an untyped select, losing the arity
     * error the test expects. */
    "select.2.wasm",
};

static bool is_frontend_defect(const spec_command *c) {
  for (size_t i = 0; i < sizeof frontend_defects / sizeof *frontend_defects;
       i++)
    if (c->filename && strcmp(c->filename, frontend_defects[i]) == 0)
      return true;
  return false;
}

/* What an engine may answer UNSUPPORTED to at run time (everything else it
 * answers so is a failure). The SIMD back end is not written yet: a module
 * using v128 instructions is validated but not compiled, and every command
 * that needs its instance (invoke, get, register, linking against it) is
 * skipped with the compiler's reason. Once the compiler handles SIMD, the
 * engine stops answering UNSUPPORTED and these skips disappear. */
static const char *const engine_gaps[] = {
    "SIMD not supported yet",
};

const char *spec_engine_gap(const char *message) {
  for (size_t i = 0; i < sizeof engine_gaps / sizeof engine_gaps[0]; i++)
    if (strncmp(message, engine_gaps[i], strlen(engine_gaps[i])) == 0)
      return engine_gaps[i];
  return NULL;
}

const char *spec_skip_reason(const spec_command *c, unsigned engine_caps) {
  if (c->error)
    return NULL; /* a broken command is a failure, never a skip */
  for (size_t i = 0; i < sizeof skip_rules / sizeof skip_rules[0]; i++) {
    const struct spec_skip_rule *r = &skip_rules[i];
    if (r->kind != c->kind)
      continue;
    if (r->module_type != ANY_MODULE_TYPE &&
        r->module_type != (int)c->module_type)
      continue;
    if (r->needs == ALWAYS || (engine_caps & r->needs) != r->needs)
      return r->reason;
  }
  return NULL;
}

/* ------------------------------------------------------------- verdicts */

typedef enum spec_verdict { SPEC_PASS, SPEC_FAIL, SPEC_SKIP } spec_verdict;

typedef struct spec_ctx {
  const spec_script *script;
  const spec_engine_ops *ops;
  void *engine;
  const spec_run_options *opts;
  char why[1024]; /* failure or skip explanation of the current command */
  spec_value results[SPEC_MAX_RESULTS];
} spec_ctx;

static spec_verdict verdict(spec_ctx *x, spec_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static spec_verdict verdict(spec_ctx *x, spec_verdict v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(x->why, sizeof x->why, fmt, ap);
  va_end(ap);
  return v;
}

static bool has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An UNSUPPORTED outcome from the engine is a skip only for a known gap
 * (engine_gaps above); anything else it cannot do is a failure. */
static spec_verdict unsupported(spec_ctx *x, const spec_result *r) {
  if (!spec_engine_gap(r->message))
    return verdict(x, SPEC_FAIL, "engine cannot do this: %s", r->message);
  return verdict(x, SPEC_SKIP, "%s", r->message);
}

/* A copy of a module the own front end holds in memory. */
static uint8_t *copy_module(spec_ctx *x, const spec_command *c, size_t *size) {
  uint8_t *bytes = malloc(c->module_size ? c->module_size : 1);
  if (!bytes) {
    verdict(x, SPEC_FAIL, "out of memory");
    return NULL;
  }
  memcpy(bytes, c->module_bytes, c->module_size);
  *size = c->module_size;
  return bytes;
}

static uint8_t *read_module(spec_ctx *x, const spec_command *c, size_t *size) {
  char path[4096], err[512];
  if (c->module_bytes)
    return copy_module(x, c, size);
  if (!c->filename) {
    verdict(x, SPEC_FAIL, "command has no module");
    return NULL;
  }
  if (strchr(c->filename, '/')) { /* keep hostile scripts in their folder */
    verdict(x, SPEC_FAIL, "module file name has a '/': %s", c->filename);
    return NULL;
  }
  snprintf(path, sizeof path, "%s/%s", x->opts->dir, c->filename);
  uint8_t *bytes = (uint8_t *)spec_read_file(path, SPEC_MAX_MODULE_BYTES, size,
                                             err, sizeof err);
  if (!bytes)
    verdict(x, SPEC_FAIL, "cannot read module: %s", err);
  return bytes;
}

/* The module of command `c` as the project's own text front end encodes it
 * from the source script (for frontend_defects). */
static uint8_t *own_frontend_module(spec_ctx *x, const spec_command *c,
                                    size_t *size) {
  char err[512];
  size_t len = 0;
  const char *src = x->script->source_filename;
  char *text =
      src ? spec_read_file(src, SPEC_MAX_MODULE_BYTES, &len, err, sizeof err)
          : NULL;
  if (!text) {
    verdict(x, SPEC_FAIL, "cannot read the source script: %s",
            src ? err : "no source_filename");
    return NULL;
  }
  wast_script script = {0};
  wasm_error werr = {0};
  bool parsed = wast_parse_script(text, len, &script, &werr);
  free(text);
  if (!parsed) {
    verdict(x, SPEC_FAIL, "own front end cannot parse %s: %s", src,
            werr.message);
    return NULL;
  }
  /* wast2json numbers a command by its module's line, we by the command's
   * opening parenthesis: take the last command that starts at or before. */
  const wast_command *found = NULL;
  for (uint32_t i = 0; i < script.ncommands; i++)
    if (script.commands[i].line <= c->line)
      found = &script.commands[i];
  uint8_t *bytes = NULL;
  if (found && found->has_module && found->module.ok &&
      found->module.form != WAST_MODULE_QUOTE) {
    bytes = malloc(found->module.len ? found->module.len : 1);
    if (bytes) {
      memcpy(bytes, found->module.bytes, found->module.len);
      *size = found->module.len;
    }
  }
  wast_script_free(&script);
  if (!bytes)
    verdict(x, SPEC_FAIL, "own front end has no module at line %u", c->line);
  return bytes;
}

/* A text-format assert_malformed: the module must be rejected, by our text
 * parser or, if it translates, by the decoder/validator. The suite's
 * messages for text errors are the reference parser's own wording ("unknown
 * operator", "unexpected token"), so only the rejection is checked. */
static spec_verdict run_text_malformed(spec_ctx *x, const spec_command *c) {
  size_t len = 0;
  if (c->text_error) /* the own front end rejected it already */
    return SPEC_PASS;
  uint8_t *text = read_module(x, c, &len);
  if (!text)
    return SPEC_FAIL;
  uint8_t *bytes = NULL;
  size_t size = 0;
  wasm_error err = {0};
  bool translated = wat_to_wasm((const char *)text, len, &bytes, &size, &err);
  free(text);
  if (!translated)
    return SPEC_PASS;
  spec_result r = {0};
  x->ops->check_module(x->engine, bytes, size, &r);
  free(bytes);
  if (r.outcome == SPEC_OUT_MALFORMED || r.outcome == SPEC_OUT_INVALID)
    return SPEC_PASS;
  return verdict(x, SPEC_FAIL, "expected malformed \"%s\", but it %s", c->text,
                 r.outcome == SPEC_OUT_OK ? "translated and validated"
                                          : spec_outcome_str(r.outcome));
}

/* A text module outside assert_malformed (the own front end's `module
 * quote`): it must translate; the binary then goes the usual way. */
static uint8_t *translate_module(spec_ctx *x, const spec_command *c,
                                 size_t *size) {
  size_t len = 0;
  uint8_t *bytes = NULL;
  wasm_error err = {0};
  if (c->text_error) {
    verdict(x, SPEC_FAIL, "text module does not translate: %s", c->text_error);
    return NULL;
  }
  uint8_t *text = read_module(x, c, &len);
  if (!text)
    return NULL;
  if (!wat_to_wasm((const char *)text, len, &bytes, size, &err))
    verdict(x, SPEC_FAIL, "text module does not translate: %s", err.message);
  free(text);
  return bytes;
}

static const char *name_of(const json_string *s) {
  return s ? s->data : NULL;
}

/* Checks a rejection: the outcome must be one of two accepted kinds and
 * the expected text a prefix of the engine's message. */
static spec_verdict expect_failure(spec_ctx *x, const spec_command *c,
                                   const spec_result *r, spec_outcome want,
                                   spec_outcome also) {
  if (r->outcome == SPEC_OUT_UNSUPPORTED)
    return unsupported(x, r);
  if (r->outcome == SPEC_OUT_OK)
    return verdict(x, SPEC_FAIL, "expected %s \"%s\", but it succeeded",
                   spec_outcome_str(want), c->text);
  if (r->outcome != want && r->outcome != also)
    return verdict(x, SPEC_FAIL, "expected %s \"%s\", got %s \"%s\"",
                   spec_outcome_str(want), c->text,
                   spec_outcome_str(r->outcome), r->message);
  if (!has_prefix(r->message, c->text))
    return verdict(x, SPEC_FAIL, "expected message \"%s\", got \"%s\"", c->text,
                   r->message);
  return SPEC_PASS;
}

static spec_verdict run_module_command(spec_ctx *x, const spec_command *c) {
  size_t size = 0;
  spec_result r = {0};
  if (c->kind == SPEC_CMD_ASSERT_MALFORMED &&
      c->module_type == SPEC_MODULE_TEXT)
    return run_text_malformed(x, c);
  uint8_t *bytes = is_frontend_defect(c) ? own_frontend_module(x, c, &size)
                   : c->module_type == SPEC_MODULE_TEXT
                       ? translate_module(x, c, &size)
                       : read_module(x, c, &size);
  if (!bytes)
    return SPEC_FAIL;
  bool check_only = c->kind == SPEC_CMD_ASSERT_MALFORMED ||
                    c->kind == SPEC_CMD_ASSERT_INVALID;
  if (check_only)
    x->ops->check_module(x->engine, bytes, size, &r);
  else
    x->ops->load_module(x->engine, name_of(c->name), bytes, size, &r);
  free(bytes);
  switch (c->kind) {
  case SPEC_CMD_MODULE:
    if (r.outcome == SPEC_OUT_UNSUPPORTED)
      return unsupported(x, &r);
    if (r.outcome != SPEC_OUT_OK)
      return verdict(x, SPEC_FAIL, "module rejected (%s): %s",
                     spec_outcome_str(r.outcome), r.message);
    return SPEC_PASS;
  case SPEC_CMD_ASSERT_MALFORMED: /* the validator may be the one to see it */
    return expect_failure(x, c, &r, SPEC_OUT_MALFORMED, SPEC_OUT_INVALID);
  case SPEC_CMD_ASSERT_INVALID:
    return expect_failure(x, c, &r, SPEC_OUT_INVALID, SPEC_OUT_INVALID);
  case SPEC_CMD_ASSERT_UNLINKABLE:
    return expect_failure(x, c, &r, SPEC_OUT_UNLINKABLE, SPEC_OUT_UNLINKABLE);
  default: /* ASSERT_UNINSTANTIABLE */
    return expect_failure(x, c, &r, SPEC_OUT_UNINSTANTIABLE,
                          SPEC_OUT_UNINSTANTIABLE);
  }
}

static void run_action(spec_ctx *x, const spec_action *a, spec_value *results,
                       size_t *num_results, spec_result *r) {
  *num_results = 0;
  if (a->kind == SPEC_ACTION_GET) {
    x->ops->get(x->engine, name_of(a->module), a->field->data, a->field->len,
                &results[0], r);
    *num_results = r->outcome == SPEC_OUT_OK;
    return;
  }
  x->ops->invoke(x->engine, name_of(a->module), a->field->data, a->field->len,
                 a->args, a->num_args, results, num_results, r);
  if (*num_results > SPEC_MAX_RESULTS)
    *num_results = SPEC_MAX_RESULTS;
}

static spec_verdict compare_results(spec_ctx *x, const spec_command *c,
                                    const spec_value *got, size_t n) {
  char want_s[256], got_s[256];
  if (n != c->num_expected)
    return verdict(x, SPEC_FAIL, "expected %zu results, got %zu",
                   c->num_expected, n);
  for (size_t i = 0; i < n; i++) {
    if (spec_value_matches(&c->expected[i], &got[i]))
      continue;
    spec_value_format(&c->expected[i], want_s, sizeof want_s);
    spec_value_format(&got[i], got_s, sizeof got_s);
    return verdict(x, SPEC_FAIL, "result %zu: expected %s, got %s", i, want_s,
                   got_s);
  }
  return SPEC_PASS;
}

static spec_verdict run_action_command(spec_ctx *x, const spec_command *c) {
  spec_value *results = x->results;
  size_t n = 0;
  spec_result r = {0};
  run_action(x, &c->action, results, &n, &r);
  switch (c->kind) {
  case SPEC_CMD_ACTION:
  case SPEC_CMD_ASSERT_RETURN:
    if (r.outcome == SPEC_OUT_UNSUPPORTED)
      return unsupported(x, &r);
    if (r.outcome != SPEC_OUT_OK)
      return verdict(x, SPEC_FAIL, "%s: %s", spec_outcome_str(r.outcome),
                     r.message);
    return c->kind == SPEC_CMD_ACTION ? SPEC_PASS
                                      : compare_results(x, c, results, n);
  case SPEC_CMD_ASSERT_TRAP:
    return expect_failure(x, c, &r, SPEC_OUT_TRAP, SPEC_OUT_TRAP);
  default: /* ASSERT_EXHAUSTION */
    return expect_failure(x, c, &r, SPEC_OUT_EXHAUSTION, SPEC_OUT_EXHAUSTION);
  }
}

static spec_verdict run_command(spec_ctx *x, const spec_command *c) {
  spec_result r = {0};
  if (c->error)
    return verdict(x, SPEC_FAIL, "bad command: %s", c->error);
  const char *skip = spec_skip_reason(c, x->ops->caps);
  if (skip)
    return verdict(x, SPEC_SKIP, "%s", skip);
  switch (c->kind) {
  case SPEC_CMD_REGISTER:
    x->ops->register_module(x->engine, name_of(c->name), c->as->data, &r);
    if (r.outcome == SPEC_OUT_UNSUPPORTED)
      return unsupported(x, &r);
    return r.outcome == SPEC_OUT_OK
               ? SPEC_PASS
               : verdict(x, SPEC_FAIL, "register failed: %s", r.message);
  case SPEC_CMD_ACTION:
  case SPEC_CMD_ASSERT_RETURN:
  case SPEC_CMD_ASSERT_TRAP:
  case SPEC_CMD_ASSERT_EXHAUSTION:
    return run_action_command(x, c);
  case SPEC_CMD_UNKNOWN:
    return verdict(x, SPEC_FAIL, "unknown command");
  default:
    return run_module_command(x, c);
  }
}

spec_counts spec_run_script(const spec_script *s, const spec_engine_ops *ops,
                            const spec_run_options *opts) {
  spec_counts counts = {0};
  spec_ctx *x = calloc(1, sizeof *x);
  if (!x) {
    counts.failed = 1;
    return counts;
  }
  x->script = s;
  x->ops = ops;
  x->opts = opts;
  x->engine = ops->create(opts->opt);
  for (size_t i = 0; i < s->num_commands; i++) {
    const spec_command *c = &s->commands[i];
    const char *kind = spec_command_kind_str(c->kind);
    if (opts->verbose)
      fprintf(stderr, "running %s:%u\n", opts->display_name, c->line);
    x->why[0] = '\0';
    spec_verdict v = x->engine ? run_command(x, c)
                               : verdict(x, SPEC_FAIL, "engine not created");
    if (v == SPEC_PASS) {
      counts.passed++;
    } else if (v == SPEC_FAIL) {
      counts.failed++;
      fprintf(opts->out, "%s:%u: %s failed: %s\n", opts->display_name, c->line,
              kind, x->why);
    } else {
      counts.skipped++;
      if (opts->list_skipped)
        fprintf(opts->out, "%s:%u: %s \u2014 %s\n", opts->display_name, c->line,
                kind, x->why);
    }
  }
  if (x->engine)
    ops->destroy(x->engine);
  free(x);
  return counts;
}
