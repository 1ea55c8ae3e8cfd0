/* The opcode table (from wasm_opcodes.def) and lookups by encoding and by
 * text name. */
#include "wasm.h"

#include <string.h>

static const wasm_opcode_info opcode_infos[WASM_OP_COUNT] = {
#define WASM_OPCODE(id, prefix, code, name, imm, sig, extra)                   \
  [WASM_OP_##id] = {name,                                                      \
                    prefix,                                                    \
                    code,                                                      \
                    WASM_IMM_##imm,                                            \
                    sig,                                                       \
                    (extra)&0xFF,                                              \
                    ((extra) >> 8) & 0xFF},
#include "wasm_opcodes.def"
#undef WASM_OPCODE
};

const wasm_opcode_info *wasm_opcode_get(wasm_opcode op) {
  return (unsigned)op < WASM_OP_COUNT ? &opcode_infos[op] : NULL;
}

/* Dense maps from encoding to opcode; 0xFFFF marks a hole. Sub-opcodes of
 * both prefixes are below 0x100 in WebAssembly 2.0. */
#define NO_OP 0xFFFF
static uint16_t single_map[256], fc_map[256], fd_map[256];

static void build_maps(void) {
  memset(single_map, 0xFF, sizeof single_map);
  memset(fc_map, 0xFF, sizeof fc_map);
  memset(fd_map, 0xFF, sizeof fd_map);
  for (unsigned op = 0; op < WASM_OP_COUNT; op++) {
    const wasm_opcode_info *i = &opcode_infos[op];
    uint16_t *map = i->prefix == 0xFC   ? fc_map
                    : i->prefix == 0xFD ? fd_map
                                        : single_map;
    map[i->code] = (uint16_t)op;
  }
}

/* Built once; pthread_once keeps concurrent first calls safe. */
#include <pthread.h>
static pthread_once_t maps_once = PTHREAD_ONCE_INIT;

bool wasm_opcode_lookup(uint8_t prefix, uint32_t code, wasm_opcode *out) {
  pthread_once(&maps_once, build_maps);
  if (code > 0xFF)
    return false;
  const uint16_t *map = prefix == 0xFC   ? fc_map
                        : prefix == 0xFD ? fd_map
                        : prefix == 0    ? single_map
                                         : NULL;
  if (!map || map[code] == NO_OP)
    return false;
  /* The prefix bytes themselves are not instructions. */
  *out = (wasm_opcode)map[code];
  return true;
}

bool wasm_opcode_from_name(const char *name, size_t len, wasm_opcode *out) {
  /* Linear scan; callers that need speed (the text parser) cache this. */
  for (unsigned op = 0; op < WASM_OP_COUNT; op++) {
    const char *n = opcode_infos[op].name;
    if (strlen(n) == len && memcmp(n, name, len) == 0) {
      /* `select` names both the untyped and the typed form; the untyped
       * one comes first in the table, parsers pick select_t themselves. */
      *out = (wasm_opcode)op;
      return true;
    }
  }
  return false;
}
