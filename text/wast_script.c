/* The .wast script parser: commands with their modules, actions, constant
 * arguments and expected results, ready for a runner to execute. */
#include "wat.h"
#include "wat_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct sctx {
  const char *text;
  const wat_token *t;
  size_t pos;
  wasm_error *err;
} sctx;

static const wat_token *cur(sctx *s) {
  return &s->t[s->pos];
}

static bool is_kw(sctx *s, size_t at, const char *kw) {
  const wat_token *t = &s->t[at];
  size_t n = strlen(kw);
  return t->kind == WAT_ATOM && t->len == n &&
         memcmp(s->text + t->off, kw, n) == 0;
}

static bool at_field(sctx *s, const char *kw) {
  return cur(s)->kind == WAT_LPAREN && is_kw(s, s->pos + 1, kw);
}

static bool unexpected(sctx *s, const char *what) {
  const wat_token *t = cur(s);
  if (t->kind == WAT_EOF)
    return wat_fail(s->err, t, "unexpected end of input, expected %s", what);
  return wat_fail(s->err, t, "unexpected token \"%.*s\", expected %s",
                  t->len > 40 ? 40 : (int)t->len, s->text + t->off, what);
}

static bool expect(sctx *s, wat_tok_kind k, const char *what) {
  if (cur(s)->kind != k)
    return unexpected(s, what);
  s->pos++;
  return true;
}

static bool oom(sctx *s) {
  return wasm_error_set(s->err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                        "out of memory");
}

/* NUL-terminated copy of a token's text. */
static char *tok_dup(sctx *s, const wat_token *t) {
  char *p = malloc(t->len + 1);
  if (p) {
    memcpy(p, s->text + t->off, t->len);
    p[t->len] = 0;
  }
  return p;
}

/* Decoded string token, NUL-terminated (length in *n). */
static bool take_string(sctx *s, char **out, size_t *n) {
  const wat_token *t = cur(s);
  if (t->kind != WAT_STRING)
    return unexpected(s, "a string");
  *out = malloc(t->len + 1);
  if (!*out)
    return oom(s);
  size_t len = wat_string_decode(s->text, t, (uint8_t *)*out);
  (*out)[len] = 0;
  if (n)
    *n = len;
  s->pos++;
  return true;
}

static bool opt_name(sctx *s, char **out) {
  *out = NULL;
  if (cur(s)->kind != WAT_ID)
    return true;
  *out = tok_dup(s, cur(s));
  s->pos++;
  return *out ? true : oom(s);
}

static bool skip_balanced(sctx *s) {
  size_t depth = 0;
  do {
    wat_tok_kind k = cur(s)->kind;
    if (k == WAT_EOF)
      return unexpected(s, "')'");
    depth += k == WAT_LPAREN;
    depth -= k == WAT_RPAREN;
    s->pos++;
  } while (depth > 0);
  return true;
}

/* ---------------------------------------------------------------- modules */

/* Concatenated strings up to `)`, into a malloc'd buffer. */
static bool take_strings(sctx *s, uint8_t **out, size_t *len) {
  size_t cap = 0;
  for (size_t i = s->pos; s->t[i].kind == WAT_STRING; i++)
    cap += s->t[i].len;
  *out = malloc(cap + 1);
  if (!*out)
    return oom(s);
  *len = 0;
  while (cur(s)->kind == WAT_STRING) {
    *len += wat_string_decode(s->text, cur(s), *out + *len);
    s->pos++;
  }
  (*out)[*len] = 0;
  return true;
}

static bool parse_module(sctx *s, wast_module *m) {
  const wat_token *open = cur(s);
  s->pos += 2;
  if (!opt_name(s, &m->name))
    return false;
  if (is_kw(s, s->pos, "binary") || is_kw(s, s->pos, "quote")) {
    m->form =
        is_kw(s, s->pos, "binary") ? WAST_MODULE_BINARY : WAST_MODULE_QUOTE;
    s->pos++;
    m->ok = true;
    return take_strings(s, &m->bytes, &m->len) && expect(s, WAT_RPAREN, "')'");
  }
  /* The whole `(module $id? ...)` is translated (the id becomes the name
   * section's module name) with the script's line numbers. */
  m->form = WAST_MODULE_TEXT;
  s->pos -= 2 + (m->name != NULL);
  if (!skip_balanced(s))
    return false;
  const wat_token *close = &s->t[s->pos - 1];
  m->ok = wat_translate(s->text, open->off, close->off + 1, open->line,
                        open->col, &m->bytes, &m->len, &m->error);
  return true;
}

/* ----------------------------------------------------------------- values */

static bool lane_nan(sctx *s, const wat_token *t, wast_nan_pattern *p) {
  if (t->kind != WAT_ATOM)
    return false;
  if (t->len == 13 && memcmp(s->text + t->off, "nan:canonical", 13) == 0)
    *p = WAST_NAN_CANONICAL;
  else if (t->len == 14 && memcmp(s->text + t->off, "nan:arithmetic", 14) == 0)
    *p = WAST_NAN_ARITHMETIC;
  else
    return false;
  return true;
}

static bool scalar(sctx *s, const wat_token *t, unsigned bits, bool fl,
                   uint64_t *v) {
  const char *p = s->text + t->off;
  if (t->kind != WAT_ATOM)
    return unexpected(s, "a number");
  bool ok;
  if (fl && bits == 32) {
    uint32_t f;
    ok = wat_parse_f32(p, t->len, &f);
    *v = f;
  } else if (fl) {
    ok = wat_parse_f64(p, t->len, v);
  } else {
    ok = wat_parse_int(p, t->len, bits, v);
  }
  return ok ? true : wat_fail(s->err, t, "malformed constant");
}

static bool parse_v128(sctx *s, wast_value *v, bool pattern) {
  static const struct {
    const char *name;
    uint8_t bits;
    bool fl;
  } shapes[] = {{"i8x16", 8, false},  {"i16x8", 16, false},
                {"i32x4", 32, false}, {"i64x2", 64, false},
                {"f32x4", 32, true},  {"f64x2", 64, true}};
  size_t k = 0;
  while (k < 6 && !is_kw(s, s->pos, shapes[k].name))
    k++;
  if (k == 6)
    return unexpected(s, "a vector shape");
  s->pos++;
  v->lane_bits = shapes[k].bits;
  v->lane_float = shapes[k].fl;
  for (unsigned i = 0; i < 128u / shapes[k].bits; i++) {
    uint64_t x = 0;
    const wat_token *t = cur(s);
    if (pattern && shapes[k].fl && lane_nan(s, t, &v->lane_nan[i])) {
      s->pos++;
    } else {
      if (!scalar(s, t, shapes[k].bits, shapes[k].fl, &x))
        return false;
      s->pos++;
    }
    for (unsigned b = 0; b < shapes[k].bits / 8u; b++)
      v->u.v128[i * shapes[k].bits / 8 + b] = (uint8_t)(x >> (8 * b));
  }
  return true;
}

static bool parse_scalar_value(sctx *s, wast_value *v, unsigned bits, bool fl,
                               bool pattern) {
  uint64_t x;
  if (pattern && fl && lane_nan(s, cur(s), &v->nan)) {
    s->pos++;
    return true;
  }
  if (!scalar(s, cur(s), bits, fl, &x))
    return false;
  s->pos++;
  if (bits == 32)
    v->u.i32 = (uint32_t)x;
  else
    v->u.i64 = x;
  return true;
}

/* (i32.const n) ... (ref.null t) (ref.extern n); with pattern, also the
 * result-only forms nan:canonical/arithmetic, (ref.func), (ref.extern). */
static bool parse_value(sctx *s, wast_value *v, bool pattern) {
  memset(v, 0, sizeof *v);
  if (!expect(s, WAT_LPAREN, "'('"))
    return false;
  const wat_token *op = cur(s);
  s->pos++;
  bool ok = true;
  if (is_kw(s, s->pos - 1, "i32.const")) {
    v->kind = WAST_VAL_I32;
    ok = parse_scalar_value(s, v, 32, false, pattern);
  } else if (is_kw(s, s->pos - 1, "i64.const")) {
    v->kind = WAST_VAL_I64;
    ok = parse_scalar_value(s, v, 64, false, pattern);
  } else if (is_kw(s, s->pos - 1, "f32.const")) {
    v->kind = WAST_VAL_F32;
    ok = parse_scalar_value(s, v, 32, true, pattern);
  } else if (is_kw(s, s->pos - 1, "f64.const")) {
    v->kind = WAST_VAL_F64;
    ok = parse_scalar_value(s, v, 64, true, pattern);
  } else if (is_kw(s, s->pos - 1, "v128.const")) {
    v->kind = WAST_VAL_V128;
    ok = parse_v128(s, v, pattern);
  } else if (is_kw(s, s->pos - 1, "ref.null")) {
    v->kind = WAST_VAL_REF_NULL;
    if (is_kw(s, s->pos, "func"))
      v->u.ref_type = WASM_FUNCREF;
    else if (is_kw(s, s->pos, "extern"))
      v->u.ref_type = WASM_EXTERNREF;
    else
      return unexpected(s, "'func' or 'extern'");
    s->pos++;
  } else if (is_kw(s, s->pos - 1, "ref.extern")) {
    v->kind = WAST_VAL_REF_EXTERN;
    uint64_t x;
    if (cur(s)->kind == WAT_ATOM &&
        wat_parse_uint(s->text + cur(s)->off, cur(s)->len, UINT32_MAX, &x)) {
      v->u.extern_ref = (uint32_t)x;
      s->pos++;
    } else if (!pattern) {
      return unexpected(s, "a host reference number");
    }
  } else if (pattern && is_kw(s, s->pos - 1, "ref.func")) {
    v->kind = WAST_VAL_REF_FUNC;
  } else {
    return wat_fail(s->err, op, "unknown constant %.*s",
                    op->len > 40 ? 40 : (int)op->len, s->text + op->off);
  }
  return ok && expect(s, WAT_RPAREN, "')'");
}

static bool parse_values(sctx *s, wast_value **out, uint32_t *n, bool pattern) {
  uint32_t cap = 0;
  *out = NULL;
  *n = 0;
  while (cur(s)->kind == WAT_LPAREN) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 4;
      wast_value *v = realloc(*out, cap * sizeof *v);
      if (!v)
        return oom(s);
      *out = v;
    }
    if (!parse_value(s, &(*out)[*n], pattern))
      return false;
    (*n)++;
  }
  return true;
}

/* ---------------------------------------------------------------- actions */

static bool parse_action(sctx *s, wast_action *a) {
  if (at_field(s, "invoke"))
    a->kind = WAST_ACTION_INVOKE;
  else if (at_field(s, "get"))
    a->kind = WAST_ACTION_GET;
  else
    return unexpected(s, "an action");
  s->pos += 2;
  if (!opt_name(s, &a->module) || !take_string(s, &a->field, &a->field_len))
    return false;
  if (a->kind == WAST_ACTION_INVOKE &&
      !parse_values(s, &a->args, &a->nargs, false))
    return false;
  return expect(s, WAT_RPAREN, "')'");
}

/* --------------------------------------------------------------- commands */

static bool parse_assert(sctx *s, wast_command *c) {
  static const struct {
    const char *kw;
    wast_command_kind kind;
  } kinds[] = {{"assert_return", WAST_CMD_ASSERT_RETURN},
               {"assert_trap", WAST_CMD_ASSERT_TRAP},
               {"assert_exhaustion", WAST_CMD_ASSERT_EXHAUSTION},
               {"assert_malformed", WAST_CMD_ASSERT_MALFORMED},
               {"assert_invalid", WAST_CMD_ASSERT_INVALID},
               {"assert_unlinkable", WAST_CMD_ASSERT_UNLINKABLE},
               {"assert_uninstantiable", WAST_CMD_ASSERT_UNINSTANTIABLE}};
  size_t k = 0;
  while (k < 7 && !is_kw(s, s->pos + 1, kinds[k].kw))
    k++;
  if (k == 7)
    return wat_fail(s->err, &s->t[s->pos + 1], "unknown command");
  c->kind = kinds[k].kind;
  s->pos += 2;
  if (at_field(s, "module")) {
    c->has_module = true;
    if (!parse_module(s, &c->module))
      return false;
  } else {
    c->has_action = true;
    if (!parse_action(s, &c->action))
      return false;
  }
  bool wants_action = c->kind == WAST_CMD_ASSERT_RETURN ||
                      c->kind == WAST_CMD_ASSERT_EXHAUSTION;
  bool wants_module = c->kind != WAST_CMD_ASSERT_TRAP && !wants_action;
  if ((wants_action && c->has_module) || (wants_module && c->has_action))
    return unexpected(s, "a module or an action");
  if (c->kind == WAST_CMD_ASSERT_RETURN)
    return parse_values(s, &c->expected, &c->nexpected, true) &&
           expect(s, WAT_RPAREN, "')'");
  return take_string(s, &c->message, NULL) && expect(s, WAT_RPAREN, "')'");
}

static bool parse_command(sctx *s, wast_command *c) {
  memset(c, 0, sizeof *c);
  c->line = cur(s)->line;
  if (cur(s)->kind != WAT_LPAREN)
    return unexpected(s, "a command");
  if (at_field(s, "module")) {
    c->kind = WAST_CMD_MODULE;
    c->has_module = true;
    if (!parse_module(s, &c->module))
      return false;
    if (c->module.form == WAST_MODULE_TEXT && !c->module.ok) {
      *s->err = c->module.error;
      return false;
    }
    return true;
  }
  if (at_field(s, "register")) {
    c->kind = WAST_CMD_REGISTER;
    s->pos += 2;
    return take_string(s, &c->register_as, NULL) &&
           opt_name(s, &c->register_from) && expect(s, WAT_RPAREN, "')'");
  }
  if (at_field(s, "invoke") || at_field(s, "get")) {
    c->kind = WAST_CMD_ACTION;
    c->has_action = true;
    return parse_action(s, &c->action);
  }
  return parse_assert(s, c);
}

static void free_command(wast_command *c) {
  free(c->module.name);
  free(c->module.bytes);
  free(c->action.module);
  free(c->action.field);
  free(c->action.args);
  free(c->expected);
  free(c->message);
  free(c->register_as);
  free(c->register_from);
}

void wast_script_free(wast_script *s) {
  for (uint32_t i = 0; i < s->ncommands; i++)
    free_command(&s->commands[i]);
  free(s->commands);
  s->commands = NULL;
  s->ncommands = 0;
}

/* A script may be a bare module: just its fields, no `(module`. */
static bool is_inline_module(sctx *s) {
  static const char *const fields[] = {"type",   "import", "func",   "table",
                                       "memory", "global", "export", "start",
                                       "elem",   "data"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (at_field(s, fields[i]))
      return true;
  return false;
}

static bool inline_module(const char *text, size_t len, wast_script *out,
                          wasm_error *err) {
  wast_command *c = calloc(1, sizeof *c);
  if (!c)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  c->kind = WAST_CMD_MODULE;
  c->line = 1;
  c->has_module = true;
  c->module.form = WAST_MODULE_TEXT;
  c->module.ok = wat_to_wasm(text, len, &c->module.bytes, &c->module.len,
                             &c->module.error);
  out->commands = c;
  out->ncommands = 1;
  if (!c->module.ok) {
    *err = c->module.error;
    wast_script_free(out);
    return false;
  }
  return true;
}

bool wast_parse_script(const char *text, size_t len, wast_script *out,
                       wasm_error *err) {
  wasm_error scratch;
  if (!err)
    err = &scratch;
  out->commands = NULL;
  out->ncommands = 0;
  wat_token *toks;
  size_t ntoks;
  if (!wat_lex(text, len, &toks, &ntoks, err))
    return false;
  sctx s = {text, toks, 0, err};
  if (is_inline_module(&s)) {
    free(toks);
    return inline_module(text, len, out, err);
  }
  uint32_t cap = 0;
  bool ok = true;
  while (ok && cur(&s)->kind != WAT_EOF) {
    if (out->ncommands == cap) {
      cap = cap ? cap * 2 : 64;
      wast_command *v = realloc(out->commands, cap * sizeof *v);
      if (!v) {
        ok = oom(&s);
        break;
      }
      out->commands = v;
    }
    ok = parse_command(&s, &out->commands[out->ncommands]);
    out->ncommands++; /* partially parsed commands are freed too */
  }
  free(toks);
  if (!ok)
    wast_script_free(out);
  return ok;
}
