/* test_validate.c — the validator on hand-made binary modules: each case is
 * a set of sections (hex) plus function bodies, decoded and validated; the
 * case states whether validation must pass or the expected message prefix
 * (the spec suite's wording). */
#include "wasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
  uint8_t *b;
  size_t n, cap;
} buf;

static void put(buf *o, uint8_t byte) {
  if (o->n == o->cap) {
    o->cap = o->cap ? o->cap * 2 : 256;
    o->b = realloc(o->b, o->cap);
    if (!o->b) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
  }
  o->b[o->n++] = byte;
}

static void put_bytes(buf *o, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    put(o, p[i]);
}

static void put_leb(buf *o, uint32_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    put(o, v ? byte | 0x80 : byte);
  } while (v);
}

/* Appends bytes written as hex pairs; spaces are ignored. */
static void put_hex(buf *o, const char *h) {
  while (*h) {
    if (*h == ' ') {
      h++;
      continue;
    }
    unsigned v;
    if (sscanf(h, "%2x", &v) != 1) {
      fprintf(stderr, "bad hex: %s\n", h);
      exit(2);
    }
    put(o, (uint8_t)v);
    h += 2;
  }
}

static void put_section(buf *o, uint8_t id, const buf *content) {
  put(o, id);
  put_leb(o, (uint32_t)content->n);
  put_bytes(o, content->b, content->n);
}

#define MAX_BODIES 3

typedef struct tcase {
  const char *name;
  const char *sec[13]; /* contents by section id (10, code, comes from body) */
  const char *body[MAX_BODIES]; /* locals + code, one per function */
  const char *expect;           /* NULL: valid; else message prefix */
} tcase;

/* Sections in binary order; data count (12) goes before code. */
static const uint8_t section_order[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11};

static void build_code(buf *o, const char *const *bodies, const buf *big) {
  buf code = {0};
  uint32_t n = 0;
  while (n < MAX_BODIES && bodies[n])
    n++;
  put_leb(&code, n + (big ? 1 : 0));
  for (uint32_t i = 0; i < n; i++) {
    buf body = {0};
    put_hex(&body, bodies[i]);
    put_leb(&code, (uint32_t)body.n);
    put_bytes(&code, body.b, body.n);
    free(body.b);
  }
  if (big) {
    put_leb(&code, (uint32_t)big->n);
    put_bytes(&code, big->b, big->n);
  }
  put_section(o, 10, &code);
  free(code.b);
}

/* Builds the module; `big` is an extra raw body appended last (or NULL). */
static buf build(const tcase *t, const buf *big) {
  buf o = {0};
  put_hex(&o, "0061736d 01000000");
  for (size_t i = 0; i < sizeof section_order; i++) {
    uint8_t id = section_order[i];
    if (id == 10) {
      if (t->body[0] || big)
        build_code(&o, t->body, big);
      continue;
    }
    if (!t->sec[id])
      continue;
    buf content = {0};
    put_hex(&content, t->sec[id]);
    put_section(&o, id, &content);
    free(content.b);
  }
  return o;
}

static int failures;

static void check_module(const char *name, const buf *bytes,
                         const char *expect) {
  wasm_module *m = NULL;
  wasm_error err = {0};
  if (!wasm_module_decode(bytes->b, bytes->n, 0, &m, &err)) {
    printf("FAIL %s: decode failed: %s @%u\n", name, err.message, err.offset);
    failures++;
    return;
  }
  bool ok = wasm_module_validate(m, &err);
  if (!expect && !ok) {
    printf("FAIL %s: expected valid, got \"%s\" @%u\n", name, err.message,
           err.offset);
    failures++;
  } else if (expect && ok) {
    printf("FAIL %s: expected \"%s\", validated\n", name, expect);
    failures++;
  } else if (expect && strncmp(err.message, expect, strlen(expect)) != 0) {
    printf("FAIL %s: expected \"%s\", got \"%s\"\n", name, expect, err.message);
    failures++;
  } else if (expect && err.kind != WASM_ERR_INVALID) {
    printf("FAIL %s: error kind %s\n", name, wasm_error_kind_str(err.kind));
    failures++;
  }
  wasm_module_free(m);
}

static void run_case(const tcase *t) {
  buf b = build(t, NULL);
  check_module(t->name, &b, t->expect);
  free(b.b);
}

/* Common sections. */
#define T_VOID "01 60 00 00"        /* type 0: [] -> [] */
#define T_I32_VOID "01 60 01 7f 00" /* type 0: [i32] -> [] */
#define T_VOID_I32 "01 60 00 01 7f" /* type 0: [] -> [i32] */
#define F1 "01 00"                  /* one function of type 0 */
#define MEM1 "01 00 01"             /* memory 1 */
#define V128_ZERO "fd 0c 00000000 00000000 00000000 00000000"

static const tcase cases[] = {
    {"empty module", {0}, {0}, NULL},
    {"empty function", {[1] = T_VOID, [3] = F1}, {"00 0b"}, NULL},
    {"i32.add of params",
     {[1] = "01 60 02 7f 7f 01 7f", [3] = F1},
     {"00 20 00 20 01 6a 0b"},
     NULL},
    {"result type mismatch",
     {[1] = "01 60 01 7f 01 7e", [3] = F1},
     {"00 20 00 0b"},
     "type mismatch"},
    {"operand type mismatch",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 43 00000000 6a 1a 0b"},
     "type mismatch"},
    {"missing result",
     {[1] = T_VOID_I32, [3] = F1},
     {"00 0b"},
     "type mismatch"},
    {"extra value at end",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 0b"},
     "type mismatch"},
    {"polymorphic after unreachable",
     {[1] = T_VOID, [3] = F1},
     {"00 00 6a 1a 0b"},
     NULL},
    {"polymorphic after return",
     {[1] = T_VOID_I32, [3] = F1},
     {"00 41 00 0f 6a 0b"},
     NULL},
    {"return type mismatch",
     {[1] = T_VOID_I32, [3] = F1},
     {"00 42 00 0f 0b"},
     "type mismatch"},
    {"empty block with result",
     {[1] = T_VOID, [3] = F1},
     {"00 02 7f 0b 1a 0b"},
     "type mismatch"},
    {"extra value in block",
     {[1] = T_VOID, [3] = F1},
     {"00 02 40 41 00 0b 0b"},
     "type mismatch"},
    {"br unknown label",
     {[1] = T_VOID, [3] = F1},
     {"00 0c 01 0b"},
     "unknown label"},
    {"br_if passes values",
     {[1] = T_VOID, [3] = F1},
     {"00 02 7f 41 01 41 00 0d 00 0b 1a 0b"},
     NULL},
    {"br_table arity differs",
     {[1] = T_VOID, [3] = F1},
     {"00 02 7f 02 40 41 00 41 00 0e 01 00 01 0b 0b 1a 0b"},
     "type mismatch"},
    {"br_table unreachable, label types differ",
     {[1] = T_VOID, [3] = F1},
     {"00 02 7f 02 7d 00 0e 01 00 01 0b 1a 41 00 0b 1a 0b"},
     NULL},
    {"br_table reachable, label types differ",
     {[1] = T_VOID, [3] = F1},
     {"00 02 7f 02 7d 41 00 41 00 0e 01 00 01 0b 1a 41 00 0b 1a 0b"},
     "type mismatch"},
    {"br_table unknown label",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 0e 01 05 00 0b"},
     "unknown label"},
    {"if without else, result",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 04 7f 41 01 0b 1a 0b"},
     "type mismatch"},
    {"if with else",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 04 7f 41 01 05 41 02 0b 1a 0b"},
     NULL},
    {"if without else, params = results",
     {[1] = "02 60 00 00 60 01 7f 01 7f", [3] = F1},
     {"00 41 05 41 00 04 01 0b 1a 0b"},
     NULL},
    {"if condition type",
     {[1] = T_VOID, [3] = F1},
     {"00 42 00 04 40 0b 0b"},
     "type mismatch"},
    {"multi-value block",
     {[1] = "02 60 00 00 60 01 7f 02 7f 7f", [3] = F1},
     {"00 41 05 02 01 41 01 0b 1a 1a 0b"},
     NULL},
    {"multi-value block param missing",
     {[1] = "02 60 00 00 60 01 7f 02 7f 7f", [3] = F1},
     {"00 02 01 41 01 0b 1a 1a 0b"},
     "type mismatch"},
    {"block unknown type",
     {[1] = T_VOID, [3] = F1},
     {"00 02 05 0b 0b"},
     "unknown type"},
    {"loop label carries params",
     {[1] = "02 60 00 00 60 01 7f 01 7f", [3] = F1},
     {"00 41 05 03 01 0c 00 0b 1a 0b"},
     NULL},
    {"untyped select on funcref",
     {[1] = T_VOID, [3] = F1},
     {"00 d0 70 d0 70 41 00 1b 1a 0b"},
     "type mismatch"},
    {"untyped select operand types differ",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 42 00 41 00 1b 1a 0b"},
     "type mismatch"},
    {"typed select on funcref",
     {[1] = T_VOID, [3] = F1},
     {"00 d0 70 d0 70 41 00 1c 01 70 1a 0b"},
     NULL},
    {"untyped select, unreachable",
     {[1] = T_VOID, [3] = F1},
     {"00 00 1b 1a 0b"},
     NULL},
    {"local in range",
     {[1] = T_I32_VOID, [3] = F1},
     {"01 02 7e 20 02 50 1a 0b"},
     NULL},
    {"unknown local",
     {[1] = T_I32_VOID, [3] = F1},
     {"01 02 7e 20 03 1a 0b"},
     "unknown local 3"},
    {"local.set type",
     {[1] = T_I32_VOID, [3] = F1},
     {"01 02 7e 41 00 21 01 0b"},
     "type mismatch"},
    {"immutable global.set",
     {[1] = T_VOID, [3] = F1, [6] = "01 7f 00 41 00 0b"},
     {"00 41 01 24 00 0b"},
     "global is immutable"},
    {"mutable global.set",
     {[1] = T_VOID, [3] = F1, [6] = "01 7f 01 41 00 0b"},
     {"00 41 01 24 00 0b"},
     NULL},
    {"unknown global in code",
     {[1] = T_VOID, [3] = F1, [6] = "01 7f 01 41 00 0b"},
     {"00 23 01 1a 0b"},
     "unknown global 1"},
    {"alignment too large",
     {[1] = T_VOID, [3] = F1, [5] = MEM1},
     {"00 41 00 28 03 00 1a 0b"},
     "alignment must not be larger than natural"},
    {"natural alignment",
     {[1] = T_VOID, [3] = F1, [5] = MEM1},
     {"00 41 00 28 02 00 1a 0b"},
     NULL},
    {"load without memory",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 28 02 00 1a 0b"},
     "unknown memory 0"},
    {"memory.grow without memory",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 40 00 1a 0b"},
     "unknown memory"},
    {"lane 15 of i8x16",
     {[1] = T_VOID, [3] = F1},
     {"00 " V128_ZERO " fd 15 0f 1a 0b"},
     NULL},
    {"lane 16 of i8x16",
     {[1] = T_VOID, [3] = F1},
     {"00 " V128_ZERO " fd 15 10 1a 0b"},
     "invalid lane index"},
    {"shuffle lane 32",
     {[1] = T_VOID, [3] = F1},
     {"00 " V128_ZERO " " V128_ZERO
      " fd 0d 00010203 04050607 08090a0b 0c0d0e20 1a 0b"},
     "invalid lane index"},
    {"v128 arithmetic",
     {[1] = T_VOID, [3] = F1},
     {"00 " V128_ZERO " " V128_ZERO " fd 6e 1a 0b"},
     NULL},
    {"v128 operand type",
     {[1] = T_VOID, [3] = F1},
     {"00 " V128_ZERO " 41 00 fd 6e 1a 0b"},
     "type mismatch"},
    {"unknown function",
     {[1] = T_VOID, [3] = F1},
     {"00 10 05 0b"},
     "unknown function 5"},
    {"call argument type",
     {[1] = T_I32_VOID, [3] = F1},
     {"00 43 00000000 10 00 0b"},
     "type mismatch"},
    {"call ok", {[1] = T_I32_VOID, [3] = F1}, {"00 41 07 10 00 0b"}, NULL},
    {"call_indirect without table",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 11 00 00 0b"},
     "unknown table 0"},
    {"call_indirect unknown type",
     {[1] = T_VOID, [3] = F1, [4] = "01 70 00 01"},
     {"00 41 00 11 07 00 0b"},
     "unknown type"},
    {"call_indirect ok",
     {[1] = T_VOID, [3] = F1, [4] = "01 70 00 01"},
     {"00 41 00 11 00 00 0b"},
     NULL},
    {"undeclared function reference",
     {[1] = T_VOID, [3] = F1},
     {"00 d2 00 1a 0b"},
     "undeclared function reference"},
    {"ref.func declared by export",
     {[1] = T_VOID, [3] = F1, [7] = "01 01 66 00 00"},
     {"00 d2 00 1a 0b"},
     NULL},
    {"ref.func declared by declarative elem",
     {[1] = T_VOID, [3] = F1, [9] = "01 03 00 01 00"},
     {"00 d2 00 1a 0b"},
     NULL},
    {"ref.is_null of i32",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 d1 1a 0b"},
     "type mismatch"},
    {"memory.init unknown data segment",
     {[1] = T_VOID, [3] = F1, [5] = MEM1, [12] = "00"},
     {"00 41 00 41 00 41 00 fc 08 00 00 0b"},
     "unknown data segment 0"},
    {"table.init unknown table",
     {[1] = T_VOID, [3] = F1, [9] = "01 01 00 01 00", [12] = NULL},
     {"00 41 00 41 00 41 00 fc 0c 00 00 0b"},
     "unknown table 0"},
    {"elem.drop unknown segment",
     {[1] = T_VOID, [3] = F1},
     {"00 fc 0d 02 0b"},
     "unknown elem segment 2"},
    {"table.copy element types differ",
     {[1] = T_VOID, [3] = F1, [4] = "02 70 00 00 6f 00 00"},
     {"00 41 00 41 00 41 00 fc 0e 00 01 0b"},
     "type mismatch"},
    {"table.get/set",
     {[1] = T_VOID, [3] = F1, [4] = "01 6f 00 00"},
     {"00 41 00 41 00 25 00 26 00 0b"},
     NULL},
    {"table.set type",
     {[1] = T_VOID, [3] = F1, [4] = "01 6f 00 00"},
     {"00 41 00 d0 70 26 00 0b"},
     "type mismatch"},
    {"start function type",
     {[1] = T_I32_VOID, [3] = F1, [8] = "00"},
     {"00 0b"},
     "start function"},
    {"start function ok",
     {[1] = T_VOID, [3] = F1, [8] = "00"},
     {"00 0b"},
     NULL},
    {"duplicate export name",
     {[1] = T_VOID, [3] = F1, [7] = "02 01 61 00 00 01 61 00 00"},
     {"00 0b"},
     "duplicate export name"},
    {"distinct export names",
     {[1] = T_VOID, [3] = F1, [7] = "02 01 61 00 00 01 62 00 00"},
     {"00 0b"},
     NULL},
    {"export unknown function",
     {[1] = T_VOID, [3] = F1, [7] = "01 01 61 00 05"},
     {"00 0b"},
     "unknown function 5"},
    {"export unknown memory",
     {[7] = "01 01 61 02 00"},
     {0},
     "unknown memory 0"},
    {"function unknown type",
     {[1] = T_VOID, [3] = "01 03"},
     {"00 0b"},
     "unknown type"},
    {"memory too large",
     {[5] = "01 00 81 80 04"},
     {0},
     "memory size must be at most 65536 pages (4GiB)"},
    {"memory max too large",
     {[5] = "01 01 00 81 80 04"},
     {0},
     "memory size must be at most 65536 pages (4GiB)"},
    {"memory 65536 pages", {[5] = "01 01 00 80 80 04"}, {0}, NULL},
    {"memory min > max",
     {[5] = "01 01 02 01"},
     {0},
     "size minimum must not be greater than maximum"},
    {"multiple memories", {[5] = "02 00 01 00 01"}, {0}, "multiple memories"},
    {"imported and defined memory",
     {[2] = "01 01 6d 01 6d 02 00 01", [5] = MEM1},
     {0},
     "multiple memories"},
    {"table min > max",
     {[4] = "01 70 01 02 01"},
     {0},
     "size minimum must not be greater than maximum"},
    {"global init type", {[6] = "01 7f 00 42 00 0b"}, {0}, "type mismatch"},
    {"global init of defined global",
     {[6] = "02 7f 00 41 00 0b 7f 00 23 00 0b"},
     {0},
     "unknown global 0"},
    {"global init of mutable import",
     {[2] = "01 01 6d 01 67 03 7f 01", [6] = "01 7f 00 23 00 0b"},
     {0},
     "constant expression required"},
    {"global init of immutable import",
     {[2] = "01 01 6d 01 67 03 7f 00", [6] = "01 7f 00 23 00 0b"},
     {0},
     NULL},
    {"global init not constant",
     {[6] = "01 7f 00 41 00 41 00 6a 0b"},
     {0},
     "constant expression required"},
    {"global init ref.func declares",
     {[1] = T_VOID, [3] = F1, [6] = "01 70 00 d2 00 0b"},
     {"00 d2 00 1a 0b"},
     NULL},
    {"data without memory",
     {[11] = "01 00 41 00 0b 00"},
     {0},
     "unknown memory 0"},
    {"data offset type",
     {[5] = MEM1, [11] = "01 00 42 00 0b 00"},
     {0},
     "type mismatch"},
    {"elem into externref table",
     {[1] = T_VOID,
      [3] = F1,
      [4] = "01 6f 00 01",
      [9] = "01 00 41 00 0b 01 00"},
     {"00 0b"},
     "type mismatch"},
    {"elem unknown table",
     {[1] = T_VOID, [3] = F1, [9] = "01 00 41 00 0b 01 00"},
     {"00 0b"},
     "unknown table 0"},
    {"elem ok",
     {[1] = T_VOID,
      [3] = F1,
      [4] = "01 70 00 01",
      [9] = "01 00 41 00 0b 01 00"},
     {"00 0b"},
     NULL},
    {"typed select arity 0",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 41 00 41 00 1c 00 1a 0b"},
     "invalid result arity"},
    {"br_table multi-value",
     {[1] = "02 60 00 00 60 00 02 7f 7e", [3] = F1},
     {"00 02 01 02 01 41 00 42 00 41 00 0e 01 00 01 0b 0b 1a 1a 0b"},
     NULL},
    {"br_table multi-value type mismatch",
     {[1] = "02 60 00 00 60 00 02 7f 7e", [3] = F1},
     {"00 02 01 02 01 42 00 41 00 41 00 0e 01 00 01 0b 0b 1a 1a 0b"},
     "type mismatch"},
    {"else branch result type",
     {[1] = T_VOID, [3] = F1},
     {"00 41 00 04 7f 41 01 05 42 02 0b 1a 0b"},
     "type mismatch"},
    {"call_indirect on externref table",
     {[1] = T_VOID, [3] = F1, [4] = "01 6f 00 01"},
     {"00 41 00 11 00 00 0b"},
     "type mismatch"},
    {"data.drop unknown data segment",
     {[1] = T_VOID, [3] = F1, [12] = "00"},
     {"00 fc 09 00 0b"},
     "unknown data segment 0"},
    {"global ref.null type", {[6] = "01 70 00 d0 6f 0b"}, {0}, "type mismatch"},
    {"global init of two constants",
     {[6] = "01 7f 00 41 00 41 00 0b"},
     {0},
     "type mismatch"},
    {"export unknown global",
     {[7] = "01 01 61 03 00"},
     {0},
     "unknown global 0"},
    {"table.grow/fill/size",
     {[1] = T_VOID, [3] = F1, [4] = "01 70 00 00", [7] = "01 01 61 00 00"},
     {"00 d2 00 41 01 fc 0f 00 1a 41 00 d0 70 41 00 fc 11 00 fc 10 00 1a 0b"},
     NULL},
    {"second body invalid",
     {[1] = T_VOID, [3] = "02 00 00"},
     {"00 0b", "00 41 00 0b"},
     "type mismatch"},
};

/* Deep nesting and a long br_table stay fast and recursion-free. */
static void test_large_bodies(void) {
  enum { DEPTH = 200000 };
  tcase t = {"deep nesting",
             {[1] = "02 60 00 00 60 00 01 7f", [3] = "01 00"},
             {0},
             NULL};
  buf body = {0};
  put(&body, 0);
  for (int i = 0; i < DEPTH; i++) {
    put(&body, 0x02); /* block (result i32) */
    put(&body, 0x7f);
  }
  put(&body, 0x00); /* unreachable */
  put(&body, 0x41); /* i32.const 0 */
  put(&body, 0x00);
  put(&body, 0x0e); /* br_table over every label */
  put_leb(&body, DEPTH - 1);
  for (int i = 0; i < DEPTH - 1; i++)
    put_leb(&body, (uint32_t)i);
  put_leb(&body, 0);
  for (int i = 0; i < DEPTH; i++) {
    put(&body, 0x0b);
    if (i != DEPTH - 1) {
      put(&body, 0x1a); /* drop the block's result, push a fresh one */
      put(&body, 0x41);
      put(&body, 0x00);
    }
  }
  put(&body, 0x1a);
  put(&body, 0x0b);
  buf mod = build(&t, &body);
  check_module(t.name, &mod, NULL);
  free(mod.b);
  free(body.b);
}

/* Types beyond the implementation limit are refused as a resource limit,
 * not as invalid. */
static void test_arity_limit(void) {
  buf types = {0};
  put(&types, 1);
  put(&types, 0x60);
  put_leb(&types, 1001);
  for (int i = 0; i < 1001; i++)
    put(&types, 0x7f);
  put(&types, 0);
  buf mod = {0};
  put_hex(&mod, "0061736d 01000000");
  put_section(&mod, 1, &types);
  wasm_module *m = NULL;
  wasm_error err = {0};
  if (!wasm_module_decode(mod.b, mod.n, 0, &m, &err)) {
    printf("FAIL arity limit: decode: %s\n", err.message);
    failures++;
  } else if (wasm_module_validate(m, &err) || err.kind != WASM_ERR_RESOURCE) {
    printf("FAIL arity limit: not refused as a resource limit\n");
    failures++;
  }
  wasm_module_free(m);
  free(types.b);
  free(mod.b);
}

int main(void) {
  size_t n = sizeof cases / sizeof cases[0];
  for (size_t i = 0; i < n; i++)
    run_case(&cases[i]);
  test_large_bodies();
  test_arity_limit();
  printf("%zu cases + large bodies, %d failure(s)\n", n, failures);
  return failures ? 1 : 0;
}
