/* `wasmc validate [-v] FILE...`: decode and validate each module. Silent on
 * success (or `FILE: ok` with -v); `FILE:0xOFFSET: kind: message` on
 * stderr and exit status 1 if any file is rejected. */
#include "cli.h"

#include <string.h>

static int validate_usage(void) {
  fputs("usage: wasmc validate [-v] FILE.wasm...\n", stderr);
  return WASMC_EXIT_USAGE;
}

int wasmc_cmd_validate(int argc, char **argv) {
  bool verbose = false;
  int first = 1;
  for (; first < argc && argv[first][0] == '-'; first++) {
    if (strcmp(argv[first], "-v") == 0 || strcmp(argv[first], "--verbose") == 0)
      verbose = true;
    else if (strcmp(argv[first], "--") == 0) {
      first++;
      break;
    } else
      return validate_usage();
  }
  if (first >= argc)
    return validate_usage();

  int status = WASMC_EXIT_OK;
  for (int i = first; i < argc; i++) {
    wasm_module *m;
    wasm_error err = {0};
    if (wasmc_cli_load_module(argv[i], &m, &err)) {
      if (verbose)
        printf("%s: ok\n", argv[i]);
      wasm_module_free(m);
    } else {
      wasmc_cli_report(stderr, argv[i], &err);
      status = WASMC_EXIT_FAIL;
    }
  }
  return status;
}
