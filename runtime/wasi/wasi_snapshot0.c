/* wasi_snapshot0.c — the data layouts that differ between
 * wasi_snapshot_preview1 and wasi_unstable (snapshot0). Everything else
 * (errno values, rights bits, fdstat, dirent, prestat, iovec, event) is
 * laid out identically in both witx files.
 *
 * Differences handled:
 *  - filestat: preview1 is 64 bytes {dev@0 ino@8 filetype@16 nlink:u64@24
 *    size@32 atim@40 mtim@48 ctim@56}; snapshot0 is 56 bytes with a u32
 *    nlink {dev@0 ino@8 filetype@16 nlink:u32@20 size@24 atim@32 mtim@40
 *    ctim@48}.
 *  - fd_seek whence: preview1 SET=0 CUR=1 END=2; snapshot0 CUR=0 END=1
 *    SET=2 (wasi_whence_to_host in wasi_fs.c).
 *  - subscription: preview1 is 48 bytes {userdata@0 tag@8 union@16; clock
 *    = id:u32@16 timeout@24 precision@32 flags:u16@40}; snapshot0 is 56
 *    bytes, its clock variant starts with an extra `identifier` userdata
 *    {identifier@16 id:u32@24 timeout@32 precision@40 flags:u16@48}.
 *    fd_readwrite is {fd:u32@16} in both.
 *  - snapshot0 has no sock_accept (and no SOCK_ACCEPT right).
 */
#include "wasi_internal.h"

#include <sys/stat.h>

uint16_t wasi_store_filestat(const wasi_call *c, uint32_t ptr,
                             const void *host_stat) {
  const struct stat *st = host_stat;
  bool s0 = c->version == WASI_SNAPSHOT0;
  uint8_t *p = wasi_ptr(c, ptr, s0 ? 56 : 64);
  if (!p)
    return WASI_EFAULT;
  memset(p, 0, s0 ? 56 : 64);
  wasi_st64(p, (uint64_t)st->st_dev);
  wasi_st64(p + 8, (uint64_t)st->st_ino);
  p[16] = wasi_filetype_from_mode(st->st_mode);
  uint8_t *q = p + (s0 ? 24 : 32); /* size, atim, mtim, ctim follow */
  if (s0)
    wasi_st32(p + 20,
              st->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->st_nlink);
  else
    wasi_st64(p + 24, (uint64_t)st->st_nlink);
  wasi_st64(q, (uint64_t)st->st_size);
  wasi_st64(q + 8, wasi_timespec_ns(st->st_atim.tv_sec, st->st_atim.tv_nsec));
  wasi_st64(q + 16, wasi_timespec_ns(st->st_mtim.tv_sec, st->st_mtim.tv_nsec));
  wasi_st64(q + 24, wasi_timespec_ns(st->st_ctim.tv_sec, st->st_ctim.tv_nsec));
  return WASI_ESUCCESS;
}

uint32_t wasi_subscription_size(wasi_version v) {
  return v == WASI_SNAPSHOT0 ? 56 : 48;
}

void wasi_subscription_load(wasi_version v, const uint8_t *p,
                            wasi_subscription *s) {
  memset(s, 0, sizeof *s);
  s->userdata = wasi_ld64(p);
  s->tag = p[8];
  if (s->tag != 0) {
    s->fd = wasi_ld32(p + 16);
    return;
  }
  const uint8_t *q = p + (v == WASI_SNAPSHOT0 ? 24 : 16);
  s->clock_id = wasi_ld32(q);
  s->timeout = wasi_ld64(q + 8);
  s->flags = wasi_ld16(q + 24);
}
