/* wasi_random.c — random_get from the kernel's CSPRNG. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <sys/random.h>

uint16_t wasi_impl_random_get(wasi_call *c) {
  uint32_t len = wasi_arg32(c, 1);
  uint8_t *p = wasi_ptr(c, wasi_arg32(c, 0), len);
  if (!p)
    return WASI_EFAULT;
  /* getrandom returns at most 32 MiB per call and may be interrupted. */
  for (uint32_t done = 0; done < len;) {
    ssize_t n = getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return wasi_errno_from_host(errno);
    }
    done += (uint32_t)n;
  }
  return WASI_ESUCCESS;
}
