/* A small streaming JSON writer; see json_writer.h. */
#include "json_writer.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_sequence_length(const unsigned char *s, size_t len) {
  unsigned char c = s[0];
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0; /* no overlong */
    else if (c == 0xED)
      hi = 0x9F; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F; /* <= U+10FFFF */
  } else {
    return 0;
  }
  if (len < n || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < n; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return n;
}

static void write_escaped_byte(FILE *out, unsigned char c) {
  switch (c) {
  case '"':
    fputs("\\\"", out);
    break;
  case '\\':
    fputs("\\\\", out);
    break;
  case '\n':
    fputs("\\n", out);
    break;
  case '\r':
    fputs("\\r", out);
    break;
  case '\t':
    fputs("\\t", out);
    break;
  default:
    if (c < 0x20 || c == 0x7F)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
}

void wasmc_json_write_escaped(FILE *out, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', out);
  size_t i = 0;
  while (i < len) {
    size_t n = utf8_sequence_length(p + i, len - i);
    if (n == 0) {
      fputs("\\ufffd", out); /* not UTF-8: keep the output valid JSON */
      i++;
    } else if (n == 1) {
      write_escaped_byte(out, p[i]);
      i++;
    } else {
      fwrite(p + i, 1, n, out);
      i += n;
    }
  }
  fputc('"', out);
}

void wasmc_json_init(wasmc_json *w, FILE *out) {
  w->out = out;
  w->depth = 0;
  w->has_items[0] = false;
}

static void indent(wasmc_json *w) {
  for (int i = 0; i < w->depth; i++)
    fputs("  ", w->out);
}

/* Separator, indentation and member name before a value. */
static void begin_value(wasmc_json *w, const char *key) {
  if (w->depth > 0) {
    fputs(w->has_items[w->depth] ? ",\n" : "\n", w->out);
    w->has_items[w->depth] = true;
    indent(w);
  }
  if (key) {
    wasmc_json_write_escaped(w->out, key, strlen(key));
    fputs(": ", w->out);
  }
}

static void open_container(wasmc_json *w, const char *key, char bracket) {
  begin_value(w, key);
  fputc(bracket, w->out);
  /* Deeper nesting than we ever produce is flattened rather than
   * overflowing the table; the output stays valid JSON either way. */
  if (w->depth + 1 < WASMC_JSON_MAX_DEPTH)
    w->depth++;
  w->has_items[w->depth] = false;
}

static void close_container(wasmc_json *w, char bracket) {
  bool had_items = w->has_items[w->depth];
  if (w->depth > 0)
    w->depth--;
  if (had_items) {
    fputc('\n', w->out);
    indent(w);
  }
  fputc(bracket, w->out);
}

void wasmc_json_begin_object(wasmc_json *w, const char *key) {
  open_container(w, key, '{');
}

void wasmc_json_end_object(wasmc_json *w) {
  close_container(w, '}');
}

void wasmc_json_begin_array(wasmc_json *w, const char *key) {
  open_container(w, key, '[');
}

void wasmc_json_end_array(wasmc_json *w) {
  close_container(w, ']');
}

void wasmc_json_string(wasmc_json *w, const char *key, const char *s,
                       size_t len) {
  begin_value(w, key);
  wasmc_json_write_escaped(w->out, s, len);
}

void wasmc_json_cstring(wasmc_json *w, const char *key, const char *s) {
  wasmc_json_string(w, key, s, strlen(s));
}

void wasmc_json_uint(wasmc_json *w, const char *key, uint64_t v) {
  begin_value(w, key);
  fprintf(w->out, "%llu", (unsigned long long)v);
}

void wasmc_json_bool(wasmc_json *w, const char *key, bool v) {
  begin_value(w, key);
  fputs(v ? "true" : "false", w->out);
}

void wasmc_json_null(wasmc_json *w, const char *key) {
  begin_value(w, key);
  fputs("null", w->out);
}

void wasmc_json_finish(wasmc_json *w) {
  fputc('\n', w->out);
}
