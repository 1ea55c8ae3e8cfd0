/* libFuzzer targets for the text front end (built with WASMC_FUZZ=ON):
 *
 *   fuzz_wat        input is text: it must translate or fail cleanly, as a
 *                   module and as a script; what translates goes on to the
 *                   printer round trip below.
 *   fuzz_wat_print  input is a binary module (FUZZ_WAT_BINARY_INPUT): the
 *                   printer round trip on whatever decodes.
 *
 * The round trip: printed text must translate again, and the binary it
 * gives must print to the very same text (a fixed point), so the printer
 * loses nothing it prints and the names it invents parse back. Binary
 * input is held to that only when it validates: a body that merely
 * decodes may be unstructured (an `else` without its `if`), which no text
 * can express; it must still print without crashing. */
#include "wat.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text of a binary module, or NULL if it does not decode; *valid
 * says whether it validates too. */
static char *print(const uint8_t *bin, size_t len, size_t *tlen, bool *valid) {
  wasm_module *m;
  wasm_error err;
  char *text = NULL;
  if (!wasm_module_decode(bin, len, WASM_DECODE_DEFAULT, &m, &err))
    return NULL;
  *valid = wasm_module_validate(m, &err);
  if (!wasm_to_wat(m, &text, tlen, &err))
    text = NULL; /* out of memory, or a body the printer cannot read */
  wasm_module_free(m);
  return text;
}

/* strict: the module came from the text parser, so it is structured. */
static void print_back(const uint8_t *bin, size_t len, bool strict) {
  size_t tlen, alen, tlen2;
  bool valid = false;
  char *text = print(bin, len, &tlen, &valid);
  uint8_t *again;
  wasm_error err;
  if (!text || !(strict || valid)) {
    free(text);
    return;
  }
  if (!wat_to_wasm(text, tlen, &again, &alen, &err))
    abort(); /* printed text must translate */
  char *text2 = print(again, alen, &tlen2, &valid);
  if (!text2 || tlen2 != tlen || memcmp(text, text2, tlen) != 0)
    abort(); /* and print the same again */
  free(text2);
  free(again);
  free(text);
}

#ifdef FUZZ_WAT_BINARY_INPUT
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  print_back(data, size, false);
  return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  uint8_t *out;
  size_t len;
  wasm_error err;
  if (wat_to_wasm(text, size, &out, &len, &err)) {
    /* every success is a binary module */
    if (len < 8 || memcmp(out, "\0asm\1\0\0\0", 8) != 0)
      abort();
    print_back(out, len, true);
    free(out);
  }
  wast_script script;
  if (wast_parse_script(text, size, &script, &err))
    wast_script_free(&script);
  return 0;
}
#endif
