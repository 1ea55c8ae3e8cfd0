/* Module fields: the first pass names every index space (so references may
 * point forward), the second parses each field into its section bytes. */
#include "wat.h"
#include "wat_parse.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static const wat_token *opt_id(wat_ctx *c) {
  const wat_token *t = wat_tok(c);
  if (t->kind != WAT_ID)
    return NULL;
  c->pos++;
  return t;
}

/* Decodes a string token into c->strbuf; *n receives the length. */
static bool parse_string(wat_ctx *c, const uint8_t **s, size_t *n) {
  const wat_token *t = wat_tok(c);
  if (t->kind != WAT_STRING)
    return wat_error_here(c, "a string");
  *n = wat_string_decode(c->text, t, c->strbuf);
  *s = c->strbuf;
  c->pos++;
  return true;
}

/* A name string (UTF-8 checked) appended to b as a binary name. */
static bool parse_name(wat_ctx *c, wat_buf *b) {
  const wat_token *t = wat_tok(c);
  const uint8_t *s;
  size_t n;
  if (!parse_string(c, &s, &n))
    return false;
  if (!wat_utf8_valid(s, n))
    return wat_fail(c->err, t, "malformed UTF-8 encoding");
  wat_buf_name(b, s, n);
  return true;
}

static bool skip_balanced(wat_ctx *c) {
  size_t depth = 0;
  do {
    wat_tok_kind k = wat_tok(c)->kind;
    if (k == WAT_EOF)
      return wat_error_here(c, "')'");
    depth += k == WAT_LPAREN;
    depth -= k == WAT_RPAREN;
    c->pos++;
  } while (depth > 0);
  return true;
}

/* ----------------------------------------------------------- first pass */

static wat_space *space_of(wat_ctx *c, const char *kind) {
  if (wat_is_atom(c, "func"))
    return &c->funcs;
  if (wat_is_atom(c, "table"))
    return &c->tables;
  if (wat_is_atom(c, "memory"))
    return &c->mems;
  if (wat_is_atom(c, "global"))
    return &c->globals;
  (void)kind;
  return NULL;
}

/* Does the field at pos (its `(`) have a direct child `(kw`? */
static bool has_child(wat_ctx *c, const char *kw) {
  size_t save = c->pos;
  bool found = false;
  c->pos += 2;
  while (!found && wat_tok(c)->kind != WAT_RPAREN &&
         wat_tok(c)->kind != WAT_EOF) {
    if (wat_tok(c)->kind == WAT_LPAREN) {
      found = wat_is_field(c, kw);
      if (!skip_balanced(c))
        break;
    } else {
      c->pos++;
    }
  }
  c->pos = save;
  return found;
}

static bool collect_import(wat_ctx *c) {
  c->pos += 2;
  for (int i = 0; i < 2; i++) {
    if (wat_tok(c)->kind != WAT_STRING)
      return wat_error_here(c, "a string");
    c->pos++;
  }
  if (!wat_expect_lparen(c))
    return false;
  wat_space *s = space_of(c, NULL);
  if (!s)
    return wat_error_here(c, "an import kind");
  c->pos++;
  return wat_space_add(c, s, wat_tok(c)->kind == WAT_ID ? wat_tok(c) : NULL);
}

static bool collect_field(wat_ctx *c) {
  size_t start = c->pos;
  const wat_token *kw = &c->t[c->pos + 1];
  const wat_token *id =
      c->t[c->pos + 2].kind == WAT_ID ? &c->t[c->pos + 2] : NULL;
  bool ok = true;
  c->pos++;
  if (wat_is_atom(c, "type")) {
    c->pos += 1 + (id != NULL);
    ok = wat_space_add(c, &c->types, id) && wat_parse_functype_def(c) &&
         wat_expect_rparen(c);
    c->pos = start;
  } else if (wat_is_atom(c, "import")) {
    c->pos = start;
    ok = collect_import(c);
    c->pos = start;
  } else if (wat_is_atom(c, "elem")) {
    ok = wat_space_add(c, &c->elems, id);
  } else if (wat_is_atom(c, "data")) {
    ok = wat_space_add(c, &c->datas, id);
  } else if (wat_is_atom(c, "export") || wat_is_atom(c, "start")) {
  } else {
    wat_space *s = space_of(c, NULL);
    if (!s)
      return wat_fail(c->err, kw, "unknown module field");
    ok = wat_space_add(c, s, id);
    c->pos = start;
    if (ok && s == &c->tables && has_child(c, "elem"))
      ok = wat_space_add(c, &c->elems, NULL);
    if (ok && s == &c->mems && has_child(c, "data"))
      ok = wat_space_add(c, &c->datas, NULL);
  }
  c->pos = start;
  return ok && skip_balanced(c);
}

static bool collect(wat_ctx *c) {
  while (wat_tok(c)->kind == WAT_LPAREN)
    if (!collect_field(c))
      return false;
  return true;
}

/* ---------------------------------------------------------- second pass */

static void add_export(wat_ctx *c, const uint8_t *name, size_t n, uint8_t kind,
                       uint32_t index) {
  wat_buf *b = &c->sec[SEC_EXPORT];
  wat_buf_name(b, name, n);
  wat_buf_byte(b, kind);
  wat_buf_u32(b, index);
  c->sec_count[SEC_EXPORT]++;
}

/* (export "name")* abbreviations of a definition. */
static bool inline_exports(wat_ctx *c, uint8_t kind, uint32_t index) {
  while (wat_is_field(c, "export")) {
    c->pos += 2;
    const wat_token *t = wat_tok(c);
    const uint8_t *s;
    size_t n;
    if (!parse_string(c, &s, &n))
      return false;
    if (!wat_utf8_valid(s, n))
      return wat_fail(c->err, t, "malformed UTF-8 encoding");
    add_export(c, s, n, kind, index);
    if (!wat_expect_rparen(c))
      return false;
  }
  return true;
}

/* (import "m" "n") abbreviation: writes the names and the kind. */
static bool inline_import(wat_ctx *c, uint8_t kind) {
  if (c->seen_definition)
    return wat_fail(c->err, wat_tok(c), "import after definition");
  c->pos += 2;
  wat_buf *b = &c->sec[SEC_IMPORT];
  if (!parse_name(c, b) || !parse_name(c, b) || !wat_expect_rparen(c))
    return false;
  wat_buf_byte(b, kind);
  c->sec_count[SEC_IMPORT]++;
  return true;
}

static bool parse_u32_limit(wat_ctx *c, uint64_t *v) {
  const wat_token *t = wat_tok(c);
  if (t->kind != WAT_ATOM ||
      !wat_parse_uint(c->text + t->off, t->len, UINT32_MAX, v))
    return wat_error_here(c, "a limit (u32)");
  c->pos++;
  return true;
}

static bool parse_limits(wat_ctx *c, wat_buf *b) {
  uint64_t min, max = 0;
  if (!parse_u32_limit(c, &min))
    return false;
  bool has_max = wat_tok(c)->kind == WAT_ATOM && wat_at_index(c);
  if (has_max && !parse_u32_limit(c, &max))
    return false;
  wat_buf_byte(b, has_max ? 1 : 0);
  wat_buf_u32(b, min);
  if (has_max)
    wat_buf_u32(b, max);
  return true;
}

static bool parse_tabletype(wat_ctx *c, wat_buf *b) {
  wat_buf lim = {0};
  uint8_t rt;
  bool ok = parse_limits(c, &lim) && wat_parse_reftype(c, &rt);
  if (ok) {
    wat_buf_byte(b, rt);
    wat_buf_bytes(b, lim.data, lim.len);
  }
  wat_buf_free(&lim);
  return ok;
}

static bool parse_globaltype(wat_ctx *c, wat_buf *b) {
  uint8_t t;
  if (wat_is_field(c, "mut")) {
    c->pos += 2;
    if (!wat_parse_valtype(c, &t) || !wat_expect_rparen(c))
      return false;
    wat_buf_byte(b, t);
    wat_buf_byte(b, 1);
    return true;
  }
  if (!wat_parse_valtype(c, &t))
    return false;
  wat_buf_byte(b, t);
  wat_buf_byte(b, 0);
  return true;
}

/* Parses the import description `(kind $id? ...)` into the import section. */
static bool parse_import_desc(wat_ctx *c) {
  wat_buf *b = &c->sec[SEC_IMPORT];
  if (!wat_expect_lparen(c))
    return false;
  const wat_space *s = space_of(c, NULL);
  c->pos++;
  opt_id(c);
  uint32_t type;
  if (s == &c->funcs) {
    wat_buf_byte(b, 0);
    c->cur_func++;
    if (!wat_parse_typeuse(c, &type, NULL, WAT_PARAM_IDS_YES))
      return false;
    wat_buf_u32(b, type);
  } else if (s == &c->tables) {
    wat_buf_byte(b, 1);
    c->cur_table++;
    if (!parse_tabletype(c, b))
      return false;
  } else if (s == &c->mems) {
    wat_buf_byte(b, 2);
    c->cur_mem++;
    if (!parse_limits(c, b))
      return false;
  } else {
    wat_buf_byte(b, 3);
    c->cur_global++;
    if (!parse_globaltype(c, b))
      return false;
  }
  return wat_expect_rparen(c);
}

static bool parse_import(wat_ctx *c) {
  if (c->seen_definition)
    return wat_fail(c->err, wat_tok(c), "import after definition");
  c->pos += 2;
  wat_buf *b = &c->sec[SEC_IMPORT];
  if (!parse_name(c, b) || !parse_name(c, b) || !parse_import_desc(c))
    return false;
  c->sec_count[SEC_IMPORT]++;
  return wat_expect_rparen(c);
}

static bool add_local_name(wat_ctx *c, uint32_t func, uint32_t local,
                           uint32_t off, uint32_t len) {
  if (c->nlnames == c->lnames_cap) {
    uint32_t cap = c->lnames_cap ? c->lnames_cap * 2 : 32;
    wat_local_name *v = realloc(c->lnames, cap * sizeof *v);
    if (!v)
      return wat_oom(c);
    c->lnames = v, c->lnames_cap = cap;
  }
  c->lnames[c->nlnames++] = (wat_local_name){func, local, off, len};
  return true;
}

/* (local $x t) | (local t*), compressed into runs of equal types. */
static bool parse_locals(wat_ctx *c, wat_buf *decls) {
  wat_buf runs = {0};
  uint32_t nruns = 0, run_len = 0;
  uint8_t run_type = 0;
  bool ok = true;
  while (ok && wat_is_field(c, "local")) {
    c->pos += 2;
    const wat_token *id = opt_id(c);
    /* a named local has exactly one type, an unnamed list any number */
    for (bool first = true;
         ok && ((id && first) || (!id && wat_tok(c)->kind == WAT_ATOM));
         first = false) {
      uint8_t t;
      ok = wat_parse_valtype(c, &t) && wat_space_add(c, &c->locals, id);
      if (ok && run_len && t == run_type) {
        run_len++;
      } else if (ok) {
        if (run_len) {
          wat_buf_u32(&runs, run_len);
          wat_buf_byte(&runs, run_type);
          nruns++;
        }
        run_len = 1, run_type = t;
      }
    }
    ok = ok && wat_expect_rparen(c);
  }
  if (run_len) {
    wat_buf_u32(&runs, run_len);
    wat_buf_byte(&runs, run_type);
    nruns++;
  }
  wat_buf_u32(decls, nruns);
  wat_buf_bytes(decls, runs.data, runs.len);
  wat_buf_free(&runs);
  return ok;
}

static bool parse_func_body(wat_ctx *c, uint32_t index) {
  wat_space_free(&c->locals);
  c->nlabels = 0;
  uint32_t type;
  wat_buf body = {0};
  bool ok = wat_parse_typeuse(c, &type, &c->locals, WAT_PARAM_IDS_YES) &&
            parse_locals(c, &body) && wat_parse_expr(c, &body);
  for (uint32_t i = 0; ok && i < c->locals.count; i++)
    if (c->locals.name_len[i])
      ok = add_local_name(c, index, i, c->locals.name_off[i],
                          c->locals.name_len[i]);
  if (ok) {
    wat_buf_u32(&c->sec[SEC_FUNC], type);
    c->sec_count[SEC_FUNC]++;
    wat_buf_u32(&c->sec[SEC_CODE], body.len);
    wat_buf_bytes(&c->sec[SEC_CODE], body.data, body.len);
    c->sec_count[SEC_CODE]++;
  }
  wat_buf_free(&body);
  return ok;
}

static bool parse_func(wat_ctx *c) {
  c->pos += 2;
  opt_id(c);
  uint32_t index = c->cur_func++;
  if (!inline_exports(c, 0, index))
    return false;
  if (wat_is_field(c, "import")) {
    uint32_t type;
    if (!inline_import(c, 0) ||
        !wat_parse_typeuse(c, &type, NULL, WAT_PARAM_IDS_YES))
      return false;
    wat_buf_u32(&c->sec[SEC_IMPORT], type);
    return wat_expect_rparen(c);
  }
  c->seen_definition = true;
  return parse_func_body(c, index) && wat_expect_rparen(c);
}

/* reftype (elem ...) abbreviation: the table is sized to the elements. */
static bool parse_table_inline_elem(wat_ctx *c, uint32_t index) {
  uint8_t rt;
  if (!wat_parse_reftype(c, &rt))
    return false;
  if (!wat_is_field(c, "elem"))
    return wat_error_here(c, "'(elem'");
  c->pos += 2;
  bool exprs = wat_tok(c)->kind == WAT_LPAREN, all_funcs;
  uint32_t n = 0;
  wat_buf idx = {0}, ex = {0}, off = {0};
  bool ok = wat_parse_elem_items(c, rt, exprs, &n, &idx, &ex, &all_funcs) &&
            wat_expect_rparen(c);
  if (ok) {
    wat_buf *b = &c->sec[SEC_TABLE];
    wat_buf_byte(b, rt);
    wat_buf_byte(b, 1);
    wat_buf_u32(b, n);
    wat_buf_u32(b, n);
    c->sec_count[SEC_TABLE]++;
    wat_buf_byte(&off, 0x41);
    wat_buf_byte(&off, 0);
    wat_buf_byte(&off, 0x0B);
    wat_write_elem(c, WASM_SEGMENT_ACTIVE, index, &off, rt, n, &idx, &ex,
                   all_funcs);
  }
  wat_buf_free(&idx);
  wat_buf_free(&ex);
  wat_buf_free(&off);
  return ok;
}

static bool parse_table(wat_ctx *c) {
  c->pos += 2;
  opt_id(c);
  uint32_t index = c->cur_table++;
  if (!inline_exports(c, 1, index))
    return false;
  if (wat_is_field(c, "import"))
    return inline_import(c, 1) && parse_tabletype(c, &c->sec[SEC_IMPORT]) &&
           wat_expect_rparen(c);
  c->seen_definition = true;
  if (wat_tok(c)->kind == WAT_ATOM && !wat_at_index(c))
    return parse_table_inline_elem(c, index) && wat_expect_rparen(c);
  c->sec_count[SEC_TABLE]++;
  return parse_tabletype(c, &c->sec[SEC_TABLE]) && wat_expect_rparen(c);
}

/* (memory (data "...")) abbreviation: sized to the data, in pages. */
static bool parse_memory_inline_data(wat_ctx *c, uint32_t index) {
  c->pos += 2;
  wat_buf data = {0};
  while (wat_tok(c)->kind == WAT_STRING) {
    const uint8_t *s;
    size_t n;
    parse_string(c, &s, &n);
    wat_buf_bytes(&data, s, n);
  }
  bool ok = wat_expect_rparen(c);
  if (ok) {
    uint64_t pages = (data.len + 65535) / 65536;
    wat_buf *m = &c->sec[SEC_MEMORY];
    wat_buf_byte(m, 1);
    wat_buf_u32(m, pages);
    wat_buf_u32(m, pages);
    c->sec_count[SEC_MEMORY]++;
    wat_buf *d = &c->sec[SEC_DATA];
    wat_buf_byte(d, index ? 2 : 0);
    if (index)
      wat_buf_u32(d, index);
    wat_buf_bytes(d, "\x41\x00\x0B", 3);
    wat_buf_u32(d, data.len);
    wat_buf_bytes(d, data.data, data.len);
    c->sec_count[SEC_DATA]++;
    c->cur_data++;
  }
  wat_buf_free(&data);
  return ok;
}

static bool parse_memory(wat_ctx *c) {
  c->pos += 2;
  opt_id(c);
  uint32_t index = c->cur_mem++;
  if (!inline_exports(c, 2, index))
    return false;
  if (wat_is_field(c, "import"))
    return inline_import(c, 2) && parse_limits(c, &c->sec[SEC_IMPORT]) &&
           wat_expect_rparen(c);
  c->seen_definition = true;
  if (wat_is_field(c, "data"))
    return parse_memory_inline_data(c, index) && wat_expect_rparen(c);
  c->sec_count[SEC_MEMORY]++;
  return parse_limits(c, &c->sec[SEC_MEMORY]) && wat_expect_rparen(c);
}

static bool parse_global(wat_ctx *c) {
  c->pos += 2;
  opt_id(c);
  uint32_t index = c->cur_global++;
  if (!inline_exports(c, 3, index))
    return false;
  if (wat_is_field(c, "import"))
    return inline_import(c, 3) && parse_globaltype(c, &c->sec[SEC_IMPORT]) &&
           wat_expect_rparen(c);
  c->seen_definition = true;
  c->sec_count[SEC_GLOBAL]++;
  return parse_globaltype(c, &c->sec[SEC_GLOBAL]) &&
         wat_parse_expr(c, &c->sec[SEC_GLOBAL]) && wat_expect_rparen(c);
}

static bool parse_export(wat_ctx *c) {
  c->pos += 2;
  const wat_token *t = wat_tok(c);
  const uint8_t *s;
  size_t n;
  if (!parse_string(c, &s, &n))
    return false;
  if (!wat_utf8_valid(s, n))
    return wat_fail(c->err, t, "malformed UTF-8 encoding");
  /* strbuf is reused below, keep a copy of the name */
  uint8_t *name = malloc(n + 1);
  if (!name)
    return wat_oom(c);
  memcpy(name, s, n);
  bool ok = wat_expect_lparen(c);
  const wat_space *sp = ok ? space_of(c, NULL) : NULL;
  if (ok && !sp)
    ok = wat_error_here(c, "an export kind");
  uint32_t index;
  if (ok) {
    uint8_t kind = sp == &c->funcs    ? 0
                   : sp == &c->tables ? 1
                   : sp == &c->mems   ? 2
                                      : 3;
    c->pos++;
    ok = wat_parse_index(c, sp, &index) && wat_expect_rparen(c) &&
         wat_expect_rparen(c);
    if (ok)
      add_export(c, name, n, kind, index);
  }
  free(name);
  return ok;
}

static bool parse_start(wat_ctx *c) {
  const wat_token *at = wat_tok(c);
  c->pos += 2;
  uint32_t index;
  if (c->has_start)
    return wat_fail(c->err, at, "multiple start sections");
  if (!wat_parse_index(c, &c->funcs, &index))
    return false;
  c->has_start = true;
  wat_buf_u32(&c->sec[SEC_START], index);
  return wat_expect_rparen(c);
}

static bool parse_field(wat_ctx *c) {
  static const struct {
    const char *kw;
    bool (*parse)(wat_ctx *);
  } fields[] = {{"func", parse_func},     {"table", parse_table},
                {"memory", parse_memory}, {"global", parse_global},
                {"import", parse_import}, {"export", parse_export},
                {"start", parse_start},   {"elem", wat_parse_elem},
                {"data", wat_parse_data}};
  if (wat_is_field(c, "type"))
    return skip_balanced(c); /* defined in the first pass */
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (wat_is_field(c, fields[i].kw))
      return fields[i].parse(c);
  c->pos++;
  return wat_error_here(c, "a module field");
}

/* ------------------------------------------------------------ the API */

static void ctx_free(wat_ctx *c) {
  wat_space *spaces[] = {&c->types,   &c->funcs, &c->tables, &c->mems,
                         &c->globals, &c->elems, &c->datas,  &c->locals};
  for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++)
    wat_space_free(spaces[i]);
  for (uint32_t i = 0; i < c->nftypes; i++)
    free(c->ftypes[i].v);
  free(c->ftypes);
  free(c->type_slots);
  free(c->labels);
  free(c->lnames);
  free(c->op_slots);
  free(c->strbuf);
  for (int i = 0; i < WAT_SEC_COUNT; i++)
    wat_buf_free(&c->sec[i]);
}

/* Fields from the current position up to `)` or the end. */
static bool parse_fields(wat_ctx *c) {
  size_t start = c->pos;
  if (!collect(c))
    return false;
  c->pos = start;
  while (wat_tok(c)->kind == WAT_LPAREN)
    if (!parse_field(c))
      return false;
  return true;
}

static bool parse_module(wat_ctx *c) {
  bool wrapped = wat_is_field(c, "module");
  if (wrapped) {
    c->pos += 2;
    const wat_token *id = opt_id(c);
    if (id) {
      c->module_name_off = id->off;
      c->module_name_len = id->len;
    }
  }
  if (!parse_fields(c))
    return false;
  if (wrapped && !wat_expect_rparen(c))
    return false;
  if (wat_tok(c)->kind != WAT_EOF)
    return wat_error_here(c, wrapped ? "end of input" : "a module field");
  return true;
}

bool wat_translate(const char *text, size_t start, size_t end, uint32_t line,
                   uint32_t col, uint8_t **out, size_t *out_len,
                   wasm_error *err) {
  wasm_error scratch;
  if (!err)
    err = &scratch;
  err->kind = WASM_ERR_OK;
  *out = NULL;
  *out_len = 0;
  wat_ctx c = {.text = text, .err = err};
  wat_token *toks;
  if (!wat_lex_range(text, start, end, line, col, &toks, &c.ntoks, err))
    return false;
  c.t = toks;
  c.strbuf = malloc(end - start + 1);
  bool ok = c.strbuf ? wat_ops_init(&c) : wat_oom(&c);
  ok = ok && parse_module(&c) && wat_encode_module(&c, out, out_len);
  ctx_free(&c);
  free(toks);
  return ok;
}

bool wat_to_wasm(const char *text, size_t len, uint8_t **out, size_t *out_len,
                 wasm_error *err) {
  return wat_translate(text, 0, len, 1, 1, out, out_len, err);
}
