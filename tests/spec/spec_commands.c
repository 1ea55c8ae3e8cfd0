/* spec_commands.c — turns a wast2json document into spec_command structs. */
#include "spec_script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest script we accept; the biggest in the suite is a few MiB. */
#define SPEC_MAX_SCRIPT_BYTES (256u << 20)

static const char *const kind_names[] = {
#define SPEC_X(id, text) text,
    SPEC_COMMAND_KINDS(SPEC_X)
#undef SPEC_X
};

const char *spec_command_kind_str(spec_command_kind k) {
  return k <= SPEC_CMD_UNKNOWN ? kind_names[k] : "?";
}

static spec_command_kind kind_from_str(const char *s) {
  for (int k = 0; k < SPEC_CMD_UNKNOWN; k++) {
    if (strcmp(s, kind_names[k]) == 0)
      return (spec_command_kind)k;
  }
  return SPEC_CMD_UNKNOWN;
}

static bool set_error(spec_command *c, const char *fmt, const char *detail) {
  snprintf(c->error_buf, sizeof c->error_buf, fmt, detail);
  c->error = c->error_buf;
  return false;
}

/* Parses a JSON array of values into a fresh C array. */
static bool parse_values(spec_command *c, const json_value *arr,
                         spec_value **out, size_t *count) {
  size_t n = json_array_count(arr);
  *count = 0;
  if (!arr)
    return set_error(c, "%s array missing", "value");
  if (n == 0)
    return true;
  *out = calloc(n, sizeof **out);
  if (!*out)
    return set_error(c, "%s", "out of memory");
  for (size_t i = 0; i < n; i++) {
    char err[128];
    if (!spec_value_parse(json_array_at(arr, i), &(*out)[i], err, sizeof err))
      return set_error(c, "%s", err);
    *count = i + 1;
  }
  return true;
}

static bool parse_action(spec_command *c, const json_value *a) {
  const json_string *type = json_object_get_string(a, "type");
  spec_action *act = &c->action;
  if (!type)
    return set_error(c, "%s", "action without a type");
  if (strcmp(type->data, "invoke") == 0)
    act->kind = SPEC_ACTION_INVOKE;
  else if (strcmp(type->data, "get") == 0)
    act->kind = SPEC_ACTION_GET;
  else
    return set_error(c, "unknown action type \"%s\"", type->data);
  c->has_action = true;
  act->module = json_object_get_string(a, "module");
  act->field = json_object_get_string(a, "field");
  if (!act->field)
    return set_error(c, "%s", "action without a field");
  if (act->kind == SPEC_ACTION_GET)
    return true;
  return parse_values(c, json_object_get_array(a, "args"), &act->args,
                      &act->num_args);
}

static bool parse_module_fields(spec_command *c, const json_value *o) {
  const json_string *file = json_object_get_string(o, "filename");
  const json_string *mt = json_object_get_string(o, "module_type");
  if (!file || file->len == 0 || strlen(file->data) != file->len)
    return set_error(c, "%s", "missing or bad filename");
  c->filename = file->data;
  c->module_type = SPEC_MODULE_BINARY;
  if (mt && strcmp(mt->data, "text") == 0)
    c->module_type = SPEC_MODULE_TEXT;
  else if (mt && strcmp(mt->data, "binary") != 0)
    return set_error(c, "unknown module_type \"%s\"", mt->data);
  return true;
}

static bool needs_text(spec_command_kind k) {
  return k == SPEC_CMD_ASSERT_TRAP || k == SPEC_CMD_ASSERT_EXHAUSTION ||
         k == SPEC_CMD_ASSERT_MALFORMED || k == SPEC_CMD_ASSERT_INVALID ||
         k == SPEC_CMD_ASSERT_UNLINKABLE || k == SPEC_CMD_ASSERT_UNINSTANTIABLE;
}

static bool has_module_file(spec_command_kind k) {
  return k == SPEC_CMD_MODULE || k == SPEC_CMD_ASSERT_MALFORMED ||
         k == SPEC_CMD_ASSERT_INVALID || k == SPEC_CMD_ASSERT_UNLINKABLE ||
         k == SPEC_CMD_ASSERT_UNINSTANTIABLE;
}

static bool has_action(spec_command_kind k) {
  return k == SPEC_CMD_ACTION || k == SPEC_CMD_ASSERT_RETURN ||
         k == SPEC_CMD_ASSERT_TRAP || k == SPEC_CMD_ASSERT_EXHAUSTION;
}

static bool parse_body(spec_command *c, const json_value *o) {
  if (needs_text(c->kind)) {
    const json_string *text = json_object_get_string(o, "text");
    if (!text)
      return set_error(c, "%s", "missing \"text\"");
    c->text = text->data;
  }
  if (has_module_file(c->kind) && !parse_module_fields(c, o))
    return false;
  if (c->kind == SPEC_CMD_MODULE || c->kind == SPEC_CMD_REGISTER)
    c->name = json_object_get_string(o, "name");
  if (c->kind == SPEC_CMD_REGISTER) {
    c->as = json_object_get_string(o, "as");
    if (!c->as)
      return set_error(c, "%s", "register without \"as\"");
  }
  if (!has_action(c->kind))
    return true;
  const json_value *a = json_object_get(o, "action");
  if (!a || a->kind != JSON_OBJECT)
    return set_error(c, "%s", "missing action");
  if (!parse_action(c, a))
    return false;
  /* assert_trap/exhaustion may carry result types; only assert_return and
   * action need them, and an absent list means "no results". */
  const json_value *exp = json_object_get_array(o, "expected");
  if (!exp)
    return c->kind != SPEC_CMD_ASSERT_RETURN ||
           set_error(c, "%s", "assert_return without \"expected\"");
  return parse_values(c, exp, &c->expected, &c->num_expected);
}

static void parse_command(spec_command *c, const json_value *o) {
  c->kind = SPEC_CMD_UNKNOWN;
  const json_string *type = json_object_get_string(o, "type");
  json_object_get_u32(o, "line", &c->line);
  if (!type) {
    set_error(c, "%s", "command without a type");
    return;
  }
  c->kind = kind_from_str(type->data);
  if (c->kind == SPEC_CMD_UNKNOWN) {
    set_error(c, "unknown command type \"%s\"", type->data);
    return;
  }
  parse_body(c, o);
}

bool spec_script_init(spec_script *s, json_value *root, char *err,
                      size_t errlen) {
  memset(s, 0, sizeof *s);
  s->root = root;
  const json_value *cmds = json_object_get_array(root, "commands");
  if (!cmds) {
    snprintf(err, errlen, "no \"commands\" array");
    return false;
  }
  const json_string *src = json_object_get_string(root, "source_filename");
  s->source_filename = src ? src->data : "";
  size_t n = json_array_count(cmds);
  s->commands = n ? calloc(n, sizeof *s->commands) : NULL;
  if (n && !s->commands) {
    snprintf(err, errlen, "out of memory");
    return false;
  }
  s->num_commands = n;
  for (size_t i = 0; i < n; i++)
    parse_command(&s->commands[i], json_array_at(cmds, i));
  return true;
}

char *spec_read_file(const char *path, size_t max, size_t *len, char *err,
                     size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || cap >= max)
      break;
    char *bigger = realloc(buf, cap * 2);
    if (!bigger) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  bool bad = ferror(f) || (buf && n == cap);
  fclose(f);
  if (!buf || bad) {
    snprintf(err, errlen, "%s: %s", path,
             buf ? "unreadable or too large" : "out of memory");
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

bool spec_script_load(spec_script *s, const char *path, char *err,
                      size_t errlen) {
  size_t len = 0;
  memset(s, 0, sizeof *s);
  char *text = spec_read_file(path, SPEC_MAX_SCRIPT_BYTES, &len, err, errlen);
  if (!text)
    return false;
  json_error jerr;
  json_value *root = json_parse(text, len, &jerr);
  free(text);
  if (!root) {
    snprintf(err, errlen, "%s: invalid JSON at byte %zu: %s", path, jerr.offset,
             jerr.message);
    return false;
  }
  return spec_script_init(s, root, err, errlen);
}

void spec_script_free(spec_script *s) {
  for (size_t i = 0; i < s->num_commands; i++) {
    free(s->commands[i].action.args);
    free(s->commands[i].expected);
  }
  free(s->commands);
  json_free(s->root);
  if (s->own_free)
    s->own_free(s->own);
  memset(s, 0, sizeof *s);
}
