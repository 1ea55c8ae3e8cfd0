/* Differential test of the text front end against wabt's wast2json over
 * the spec testsuite: every text module we translate must equal wabt's
 * binary (custom sections stripped), every `module quote` that
 * assert_malformed expects to fail must be rejected, and every
 * assert_invalid text module must translate.
 *
 * usage: test_wat_spec SUITE_DIR WORK_DIR [NAME.wast]
 * Exit 77 (ctest "skipped") when the suite is absent. */
#include "strip_custom.h"
#include "wat.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct counts {
  unsigned agree, total;        /* text modules vs wast2json */
  unsigned rejected, malformed; /* quote assert_malformed */
  unsigned invalid_ok, invalid; /* assert_invalid translate */
  unsigned script_fail;
  unsigned round_ok, round_total; /* decode -> print -> translate */
} counts;

static bool verbose;

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *p = malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  if (p) {
    p[n] = 0;
    *len = (size_t)n;
  }
  return p;
}

typedef struct json_cmd {
  char type[32], filename[128], module_type[16];
  unsigned line;
} json_cmd;

static bool field(const char *ln, const char *key, char *out, size_t cap) {
  const char *p = strstr(ln, key);
  if (!p)
    return false;
  p += strlen(key);
  size_t n = 0;
  while (*p && *p != '"' && n + 1 < cap)
    out[n++] = *p++;
  out[n] = 0;
  return true;
}

static bool parse_json_line(const char *ln, json_cmd *c) {
  memset(c, 0, sizeof *c);
  const char *l = strstr(ln, "\"line\": ");
  if (!field(ln, "{\"type\": \"", c->type, sizeof c->type) || !l)
    return false;
  c->line = (unsigned)atoi(l + 8);
  field(ln, "\"filename\": \"", c->filename, sizeof c->filename);
  field(ln, "\"module_type\": \"", c->module_type, sizeof c->module_type);
  return c->filename[0] != 0;
}

static const wast_command *find_cmd(const wast_script *s, unsigned line) {
  for (uint32_t i = 0; i < s->ncommands; i++)
    if (s->commands[i].line == line && s->commands[i].has_module)
      return &s->commands[i];
  return NULL;
}

/* Our binary for a command's module, or NULL if it did not translate. */
static uint8_t *our_binary(const wast_module *m, size_t *len, wasm_error *e) {
  if (m->form == WAST_MODULE_QUOTE) {
    uint8_t *out;
    if (!wat_to_wasm((const char *)m->bytes, m->len, &out, len, e))
      return NULL;
    return out;
  }
  if (!m->ok) {
    *e = m->error;
    return NULL;
  }
  uint8_t *copy = malloc(m->len + 1);
  memcpy(copy, m->bytes, m->len);
  *len = m->len;
  return copy;
}

/* wasm -> wasm_to_wat -> wat_to_wasm must give the same binary. */
static void round_trip(const char *name, unsigned line, const uint8_t *bin,
                       size_t len, counts *n) {
  wasm_module *m;
  wasm_error e = {0};
  if (!wasm_module_decode(bin, len, WASM_DECODE_DEFAULT, &m, &e))
    return; /* not decodable by the module model: nothing to print */
  n->round_total++;
  char *text;
  size_t tlen, blen;
  uint8_t *again = NULL;
  if (!wasm_to_wat(m, &text, &tlen, &e)) {
    printf("%s:%u: print failed: %s\n", name, line, e.message);
  } else if (!wat_to_wasm(text, tlen, &again, &blen, &e)) {
    printf("%s:%u: printed text does not translate: %s\n", name, line,
           e.message);
    if (verbose)
      printf("%s\n", text);
  } else {
    blen = strip_custom(again, blen);
    if (blen == len && memcmp(again, bin, len) == 0)
      n->round_ok++;
    else
      printf("%s:%u: round trip differs\n", name, line);
  }
  free(again);
  free(text);
  wasm_module_free(m);
}

static void compare(const char *dir, const char *name, const json_cmd *j,
                    const wast_command *c, counts *n) {
  bool invalid = strcmp(j->type, "assert_invalid") == 0;
  n->total++;
  n->invalid += invalid;
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, j->filename);
  size_t wlen, olen;
  uint8_t *want = read_file(path, &wlen);
  wasm_error e = {0};
  uint8_t *ours = our_binary(&c->module, &olen, &e);
  if (!ours) {
    printf("%s:%u: translation failed: %s\n", name, j->line, e.message);
  } else if (!want) {
    printf("%s:%u: missing %s\n", name, j->line, path);
  } else {
    wlen = strip_custom(want, wlen);
    olen = strip_custom(ours, olen);
    if (wlen == olen && memcmp(want, ours, wlen) == 0) {
      n->agree++;
      n->invalid_ok += invalid;
      round_trip(name, j->line, ours, olen, n);
    } else {
      printf("%s:%u: binary differs from %s\n", name, j->line, j->filename);
    }
  }
  free(want);
  free(ours);
}

static void check_malformed(const char *name, const json_cmd *j,
                            const wast_command *c, counts *n) {
  n->malformed++;
  size_t len;
  wasm_error e = {0};
  uint8_t *ours = our_binary(&c->module, &len, &e);
  if (!ours)
    n->rejected++;
  else
    printf("%s:%u: malformed module accepted\n", name, j->line);
  free(ours);
}

static void run_file(const char *suite, const char *work, const char *file,
                     counts *n) {
  char name[256], cmd[8192], path[4096];
  snprintf(name, sizeof name, "%.*s", (int)(strlen(file) - 5), file);
  snprintf(cmd, sizeof cmd, "wast2json '%s/%s' -o '%s/%s.json' >/dev/null 2>&1",
           suite, file, work, name);
  if (system(cmd) != 0) {
    printf("%s: wast2json failed, skipped\n", file);
    return;
  }
  snprintf(path, sizeof path, "%s/%s", suite, file);
  size_t len;
  char *text = (char *)read_file(path, &len);
  wast_script script;
  wasm_error err = {0};
  if (!text || !wast_parse_script(text, len, &script, &err)) {
    printf("%s: script failed: %s\n", file, err.message);
    n->script_fail++;
    free(text);
    return;
  }
  snprintf(path, sizeof path, "%s/%s.json", work, name);
  FILE *f = fopen(path, "r");
  char line[65536];
  while (f && fgets(line, sizeof line, f)) {
    json_cmd j;
    if (!parse_json_line(line, &j))
      continue;
    const wast_command *c = find_cmd(&script, j.line);
    bool text_mod = c && c->module.form != WAST_MODULE_BINARY;
    if (!text_mod)
      continue;
    if (strcmp(j.type, "assert_malformed") == 0) {
      if (c->module.form == WAST_MODULE_QUOTE)
        check_malformed(name, &j, c, n);
    } else if (strcmp(j.module_type, "text") != 0) {
      compare(work, name, &j, c, n);
    }
  }
  if (f)
    fclose(f);
  wast_script_free(&script);
  free(text);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SUITE_DIR WORK_DIR [FILE.wast]\n", argv[0]);
    return 2;
  }
  verbose = getenv("WAT_VERBOSE") != NULL;
  DIR *d = opendir(argv[1]);
  if (!d) {
    printf("SKIP: spec testsuite not found at %s\n", argv[1]);
    return 77;
  }
  if (system("wast2json --version >/dev/null 2>&1") != 0) {
    printf("SKIP: wast2json (wabt) not installed\n");
    closedir(d);
    return 77;
  }
  char *files[1024];
  size_t nfiles = 0;
  struct dirent *e;
  while ((e = readdir(d)) && nfiles < 1024) {
    size_t l = strlen(e->d_name);
    if (l > 5 && strcmp(e->d_name + l - 5, ".wast") == 0 &&
        (argc < 4 || strcmp(argv[3], e->d_name) == 0))
      files[nfiles++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(files, nfiles, sizeof *files, by_name);
  counts n = {0};
  for (size_t i = 0; i < nfiles; i++) {
    run_file(argv[1], argv[2], files[i], &n);
    free(files[i]);
  }
  printf("files: %zu, scripts failing to parse: %u\n", nfiles, n.script_fail);
  printf("modules equal to wast2json: %u/%u\n", n.agree, n.total);
  printf("assert_invalid modules translated: %u/%u\n", n.invalid_ok, n.invalid);
  printf("quoted assert_malformed rejected: %u/%u\n", n.rejected, n.malformed);
  printf("round trips (decode, print, translate): %u/%u\n", n.round_ok,
         n.round_total);
  bool pass = n.script_fail == 0 && n.agree == n.total &&
              n.rejected == n.malformed && n.round_ok == n.round_total;
  return pass ? 0 : 1;
}
