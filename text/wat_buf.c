/* A growable byte buffer with the LEB128 writers the encoder needs. An
 * allocation failure is remembered (oom) instead of reported per call, so
 * encoders check once at the end. */
#include "wat_internal.h"

#include <stdlib.h>
#include <string.h>

static bool reserve(wat_buf *b, size_t n) {
  if (b->oom)
    return false;
  if (b->len + n <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + n)
    cap *= 2;
  uint8_t *d = realloc(b->data, cap);
  if (!d) {
    b->oom = true;
    return false;
  }
  b->data = d, b->cap = cap;
  return true;
}

void wat_buf_byte(wat_buf *b, uint8_t v) {
  if (reserve(b, 1))
    b->data[b->len++] = v;
}

void wat_buf_bytes(wat_buf *b, const void *p, size_t n) {
  if (n && reserve(b, n)) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
  }
}

void wat_buf_u32(wat_buf *b, uint64_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    wat_buf_byte(b, (uint8_t)(byte | (v ? 0x80 : 0)));
  } while (v);
}

void wat_buf_s64(wat_buf *b, int64_t v) {
  for (;;) {
    uint8_t byte = v & 0x7F;
    v >>= 7; /* arithmetic shift: gcc/clang define it for signed values */
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    wat_buf_byte(b, (uint8_t)(byte | (done ? 0 : 0x80)));
    if (done)
      return;
  }
}

void wat_buf_le(wat_buf *b, uint64_t v, unsigned nbytes) {
  for (unsigned i = 0; i < nbytes; i++)
    wat_buf_byte(b, (uint8_t)(v >> (8 * i)));
}

void wat_buf_name(wat_buf *b, const void *p, size_t n) {
  wat_buf_u32(b, n);
  wat_buf_bytes(b, p, n);
}

void wat_buf_free(wat_buf *b) {
  free(b->data);
  *b = (wat_buf){0};
}
