/* wasi_proc.c — arguments, environment, proc_exit, proc_raise,
 * sched_yield. */
#include "wasi_internal.h"

#include <sched.h>

/* Total bytes of the NUL-terminated strings (callers check it fits the
 * guest's u32 sizes). */
static uint64_t strings_size(char *const *v, size_t n) {
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += strlen(v[i]) + 1;
  return total;
}

static uint16_t sizes_get(wasi_call *c, char *const *v, size_t n) {
  uint64_t size = strings_size(v, n);
  if (n > UINT32_MAX || size > UINT32_MAX)
    return WASI_EOVERFLOW;
  uint16_t rc = wasi_put32(c, wasi_arg32(c, 0), (uint32_t)n);
  return rc ? rc : wasi_put32(c, wasi_arg32(c, 1), (uint32_t)size);
}

/* Writes the pointer array at arg 0 and the string bytes at arg 1, both
 * checked as whole ranges before anything is written. */
static uint16_t strings_get(wasi_call *c, char *const *v, size_t n) {
  uint32_t ptrs = wasi_arg32(c, 0), buf = wasi_arg32(c, 1);
  uint64_t size = strings_size(v, n);
  uint8_t *pp = wasi_ptr(c, ptrs, (uint64_t)n * 4);
  uint8_t *bp = wasi_ptr(c, buf, size);
  if (!pp || !bp)
    return WASI_EFAULT;
  uint64_t off = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(v[i]) + 1;
    wasi_st32(pp + 4 * i, (uint32_t)(buf + off));
    memcpy(bp + off, v[i], len);
    off += len;
  }
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_args_sizes_get(wasi_call *c) {
  return sizes_get(c, c->ctx->argv, c->ctx->argc);
}

uint16_t wasi_impl_args_get(wasi_call *c) {
  return strings_get(c, c->ctx->argv, c->ctx->argc);
}

uint16_t wasi_impl_environ_sizes_get(wasi_call *c) {
  return sizes_get(c, c->ctx->env, c->ctx->envc);
}

uint16_t wasi_impl_environ_get(wasi_call *c) {
  return strings_get(c, c->ctx->env, c->ctx->envc);
}

/* Records the code; the callback wrapper then returns WASMRT_TRAP_EXIT so
 * the adapter unwinds to the embedder, which reads the code. */
uint16_t wasi_impl_proc_exit(wasi_call *c) {
  c->ctx->exited = true;
  c->ctx->exit_code = (int32_t)wasi_arg32(c, 0);
  return WASI_ESUCCESS;
}

/* Raising signals in the host process is not something a sandboxed guest
 * may do. */
uint16_t wasi_impl_proc_raise(wasi_call *c) {
  return WASI_ENOTSUP;
}

uint16_t wasi_impl_sched_yield(wasi_call *c) {
  sched_yield();
  return WASI_ESUCCESS;
}
