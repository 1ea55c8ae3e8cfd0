/* The WebAssembly text-format lexer: source text -> token array. Comments,
 * whitespace and annotations vanish here; the parser only sees parens,
 * atoms, ids and strings, each tagged with its line:column. */
#include "wat_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lexer {
  const char *s;
  size_t len, pos;
  uint32_t line, line_start;
  wasm_error *err;
} lexer;

bool wat_fail(wasm_error *err, const wat_token *tok, const char *fmt, ...) {
  if (!err)
    return false;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return wasm_error_set(err, WASM_ERR_MALFORMED, tok->off, "%u:%u: %s",
                        tok->line, tok->col, msg);
}

static bool lex_fail(lexer *lx, const char *msg) {
  wat_token t = {WAT_EOF, (uint32_t)lx->pos, 0, lx->line,
                 (uint32_t)(lx->pos - lx->line_start) + 1};
  return wat_fail(lx->err, &t, "%s", msg);
}

static bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'))
    return true;
  return c != 0 && strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != NULL;
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of the UTF-8 sequence at p, or 0 if malformed (overlong forms,
 * surrogates and values past U+10FFFF are rejected). */
static size_t utf8_seq(const unsigned char *p, size_t avail) {
  if (p[0] < 0x80)
    return 1;
  size_t n = p[0] >= 0xC2 && p[0] < 0xE0   ? 2
             : p[0] >= 0xE0 && p[0] < 0xF0 ? 3
             : p[0] >= 0xF0 && p[0] < 0xF5 ? 4
                                           : 0;
  if (n == 0 || n > avail)
    return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80)
      return 0;
  if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
      (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
    return 0;
  return n;
}

bool wat_utf8_valid(const uint8_t *s, size_t len) {
  for (size_t i = 0; i < len;) {
    size_t n = utf8_seq(s + i, len - i);
    if (!n)
      return false;
    i += n;
  }
  return true;
}

static void newline(lexer *lx) {
  lx->line++;
  lx->line_start = (uint32_t)lx->pos;
}

/* Skips a block comment starting at "(;"; they nest. */
static bool skip_block_comment(lexer *lx) {
  unsigned depth = 0;
  while (lx->pos < lx->len) {
    char c = lx->s[lx->pos];
    if (c == '(' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == ';') {
      depth++;
      lx->pos += 2;
    } else if (c == ';' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == ')') {
      lx->pos += 2;
      if (--depth == 0)
        return true;
    } else {
      lx->pos++;
      if (c == '\n')
        newline(lx);
    }
  }
  return lex_fail(lx, "unclosed block comment");
}

/* Skips whitespace and comments; false on an unclosed comment or a
 * character that may not appear in the text. */
static bool skip_space(lexer *lx) {
  while (lx->pos < lx->len) {
    unsigned char c = (unsigned char)lx->s[lx->pos];
    if (c == ' ' || c == '\t' || c == '\r') {
      lx->pos++;
    } else if (c == '\n') {
      lx->pos++;
      newline(lx);
    } else if (c == ';' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == ';') {
      while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
        lx->pos++;
    } else if (c == '(' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == ';') {
      if (!skip_block_comment(lx))
        return false;
    } else {
      return true;
    }
  }
  return true;
}

/* Validates one escape after the backslash at s[pos]; advances pos. */
static bool lex_escape(lexer *lx) {
  size_t p = lx->pos + 1;
  if (p >= lx->len)
    return lex_fail(lx, "unterminated string");
  char c = lx->s[p];
  /* c != 0: strchr finds the terminator too, and "\<NUL>" is no escape. */
  if (c && strchr("nrt\\'\"", c)) {
    lx->pos = p + 1;
    return true;
  }
  if (c == 'u') {
    if (p + 1 >= lx->len || lx->s[p + 1] != '{')
      return lex_fail(lx, "malformed \\u escape");
    uint32_t v = 0;
    size_t q = p + 2, digits = 0;
    while (q < lx->len && hexval((unsigned char)lx->s[q]) >= 0) {
      v = v * 16 + (uint32_t)hexval((unsigned char)lx->s[q]);
      if (v > 0x10FFFF)
        return lex_fail(lx, "\\u escape out of range");
      q++, digits++;
      if (q < lx->len && lx->s[q] == '_' && q + 1 < lx->len &&
          hexval((unsigned char)lx->s[q + 1]) >= 0)
        q++;
    }
    if (!digits || q >= lx->len || lx->s[q] != '}' ||
        (v >= 0xD800 && v < 0xE000))
      return lex_fail(lx, "malformed \\u escape");
    lx->pos = q + 1;
    return true;
  }
  if (p + 1 < lx->len && hexval((unsigned char)c) >= 0 &&
      hexval((unsigned char)lx->s[p + 1]) >= 0) {
    lx->pos = p + 2;
    return true;
  }
  return lex_fail(lx, "illegal escape");
}

static bool lex_string(lexer *lx) {
  lx->pos++; /* opening quote */
  for (;;) {
    if (lx->pos >= lx->len)
      return lex_fail(lx, "unterminated string");
    unsigned char c = (unsigned char)lx->s[lx->pos];
    if (c == '"') {
      lx->pos++;
      return true;
    }
    if (c == '\\') {
      if (!lex_escape(lx))
        return false;
      continue;
    }
    if (c < 0x20 || c == 0x7F)
      return lex_fail(lx, "illegal character in string");
    size_t n =
        utf8_seq((const unsigned char *)lx->s + lx->pos, lx->len - lx->pos);
    if (!n)
      return lex_fail(lx, "malformed UTF-8 encoding");
    lx->pos += n;
  }
}

typedef struct tok_vec {
  wat_token *v;
  size_t n, cap;
} tok_vec;

static bool push_tok(tok_vec *tv, wat_token t) {
  if (tv->n == tv->cap) {
    size_t cap = tv->cap ? tv->cap * 2 : 256;
    wat_token *v = realloc(tv->v, cap * sizeof *v);
    if (!v)
      return false;
    tv->v = v, tv->cap = cap;
  }
  tv->v[tv->n++] = t;
  return true;
}

/* Reads the token at pos (no leading space) into *t. */
static bool lex_one(lexer *lx, wat_token *t) {
  t->off = (uint32_t)lx->pos;
  t->line = lx->line;
  t->col = (uint32_t)(lx->pos - lx->line_start) + 1;
  unsigned char c = (unsigned char)lx->s[lx->pos];
  if (c == '(' || c == ')') {
    t->kind = c == '(' ? WAT_LPAREN : WAT_RPAREN;
    lx->pos++;
  } else if (c == '"') {
    t->kind = WAT_STRING;
    if (!lex_string(lx))
      return false;
  } else if (is_idchar(c)) {
    t->kind = c == '$' ? WAT_ID : WAT_ATOM;
    while (lx->pos < lx->len && is_idchar((unsigned char)lx->s[lx->pos]))
      lx->pos++;
    if (t->kind == WAT_ID && lx->pos - t->off == 1)
      return lex_fail(lx, "empty identifier");
  } else {
    return lex_fail(lx, "unexpected character");
  }
  t->len = (uint32_t)(lx->pos - t->off);
  /* Tokens must be separated: `"a""b"` or `$x"y"` is one reserved token. */
  if (t->kind != WAT_LPAREN && t->kind != WAT_RPAREN && lx->pos < lx->len) {
    unsigned char n = (unsigned char)lx->s[lx->pos];
    if (n == '"' || is_idchar(n))
      return lex_fail(lx, "unknown operator: tokens must be separated");
  }
  return true;
}

/* Drops an annotation `(@name ...)`: balanced tokens up to its `)`. */
static bool skip_annotation(lexer *lx) {
  unsigned depth = 0;
  do {
    if (!skip_space(lx))
      return false;
    if (lx->pos >= lx->len)
      return lex_fail(lx, "unclosed annotation");
    wat_token t;
    if (!lex_one(lx, &t))
      return false;
    depth += t.kind == WAT_LPAREN;
    depth -= t.kind == WAT_RPAREN;
  } while (depth > 0);
  return true;
}

bool wat_lex(const char *text, size_t len, wat_token **toks, size_t *ntoks,
             wasm_error *err) {
  return wat_lex_range(text, 0, len, 1, 1, toks, ntoks, err);
}

bool wat_lex_range(const char *text, size_t start, size_t len, uint32_t line,
                   uint32_t col, wat_token **toks, size_t *ntoks,
                   wasm_error *err) {
  lexer lx = {text, len, start, line, (uint32_t)(start - (col - 1)), err};
  tok_vec tv = {0};
  *toks = NULL;
  *ntoks = 0;
  if (len >= UINT32_MAX) {
    wasm_error_set(err, WASM_ERR_RESOURCE, 0, "text too large");
    return false;
  }
  for (;;) {
    if (!skip_space(&lx))
      goto fail;
    if (lx.pos >= len)
      break;
    if (text[lx.pos] == '(' && lx.pos + 1 < len && text[lx.pos + 1] == '@') {
      if (lx.pos + 2 >= len || !is_idchar((unsigned char)text[lx.pos + 2])) {
        lex_fail(&lx, "malformed annotation");
        goto fail;
      }
      if (!skip_annotation(&lx))
        goto fail;
      continue;
    }
    wat_token t;
    if (!lex_one(&lx, &t))
      goto fail;
    if (!push_tok(&tv, t))
      goto oom;
  }
  wat_token eof = {WAT_EOF, (uint32_t)len, 0, lx.line,
                   (uint32_t)(len - lx.line_start) + 1};
  if (!push_tok(&tv, eof))
    goto oom;
  *toks = tv.v;
  *ntoks = tv.n;
  return true;
oom:
  wasm_error_set(err, WASM_ERR_RESOURCE, 0, "out of memory");
fail:
  free(tv.v);
  return false;
}

static size_t put_utf8(uint8_t *out, uint32_t v) {
  if (v < 0x80) {
    out[0] = (uint8_t)v;
    return 1;
  }
  if (v < 0x800) {
    out[0] = (uint8_t)(0xC0 | v >> 6);
    out[1] = (uint8_t)(0x80 | (v & 0x3F));
    return 2;
  }
  if (v < 0x10000) {
    out[0] = (uint8_t)(0xE0 | v >> 12);
    out[1] = (uint8_t)(0x80 | ((v >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (v & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | v >> 18);
  out[1] = (uint8_t)(0x80 | ((v >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((v >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (v & 0x3F));
  return 4;
}

size_t wat_string_decode(const char *text, const wat_token *tok, uint8_t *out) {
  const char *s = text + tok->off + 1, *end = text + tok->off + tok->len - 1;
  size_t n = 0;
  while (s < end) {
    if (*s != '\\') {
      out[n++] = (uint8_t)*s++;
      continue;
    }
    char c = s[1];
    s += 2;
    switch (c) {
    case 'n':
      out[n++] = '\n';
      break;
    case 'r':
      out[n++] = '\r';
      break;
    case 't':
      out[n++] = '\t';
      break;
    case '\\':
    case '\'':
    case '"':
      out[n++] = (uint8_t)c;
      break;
    case 'u': {
      uint32_t v = 0;
      for (s++; s < end && *s != '}'; s++)
        if (*s != '_')
          v = v * 16 + (uint32_t)hexval((unsigned char)*s);
      s++;
      n += put_utf8(out + n, v);
      break;
    }
    default:
      out[n++] = (uint8_t)(hexval((unsigned char)c) * 16 +
                           hexval((unsigned char)s[0]));
      s++;
    }
  }
  return n;
}
