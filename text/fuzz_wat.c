/* libFuzzer target for the text front end: any input must translate or
 * fail cleanly, as a module and as a script (built with WASMC_FUZZ=ON). */
#include "wat.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exercises the printer on what decodes, and the parser on its output:
 * printed text must always translate again. */
static void print_back(const uint8_t *bin, size_t len) {
  wasm_module *m;
  wasm_error err;
  if (!wasm_module_decode(bin, len, WASM_DECODE_DEFAULT, &m, &err))
    return;
  char *text;
  size_t tlen;
  if (wasm_to_wat(m, &text, &tlen, &err)) {
    uint8_t *again;
    size_t alen;
    if (!wat_to_wasm(text, tlen, &again, &alen, &err))
      abort();
    free(again);
    free(text);
  }
  wasm_module_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  uint8_t *out;
  size_t len;
  wasm_error err;
  if (wat_to_wasm(text, size, &out, &len, &err)) {
    /* every success is a binary module */
    if (len < 8 || memcmp(out, "\0asm\1\0\0\0", 8) != 0)
      abort();
    print_back(out, len);
    free(out);
  }
  wast_script script;
  if (wast_parse_script(text, size, &script, &err))
    wast_script_free(&script);
  return 0;
}
