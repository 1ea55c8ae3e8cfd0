/* strip_custom.c — see strip_custom.h. */
#include "strip_custom.h"

#include <stdbool.h>
#include <string.h>

static bool read_leb(const uint8_t *p, size_t len, size_t *pos, uint32_t *v) {
  *v = 0;
  for (unsigned shift = 0; *pos < len && shift < 35; shift += 7) {
    uint8_t b = p[(*pos)++];
    *v |= (uint32_t)(b & 0x7F) << shift;
    if (!(b & 0x80))
      return true;
  }
  return false;
}

size_t strip_custom(uint8_t *p, size_t len) {
  if (len < 8)
    return len;
  size_t in = 8, out = 8;
  while (in < len) {
    size_t start = in;
    uint8_t id = p[in++];
    uint32_t size;
    if (!read_leb(p, len, &in, &size) || size > len - in)
      return len;
    in += size;
    if (id != 0) {
      memmove(p + out, p + start, in - start);
      out += in - start;
    }
  }
  return out;
}
