/* wasi_test_util.h — a fake caller (vmctx + memory 0) and helpers to call
 * WASI callbacks by name, for the runtime/wasi unit tests. */
#ifndef WASI_TEST_UTIL_H
#define WASI_TEST_UTIL_H

#include "wasi.h"

#include <stdint.h>
#include <stdio.h>

extern int wt_failures, wt_checks;

#define CHECK(cond)                                                            \
  do {                                                                         \
    wt_checks++;                                                               \
    if (!(cond)) {                                                             \
      wt_failures++;                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_EQ(a, b)                                                         \
  do {                                                                         \
    long long wt_a_ = (long long)(a), wt_b_ = (long long)(b);                  \
    wt_checks++;                                                               \
    if (wt_a_ != wt_b_) {                                                      \
      wt_failures++;                                                           \
      fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,    \
              __LINE__, #a, wt_a_, #b, wt_b_);                                 \
    }                                                                          \
  } while (0)

/* WASI errno values the tests name. */
enum {
  E_OK = 0,
  E_BADF = 8,
  E_EXIST = 20,
  E_FAULT = 21,
  E_INVAL = 28,
  E_ISDIR = 31,
  E_LOOP = 32,
  E_NOENT = 44,
  E_NOTDIR = 54,
  E_NOTEMPTY = 55,
  E_NOTSOCK = 57,
  E_NOTSUP = 58,
  E_NOTCAPABLE = 76,
};

#define WT_MEM_SIZE 65536u

typedef struct wt_env {
  wasi_ctx *ctx;
  wasi_version version;
  uint8_t *mem;
  wasmrt_memory memory;
  wasmrt_memory *memories[1];
  wasmrt_vmctx vm;
  int last_status; /* callback return value of the last call */
} wt_env;

void wt_init(wt_env *e, wasi_version v);
void wt_free(wt_env *e);
/* Calls WASI function `name` with n slot arguments; returns slots[0]
 * (the errno) and records the callback status in e->last_status. */
uint64_t wt_callv(wt_env *e, const char *name, const uint64_t *args, int n);
#define CALL(e, name, ...)                                                     \
  wt_callv(e, name, (const uint64_t[]){__VA_ARGS__},                           \
           (int)(sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t)))
/* Guest memory helpers. */
void wt_put(wt_env *e, uint32_t off, const void *p, size_t n);
uint32_t wt_str(wt_env *e, uint32_t off, const char *s); /* returns len */
uint16_t wt_u16(wt_env *e, uint32_t off);
uint32_t wt_u32(wt_env *e, uint32_t off);
uint64_t wt_u64(wt_env *e, uint32_t off);
void wt_set32(wt_env *e, uint32_t off, uint32_t v);
void wt_set64(wt_env *e, uint32_t off, uint64_t v);

/* A fresh temporary directory (mkdtemp); removed by wt_rmtree. */
char *wt_tmpdir(void);
void wt_rmtree(const char *path);

int wt_report(const char *name);

#endif
