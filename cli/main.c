/* wasmc — the command line: dispatches to one subcommand per file
 * (cmd_*.c). New subcommands are added as rows of the table below; a first
 * argument that is no command is the compile form `wasmc IN -o OUT.so`. */
#include "cli.h"

#include <string.h>

#ifndef WASMC_VERSION
#define WASMC_VERSION "0.0.0"
#endif

typedef struct wasmc_command {
  const char *name;
  const char *args;    /* argument synopsis for --help */
  const char *summary; /* one line */
  int (*run)(int argc, char **argv);
} wasmc_command;

static const wasmc_command commands[] = {
    {"validate", "[-v] FILE.wasm...", "check that modules decode and validate",
     wasmc_cmd_validate},
    {"inspect", "[--json] FILE.wasm|FILE.wat|FILE.so",
     "list imports, exports, memories, tables, globals, segments, sections",
     wasmc_cmd_inspect},
    {"compile", "IN.wasm|IN.wat -o OUT.so [-O0..-O3] [--cpu=CPU]",
     "compile to a native shared object (also: wasmc IN -o OUT.so)",
     wasmc_cmd_compile},
    {"run", "[--dir H[::G]] [--env K=V] [--invoke F] [--bench] FILE [ARGS]",
     "run a WASI program or one export (see wasmc run --help)", wasmc_cmd_run},
    {"wat2wasm", "IN.wat -o OUT.wasm", "translate the text format to binary",
     wasmc_cmd_wat2wasm},
    {"wasm2wat", "IN.wasm [-o OUT.wat]", "print a module in the text format",
     wasmc_cmd_wasm2wat},
    {"wast", "[-O N] [-v] FILE.wast...",
     "run spec-test scripts (own text front end, like wasmtime wast)",
     wasmc_cmd_wast},
};

static void usage(FILE *out) {
  fputs("usage: wasmc <command> [arguments]\n"
        "       wasmc IN.wasm|IN.wat -o OUT.so [-O0..-O3] [--cpu=CPU]\n"
        "       wasmc --help | --version\n\ncommands:\n",
        out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-8s %s\n  %-8s   %s\n", commands[i].name, commands[i].args,
            "", commands[i].summary);
}

static const wasmc_command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return WASMC_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
      strcmp(name, "help") == 0) {
    usage(stdout);
    return WASMC_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0) {
    printf("wasmc %s\n", WASMC_VERSION);
    return WASMC_EXIT_OK;
  }
  const wasmc_command *cmd = find_command(name);
  /* The compile form: options or a file name where a command would be. */
  if (!cmd && (name[0] == '-' || strchr(name, '.') || strchr(name, '/')))
    return wasmc_cmd_compile(argc, argv);
  if (!cmd) {
    fprintf(stderr, "wasmc: unknown command '%s'\n\n", name);
    usage(stderr);
    return WASMC_EXIT_USAGE;
  }
  int status = cmd->run(argc - 1, argv + 1);
  /* A failed write to stdout (full disk, closed pipe) is a failure too. */
  if (fflush(stdout) != 0 && status == WASMC_EXIT_OK)
    status = WASMC_EXIT_FAIL;
  return status;
}
