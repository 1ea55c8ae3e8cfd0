/* `wasmc IN.wasm|IN.wat -o OUT.so [-O0..-O3] [--cpu=native|generic|NAME]
 * [--interrupt-polls]` (also spelled `wasmc compile ...`): compiles a
 * module to a native artifact. The output appears complete or not at all. */
#include "cli.h"
#include "cli_compile.h"

#include <stdlib.h>
#include <string.h>

static int compile_usage(FILE *out, int status) {
  fputs("usage: wasmc IN.wasm|IN.wat -o OUT.so [-O0|-O1|-O2|-O3] "
        "[--cpu=native|generic|NAME] [--interrupt-polls]\n"
        "  compiles a module to a native shared object (default -O2,\n"
        "  --cpu=generic: portable x86-64-v2 code; native: this host's CPU;\n"
        "  --interrupt-polls: the code checks for interrupts itself, for\n"
        "  embedders whose threads block SIGURG)\n",
        out);
  return status;
}

typedef struct compile_args {
  const char *in, *out;
  unsigned opt;
  const char *cpu;
  bool polls;
} compile_args;

/* Parses -O0..-O3 (also `-O N`); returns false if `arg` is not one. */
bool wasmc_cli_parse_opt(const char *arg, unsigned *opt) {
  if (strlen(arg) != 3 || strncmp(arg, "-O", 2) != 0 || arg[2] < '0' ||
      arg[2] > '3')
    return false;
  *opt = (unsigned)(arg[2] - '0');
  return true;
}

static bool parse_compile_args(int argc, char **argv, compile_args *a) {
  *a = (compile_args){.opt = 2, .cpu = "generic"};
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (strcmp(s, "-o") == 0 && i + 1 < argc)
      a->out = argv[++i];
    else if (wasmc_cli_parse_opt(s, &a->opt))
      continue;
    else if (strncmp(s, "--cpu=", 6) == 0 && s[6])
      a->cpu = s + 6;
    else if (strcmp(s, "--cpu") == 0 && i + 1 < argc)
      a->cpu = argv[++i];
    else if (strcmp(s, "--interrupt-polls") == 0)
      a->polls = true;
    else if (s[0] == '-' || a->in)
      return false;
    else
      a->in = s;
  }
  return a->in && a->out;
}

int wasmc_cmd_compile(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return compile_usage(stdout, WASMC_EXIT_OK);
  compile_args a;
  if (!parse_compile_args(argc, argv, &a))
    return compile_usage(stderr, WASMC_EXIT_USAGE);

  wasm_error err = {0};
  uint8_t *wasm = NULL, *so = NULL;
  size_t wasm_len = 0, so_len = 0;
  int status = WASMC_EXIT_FAIL;
  if (!wasmc_cli_read_wasm(a.in, &wasm, &wasm_len, NULL, &err) ||
      !wasmc_cli_compile(wasm, wasm_len, a.opt, a.cpu, a.polls, &so, &so_len,
                         &err)) {
    wasmc_cli_report(stderr, a.in, &err);
  } else if (!wasmc_cli_write_file_atomic(a.out, so, so_len, 0777, &err)) {
    wasmc_cli_report(stderr, a.out, &err);
  } else {
    status = WASMC_EXIT_OK;
  }
  free(wasm);
  free(so);
  return status;
}
