/* wasi_test_util.c — see wasi_test_util.h. */
#define _GNU_SOURCE
#include "wasi_test_util.h"

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wt_failures, wt_checks;

void wt_init(wt_env *e, wasi_version v) {
  memset(e, 0, sizeof *e);
  e->ctx = wasi_ctx_new();
  e->version = v;
  e->mem = calloc(1, WT_MEM_SIZE);
  e->memory = (wasmrt_memory){e->mem, WT_MEM_SIZE, 1};
  e->memories[0] = &e->memory;
  e->vm.mem0_base = e->mem;
  e->vm.memories = e->memories;
  if (!e->ctx || !e->mem) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
}

void wt_free(wt_env *e) {
  wasi_ctx_free(e->ctx);
  free(e->mem);
}

uint64_t wt_callv(wt_env *e, const char *name, const uint64_t *args, int n) {
  const char *mod = wasi_version_module_name(e->version);
  const wasi_func_desc *d =
      wasi_function_find(mod, strlen(mod), name, strlen(name));
  if (!d) {
    fprintf(stderr, "no WASI function %s.%s\n", mod, name);
    wt_failures++;
    return UINT64_MAX;
  }
  if ((int)d->nparams != n) {
    fprintf(stderr, "%s takes %u args, test passed %d\n", name, d->nparams, n);
    wt_failures++;
  }
  uint64_t slots[16] = {0};
  for (int i = 0; i < n && i < 16; i++)
    slots[i] = args[i];
  wasmrt_hostfn fn = {.callback = d->callback, .env = e->ctx};
  e->last_status = d->callback(&fn, &e->vm, slots);
  return slots[0];
}

void wt_put(wt_env *e, uint32_t off, const void *p, size_t n) {
  memcpy(e->mem + off, p, n);
}

uint32_t wt_str(wt_env *e, uint32_t off, const char *s) {
  size_t n = strlen(s);
  memcpy(e->mem + off, s, n);
  return (uint32_t)n;
}

uint16_t wt_u16(wt_env *e, uint32_t off) {
  uint16_t v;
  memcpy(&v, e->mem + off, 2);
  return v;
}

uint32_t wt_u32(wt_env *e, uint32_t off) {
  uint32_t v;
  memcpy(&v, e->mem + off, 4);
  return v;
}

uint64_t wt_u64(wt_env *e, uint32_t off) {
  uint64_t v;
  memcpy(&v, e->mem + off, 8);
  return v;
}

void wt_set32(wt_env *e, uint32_t off, uint32_t v) {
  memcpy(e->mem + off, &v, 4);
}

void wt_set64(wt_env *e, uint32_t off, uint64_t v) {
  memcpy(e->mem + off, &v, 8);
}

char *wt_tmpdir(void) {
  const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *p;
  if (asprintf(&p, "%s/wasi_unit_XXXXXX", base) < 0 || !mkdtemp(p)) {
    perror("mkdtemp");
    exit(2);
  }
  return p;
}

static int rm_one(const char *p, const struct stat *st, int type,
                  struct FTW *f) {
  return remove(p);
}

void wt_rmtree(const char *path) {
  nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int wt_report(const char *name) {
  printf("%s: %d checks, %d failures\n", name, wt_checks, wt_failures);
  return wt_failures ? 1 : 0;
}
