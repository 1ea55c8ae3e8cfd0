/* leb.h — private inline readers for the binary format: bytes, LEB128
 * integers and length prefixes, over a bounded cursor.
 *
 * The LEB128 rules follow the spec exactly: an N-bit integer takes at most
 * ceil(N/7) bytes ("integer representation too long"), and the unused bits
 * of the last byte must be zero, or copies of the sign bit for signed
 * integers ("integer too large"). */
#ifndef WASM_LEB_H
#define WASM_LEB_H

#include "wasm.h"

#include <stdint.h>
#include <string.h>

/* Reads bytes [pos, end) of base. `end` is where reading must stop. */
typedef struct wasm_cursor {
  const uint8_t *base;
  uint32_t pos, end;
} wasm_cursor;

#define WASM_MSG_EOS "unexpected end of section or function"

/* Reports a malformed module. Returns a literal false (not the result of
 * wasm_error_set, defined elsewhere) so the compiler can see that a true
 * return always comes with the output written. */
static inline bool wasm_malformed(wasm_error *err, uint32_t offset,
                                  const char *msg) {
  wasm_error_set(err, WASM_ERR_MALFORMED, offset, "%s", msg);
  return false;
}

static inline bool wasm_eos(const wasm_cursor *c, wasm_error *err) {
  return wasm_malformed(err, c->pos, WASM_MSG_EOS);
}

static inline bool wasm_read_u8(wasm_cursor *c, uint8_t *out, wasm_error *err) {
  if (c->pos >= c->end)
    return wasm_eos(c, err);
  *out = c->base[c->pos++];
  return true;
}

static inline bool wasm_read_bytes(wasm_cursor *c, uint32_t n,
                                   const uint8_t **out, wasm_error *err) {
  if (n > c->end - c->pos)
    return wasm_eos(c, err);
  *out = c->base + c->pos;
  c->pos += n;
  return true;
}

/* Unsigned LEB128 of `bits` bits (1..64). */
static inline bool wasm_read_uleb(wasm_cursor *c, int bits, uint64_t *out,
                                  wasm_error *err) {
  uint64_t x = 0;
  unsigned shift = 0;
  for (int n = bits;; n -= 7, shift += 7) {
    if (n <= 0)
      return wasm_malformed(err, c->pos, "integer representation too long");
    uint8_t b;
    if (!wasm_read_u8(c, &b, err))
      return false;
    if (n < 7 && (b & 0x7F) >= (1u << n))
      return wasm_malformed(err, c->pos - 1, "integer too large");
    x |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80))
      break;
  }
  *out = x;
  return true;
}

/* Signed LEB128 of `bits` bits (1..64), sign-extended to 64 bits. */
static inline bool wasm_read_sleb(wasm_cursor *c, int bits, int64_t *out,
                                  wasm_error *err) {
  uint64_t x = 0;
  unsigned shift = 0;
  for (int n = bits;; n -= 7) {
    if (n <= 0)
      return wasm_malformed(err, c->pos, "integer representation too long");
    uint8_t b;
    if (!wasm_read_u8(c, &b, err))
      return false;
    if (n < 7) {
      /* bits n-1..6 of the last byte: all zero or all one */
      uint8_t mask = (uint8_t)((0xFFu << (n - 1)) & 0x7F);
      if ((b & mask) != 0 && (b & mask) != mask)
        return wasm_malformed(err, c->pos - 1, "integer too large");
    }
    x |= (uint64_t)(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (shift < 64 && (b & 0x40))
        x |= ~(uint64_t)0 << shift;
      break;
    }
  }
  *out = (int64_t)x;
  return true;
}

static inline bool wasm_read_u32(wasm_cursor *c, uint32_t *out,
                                 wasm_error *err) {
  uint64_t v;
  if (!wasm_read_uleb(c, 32, &v, err))
    return false;
  *out = (uint32_t)v;
  return true;
}

static inline bool wasm_read_s32(wasm_cursor *c, int32_t *out,
                                 wasm_error *err) {
  int64_t v;
  if (!wasm_read_sleb(c, 32, &v, err))
    return false;
  *out = (int32_t)v;
  return true;
}

static inline bool wasm_read_s64(wasm_cursor *c, int64_t *out,
                                 wasm_error *err) {
  return wasm_read_sleb(c, 64, out, err);
}

/* A length or count that must not exceed what is left of the input: it
 * is checked against the bytes from the prefix's own start, as the spec's
 * reference decoder does, so a hostile count fails before any allocation
 * ("length out of bounds"). Every counted item takes at least one byte. */
static inline bool wasm_read_len(wasm_cursor *c, uint32_t *out,
                                 wasm_error *err) {
  uint32_t start = c->pos;
  if (!wasm_read_u32(c, out, err))
    return false;
  if (*out > c->end - start)
    return wasm_malformed(err, start, "length out of bounds");
  return true;
}

static inline bool wasm_read_fixed32(wasm_cursor *c, uint32_t *out,
                                     wasm_error *err) {
  const uint8_t *p;
  if (!wasm_read_bytes(c, 4, &p, err))
    return false;
  *out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
  return true;
}

static inline bool wasm_read_fixed64(wasm_cursor *c, uint64_t *out,
                                     wasm_error *err) {
  uint32_t lo, hi;
  if (!wasm_read_fixed32(c, &lo, err) || !wasm_read_fixed32(c, &hi, err))
    return false;
  *out = (uint64_t)hi << 32 | lo;
  return true;
}

#endif /* WASM_LEB_H */
