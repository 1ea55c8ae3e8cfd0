/* `wasmc run [options] FILE.wasm|FILE.wat|FILE.so [ARGS...]`: runs a WASI
 * command (or one export) from the shell. Wasm is compiled through the
 * per-user artifact cache (loader/wasmrt_cache.h), shared with Python. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "cli.h"
#include "cli_compile.h"
#include "run_imports.h"
#include "wasmrt_cache.h"
#include "wasmrt_loader.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A trap exits like a process killed by SIGABRT, as wasmtime does. */
#define RUN_EXIT_TRAP 134

static const char run_help[] =
    "usage: wasmc run [--dir HOST[::GUEST]]... [--env K=V]... [--invoke NAME]\n"
    "                 [--bench] [--no-cache] [-O N] [--cpu=CPU]\n"
    "                 FILE.wasm|FILE.wat|FILE.so [ARGS...]\n"
    "Runs a WASI program (wasi_snapshot_preview1 or wasi_unstable): calls\n"
    "its _start, or the export NAME with ARGS as its parameters (results\n"
    "are printed one per line). A .wasm/.wat file is compiled at -O N\n"
    "(default 2) for --cpu CPU (default generic) through the artifact cache:\n"
    "$WASMC_CACHE_DIR, else $XDG_CACHE_HOME/wasmc, else ~/.cache/wasmc\n"
    "(WASMC_CACHE_DIR=0 disables it); a later run of the same module with\n"
    "the same options only loads the cached code.\n"
    "  --dir HOST[::GUEST]  preopen host directory HOST as GUEST (default:\n"
    "                       HOST); nothing else on the host is reachable\n"
    "  --env K=V            set an environment variable of the program\n"
    "  --invoke NAME        call export NAME instead of _start\n"
    "  --bench              print `bench-ns: N` (time from bench.start to\n"
    "                       bench.end), `compile-ns` and `instantiate-ns`\n"
    "                       to stderr at exit. Imports bench.start and\n"
    "                       bench.end (() -> ()) are always provided; without\n"
    "                       --bench they are no-ops. compile-ns is the\n"
    "                       time to get the code: compiling, or loading it\n"
    "                       from the cache on a hit.\n"
    "  --no-cache           compile in memory; neither read nor write the\n"
    "                       cache\n"
    "Exit status: the program's (proc_exit or 0); 134 (128 + SIGABRT) after\n"
    "a trap, with `error: wasm trap: MESSAGE` on stderr; 1 if the file does\n"
    "not load, compile or link (unknown imports are named); 2 on usage.\n";

typedef struct run_opts {
  const char **dirs;
  const char **envs;
  size_t ndirs, nenvs;
  const char *invoke, *path, *cpu;
  bool bench, no_cache;
  unsigned opt;
  int nargs;
  char **args; /* after FILE */
} run_opts;

static bool take_value(int argc, char **argv, int *i, const char *flag,
                       const char **out) {
  size_t n = strlen(flag);
  if (strncmp(argv[*i], flag, n) != 0)
    return false;
  if (argv[*i][n] == '=') {
    *out = argv[*i] + n + 1;
    return true;
  }
  if (argv[*i][n] == '\0' && *i + 1 < argc) {
    *out = argv[++*i];
    return true;
  }
  return false;
}

/* Returns -1 when the options are fine, else an exit status. */
static int parse_run_args(int argc, char **argv, run_opts *o) {
  *o = (run_opts){.opt = 2, .cpu = "generic"};
  o->dirs = calloc((size_t)argc, sizeof *o->dirs);
  o->envs = calloc((size_t)argc, sizeof *o->envs);
  if (!o->dirs || !o->envs)
    return WASMC_EXIT_FAIL;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *v, *s = argv[i];
    if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
      fputs(run_help, stdout);
      return WASMC_EXIT_OK;
    } else if (strcmp(s, "--bench") == 0) {
      o->bench = true;
    } else if (strcmp(s, "--no-cache") == 0) {
      o->no_cache = true;
    } else if (take_value(argc, argv, &i, "--dir", &v)) {
      o->dirs[o->ndirs++] = v;
    } else if (take_value(argc, argv, &i, "--env", &v) && strchr(v, '=') &&
               v[0] != '=') {
      o->envs[o->nenvs++] = v;
    } else if (take_value(argc, argv, &i, "--invoke", &v)) {
      o->invoke = v;
    } else if (take_value(argc, argv, &i, "--cpu", &v)) {
      o->cpu = v;
    } else if (strcmp(s, "-O") == 0 && i + 1 < argc &&
               strlen(argv[i + 1]) == 1 && argv[i + 1][0] >= '0' &&
               argv[i + 1][0] <= '3') {
      o->opt = (unsigned)(argv[++i][0] - '0');
    } else if (!wasmc_cli_parse_opt(s, &o->opt)) {
      if (strcmp(s, "--") == 0) {
        i++;
        break;
      }
      fprintf(stderr, "wasmc run: bad option '%s'%s (see wasmc run --help)\n",
              s, strncmp(s, "--env", 5) == 0 ? " (want --env K=V)" : "");
      return WASMC_EXIT_USAGE;
    }
  }
  if (i >= argc) {
    fputs(run_help, stderr);
    return WASMC_EXIT_USAGE;
  }
  o->path = argv[i];
  o->args = argv + i + 1;
  o->nargs = argc - i - 1;
  return -1;
}

/* ------------------------------------------------------------- loading */

/* A cache hit: the entry is intact and the loader accepts it (an entry
 * it refuses, e.g. from an older format, is recompiled and replaced). */
static bool open_cached(const char *entry, wasmrt_artifact **art) {
  uint8_t *so;
  size_t so_len;
  if (!wasmrt_cache_load(entry, &so, &so_len))
    return false;
  wasm_error ignored = {0};
  bool ok = wasmrt_artifact_open_bytes(so, so_len, art, &ignored);
  free(so);
  return ok;
}

/* Compiles and opens `wasm`; stores the artifact as `entry` unless NULL
 * (best effort: an unwritable cache only costs the next run a compile). */
static bool compile_program(const run_opts *o, const uint8_t *wasm, size_t len,
                            const char *entry, wasmrt_artifact **art,
                            wasm_error *err) {
  uint8_t *so = NULL;
  size_t so_len = 0;
  bool ok =
      wasmc_cli_compile(wasm, len, o->opt, o->cpu, false, &so, &so_len, err);
  if (ok)
    ok = wasmrt_artifact_open_bytes(so, so_len, art, err);
  wasm_error ignored = {0};
  if (ok && entry)
    (void)wasmrt_cache_store(entry, so, so_len, &ignored);
  free(so);
  return ok;
}

/* dl_iterate_phdr callback: the path of a loaded libwasmc. */
static int find_libwasmc(struct dl_phdr_info *info, size_t size, void *data) {
  const char *name = info->dlpi_name, *slash = strrchr(name, '/');
  if (!slash || strncmp(slash, "/libwasmc.so", 12) != 0)
    return 0;
  snprintf(data, PATH_MAX, "%s", name);
  return 1;
}

/* The file holding the compiler's code, for the cache key: libwasmc if it
 * is a shared library, else this executable (which links it). */
static void compiler_file(char path[PATH_MAX]) {
  if (!dl_iterate_phdr(find_libwasmc, path))
    snprintf(path, PATH_MAX, "/proc/self/exe");
}

static bool load_program(const run_opts *o, wasmrt_artifact **art,
                         uint64_t *compile_ns, wasm_error *err) {
  uint8_t *bytes;
  size_t len;
  bool is_artifact;
  *compile_ns = 0;
  if (!wasmc_cli_read_wasm(o->path, &bytes, &len, &is_artifact, err))
    return false;
  if (is_artifact) {
    free(bytes);
    return wasmrt_artifact_open(o->path, art, err);
  }
  uint64_t t0 = run_now_ns();
  char lib[PATH_MAX];
  compiler_file(lib);
  wasmrt_cache_options key = {
      .opt_level = o->opt, .target_cpu = o->cpu, .compiler_file = lib};
  char *entry = o->no_cache ? NULL : wasmrt_cache_entry_path(bytes, len, &key);
  bool ok = (entry && open_cached(entry, art)) ||
            compile_program(o, bytes, len, entry, art, err);
  *compile_ns = run_now_ns() - t0;
  free(entry);
  free(bytes);
  return ok;
}

static bool setup_wasi(const run_opts *o, wasi_ctx **out, wasm_error *err) {
  wasi_ctx *ctx = wasi_ctx_new();
  if (!ctx)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  /* argv[0] is the file as given, then the program's own arguments. */
  const char **argv = calloc((size_t)o->nargs + 1, sizeof *argv);
  bool ok = argv != NULL;
  if (ok) {
    argv[0] = o->path;
    for (int i = 0; i < o->nargs; i++)
      argv[i + 1] = o->args[i];
    ok = wasi_ctx_set_args(ctx, (size_t)o->nargs + 1, argv, err);
  } else {
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET, "out of memory");
  }
  free(argv);
  for (size_t i = 0; ok && i < o->nenvs; i++) {
    char *key = strdup(o->envs[i]);
    ok = key != NULL;
    if (ok) {
      char *eq = strchr(key, '=');
      *eq = '\0';
      ok = wasi_ctx_add_env(ctx, key, eq + 1, err);
    }
    free(key);
  }
  for (size_t i = 0; ok && i < o->ndirs; i++) {
    char *host = strdup(o->dirs[i]);
    ok = host != NULL;
    if (ok) {
      char *sep = strstr(host, "::");
      const char *guest = host;
      if (sep) {
        *sep = '\0';
        guest = sep + 2;
      }
      ok = wasi_ctx_preopen_dir(ctx, host, guest, err);
    }
    free(host);
  }
  if (!ok) {
    wasi_ctx_free(ctx);
    return false;
  }
  *out = ctx;
  return true;
}

/* --------------------------------------------------------------- calls */

/* The exit status of a finished call into the program. */
static int call_status(wasmrt_trap_code code, const wasmrt_trap *trap,
                       const wasi_ctx *wasi) {
  int32_t exit_code;
  if (code == WASMRT_TRAP_NONE)
    return WASMC_EXIT_OK;
  if (code == WASMRT_TRAP_EXIT && wasi_ctx_exit_code(wasi, &exit_code))
    return exit_code & 0xff;
  if (code == WASMRT_TRAP_EXIT)
    return trap->exit_code & 0xff;
  fprintf(stderr, "error: wasm trap: %s\n",
          trap->message[0] ? trap->message : wasmrt_trap_message(code));
  return RUN_EXIT_TRAP;
}

static bool parse_arg(const char *s, wasm_valtype t, uint64_t *slot) {
  char *end;
  errno = 0;
  switch (t) {
  case WASM_I32:
  case WASM_I64: {
    bool neg = s[0] == '-';
    uint64_t v = neg ? (uint64_t)strtoll(s, &end, 0) : strtoull(s, &end, 0);
    if (t == WASM_I32 && (neg ? (int64_t)v < INT32_MIN : v > UINT32_MAX))
      return false;
    *slot = t == WASM_I32 ? (uint32_t)v : v;
    break;
  }
  case WASM_F32: {
    float f = strtof(s, &end);
    uint32_t bits;
    memcpy(&bits, &f, 4);
    *slot = bits;
    break;
  }
  case WASM_F64: {
    double d = strtod(s, &end);
    memcpy(slot, &d, 8);
    break;
  }
  default:
    return false; /* v128 and references have no command-line form */
  }
  return end != s && *end == '\0' && errno == 0;
}

static void print_result(wasm_valtype t, const uint64_t *slot) {
  float f;
  double d;
  uint32_t lo = (uint32_t)*slot;
  switch (t) {
  case WASM_I32:
    printf("%" PRId32 "\n", (int32_t)lo);
    break;
  case WASM_I64:
    printf("%" PRId64 "\n", (int64_t)*slot);
    break;
  case WASM_F32:
    memcpy(&f, &lo, 4);
    printf("%.9g\n", (double)f);
    break;
  case WASM_F64:
    memcpy(&d, slot, 8);
    printf("%.17g\n", d);
    break;
  case WASM_V128:
    printf("0x%016" PRIx64 "%016" PRIx64 "\n", slot[1], slot[0]);
    break;
  default:
    printf("%s\n", *slot ? "ref" : "null");
  }
}

static const wasmrt_funcref *find_func(wasmrt_instance *inst,
                                       const char *name) {
  wasmrt_extern ex;
  if (!wasmrt_instance_export(inst, name, strlen(name), &ex) ||
      ex.kind != WASMRT_EXTERN_FUNC)
    return NULL;
  return ex.of.func;
}

/* Calls `fn` with the command-line arguments; prints its results. */
static int invoke(const run_opts *o, const wasmrt_funcref *fn,
                  const wasi_ctx *wasi) {
  const wasm_functype *ft = wasmrt_funcref_type(fn);
  if (o->nargs != (int)ft->nparams) {
    fprintf(stderr, "wasmc run: %s takes %u argument(s), %d given\n", o->invoke,
            ft->nparams, o->nargs);
    return WASMC_EXIT_USAGE;
  }
  size_t n = 2 * (ft->nparams > ft->nresults ? ft->nparams : ft->nresults);
  uint64_t *slots = calloc(n + 1, sizeof *slots), *p = slots;
  if (!slots)
    return WASMC_EXIT_FAIL;
  for (uint32_t i = 0; i < ft->nparams; i++, p++) {
    if (!parse_arg(o->args[i], ft->params[i], p)) {
      fprintf(stderr, "wasmc run: bad %s argument '%s'\n",
              wasm_valtype_str(ft->params[i]), o->args[i]);
      free(slots);
      return WASMC_EXIT_USAGE;
    }
  }
  wasmrt_trap trap = {0};
  wasmrt_trap_code code = wasmrt_call(fn, slots, &trap);
  int status = call_status(code, &trap, wasi);
  for (uint32_t i = 0, s = 0; code == WASMRT_TRAP_NONE && i < ft->nresults;
       i++) {
    print_result(ft->results[i], &slots[s]);
    s += ft->results[i] == WASM_V128 ? 2 : 1;
  }
  free(slots);
  return status;
}

static int run_instance(const run_opts *o, wasmrt_instance *inst,
                        const wasi_ctx *wasi) {
  const char *name = o->invoke ? o->invoke : "_start";
  /* A reactor initialises itself before any other export is used. */
  const wasmrt_funcref *init = find_func(inst, "_initialize");
  if (o->invoke && init) {
    wasmrt_trap trap = {0};
    uint64_t slot = 0;
    int status = call_status(wasmrt_call(init, &slot, &trap), &trap, wasi);
    if (status != WASMC_EXIT_OK)
      return status;
  }
  const wasmrt_funcref *fn = find_func(inst, name);
  if (!fn) {
    fprintf(stderr, "wasmc run: %s: no exported function '%s'%s\n", o->path,
            name, o->invoke ? "" : " (use --invoke NAME)");
    return WASMC_EXIT_FAIL;
  }
  if (!o->invoke) /* ARGS are the program's, not _start's */
    return invoke(&(run_opts){.invoke = name, .nargs = 0}, fn, wasi);
  return invoke(o, fn, wasi);
}

/* ----------------------------------------------------------- the command */

static void report_bench(const run_opts *o, const run_bench *b,
                         uint64_t compile_ns, uint64_t inst_ns) {
  if (!o->bench)
    return;
  fprintf(stderr, "compile-ns: %" PRIu64 "\ninstantiate-ns: %" PRIu64 "\n",
          compile_ns, inst_ns);
  if (b->started && b->ended)
    fprintf(stderr, "bench-ns: %" PRIu64 "\n", b->end_ns - b->start_ns);
}

/* Links and instantiates, then runs; *status is the exit status. */
static bool instantiate_and_run(const run_opts *o, wasmrt_artifact *art,
                                wasi_ctx *wasi, uint64_t compile_ns,
                                int *status, wasm_error *err) {
  const wasm_module *m = wasmrt_artifact_module(art);
  run_bench bench = {0};
  wasmrt_extern *imports;
  if (!run_imports_bind(m, wasi, &bench, &imports, err))
    return false;
  wasmrt_trap trap = {0};
  uint64_t t0 = run_now_ns();
  wasmrt_instance *inst = wasmrt_instance_new(
      m, wasmrt_artifact_code(art), imports, m->num_imports, NULL, &trap, err);
  uint64_t inst_ns = run_now_ns() - t0;
  run_imports_free(imports, m->num_imports);
  if (!inst && err->kind == WASM_ERR_TRAP && trap.code != WASMRT_TRAP_NONE) {
    *status = call_status(trap.code, &trap, wasi); /* the start function */
    return true;
  }
  if (!inst)
    return false;
  *status = run_instance(o, inst, wasi);
  fflush(stdout);
  report_bench(o, &bench, compile_ns, inst_ns);
  wasmrt_instance_release(inst);
  return true;
}

int wasmc_cmd_run(int argc, char **argv) {
  run_opts o;
  int status = parse_run_args(argc, argv, &o);
  if (status < 0) {
    wasm_error err = {0};
    wasmrt_artifact *art = NULL;
    wasi_ctx *wasi = NULL;
    uint64_t compile_ns;
    if (!setup_wasi(&o, &wasi, &err)) {
      wasmc_cli_report(stderr, "wasmc run", &err); /* --dir/--env values */
      status = WASMC_EXIT_FAIL;
    } else if (!load_program(&o, &art, &compile_ns, &err) ||
               !instantiate_and_run(&o, art, wasi, compile_ns, &status, &err)) {
      wasmc_cli_report(stderr, o.path, &err);
      status = WASMC_EXIT_FAIL;
    }
    wasi_ctx_free(wasi);
    wasmrt_artifact_close(art);
  }
  free(o.dirs);
  free(o.envs);
  return status;
}
