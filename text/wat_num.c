/* Numeric literals of the text format: integers (decimal/hex, `_`
 * separators, sign rules) and floats (decimal via the correctly rounding C
 * library, hex floats rounded here by hand, inf, nan and nan payloads). */
#include "wat_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int digit_val(char c, bool hex) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (hex && c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of a digit run at s ("1_000"): `_` only between digits. 0 if
 * there is no digit at s or an underscore is misplaced. */
static size_t digit_run(const char *s, size_t len, bool hex) {
  size_t i = 0;
  while (i < len) {
    if (digit_val(s[i], hex) >= 0) {
      i++;
    } else if (s[i] == '_' && i > 0 && i + 1 < len &&
               digit_val(s[i + 1], hex) >= 0) {
      i++;
    } else {
      break;
    }
  }
  return i;
}

/* Unsigned magnitude of the whole string; false on junk or overflow. */
static bool parse_nat(const char *s, size_t len, uint64_t *out) {
  bool hex = len > 2 && s[0] == '0' && s[1] == 'x';
  if (hex)
    s += 2, len -= 2;
  if (len == 0 || digit_run(s, len, hex) != len)
    return false;
  uint64_t v = 0, base = hex ? 16 : 10;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '_')
      continue;
    uint64_t d = (uint64_t)digit_val(s[i], hex);
    if (v > (UINT64_MAX - d) / base)
      return false;
    v = v * base + d;
  }
  *out = v;
  return true;
}

bool wat_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out) {
  return len > 0 && s[0] != '+' && s[0] != '-' && parse_nat(s, len, out) &&
         *out <= max;
}

bool wat_parse_int(const char *s, size_t len, unsigned bits, uint64_t *out) {
  bool neg = len > 0 && s[0] == '-';
  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    s++, len--;
  uint64_t v;
  if (!parse_nat(s, len, &v))
    return false;
  uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  uint64_t smin_mag = UINT64_C(1) << (bits - 1);
  if (neg ? v > smin_mag : v > umax)
    return false;
  *out = (neg ? (uint64_t)0 - v : v) & umax;
  return true;
}

typedef struct float_fmt {
  int mant_bits, exp_bits;
} float_fmt;

/* Rounds m * 2^e2 (plus a sticky fraction) to the format; false on
 * overflow to infinity. */
static bool round_binary(uint64_t m, bool sticky, int64_t e2, float_fmt f,
                         uint64_t *bits) {
  if (m == 0) {
    *bits = 0;
    return true;
  }
  int h = 63 - __builtin_clzll(m);
  int64_t bias = (INT64_C(1) << (f.exp_bits - 1)) - 1, emin = 1 - bias;
  int64_t E = h + e2;
  if (E > bias + 1)
    return false;
  int64_t q = (E > emin ? E : emin) - f.mant_bits; /* weight of the LSB */
  int64_t shift = q - e2;
  unsigned __int128 r;
  if (shift <= 0) {
    r = (unsigned __int128)m << -shift;
  } else if (shift > 65) {
    r = 0;
  } else {
    unsigned __int128 wide = m;
    unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
    unsigned __int128 dropped = wide & ((half << 1) - 1);
    r = wide >> shift;
    if (dropped > half || (dropped == half && (sticky || (r & 1))))
      r++;
  }
  uint64_t one = UINT64_C(1) << f.mant_bits;
  if (r >= (unsigned __int128)one << 1) {
    r >>= 1;
    q++;
  }
  uint64_t biased = 0, mant = (uint64_t)r;
  if (r >= one) {
    biased = (uint64_t)(q + f.mant_bits + bias);
    mant -= one;
  }
  if (biased >= (UINT64_C(1) << f.exp_bits) - 1)
    return false;
  *bits = biased << f.mant_bits | mant;
  return true;
}

/* Mantissa accumulator: the first 60 bits are exact, the rest only
 * matter as a sticky "something nonzero was dropped" flag. */
typedef struct hex_acc {
  uint64_t m;
  bool sticky;
  int64_t e2;
} hex_acc;

static void hex_digits(hex_acc *a, const char *s, size_t n, bool frac) {
  for (size_t j = 0; j < n; j++) {
    if (s[j] == '_')
      continue;
    int d = digit_val(s[j], true);
    if (a->m >> 56) {
      a->sticky |= d != 0;
      if (!frac)
        a->e2 += 4;
    } else {
      a->m = a->m * 16 + (uint64_t)d;
      if (frac)
        a->e2 -= 4;
    }
  }
}

/* Hex float body after "0x": hexnum ('.' hexfrac?)? ([pP] sign? num)? */
static bool parse_hexfloat(const char *s, size_t len, float_fmt f,
                           uint64_t *bits) {
  hex_acc a = {0, false, 0};
  size_t i = digit_run(s, len, true);
  if (i == 0)
    return false;
  hex_digits(&a, s, i, false);
  if (i < len && s[i] == '.') {
    i++;
    size_t k = digit_run(s + i, len - i, true);
    hex_digits(&a, s + i, k, true);
    i += k;
  }
  if (i < len) {
    if (s[i] != 'p' && s[i] != 'P')
      return false;
    i++;
    bool neg = i < len && s[i] == '-';
    if (i < len && (s[i] == '-' || s[i] == '+'))
      i++;
    if (i >= len || digit_run(s + i, len - i, false) != len - i)
      return false;
    int64_t e = 0;
    for (; i < len; i++)
      if (s[i] != '_' && e < 100000000)
        e = e * 10 + digit_val(s[i], false);
    a.e2 += neg ? -e : e;
  }
  return round_binary(a.m, a.sticky, a.e2, f, bits);
}

/* Decimal syntax check: num ('.' frac?)? ([eE] sign? num)? */
static bool decimal_syntax(const char *s, size_t len) {
  size_t i = digit_run(s, len, false);
  if (i == 0)
    return false;
  if (i < len && s[i] == '.') {
    i++;
    i += digit_run(s + i, len - i, false);
  }
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < len && (s[i] == '-' || s[i] == '+'))
      i++;
    size_t k = digit_run(s + i, len - i, false);
    if (k == 0)
      return false;
    i += k;
  }
  return i == len;
}

static bool parse_decimal(const char *s, size_t len, float_fmt f,
                          uint64_t *bits) {
  if (!decimal_syntax(s, len))
    return false;
  char *copy = malloc(len + 1);
  if (!copy)
    return false;
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] != '_')
      copy[n++] = s[i];
  copy[n] = 0;
  bool ok;
  if (f.mant_bits == 23) {
    float v = strtof(copy, NULL);
    uint32_t u;
    memcpy(&u, &v, 4);
    ok = !isinf(v);
    *bits = u;
  } else {
    double v = strtod(copy, NULL);
    memcpy(bits, &v, 8);
    ok = !isinf(v);
  }
  free(copy);
  return ok;
}

static bool parse_float(const char *s, size_t len, float_fmt f,
                        uint64_t *bits) {
  bool neg = len > 0 && s[0] == '-';
  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    s++, len--;
  uint64_t exp_all = ((UINT64_C(1) << f.exp_bits) - 1) << f.mant_bits;
  uint64_t mant_mask = (UINT64_C(1) << f.mant_bits) - 1, v;
  if (len == 3 && memcmp(s, "inf", 3) == 0) {
    v = exp_all;
  } else if (len == 3 && memcmp(s, "nan", 3) == 0) {
    v = exp_all | UINT64_C(1) << (f.mant_bits - 1);
  } else if (len > 6 && memcmp(s, "nan:0x", 6) == 0) {
    uint64_t payload;
    if (!parse_nat(s + 4, len - 4, &payload) || payload == 0 ||
        payload > mant_mask)
      return false;
    v = exp_all | payload;
  } else if (len > 2 && s[0] == '0' && s[1] == 'x') {
    if (!parse_hexfloat(s + 2, len - 2, f, &v))
      return false;
  } else if (!parse_decimal(s, len, f, &v)) {
    return false;
  }
  if (neg)
    v |= UINT64_C(1) << (f.mant_bits + f.exp_bits);
  *bits = v;
  return true;
}

bool wat_parse_f32(const char *s, size_t len, uint32_t *out) {
  uint64_t v;
  if (!parse_float(s, len, (float_fmt){23, 8}, &v))
    return false;
  *out = (uint32_t)v;
  return true;
}

bool wat_parse_f64(const char *s, size_t len, uint64_t *out) {
  return parse_float(s, len, (float_fmt){52, 11}, out);
}
