/* `wasmc wat2wasm IN.wat -o OUT.wasm` and `wasmc wasm2wat IN.wasm
 * [-o OUT.wat]`: the text format front end (text/wat.h) on the command
 * line. Text errors read `IN: malformed module: LINE:COL: message`. */
#include "cli.h"
#include "wat.h"

#include <stdlib.h>
#include <string.h>

/* IN [-o OUT], in any order; OUT optional only if `out_optional`. */
static bool parse_in_out(int argc, char **argv, const char **in,
                         const char **out, bool out_optional) {
  *in = *out = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc && !*out)
      *out = argv[++i];
    else if (argv[i][0] == '-' || *in)
      return false;
    else
      *in = argv[i];
  }
  return *in && (*out || out_optional);
}

int wasmc_cmd_wat2wasm(int argc, char **argv) {
  const char *in, *out;
  if (!parse_in_out(argc, argv, &in, &out, false)) {
    fputs("usage: wasmc wat2wasm IN.wat -o OUT.wasm\n", stderr);
    return WASMC_EXIT_USAGE;
  }
  uint8_t *text, *wasm = NULL;
  size_t text_len, wasm_len = 0;
  wasm_error err = {0};
  if (!wasmc_cli_read_file(in, &text, &text_len, &err)) {
    wasmc_cli_report(stderr, in, &err);
    return WASMC_EXIT_FAIL;
  }
  bool ok = wat_to_wasm((const char *)text, text_len, &wasm, &wasm_len, &err);
  free(text);
  if (!ok) {
    err.offset = WASM_NO_OFFSET; /* the message has LINE:COL instead */
    wasmc_cli_report(stderr, in, &err);
    return WASMC_EXIT_FAIL;
  }
  ok = wasmc_cli_write_file_atomic(out, wasm, wasm_len, 0666, &err);
  if (!ok)
    wasmc_cli_report(stderr, out, &err);
  free(wasm);
  return ok ? WASMC_EXIT_OK : WASMC_EXIT_FAIL;
}

int wasmc_cmd_wasm2wat(int argc, char **argv) {
  const char *in, *out;
  if (!parse_in_out(argc, argv, &in, &out, true)) {
    fputs("usage: wasmc wasm2wat IN.wasm [-o OUT.wat]\n", stderr);
    return WASMC_EXIT_USAGE;
  }
  wasm_module *m;
  wasm_error err = {0};
  if (!wasmc_cli_load_module(in, &m, &err)) {
    wasmc_cli_report(stderr, in, &err);
    return WASMC_EXIT_FAIL;
  }
  char *text = NULL;
  size_t len = 0;
  bool ok = wasm_to_wat(m, &text, &len, &err);
  wasm_module_free(m);
  if (!ok) {
    wasmc_cli_report(stderr, in, &err);
    return WASMC_EXIT_FAIL;
  }
  if (out) {
    ok = wasmc_cli_write_file_atomic(out, text, len, 0666, &err);
    if (!ok)
      wasmc_cli_report(stderr, out, &err);
  } else {
    ok = fwrite(text, 1, len, stdout) == len;
  }
  free(text);
  return ok ? WASMC_EXIT_OK : WASMC_EXIT_FAIL;
}
