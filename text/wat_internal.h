/* wat_internal.h — private interfaces shared by the text front end's files:
 * the token stream, literal conversion, and the growable byte buffer. */
#ifndef WAT_INTERNAL_H
#define WAT_INTERNAL_H

#include "wasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- tokens */

typedef enum wat_tok_kind {
  WAT_EOF,
  WAT_LPAREN,
  WAT_RPAREN,
  WAT_ATOM,   /* keyword, number or reserved word (anything idchar-ish) */
  WAT_ID,     /* $name */
  WAT_STRING, /* "..." including the quotes; escapes already checked */
} wat_tok_kind;

typedef struct wat_token {
  wat_tok_kind kind;
  uint32_t off, len; /* byte range in the source text */
  uint32_t line, col;
} wat_token;

/* Splits text into tokens, dropping whitespace, comments and annotations.
 * The array ends with a WAT_EOF token; free() it. */
bool wat_lex(const char *text, size_t len, wat_token **toks, size_t *ntoks,
             wasm_error *err);

/* Same over text[start, end), numbering from line:col (offsets stay
 * relative to text). */
bool wat_lex_range(const char *text, size_t start, size_t end, uint32_t line,
                   uint32_t col, wat_token **toks, size_t *ntoks,
                   wasm_error *err);

/* Translates the module text in text[start, end) (wat_to_wasm's core). */
bool wat_translate(const char *text, size_t start, size_t end, uint32_t line,
                   uint32_t col, uint8_t **out, size_t *out_len,
                   wasm_error *err);

/* Decodes a string token's escapes into out (at most tok->len bytes);
 * returns the decoded length. The lexer has validated the escapes. */
size_t wat_string_decode(const char *text, const wat_token *tok, uint8_t *out);

/* UTF-8 validity (names must be valid; data strings need not be). */
bool wat_utf8_valid(const uint8_t *s, size_t len);

/* Fills err with "LINE:COL: message" at tok; returns false. */
bool wat_fail(wasm_error *err, const wat_token *tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* -------------------------------------------------------------- literals */

/* Integer literal of `bits` (32 or 64) bits: accepts the signed and the
 * unsigned range. Value returned as its two's-complement bit pattern. */
bool wat_parse_int(const char *s, size_t len, unsigned bits, uint64_t *out);
/* Unsigned index/offset literal (no sign allowed), up to max. */
bool wat_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);
/* Float literals to IEEE bits: decimal, hex, inf, nan, nan:0x... */
bool wat_parse_f32(const char *s, size_t len, uint32_t *out);
bool wat_parse_f64(const char *s, size_t len, uint64_t *out);

/* ---------------------------------------------------------------- buffer */

typedef struct wat_buf {
  uint8_t *data;
  size_t len, cap;
  bool oom; /* sticky: a failed allocation poisons the buffer */
} wat_buf;

void wat_buf_byte(wat_buf *b, uint8_t v);
void wat_buf_bytes(wat_buf *b, const void *p, size_t n);
void wat_buf_u32(wat_buf *b, uint64_t v); /* unsigned LEB128 */
void wat_buf_s64(wat_buf *b, int64_t v);  /* signed LEB128 */
void wat_buf_le(wat_buf *b, uint64_t v, unsigned nbytes);
void wat_buf_name(wat_buf *b, const void *p, size_t n); /* len + bytes */
void wat_buf_free(wat_buf *b);

#endif /* WAT_INTERNAL_H */
