/* wasi_errno.c — host errno to WASI errno, per the witx `errno` enum
 * (same numbering in preview1 and snapshot0). */
#include "wasi_internal.h"

#include <errno.h>

/* Indexed by WASI errno; each row names the host errno it stands for. */
static const int host_for_wasi[] = {
    [1] = E2BIG,         [2] = EACCES,
    [3] = EADDRINUSE,    [4] = EADDRNOTAVAIL,
    [5] = EAFNOSUPPORT,  [6] = EAGAIN,
    [7] = EALREADY,      [8] = EBADF,
    [9] = EBADMSG,       [10] = EBUSY,
    [11] = ECANCELED,    [12] = ECHILD,
    [13] = ECONNABORTED, [14] = ECONNREFUSED,
    [15] = ECONNRESET,   [16] = EDEADLK,
    [17] = EDESTADDRREQ, [18] = EDOM,
    [19] = EDQUOT,       [20] = EEXIST,
    [21] = EFAULT,       [22] = EFBIG,
    [23] = EHOSTUNREACH, [24] = EIDRM,
    [25] = EILSEQ,       [26] = EINPROGRESS,
    [27] = EINTR,        [28] = EINVAL,
    [29] = EIO,          [30] = EISCONN,
    [31] = EISDIR,       [32] = ELOOP,
    [33] = EMFILE,       [34] = EMLINK,
    [35] = EMSGSIZE,     [36] = EMULTIHOP,
    [37] = ENAMETOOLONG, [38] = ENETDOWN,
    [39] = ENETRESET,    [40] = ENETUNREACH,
    [41] = ENFILE,       [42] = ENOBUFS,
    [43] = ENODEV,       [44] = ENOENT,
    [45] = ENOEXEC,      [46] = ENOLCK,
    [47] = ENOLINK,      [48] = ENOMEM,
    [49] = ENOMSG,       [50] = ENOPROTOOPT,
    [51] = ENOSPC,       [52] = ENOSYS,
    [53] = ENOTCONN,     [54] = ENOTDIR,
    [55] = ENOTEMPTY,    [56] = ENOTRECOVERABLE,
    [57] = ENOTSOCK,     [58] = ENOTSUP,
    [59] = ENOTTY,       [60] = ENXIO,
    [61] = EOVERFLOW,    [62] = EOWNERDEAD,
    [63] = EPERM,        [64] = EPIPE,
    [65] = EPROTO,       [66] = EPROTONOSUPPORT,
    [67] = EPROTOTYPE,   [68] = ERANGE,
    [69] = EROFS,        [70] = ESPIPE,
    [71] = ESRCH,        [72] = ESTALE,
    [73] = ETIMEDOUT,    [74] = ETXTBSY,
    [75] = EXDEV,
};

uint16_t wasi_errno_from_host(int e) {
  if (e == 0)
    return WASI_EIO; /* a failure without a reason is still a failure */
  /* Linux aliases: EWOULDBLOCK == EAGAIN, EOPNOTSUPP == ENOTSUP,
   * EDEADLOCK == EDEADLK, so one row covers both. */
  for (uint16_t i = 1; i < sizeof host_for_wasi / sizeof host_for_wasi[0]; i++)
    if (host_for_wasi[i] == e)
      return i;
  return WASI_EIO;
}
