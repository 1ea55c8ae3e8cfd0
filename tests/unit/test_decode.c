/* Unit tests of the binary decoder: hand-made modules that must round-trip
 * into the expected description, malformed ones that must fail with the
 * spec suite's message at the right offset, and hostile counts. */
#include "wasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* ------------------------------------------------------- byte builder */

typedef struct buf {
  uint8_t b[4096];
  uint32_t n;
} buf;

static void put(buf *o, const void *p, uint32_t n) {
  memcpy(o->b + o->n, p, n);
  o->n += n;
}
#define PUT(o, ...)                                                            \
  put((o), (const uint8_t[]){__VA_ARGS__},                                     \
      sizeof((const uint8_t[]){__VA_ARGS__}))

static void put_u32(buf *o, uint32_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    o->b[o->n++] = byte | (v ? 0x80 : 0);
  } while (v);
}

static void put_name(buf *o, const char *s) {
  put_u32(o, (uint32_t)strlen(s));
  put(o, s, (uint32_t)strlen(s));
}

static void header(buf *o) {
  o->n = 0;
  PUT(o, 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00);
}

static void section(buf *o, uint8_t id, const buf *payload) {
  o->b[o->n++] = id;
  put_u32(o, payload->n);
  put(o, payload->b, payload->n);
}

static bool decode(const buf *o, unsigned flags, wasm_module **m,
                   wasm_error *err) {
  memset(err, 0, sizeof *err);
  return wasm_module_decode(o->b, o->n, flags, m, err);
}

static bool name_is(wasm_name n, const char *s) {
  return n.len == strlen(s) && memcmp(n.data, s, n.len) == 0;
}

/* ------------------------------------------------- a complete module */

static void build_full(buf *o) {
  buf p;
  header(o);
  p.n = 0; /* type 0: (i32 i32) -> i32 */
  PUT(&p, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F);
  section(o, 1, &p);
  p.n = 0; /* import env.f: func type 0; env.mem: memory 1..2 */
  PUT(&p, 0x02);
  put_name(&p, "env");
  put_name(&p, "f");
  PUT(&p, 0x00, 0x00);
  put_name(&p, "env");
  put_name(&p, "mem");
  PUT(&p, 0x02, 0x01, 0x01, 0x02);
  section(o, 2, &p);
  p.n = 0;
  PUT(&p, 0x01, 0x00);
  section(o, 3, &p);
  p.n = 0; /* funcref table, min 1 max 10 */
  PUT(&p, 0x01, 0x70, 0x01, 0x01, 0x0A);
  section(o, 4, &p);
  p.n = 0; /* mutable i32 global = 42 */
  PUT(&p, 0x01, 0x7F, 0x01, 0x41, 0x2A, 0x0B);
  section(o, 6, &p);
  p.n = 0;
  PUT(&p, 0x01);
  put_name(&p, "add");
  PUT(&p, 0x00, 0x01);
  section(o, 7, &p);
  p.n = 0; /* elem flags 0: offset i32.const 0, funcs [1] */
  PUT(&p, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x01);
  section(o, 9, &p);
  p.n = 0;
  PUT(&p, 0x01);
  section(o, 12, &p);
  p.n = 0; /* one i64 local; local.get 0 local.get 1 i32.add end */
  PUT(&p, 0x01, 0x09, 0x01, 0x01, 0x7E, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B);
  section(o, 10, &p);
  p.n = 0; /* active data at i32.const 8: "hi" */
  PUT(&p, 0x01, 0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i');
  section(o, 11, &p);
  p.n = 0; /* name section: module "m", func 1 "add", local (1,0) "a" */
  put_name(&p, "name");
  PUT(&p, 0x00, 0x02, 0x01, 'm');
  PUT(&p, 0x01, 0x06, 0x01, 0x01, 0x03, 'a', 'd', 'd');
  PUT(&p, 0x02, 0x06, 0x01, 0x01, 0x01, 0x00, 0x01, 'a');
  section(o, 0, &p);
}

static void test_full_module(void) {
  buf o;
  build_full(&o);
  wasm_module *m;
  wasm_error err;
  CHECK(decode(&o, 0, &m, &err));
  if (!m) {
    fprintf(stderr, "  decode error: %s @%u\n", err.message, err.offset);
    return;
  }
  CHECK(m->size == o.n && m->bytes != o.b && !memcmp(m->bytes, o.b, o.n));
  CHECK(m->num_types == 1 && m->types[0].nparams == 2 &&
        m->types[0].nresults == 1 && m->types[0].params[1] == WASM_I32);
  CHECK(m->num_imports == 2 && m->num_imported_funcs == 1 &&
        m->num_imported_memories == 1);
  CHECK(name_is(m->imports[1].name, "mem") &&
        m->imports[1].kind == WASM_EXTERN_MEMORY &&
        m->imports[1].u.memory.limits.has_max &&
        m->imports[1].u.memory.limits.max == 2);
  CHECK(m->num_funcs == 1 && m->funcs[0].type_index == 0);
  CHECK(m->funcs[0].num_local_decls == 1 && m->funcs[0].num_locals == 1 &&
        m->funcs[0].local_decls[0].type == WASM_I64);
  CHECK(m->bytes[m->funcs[0].code_offset] == 0x20 &&
        m->bytes[m->funcs[0].code_end - 1] == 0x0B);
  CHECK(m->num_tables == 1 && m->tables[0].elem == WASM_FUNCREF &&
        m->tables[0].limits.min == 1 && m->tables[0].limits.max == 10);
  CHECK(m->num_globals == 1 && m->globals[0].type.mut &&
        m->globals[0].init.op == WASM_CONST_I32 &&
        m->globals[0].init.u.i32 == 42);
  CHECK(m->num_exports == 1 && name_is(m->exports[0].name, "add") &&
        m->exports[0].index == 1);
  CHECK(m->num_elems == 1 && m->elems[0].mode == WASM_SEGMENT_ACTIVE &&
        m->elems[0].num_items == 1 &&
        m->elems[0].items[0].op == WASM_CONST_REF_FUNC &&
        m->elems[0].items[0].u.func_index == 1);
  CHECK(m->has_data_count && m->data_count == 1 && m->num_datas == 1 &&
        m->datas[0].size == 2 && !memcmp(m->datas[0].bytes, "hi", 2) &&
        m->datas[0].offset.u.i32 == 8);
  CHECK(m->datas[0].bytes >= m->bytes &&
        m->datas[0].bytes < m->bytes + m->size);
  CHECK(m->num_customs == 1 && wasm_module_custom(m, "name") &&
        !wasm_module_custom(m, "nope"));
  CHECK(name_is(m->names.module, "m") && m->names.num_funcs == 2 &&
        m->names.funcs[0].len == 0 && name_is(m->names.funcs[1], "add"));
  CHECK(m->names.num_locals == 1 && m->names.locals[0].func_index == 1 &&
        name_is(m->names.locals[0].name, "a"));
  /* index spaces */
  CHECK(wasm_module_num_all_funcs(m) == 2);
  CHECK(wasm_module_func_type(m, 0) == &m->types[0] &&
        wasm_module_func_type(m, 1) == &m->types[0]);
  CHECK(wasm_module_memory_type(m, 0).limits.min == 1);
  CHECK(wasm_module_import_of_kind(m, WASM_EXTERN_MEMORY, 0) == &m->imports[1]);
  CHECK(!wasm_module_import_of_kind(m, WASM_EXTERN_TABLE, 0));
  CHECK(wasm_functype_equal(&m->types[0], wasm_module_func_type(m, 1)));

  /* the body through the code reader */
  wasm_code_reader r;
  wasm_code_reader_init(&r, m, 0);
  wasm_instr in;
  wasm_opcode want[] = {WASM_OP_LOCAL_GET, WASM_OP_LOCAL_GET, WASM_OP_I32_ADD,
                        WASM_OP_END};
  for (int i = 0; i < 4; i++) {
    CHECK(!wasm_code_reader_done(&r));
    CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == want[i]);
    if (i == 1)
      CHECK(in.imm.index == 1);
  }
  CHECK(wasm_code_reader_done(&r));
  wasm_code_reader_free(&r);
  wasm_module_free(m);
}

/* ------------------------------------------------------ malformed cases */

typedef struct bad_case {
  const char *what;
  uint8_t bytes[64];
  uint32_t size;
  const char *message; /* expected prefix */
  uint32_t offset;
} bad_case;

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00
#define BAD(what, msg, off, ...)                                               \
  { what, {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__}), msg, off }

static const bad_case bad_cases[] = {
    BAD("empty", "unexpected end", 0, 0x00),
    BAD("bad magic", "magic header not detected", 0, 0x00, 0x61, 0x73, 0x6E, 1,
        0, 0, 0),
    BAD("bad version", "unknown binary version", 4, 0x00, 0x61, 0x73, 0x6D, 2,
        0, 0, 0),
    BAD("section id", "malformed section id", 8, HDR, 0x0D, 0x00),
    BAD("section too long", "length out of bounds", 9, HDR, 0x01, 0x05, 0x00),
    BAD("size mismatch", "section size mismatch", 10, HDR, 0x01, 0x02, 0x00,
        0x00),
    BAD("u32 too long", "integer representation too long", 17, HDR, 0x05, 0x07,
        0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00),
    BAD("u32 too large", "integer too large", 16, HDR, 0x05, 0x06, 0x01, 0x00,
        0x82, 0x80, 0x80, 0x80, 0x10),
    BAD("limits flag", "integer too large", 11, HDR, 0x05, 0x03, 0x01, 0x02,
        0x00),
    BAD("duplicate section", "unexpected content after last section", 11, HDR,
        0x01, 0x01, 0x00, 0x01, 0x01, 0x00),
    BAD("out of order", "unexpected content after last section", 11, HDR, 0x03,
        0x01, 0x00, 0x01, 0x01, 0x00),
    BAD("bad utf8", "malformed UTF-8 encoding", 10, HDR, 0x00, 0x02, 0x01,
        0xFF),
    BAD("import kind", "malformed import kind", 15, HDR, 0x02, 0x06, 0x01, 0x01,
        'a', 0x01, 'b', 0x04),
    BAD("mutability", "malformed mutability", 12, HDR, 0x06, 0x06, 0x01, 0x7F,
        0x02, 0x41, 0x00, 0x0B),
    BAD("func without code", "function and code section have inconsistent", 18,
        HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00),
    BAD("data count", "data count and data section have inconsistent", 11, HDR,
        0x0C, 0x01, 0x01),
    BAD("memory.size byte", "zero byte expected", 24, HDR, 0x01, 0x04, 0x01,
        0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x07, 0x01, 0x05, 0x00,
        0x3F, 0x01, 0x1A, 0x0B),
    BAD("illegal opcode", "illegal opcode", 23, HDR, 0x01, 0x04, 0x01, 0x60,
        0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x05, 0x01, 0x03, 0x00, 0xFF,
        0x0B),
    BAD("else outside if", "END opcode expected", 23, HDR, 0x01, 0x04, 0x01,
        0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x05, 0x01, 0x03, 0x00,
        0x05, 0x0B),
    BAD("missing end", "unexpected end", 26, HDR, 0x01, 0x04, 0x01, 0x60, 0x00,
        0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x02, 0x40,
        0x0B),
    BAD("too many locals", "too many locals", 22, HDR, 0x01, 0x04, 0x01, 0x60,
        0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x0A, 0x01, 0x08, 0x01, 0xFF,
        0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B),
    BAD("data.drop without data count", "data count section required", 32, HDR,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x07,
        0x01, 0x05, 0x00, 0xFC, 0x09, 0x00, 0x0B, 0x0B, 0x03, 0x01, 0x01, 0x00),
    BAD("elem kind", "malformed element kind", 12, HDR, 0x09, 0x04, 0x01, 0x01,
        0x01, 0x00),
    BAD("elem reftype", "malformed reference type", 12, HDR, 0x09, 0x04, 0x01,
        0x05, 0x7F, 0x00),
    BAD("custom name past section", "unexpected end", 11, HDR, 0x00, 0x00,
        0x00),
    BAD("type form", "integer representation too long", 12, HDR, 0x01, 0x05,
        0x01, 0xE0, 0x7F, 0x00, 0x00),
};

static void test_malformed(void) {
  for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
    const bad_case *c = &bad_cases[i];
    wasm_module *m = (wasm_module *)1;
    wasm_error err;
    memset(&err, 0, sizeof err);
    bool ok = wasm_module_decode(c->bytes, c->size, 0, &m, &err);
    bool right = !ok && m == NULL && err.kind == WASM_ERR_MALFORMED &&
                 strncmp(err.message, c->message, strlen(c->message)) == 0 &&
                 err.offset == c->offset;
    if (!right) {
      fprintf(stderr, "case '%s': want '%s' @%u, got %s '%s' @%u\n", c->what,
              c->message, c->offset, ok ? "success" : "error", err.message,
              err.offset);
      failures++;
      if (ok)
        wasm_module_free(m);
    }
  }
}

/* A declared count of 2^32-1 items in a tiny module fails at once, before
 * allocating anything of that size. */
static void test_huge_counts(void) {
  static const uint8_t kinds[] = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11};
  for (size_t i = 0; i < sizeof kinds; i++) {
    buf o, p = {.n = 0};
    header(&o);
    PUT(&p, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F);
    section(&o, kinds[i], &p);
    wasm_module *m;
    wasm_error err;
    clock_t t0 = clock();
    CHECK(!decode(&o, 0, &m, &err));
    CHECK(!strcmp(err.message, "length out of bounds") && err.offset == 10);
    CHECK(clock() - t0 < CLOCKS_PER_SEC / 10);
  }
  /* the same for a br_table target count */
  buf o;
  header(&o);
  PUT(&o, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00);
  PUT(&o, 0x0A, 0x0A, 0x01, 0x08, 0x00, 0x0E, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,
      0x0B);
  wasm_module *m;
  wasm_error err;
  CHECK(!decode(&o, 0, &m, &err));
  CHECK(!strcmp(err.message, "length out of bounds"));
}

/* ------------------------------------------------------ element forms */

static void test_elem_encodings(void) {
  buf o, p = {.n = 0};
  header(&o);
  PUT(&p, 0x08);
  PUT(&p, 0x00, 0x41, 0x01, 0x0B, 0x01, 0x07);             /* 0 */
  PUT(&p, 0x01, 0x00, 0x02, 0x03, 0x04);                   /* 1 */
  PUT(&p, 0x02, 0x02, 0x41, 0x05, 0x0B, 0x00, 0x00);       /* 2 */
  PUT(&p, 0x03, 0x00, 0x01, 0x09);                         /* 3 */
  PUT(&p, 0x04, 0x23, 0x00, 0x0B, 0x01, 0xD2, 0x06, 0x0B); /* 4 */
  PUT(&p, 0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B);             /* 5 */
  PUT(&p, 0x06, 0x01, 0x41, 0x00, 0x0B, 0x70, 0x00);       /* 6 */
  PUT(&p, 0x07, 0x70, 0x01, 0xD2, 0x02, 0x0B);             /* 7 */
  section(&o, 9, &p);
  wasm_module *m;
  wasm_error err;
  CHECK(decode(&o, 0, &m, &err));
  if (!m)
    return;
  const wasm_elem *e = m->elems;
  CHECK(m->num_elems == 8);
  CHECK(e[0].mode == WASM_SEGMENT_ACTIVE && e[0].table_index == 0 &&
        e[0].offset.u.i32 == 1 && e[0].items[0].u.func_index == 7 &&
        e[0].elem_type == WASM_FUNCREF);
  CHECK(e[1].mode == WASM_SEGMENT_PASSIVE && e[1].num_items == 2 &&
        e[1].items[1].op == WASM_CONST_REF_FUNC &&
        e[1].items[1].u.func_index == 4);
  CHECK(e[2].mode == WASM_SEGMENT_ACTIVE && e[2].table_index == 2 &&
        e[2].offset.u.i32 == 5 && e[2].num_items == 0);
  CHECK(e[3].mode == WASM_SEGMENT_DECLARATIVE &&
        e[3].items[0].u.func_index == 9);
  CHECK(e[4].mode == WASM_SEGMENT_ACTIVE &&
        e[4].offset.op == WASM_CONST_GLOBAL_GET &&
        e[4].items[0].op == WASM_CONST_REF_FUNC &&
        e[4].items[0].u.func_index == 6);
  CHECK(e[5].mode == WASM_SEGMENT_PASSIVE && e[5].elem_type == WASM_EXTERNREF &&
        e[5].items[0].op == WASM_CONST_REF_NULL &&
        e[5].items[0].u.ref_type == WASM_EXTERNREF);
  CHECK(e[6].table_index == 1 && e[6].elem_type == WASM_FUNCREF &&
        e[6].num_items == 0);
  CHECK(e[7].mode == WASM_SEGMENT_DECLARATIVE &&
        e[7].items[0].u.func_index == 2);
  wasm_module_free(m);
}

/* Non-constant or several instructions are kept as markers for the
 * validator ("constant expression required" / "type mismatch"). */
static void test_constexpr_markers(void) {
  buf o, p = {.n = 0};
  header(&o);
  PUT(&p, 0x03);
  PUT(&p, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B); /* i32.add */
  PUT(&p, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0B);       /* two consts */
  PUT(&p, 0x7F, 0x00, 0x0B);                               /* empty */
  section(&o, 6, &p);
  wasm_module *m;
  wasm_error err;
  CHECK(decode(&o, 0, &m, &err));
  if (!m)
    return;
  CHECK(m->globals[0].init.op == WASM_CONST_INVALID &&
        m->globals[0].init.offset == 17);
  CHECK(m->globals[1].init.op == WASM_CONST_ARITY);
  CHECK(m->globals[2].init.op == WASM_CONST_ARITY);
  wasm_module_free(m);
}

/* ------------------------------------------------------- instructions */

static void test_code_reader_immediates(void) {
  buf o, p = {.n = 0};
  header(&o);
  PUT(&o, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00);
  PUT(&p, 0x01, 0x00, 0x00);                         /* size patched */
  PUT(&p, 0x0E, 0x02, 0x00, 0x01, 0x02);             /* br_table 0 1 2 */
  PUT(&p, 0x28, 0x02, 0x90, 0x03);                   /* i32.load 2 400 */
  PUT(&p, 0x42, 0x7F);                               /* i64.const -1 */
  PUT(&p, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F);       /* f64.const 1 */
  PUT(&p, 0xFD, 0x15, 0x0F);                         /* extract_lane 15 */
  PUT(&p, 0xFC, 0x0E, 0x03, 0x04);                   /* table.copy 3 4 */
  PUT(&p, 0x1C, 0x01, 0x7D);                         /* select f32 */
  PUT(&p, 0x11, 0x05, 0x01);                         /* call_indirect */
  PUT(&p, 0x02, 0x40, 0x0B, 0x04, 0x7F, 0x05, 0x0B); /* block; if else */
  PUT(&p, 0xFD, 0x0D, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31);
  PUT(&p, 0x0B);
  p.b[1] = (uint8_t)(p.n - 2);
  section(&o, 10, &p);
  wasm_module *m;
  wasm_error err;
  CHECK(decode(&o, 0, &m, &err));
  if (!m) {
    fprintf(stderr, "  decode error: %s @%u\n", err.message, err.offset);
    return;
  }
  wasm_code_reader r;
  wasm_code_reader_init(&r, m, 0);
  wasm_instr in;
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_BR_TABLE &&
        in.imm.br_table.num_targets == 2 && in.imm.br_table.targets[1] == 1 &&
        in.imm.br_table.default_target == 2);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_I32_LOAD &&
        in.imm.memarg.align_log2 == 2 && in.imm.memarg.offset == 400);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.imm.i64 == -1);
  CHECK(wasm_code_reader_next(&r, &in, &err) &&
        in.imm.f64_bits == 0x3FF0000000000000ull);
  CHECK(wasm_code_reader_next(&r, &in, &err) &&
        in.op == WASM_OP_I8X16_EXTRACT_LANE_S && in.imm.lane == 15);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_TABLE_COPY &&
        in.imm.copy.dst == 3 && in.imm.copy.src == 4);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_SELECT_T &&
        in.imm.select.count == 1 && in.imm.select.type == WASM_F32);
  CHECK(wasm_code_reader_next(&r, &in, &err) &&
        in.op == WASM_OP_CALL_INDIRECT &&
        in.imm.call_indirect.type_index == 5 &&
        in.imm.call_indirect.table_index == 1);
  CHECK(wasm_code_reader_next(&r, &in, &err) &&
        in.imm.block.kind == WASM_BLOCK_EMPTY);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_END);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_IF &&
        in.imm.block.kind == WASM_BLOCK_VALUE &&
        in.imm.block.value == WASM_I32);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_ELSE);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_END);
  CHECK(wasm_code_reader_next(&r, &in, &err) &&
        in.op == WASM_OP_I8X16_SHUFFLE && in.imm.shuffle[15] == 31);
  CHECK(wasm_code_reader_next(&r, &in, &err) && in.op == WASM_OP_END);
  CHECK(wasm_code_reader_done(&r));
  /* past the end: an error, never a read out of range */
  CHECK(!wasm_code_reader_next(&r, &in, &err) &&
        !strncmp(err.message, "unexpected end", 14));
  wasm_code_reader_free(&r);
  wasm_module_free(m);
}

/* -------------------------------------------------- leniency and flags */

static void test_bad_name_section_ignored(void) {
  buf o, p = {.n = 0};
  header(&o);
  put_name(&p, "name");
  PUT(&p, 0x01, 0x09, 0x05, 0x00); /* claims 5 names, has none */
  section(&o, 0, &p);
  wasm_module *m;
  wasm_error err;
  CHECK(decode(&o, 0, &m, &err));
  if (!m)
    return;
  CHECK(m->names.num_funcs == 0 && m->names.module.len == 0 &&
        m->num_customs == 1);
  wasm_module_free(m);
}

static void test_no_code_flag(void) {
  buf o;
  header(&o);
  PUT(&o, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00);
  wasm_module *m;
  wasm_error err;
  CHECK(!decode(&o, 0, &m, &err) && m == NULL);
  CHECK(decode(&o, WASM_DECODE_NO_CODE, &m, &err) && m->num_funcs == 1);
  wasm_module_free(m);
}

static void test_utf8(void) {
  CHECK(wasm_utf8_valid((const uint8_t *)"abc", 3));
  CHECK(wasm_utf8_valid((const uint8_t *)"\xE2\x8C\xA3", 3));
  CHECK(wasm_utf8_valid((const uint8_t *)"\xF4\x8F\xBF\xBF", 4));
  CHECK(!wasm_utf8_valid((const uint8_t *)"\xC0\x80", 2));     /* overlong */
  CHECK(!wasm_utf8_valid((const uint8_t *)"\xED\xA0\x80", 3)); /* surrogate */
  CHECK(!wasm_utf8_valid((const uint8_t *)"\xF4\x90\x80\x80", 4));
  CHECK(!wasm_utf8_valid((const uint8_t *)"\xE2\x8C", 2)); /* truncated */
}

/* Every truncation of a good module must fail cleanly (or succeed when it
 * ends on a section boundary), never read out of range. */
static void test_truncations(void) {
  buf o;
  build_full(&o);
  for (uint32_t n = 0; n < o.n; n++) {
    wasm_module *m;
    wasm_error err;
    if (wasm_module_decode(o.b, n, 0, &m, &err))
      wasm_module_free(m);
    else
      CHECK(err.kind == WASM_ERR_MALFORMED && err.message[0]);
  }
}

int main(void) {
  test_full_module();
  test_malformed();
  test_huge_counts();
  test_elem_encodings();
  test_constexpr_markers();
  test_code_reader_immediates();
  test_bad_name_section_ignored();
  test_no_code_flag();
  test_utf8();
  test_truncations();
  if (failures) {
    fprintf(stderr, "test_decode: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_decode: all passed\n");
  return 0;
}
