/* json.c — recursive-descent JSON reader (RFC 8259, strict). */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct json_parser {
  const char *text;
  size_t len, pos;
  json_error *err;
} json_parser;

static bool fail(json_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool fail(json_parser *p, const char *fmt, ...) {
  va_list ap;
  p->err->offset = p->pos;
  va_start(ap, fmt);
  vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
  va_end(ap);
  return false;
}

static void skip_ws(json_parser *p) {
  while (p->pos < p->len) {
    char c = p->text[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      return;
    p->pos++;
  }
}

static int peek(const json_parser *p) {
  return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

static bool expect_word(json_parser *p, const char *word) {
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
    return fail(p, "invalid literal");
  p->pos += n;
  return true;
}

/* A growable byte buffer for string contents. */
typedef struct json_buf {
  char *data;
  size_t len, cap;
} json_buf;

static bool buf_push(json_buf *b, const char *bytes, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 16;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
      return false;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
  b->data[b->len] = '\0';
  return true;
}

static int hex_digit(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool read_hex4(json_parser *p, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int d = hex_digit(peek(p));
    if (d < 0)
      return fail(p, "bad \\u escape");
    v = v * 16 + (uint32_t)d;
    p->pos++;
  }
  *out = v;
  return true;
}

static size_t utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* \uXXXX, combining a surrogate pair when one follows; a lone surrogate is
 * kept as its 3-byte encoding rather than rejected (wast2json never emits
 * one, and the runner only compares bytes). */
static bool read_unicode_escape(json_parser *p, json_buf *b) {
  uint32_t cp;
  if (!read_hex4(p, &cp))
    return false;
  if (cp >= 0xD800 && cp < 0xDC00 && p->len - p->pos >= 6 &&
      p->text[p->pos] == '\\' && p->text[p->pos + 1] == 'u') {
    size_t save = p->pos;
    uint32_t lo;
    p->pos += 2;
    if (read_hex4(p, &lo) && lo >= 0xDC00 && lo < 0xE000)
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    else
      p->pos = save;
  }
  char enc[4];
  size_t n = utf8_encode(cp, enc);
  return buf_push(b, enc, n) || fail(p, "out of memory");
}

static bool read_escape(json_parser *p, json_buf *b) {
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  int c = peek(p);
  if (c < 0)
    return fail(p, "unterminated string");
  p->pos++;
  if (c == 'u')
    return read_unicode_escape(p, b);
  const char *hit = c ? strchr(from, c) : NULL;
  if (!hit)
    return fail(p, "bad escape '\\%c'", c);
  return buf_push(b, &to[hit - from], 1) || fail(p, "out of memory");
}

static bool read_string(json_parser *p, json_string *out) {
  json_buf b = {0};
  p->pos++; /* opening quote */
  if (!buf_push(&b, "", 0))
    return fail(p, "out of memory");
  for (;;) {
    int c = peek(p);
    bool ok = true;
    if (c < 0) {
      ok = fail(p, "unterminated string");
    } else if (c == '"') {
      p->pos++;
      out->data = b.data;
      out->len = b.len;
      return true;
    } else if (c == '\\') {
      p->pos++;
      ok = read_escape(p, &b);
    } else if (c < 0x20) {
      ok = fail(p, "control character in string");
    } else {
      ok = buf_push(&b, &p->text[p->pos++], 1) || fail(p, "out of memory");
    }
    if (!ok) {
      free(b.data);
      return false;
    }
  }
}

static bool skip_digits(json_parser *p) {
  size_t start = p->pos;
  while (peek(p) >= '0' && peek(p) <= '9')
    p->pos++;
  return p->pos > start || fail(p, "digit expected");
}

static bool read_number(json_parser *p, double *out) {
  size_t start = p->pos;
  if (peek(p) == '-')
    p->pos++;
  if (peek(p) == '0')
    p->pos++;
  else if (!skip_digits(p))
    return false;
  if (peek(p) == '.') {
    p->pos++;
    if (!skip_digits(p))
      return false;
  }
  if (peek(p) == 'e' || peek(p) == 'E') {
    p->pos++;
    if (peek(p) == '+' || peek(p) == '-')
      p->pos++;
    if (!skip_digits(p))
      return false;
  }
  char tmp[64];
  size_t n = p->pos - start;
  if (n >= sizeof tmp) /* longer numbers are not needed by the runner */
    return fail(p, "number too long");
  memcpy(tmp, p->text + start, n);
  tmp[n] = '\0';
  *out = strtod(tmp, NULL);
  return true;
}

static bool parse_value(json_parser *p, json_value *v, int depth);

static bool parse_array(json_parser *p, json_value *v, int depth) {
  size_t cap = 0;
  v->kind = JSON_ARRAY;
  p->pos++;
  skip_ws(p);
  if (peek(p) == ']') {
    p->pos++;
    return true;
  }
  for (;;) {
    if (v->u.array.count == cap) {
      cap = cap ? cap * 2 : 4;
      json_value **items = realloc(v->u.array.items, cap * sizeof *items);
      if (!items)
        return fail(p, "out of memory");
      v->u.array.items = items;
    }
    json_value *item = calloc(1, sizeof *item);
    if (!item)
      return fail(p, "out of memory");
    v->u.array.items[v->u.array.count++] = item;
    if (!parse_value(p, item, depth + 1))
      return false;
    skip_ws(p);
    int c = peek(p);
    p->pos++;
    if (c == ']')
      return true;
    if (c != ',')
      return p->pos--, fail(p, "',' or ']' expected");
  }
}

static bool parse_member(json_parser *p, json_member *m, int depth) {
  skip_ws(p);
  if (peek(p) != '"')
    return fail(p, "object key expected");
  if (!read_string(p, &m->key))
    return false;
  skip_ws(p);
  if (peek(p) != ':')
    return fail(p, "':' expected");
  p->pos++;
  m->value = calloc(1, sizeof *m->value);
  if (!m->value)
    return fail(p, "out of memory");
  return parse_value(p, m->value, depth + 1);
}

static bool parse_object(json_parser *p, json_value *v, int depth) {
  size_t cap = 0;
  v->kind = JSON_OBJECT;
  p->pos++;
  skip_ws(p);
  if (peek(p) == '}') {
    p->pos++;
    return true;
  }
  for (;;) {
    if (v->u.object.count == cap) {
      cap = cap ? cap * 2 : 4;
      json_member *ms = realloc(v->u.object.members, cap * sizeof *ms);
      if (!ms)
        return fail(p, "out of memory");
      v->u.object.members = ms;
    }
    json_member *m = &v->u.object.members[v->u.object.count++];
    memset(m, 0, sizeof *m);
    if (!parse_member(p, m, depth))
      return false;
    skip_ws(p);
    int c = peek(p);
    p->pos++;
    if (c == '}')
      return true;
    if (c != ',')
      return p->pos--, fail(p, "',' or '}' expected");
  }
}

static bool parse_value(json_parser *p, json_value *v, int depth) {
  if (depth > JSON_MAX_DEPTH)
    return fail(p, "nesting deeper than %d", JSON_MAX_DEPTH);
  skip_ws(p);
  int c = peek(p);
  switch (c) {
  case '{':
    return parse_object(p, v, depth);
  case '[':
    return parse_array(p, v, depth);
  case '"':
    v->kind = JSON_STRING;
    return read_string(p, &v->u.string);
  case 't':
    v->kind = JSON_BOOL;
    v->u.boolean = true;
    return expect_word(p, "true");
  case 'f':
    v->kind = JSON_BOOL;
    return expect_word(p, "false");
  case 'n':
    v->kind = JSON_NULL;
    return expect_word(p, "null");
  default:
    if (c == '-' || (c >= '0' && c <= '9')) {
      v->kind = JSON_NUMBER;
      return read_number(p, &v->u.number);
    }
    return c < 0 ? fail(p, "unexpected end of input")
                 : fail(p, "unexpected character");
  }
}

json_value *json_parse(const char *text, size_t len, json_error *err) {
  json_parser p = {.text = text, .len = len, .pos = 0, .err = err};
  json_value *root = calloc(1, sizeof *root);
  if (!root) {
    fail(&p, "out of memory");
    return NULL;
  }
  bool ok = parse_value(&p, root, 0);
  if (ok) {
    skip_ws(&p);
    if (p.pos != p.len)
      ok = fail(&p, "trailing characters after the document");
  }
  if (!ok) {
    json_free(root);
    return NULL;
  }
  return root;
}

/* Recursive; the depth is bounded by the parser's limit, so the stack is
 * too. */
void json_free(json_value *v) {
  if (!v)
    return;
  if (v->kind == JSON_STRING) {
    free(v->u.string.data);
  } else if (v->kind == JSON_ARRAY) {
    for (size_t i = 0; i < v->u.array.count; i++)
      json_free(v->u.array.items[i]);
    free(v->u.array.items);
  } else if (v->kind == JSON_OBJECT) {
    for (size_t i = 0; i < v->u.object.count; i++) {
      free(v->u.object.members[i].key.data);
      json_free(v->u.object.members[i].value);
    }
    free(v->u.object.members);
  }
  free(v);
}

const json_value *json_object_get(const json_value *obj, const char *key) {
  if (!obj || obj->kind != JSON_OBJECT)
    return NULL;
  size_t n = strlen(key);
  for (size_t i = 0; i < obj->u.object.count; i++) {
    const json_string *k = &obj->u.object.members[i].key;
    if (k->len == n && memcmp(k->data, key, n) == 0)
      return obj->u.object.members[i].value;
  }
  return NULL;
}

const json_string *json_object_get_string(const json_value *obj,
                                          const char *key) {
  const json_value *v = json_object_get(obj, key);
  return v && v->kind == JSON_STRING ? &v->u.string : NULL;
}

const json_value *json_object_get_array(const json_value *obj,
                                        const char *key) {
  const json_value *v = json_object_get(obj, key);
  return v && v->kind == JSON_ARRAY ? v : NULL;
}

bool json_object_get_u32(const json_value *obj, const char *key,
                         uint32_t *out) {
  const json_value *v = json_object_get(obj, key);
  if (!v || v->kind != JSON_NUMBER)
    return false;
  double d = v->u.number;
  if (!(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d)
    return false;
  *out = (uint32_t)d;
  return true;
}

size_t json_array_count(const json_value *arr) {
  return arr && arr->kind == JSON_ARRAY ? arr->u.array.count : 0;
}

const json_value *json_array_at(const json_value *arr, size_t index) {
  if (!arr || arr->kind != JSON_ARRAY || index >= arr->u.array.count)
    return NULL;
  return arr->u.array.items[index];
}
