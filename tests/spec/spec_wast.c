/* spec_wast.c — see spec_wast.h. The wast_script owns every module and
 * string; the spec_commands point into it. */
#include "spec_wast.h"

#include "wat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest script we accept, as for the JSON front end. */
#define SPEC_WAST_MAX_BYTES (256u << 20)

/* The json_string slots one command may need: module/register name,
 * register "as", action module, action field. */
enum { STR_NAME, STR_AS, STR_MODULE, STR_FIELD, STR_PER_COMMAND };

typedef struct own_script {
  wast_script wast;
  json_string *strings; /* STR_PER_COMMAND per command */
} own_script;

static void own_free(void *p) {
  own_script *o = p;
  if (!o)
    return;
  wast_script_free(&o->wast);
  free(o->strings);
  free(o);
}

static const json_string *str(json_string *slot, char *data, size_t len) {
  if (!data)
    return NULL;
  slot->data = data;
  slot->len = len;
  return slot;
}

static const json_string *cstr(json_string *slot, char *data) {
  return str(slot, data, data ? strlen(data) : 0);
}

/* Reads one unsigned LEB128 u32; false if it runs past `len`. */
static bool read_u32(const uint8_t *p, size_t len, size_t *at, uint32_t *v) {
  *v = 0;
  for (unsigned shift = 0; shift < 35 && *at < len; shift += 7) {
    uint8_t b = p[(*at)++];
    *v |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return true;
  }
  return false;
}

/* The length of a text module's binary without its trailing custom
 * sections. The
 * encoder appends a `name` section wast2json does not write; without it
 * both front ends produce the same bytes, so they share the compiled
 * artifact cache (keyed by the bytes). Names do not change semantics. */
static size_t strip_custom_tail(const uint8_t *p, size_t len) {
  size_t at = 8, keep = 8;
  if (len < 8)
    return len;
  while (at < len) {
    uint8_t id = p[at++];
    uint32_t size;
    if (!read_u32(p, len, &at, &size) || size > len - at)
      return len; /* not ours to judge: leave it to the decoder */
    at += size;
    if (id != 0)
      keep = at; /* custom sections before a standard one stay */
  }
  return keep;
}

static void convert_module(spec_command *c, wast_module *m) {
  c->module_type = SPEC_MODULE_BINARY;
  switch (m->form) {
  case WAST_MODULE_TEXT:
    if (!m->ok) {
      c->module_type = SPEC_MODULE_TEXT;
      c->text_error = m->error.message;
      return;
    }
    m->len = strip_custom_tail(m->bytes, m->len);
    break;
  case WAST_MODULE_QUOTE:
    c->module_type = SPEC_MODULE_TEXT;
    break;
  case WAST_MODULE_BINARY:
    break;
  }
  c->module_bytes = m->bytes ? m->bytes : (const uint8_t *)"";
  c->module_size = m->len;
}

static spec_lanetype lane_type(const wast_value *v) {
  switch (v->lane_bits) {
  case 8:
    return SPEC_LANE_I8;
  case 16:
    return SPEC_LANE_I16;
  case 32:
    return v->lane_float ? SPEC_LANE_F32 : SPEC_LANE_I32;
  default:
    return v->lane_float ? SPEC_LANE_F64 : SPEC_LANE_I64;
  }
}

static void convert_ref(const wast_value *w, spec_value *v) {
  switch (w->kind) {
  case WAST_VAL_REF_NULL:
    v->type = w->u.ref_type == WASM_FUNCREF ? SPEC_FUNCREF : SPEC_EXTERNREF;
    v->u.ref.kind = SPEC_REF_NULL;
    break;
  case WAST_VAL_REF_EXTERN:
    v->type = SPEC_EXTERNREF;
    v->u.ref.kind = SPEC_REF_HOST;
    v->u.ref.host = w->u.extern_ref;
    break;
  default: /* WAST_VAL_REF_FUNC */
    v->type = SPEC_FUNCREF;
    v->u.ref.kind = SPEC_REF_FUNC;
    break;
  }
}

static spec_nan nan_of(wast_nan_pattern p) {
  return p == WAST_NAN_CANONICAL    ? SPEC_NAN_CANONICAL
         : p == WAST_NAN_ARITHMETIC ? SPEC_NAN_ARITHMETIC
                                    : SPEC_NAN_NONE;
}

static void convert_value(const wast_value *w, spec_value *v) {
  memset(v, 0, sizeof *v);
  v->has_value = true;
  switch (w->kind) {
  case WAST_VAL_I32:
  case WAST_VAL_F32:
    v->type = w->kind == WAST_VAL_I32 ? SPEC_I32 : SPEC_F32;
    v->u.i32 = w->u.i32;
    v->nan = nan_of(w->nan);
    break;
  case WAST_VAL_I64:
  case WAST_VAL_F64:
    v->type = w->kind == WAST_VAL_I64 ? SPEC_I64 : SPEC_F64;
    v->u.i64 = w->u.i64;
    v->nan = nan_of(w->nan);
    break;
  case WAST_VAL_V128:
    v->type = SPEC_V128;
    v->lane_type = lane_type(w);
    memcpy(v->u.v128, w->u.v128, 16);
    for (int i = 0; i < 4; i++)
      v->lane_nan[i] = nan_of(w->lane_nan[i]);
    break;
  default:
    convert_ref(w, v);
    break;
  }
}

/* A fresh array of n converted values (NULL for none); false on OOM. */
static bool convert_values(const wast_value *w, uint32_t n, spec_value **out,
                           size_t *count) {
  *out = NULL;
  *count = 0;
  if (n == 0)
    return true;
  if (!(*out = calloc(n, sizeof **out)))
    return false;
  for (uint32_t i = 0; i < n; i++)
    convert_value(&w[i], &(*out)[i]);
  *count = n;
  return true;
}

static spec_command_kind kind_of(const wast_command *w) {
  switch (w->kind) {
  case WAST_CMD_MODULE:
    return SPEC_CMD_MODULE;
  case WAST_CMD_REGISTER:
    return SPEC_CMD_REGISTER;
  case WAST_CMD_ACTION:
    return SPEC_CMD_ACTION;
  case WAST_CMD_ASSERT_RETURN:
    return SPEC_CMD_ASSERT_RETURN;
  case WAST_CMD_ASSERT_TRAP: /* on a module: its start function traps */
    return w->has_module ? SPEC_CMD_ASSERT_UNINSTANTIABLE
                         : SPEC_CMD_ASSERT_TRAP;
  case WAST_CMD_ASSERT_EXHAUSTION:
    return SPEC_CMD_ASSERT_EXHAUSTION;
  case WAST_CMD_ASSERT_MALFORMED:
    return SPEC_CMD_ASSERT_MALFORMED;
  case WAST_CMD_ASSERT_INVALID:
    return SPEC_CMD_ASSERT_INVALID;
  case WAST_CMD_ASSERT_UNLINKABLE:
    return SPEC_CMD_ASSERT_UNLINKABLE;
  case WAST_CMD_ASSERT_UNINSTANTIABLE:
    return SPEC_CMD_ASSERT_UNINSTANTIABLE;
  }
  return SPEC_CMD_UNKNOWN;
}

static bool convert_action(spec_command *c, wast_action *a, json_string *strs) {
  c->has_action = true;
  c->action.kind =
      a->kind == WAST_ACTION_GET ? SPEC_ACTION_GET : SPEC_ACTION_INVOKE;
  c->action.module = cstr(&strs[STR_MODULE], a->module);
  c->action.field = str(&strs[STR_FIELD], a->field, a->field_len);
  return convert_values(a->args, a->nargs, &c->action.args,
                        &c->action.num_args);
}

static bool convert_command(spec_command *c, wast_command *w,
                            json_string *strs) {
  c->kind = kind_of(w);
  c->line = w->line;
  c->text = w->message;
  if (w->kind == WAST_CMD_REGISTER) {
    c->name = cstr(&strs[STR_NAME], w->register_from);
    c->as = cstr(&strs[STR_AS], w->register_as);
  }
  if (w->has_module) {
    convert_module(c, &w->module);
    if (w->kind == WAST_CMD_MODULE)
      c->name = cstr(&strs[STR_NAME], w->module.name);
  }
  if (w->has_action && !convert_action(c, &w->action, strs))
    return false;
  return convert_values(w->expected, w->nexpected, &c->expected,
                        &c->num_expected);
}

bool spec_script_from_wast(spec_script *s, const char *text, size_t len,
                           const char *source, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  own_script *o = calloc(1, sizeof *o);
  wasm_error werr = {0};
  if (!o) {
    snprintf(err, errlen, "out of memory");
    return false;
  }
  s->own = o;
  s->own_free = own_free;
  s->source_filename = source;
  if (!wast_parse_script(text, len, &o->wast, &werr)) {
    snprintf(err, errlen, "%s", werr.message);
    spec_script_free(s);
    return false;
  }
  size_t n = o->wast.ncommands;
  s->commands = n ? calloc(n, sizeof *s->commands) : NULL;
  o->strings = n ? calloc(n * STR_PER_COMMAND, sizeof *o->strings) : NULL;
  s->num_commands = n;
  bool ok = !n || (s->commands && o->strings);
  for (size_t i = 0; ok && i < n; i++)
    ok = convert_command(&s->commands[i], &o->wast.commands[i],
                         &o->strings[i * STR_PER_COMMAND]);
  if (!ok) {
    snprintf(err, errlen, "out of memory");
    s->num_commands = s->commands ? n : 0;
    spec_script_free(s);
  }
  return ok;
}

spec_counts spec_run_wast_file(const char *path, const spec_engine_ops *ops,
                               const spec_run_options *opts) {
  spec_counts counts = {0};
  spec_script script;
  char err[1024];
  size_t len = 0;
  char *text = spec_read_file(path, SPEC_WAST_MAX_BYTES, &len, err, sizeof err);
  bool ok =
      text && spec_script_from_wast(&script, text, len, path, err, sizeof err);
  free(text);
  if (!ok) {
    fprintf(opts->out, "%s: cannot load script: %s\n", opts->display_name, err);
    counts.failed = 1;
    return counts;
  }
  counts = spec_run_script(&script, ops, opts);
  spec_script_free(&script);
  return counts;
}
