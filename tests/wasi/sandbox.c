/* sandbox.c — escape attempts from the preopen "." (fd 3) must fail with
 * NOTCAPABLE (76) — or LOOP (32) when a final symlink is opened without
 * following it — while the same operations inside the preopen work. The
 * driver makes the tree (see run_wasi_test.py):
 *   ../secret.txt                outside the preopen
 *   inside.txt, a/, sub/ok_link -> ../inside.txt
 *   abs_link -> /ABSOLUTE/secret.txt, rel_link -> ../secret.txt,
 *   dir_link -> ..
 * and afterwards checks that nothing outside changed. Raw WASI calls are
 * used so wasi-libc's own path handling cannot hide the runtime's answer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIRFD 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static int failed;

static void expect(const char *what, __wasi_errno_t got, __wasi_errno_t want) {
  printf("%-44s errno %2u %s\n", what, (unsigned)got,
         got == want ? "ok" : "FAIL");
  failed |= got != want;
}

/* Opens `path` read-only; closes it again on success. */
static __wasi_errno_t try_open(__wasi_lookupflags_t flags, const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t e =
      __wasi_path_open(DIRFD, flags, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  if (e == 0)
    (void)__wasi_fd_close(fd);
  return e;
}

static void opens(void) {
  const __wasi_errno_t CAP = __WASI_ERRNO_NOTCAPABLE;
  expect("open ../secret.txt", try_open(0, "../secret.txt"), CAP);
  expect("open /etc/passwd", try_open(0, "/etc/passwd"), CAP);
  expect("open a/../../secret.txt", try_open(0, "a/../../secret.txt"), CAP);
  expect("open .. itself", try_open(0, ".."), CAP);
  expect("open abs_link (follow)", try_open(FOLLOW, "abs_link"), CAP);
  expect("open rel_link (follow)", try_open(FOLLOW, "rel_link"), CAP);
  expect("open dir_link/secret.txt", try_open(FOLLOW, "dir_link/secret.txt"),
         CAP);
  expect("open abs_link (nofollow)", try_open(0, "abs_link"),
         __WASI_ERRNO_LOOP);
  expect("open a/../inside.txt (stays inside)", try_open(0, "a/../inside.txt"),
         0);
  expect("open sub/ok_link (inside link)", try_open(FOLLOW, "sub/ok_link"), 0);
  expect("open ./inside.txt", try_open(0, "./inside.txt"), 0);
}

static void metadata_and_changes(void) {
  const __wasi_errno_t CAP = __WASI_ERRNO_NOTCAPABLE;
  __wasi_filestat_t st;
  expect("filestat rel_link (follow)",
         __wasi_path_filestat_get(DIRFD, FOLLOW, "rel_link", &st), CAP);
  expect("filestat /etc", __wasi_path_filestat_get(DIRFD, 0, "/etc", &st), CAP);
  expect("filestat rel_link (nofollow, the link)",
         __wasi_path_filestat_get(DIRFD, 0, "rel_link", &st), 0);
  expect("rename inside.txt -> ../moved.txt",
         __wasi_path_rename(DIRFD, "inside.txt", DIRFD, "../moved.txt"), CAP);
  expect("rename inside.txt -> /tmp/moved.txt",
         __wasi_path_rename(DIRFD, "inside.txt", DIRFD, "/tmp/moved.txt"), CAP);
  expect("rename ../secret.txt -> stolen.txt",
         __wasi_path_rename(DIRFD, "../secret.txt", DIRFD, "stolen.txt"), CAP);
  expect("rename inside.txt -> dir_link/moved.txt",
         __wasi_path_rename(DIRFD, "inside.txt", DIRFD, "dir_link/moved.txt"),
         CAP);
  expect("mkdir ../newdir", __wasi_path_create_directory(DIRFD, "../newdir"),
         CAP);
  expect("unlink ../secret.txt",
         __wasi_path_unlink_file(DIRFD, "../secret.txt"), CAP);
  expect("link ../secret.txt -> hard",
         __wasi_path_link(DIRFD, 0, "../secret.txt", DIRFD, "hard"), CAP);
  expect("symlink new_link -> ../secret.txt (creating is allowed)",
         __wasi_path_symlink("../secret.txt", DIRFD, "new_link"), 0);
  expect("open new_link (follow)", try_open(FOLLOW, "new_link"), CAP);
  expect("rename inside.txt -> a/moved.txt (inside)",
         __wasi_path_rename(DIRFD, "inside.txt", DIRFD, "a/moved.txt"), 0);
}

/* The same through wasi-libc, as programs normally do it. */
static void libc_view(void) {
  FILE *f = fopen("../secret.txt", "r");
  printf("fopen ../secret.txt: %s\n", f ? "OPENED (escape!)"
                                      : errno == ENOTCAPABLE ? "ENOTCAPABLE"
                                                             : "?");
  failed |= f != NULL || errno != ENOTCAPABLE;
  f = fopen("/etc/passwd", "r");
  printf("fopen /etc/passwd: %s\n", f ? "OPENED (escape!)" : "refused");
  failed |= f != NULL;
}

int main(void) {
  opens();
  metadata_and_changes();
  libc_view();
  printf("%s\n", failed ? "sandbox: FAILED" : "sandbox: all ok");
  return failed;
}
