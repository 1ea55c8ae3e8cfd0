/* `wasmc inspect [--json] FILE`: what a module imports and exports, its
 * memories, tables, globals, start function, segment counts and custom
 * sections — as text for people or as JSON for scripts. For a compiled
 * artifact (.so) the header of its `.wasmc` section (versions, target, CPU,
 * source SHA-256) comes first, then the module it describes. */
#include "cli.h"
#include "json_writer.h"
#include "wasmrt_loader.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The type of an import or export, whatever its kind. */
typedef struct extern_type {
  wasm_externkind kind;
  const wasm_functype *func;
  wasm_tabletype table;
  wasm_memtype memory;
  wasm_globaltype global;
} extern_type;

static extern_type import_type(const wasm_module *m, const wasm_import *im) {
  extern_type t = {.kind = im->kind};
  switch (im->kind) {
  case WASM_EXTERN_FUNC:
    t.func = &m->types[im->u.func_type];
    break;
  case WASM_EXTERN_TABLE:
    t.table = im->u.table;
    break;
  case WASM_EXTERN_MEMORY:
    t.memory = im->u.memory;
    break;
  case WASM_EXTERN_GLOBAL:
    t.global = im->u.global;
    break;
  }
  return t;
}

static extern_type export_type(const wasm_module *m, const wasm_export *ex) {
  extern_type t = {.kind = ex->kind};
  switch (ex->kind) {
  case WASM_EXTERN_FUNC:
    t.func = wasm_module_func_type(m, ex->index);
    break;
  case WASM_EXTERN_TABLE:
    t.table = wasm_module_table_type(m, ex->index);
    break;
  case WASM_EXTERN_MEMORY:
    t.memory = wasm_module_memory_type(m, ex->index);
    break;
  case WASM_EXTERN_GLOBAL:
    t.global = wasm_module_global_type(m, ex->index);
    break;
  }
  return t;
}

/* ------------------------------------------------------------ text output */

static void text_name(FILE *out, wasm_name n) {
  wasmc_json_write_escaped(out, n.data, n.len); /* quoted, escaped */
}

static void text_extern_type(FILE *out, const extern_type *t) {
  switch (t->kind) {
  case WASM_EXTERN_FUNC:
    wasmc_describe_functype(out, t->func);
    break;
  case WASM_EXTERN_TABLE:
    fprintf(out, "%s ", wasm_valtype_str(t->table.elem));
    wasmc_describe_limits(out, &t->table.limits);
    break;
  case WASM_EXTERN_MEMORY:
    fputs("pages ", out);
    wasmc_describe_limits(out, &t->memory.limits);
    break;
  case WASM_EXTERN_GLOBAL:
    fprintf(out, "%s%s", t->global.mut ? "mut " : "",
            wasm_valtype_str(t->global.type));
    break;
  }
}

static void text_imports_exports(FILE *out, const wasm_module *m) {
  fprintf(out, "imports (%" PRIu32 "):\n", m->num_imports);
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *im = &m->imports[i];
    extern_type t = import_type(m, im);
    fprintf(out, "  %-6s ", wasm_externkind_str(im->kind));
    text_name(out, im->module);
    fputc('.', out);
    text_name(out, im->name);
    fputs(": ", out);
    text_extern_type(out, &t);
    fputc('\n', out);
  }
  fprintf(out, "exports (%" PRIu32 "):\n", m->num_exports);
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_export *ex = &m->exports[i];
    extern_type t = export_type(m, ex);
    fprintf(out, "  %-6s ", wasm_externkind_str(ex->kind));
    text_name(out, ex->name);
    fprintf(out, " [%" PRIu32 "]: ", ex->index);
    text_extern_type(out, &t);
    fputc('\n', out);
  }
}

static void text_definitions(FILE *out, const wasm_module *m) {
  fprintf(out, "memories (%" PRIu32 "):\n", m->num_memories);
  for (uint32_t i = 0; i < m->num_memories; i++) {
    fprintf(out, "  [%" PRIu32 "] pages ", m->num_imported_memories + i);
    wasmc_describe_limits(out, &m->memories[i].limits);
    fputc('\n', out);
  }
  fprintf(out, "tables (%" PRIu32 "):\n", m->num_tables);
  for (uint32_t i = 0; i < m->num_tables; i++) {
    fprintf(out, "  [%" PRIu32 "] %s ", m->num_imported_tables + i,
            wasm_valtype_str(m->tables[i].elem));
    wasmc_describe_limits(out, &m->tables[i].limits);
    fputc('\n', out);
  }
  fprintf(out, "globals (%" PRIu32 "):\n", m->num_globals);
  for (uint32_t i = 0; i < m->num_globals; i++) {
    const wasm_global *g = &m->globals[i];
    fprintf(out, "  [%" PRIu32 "] %s%s = ", m->num_imported_globals + i,
            g->type.mut ? "mut " : "", wasm_valtype_str(g->type.type));
    wasmc_describe_constexpr(out, &g->init);
    fputc('\n', out);
  }
}

static void text_rest(FILE *out, const wasm_module *m) {
  if (m->has_start)
    fprintf(out, "start: func %" PRIu32 "\n", m->start);
  else
    fputs("start: none\n", out);
  fprintf(out, "data segments: %" PRIu32 "\n", m->num_datas);
  fprintf(out, "elem segments: %" PRIu32 "\n", m->num_elems);
  fprintf(out, "custom sections (%" PRIu32 "):\n", m->num_customs);
  for (uint32_t i = 0; i < m->num_customs; i++) {
    fputs("  ", out);
    text_name(out, m->customs[i].name);
    fprintf(out, " %" PRIu32 " bytes\n", m->customs[i].size);
  }
}

static void print_text(FILE *out, const char *path, const wasm_module *m) {
  fprintf(out,
          "%s: %" PRIu32 " bytes, %" PRIu32 " types, %" PRIu32
          " functions (%" PRIu32 " imported)\n",
          path, m->size, m->num_types, wasm_module_num_all_funcs(m),
          m->num_imported_funcs);
  text_imports_exports(out, m);
  text_definitions(out, m);
  text_rest(out, m);
}

/* ------------------------------------------------------------ JSON output */

static void json_name(wasmc_json *w, const char *key, wasm_name n) {
  wasmc_json_string(w, key, n.data, n.len);
}

static void json_limits(wasmc_json *w, const wasm_limits *l) {
  wasmc_json_uint(w, "min", l->min);
  if (l->has_max)
    wasmc_json_uint(w, "max", l->max);
  else
    wasmc_json_null(w, "max");
}

static void json_functype(wasmc_json *w, const char *key,
                          const wasm_functype *ft) {
  char *s = wasmc_functype_string(ft);
  if (s)
    wasmc_json_cstring(w, key, s);
  else
    wasmc_json_null(w, key); /* out of memory: still valid JSON */
  free(s);
}

/* The members describing an import's or export's type. */
static void json_extern_type(wasmc_json *w, const extern_type *t) {
  wasmc_json_cstring(w, "kind", wasm_externkind_str(t->kind));
  switch (t->kind) {
  case WASM_EXTERN_FUNC:
    json_functype(w, "type", t->func);
    break;
  case WASM_EXTERN_TABLE:
    wasmc_json_cstring(w, "elem", wasm_valtype_str(t->table.elem));
    json_limits(w, &t->table.limits);
    break;
  case WASM_EXTERN_MEMORY:
    json_limits(w, &t->memory.limits);
    break;
  case WASM_EXTERN_GLOBAL:
    wasmc_json_cstring(w, "type", wasm_valtype_str(t->global.type));
    wasmc_json_bool(w, "mutable", t->global.mut);
    break;
  }
}

static void json_imports_exports(wasmc_json *w, const wasm_module *m) {
  wasmc_json_begin_array(w, "imports");
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *im = &m->imports[i];
    extern_type t = import_type(m, im);
    wasmc_json_begin_object(w, NULL);
    json_name(w, "module", im->module);
    json_name(w, "name", im->name);
    json_extern_type(w, &t);
    wasmc_json_end_object(w);
  }
  wasmc_json_end_array(w);
  wasmc_json_begin_array(w, "exports");
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_export *ex = &m->exports[i];
    extern_type t = export_type(m, ex);
    wasmc_json_begin_object(w, NULL);
    json_name(w, "name", ex->name);
    wasmc_json_uint(w, "index", ex->index);
    json_extern_type(w, &t);
    wasmc_json_end_object(w);
  }
  wasmc_json_end_array(w);
}

static void json_memories_tables(wasmc_json *w, const wasm_module *m) {
  wasmc_json_begin_array(w, "memories");
  for (uint32_t i = 0; i < m->num_memories; i++) {
    wasmc_json_begin_object(w, NULL);
    wasmc_json_uint(w, "index", m->num_imported_memories + i);
    json_limits(w, &m->memories[i].limits);
    wasmc_json_end_object(w);
  }
  wasmc_json_end_array(w);
  wasmc_json_begin_array(w, "tables");
  for (uint32_t i = 0; i < m->num_tables; i++) {
    wasmc_json_begin_object(w, NULL);
    wasmc_json_uint(w, "index", m->num_imported_tables + i);
    wasmc_json_cstring(w, "elem", wasm_valtype_str(m->tables[i].elem));
    json_limits(w, &m->tables[i].limits);
    wasmc_json_end_object(w);
  }
  wasmc_json_end_array(w);
}

static void json_globals(wasmc_json *w, const wasm_module *m) {
  wasmc_json_begin_array(w, "globals");
  for (uint32_t i = 0; i < m->num_globals; i++) {
    const wasm_global *g = &m->globals[i];
    wasmc_json_begin_object(w, NULL);
    wasmc_json_uint(w, "index", m->num_imported_globals + i);
    wasmc_json_cstring(w, "type", wasm_valtype_str(g->type.type));
    wasmc_json_bool(w, "mutable", g->type.mut);
    char *init = wasmc_constexpr_string(&g->init);
    if (init)
      wasmc_json_cstring(w, "init", init);
    else
      wasmc_json_null(w, "init");
    free(init);
    wasmc_json_end_object(w);
  }
  wasmc_json_end_array(w);
}

static void json_rest(wasmc_json *w, const wasm_module *m) {
  if (m->has_start)
    wasmc_json_uint(w, "start", m->start);
  else
    wasmc_json_null(w, "start");
  wasmc_json_uint(w, "data_segments", m->num_datas);
  wasmc_json_uint(w, "elem_segments", m->num_elems);
  wasmc_json_begin_array(w, "custom_sections");
  for (uint32_t i = 0; i < m->num_customs; i++) {
    wasmc_json_begin_object(w, NULL);
    json_name(w, "name", m->customs[i].name);
    wasmc_json_uint(w, "size", m->customs[i].size);
    wasmc_json_end_object(w);
  }
  wasmc_json_end_array(w);
}

static void json_artifact(wasmc_json *w, const wasmrt_artifact_meta *a);

static void print_json(FILE *out, const char *path, const wasm_module *m,
                       const wasmrt_artifact_meta *artifact) {
  wasmc_json w;
  wasmc_json_init(&w, out);
  wasmc_json_begin_object(&w, NULL);
  wasmc_json_cstring(&w, "file", path);
  if (artifact)
    json_artifact(&w, artifact);
  wasmc_json_uint(&w, "size", m->size);
  wasmc_json_uint(&w, "types", m->num_types);
  wasmc_json_uint(&w, "functions", wasm_module_num_all_funcs(m));
  wasmc_json_uint(&w, "imported_functions", m->num_imported_funcs);
  json_imports_exports(&w, m);
  json_memories_tables(&w, m);
  json_globals(&w, m);
  json_rest(&w, m);
  wasmc_json_end_object(&w);
  wasmc_json_finish(&w);
}

/* ------------------------------------------------------------ artifacts */

static void sha_hex(const uint8_t sha[32], char out[65]) {
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", sha[i]);
}

static void text_artifact(FILE *out, const wasmrt_artifact_meta *a) {
  char sha[65];
  sha_hex(a->wasm_sha256, sha);
  fprintf(out,
          "artifact: format %" PRIu32 ", abi %" PRIu32 "\n"
          "  compiler: %s\n  llvm: %s\n  target: %s\n  cpu: %s\n"
          "  features: %s\n  wasm sha256: %s\n",
          a->format_version, a->abi_version, a->compiler_version,
          a->llvm_version, a->target_triple, a->cpu_name,
          a->features ? a->features : "", sha);
}

static void json_artifact(wasmc_json *w, const wasmrt_artifact_meta *a) {
  char sha[65];
  sha_hex(a->wasm_sha256, sha);
  wasmc_json_begin_object(w, "artifact");
  wasmc_json_uint(w, "format_version", a->format_version);
  wasmc_json_uint(w, "abi_version", a->abi_version);
  wasmc_json_cstring(w, "compiler", a->compiler_version);
  wasmc_json_cstring(w, "llvm", a->llvm_version);
  wasmc_json_cstring(w, "target", a->target_triple);
  wasmc_json_cstring(w, "cpu", a->cpu_name);
  wasmc_json_cstring(w, "features", a->features ? a->features : "");
  wasmc_json_cstring(w, "wasm_sha256", sha);
  wasmc_json_end_object(w);
}

/* ---------------------------------------------------------------- command */

static int inspect_usage(void) {
  fputs("usage: wasmc inspect [--json] FILE.wasm|FILE.wat|FILE.so\n", stderr);
  return WASMC_EXIT_USAGE;
}

/* Loads a module, or an artifact's metadata (whose module it describes). */
static bool inspect_load(const char *path, wasm_module **m,
                         wasmrt_artifact_meta *meta, bool *is_artifact,
                         wasm_error *err) {
  uint8_t *bytes;
  size_t size;
  *m = NULL;
  if (!wasmc_cli_read_wasm(path, &bytes, &size, is_artifact, err))
    return false;
  bool ok = *is_artifact ? wasmrt_artifact_read_meta(bytes, size, meta, err)
                         : wasm_module_load(bytes, size, m, err);
  free(bytes);
  return ok;
}

int wasmc_cmd_inspect(int argc, char **argv) {
  bool json = false;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0)
      json = true;
    else if (argv[i][0] == '-' || path)
      return inspect_usage();
    else
      path = argv[i];
  }
  if (!path)
    return inspect_usage();
  wasm_module *m;
  wasmrt_artifact_meta meta = {0};
  bool is_artifact;
  wasm_error err = {0};
  if (!inspect_load(path, &m, &meta, &is_artifact, &err)) {
    wasmc_cli_report(stderr, path, &err);
    return WASMC_EXIT_FAIL;
  }
  const wasm_module *desc = is_artifact ? meta.module : m;
  if (json)
    print_json(stdout, path, desc, is_artifact ? &meta : NULL);
  else {
    if (is_artifact)
      text_artifact(stdout, &meta);
    print_text(stdout, path, desc);
  }
  wasm_module_free(m);
  wasmrt_artifact_meta_free(&meta);
  return WASMC_EXIT_OK;
}
