/* files.c — file and directory operations inside the preopen "." through
 * wasi-libc: create, write, read, seek/tell, truncate, stat/fstat, rename,
 * unlink, mkdir/rmdir and a readdir listing (sorted here, since directory
 * order is the host's). Prints one line per step; the driver compares. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed;

static void step(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAIL");
  if (!ok) {
    printf("  errno %d (%s)\n", errno, strerror(errno));
    failed = 1;
  }
}

static void write_read_seek(void) {
  int fd = open("notes.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
  step("create", fd >= 0);
  step("write", write(fd, "hello, world\n", 13) == 13);
  step("tell after write", lseek(fd, 0, SEEK_CUR) == 13);
  step("seek set", lseek(fd, 7, SEEK_SET) == 7);
  char buf[32] = {0};
  step("read after seek",
       read(fd, buf, sizeof buf) == 6 && memcmp(buf, "world\n", 6) == 0);
  step("seek end", lseek(fd, -6, SEEK_END) == 7);
  step("seek cur", lseek(fd, -2, SEEK_CUR) == 5);
  step("read at eof", lseek(fd, 0, SEEK_END) == 13 && read(fd, buf, 4) == 0);
  step("pwrite", pwrite(fd, "W", 1, 7) == 1);
  step("pread", pread(fd, buf, 5, 7) == 5 && memcmp(buf, "World", 5) == 0);
  step("create exclusive again fails",
       open("notes.txt", O_CREAT | O_EXCL | O_RDWR, 0644) < 0 &&
           errno == EEXIST);
  struct stat st;
  step("fstat size",
       fstat(fd, &st) == 0 && st.st_size == 13 && S_ISREG(st.st_mode));
  step("ftruncate shrink",
       ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
  step("ftruncate grow", ftruncate(fd, 100) == 0 &&
                             stat("notes.txt", &st) == 0 && st.st_size == 100);
  step("grown bytes are zero",
       pread(fd, buf, 4, 50) == 4 && !buf[0] && !buf[1] && !buf[2] && !buf[3]);
  step("close", close(fd) == 0);
  step("truncate by path", truncate("notes.txt", 3) == 0 &&
                               stat("notes.txt", &st) == 0 && st.st_size == 3);
  FILE *f = fopen("notes.txt", "r");
  step("contents after truncate",
       f && fgets(buf, sizeof buf, f) && strcmp(buf, "hel") == 0);
  if (f)
    fclose(f);
  f = fopen("notes.txt", "a");
  step("append", f && fputs("p!", f) >= 0 && fclose(f) == 0 &&
                     stat("notes.txt", &st) == 0 && st.st_size == 5);
}

static void rename_unlink(void) {
  struct stat st;
  step("rename", rename("notes.txt", "renamed.txt") == 0);
  step("old name gone", stat("notes.txt", &st) < 0 && errno == ENOENT);
  step("new name there", stat("renamed.txt", &st) == 0 && st.st_size == 5);
  step("unlink", unlink("renamed.txt") == 0);
  step("unlinked gone", stat("renamed.txt", &st) < 0 && errno == ENOENT);
  step("unlink missing fails", unlink("renamed.txt") < 0 && errno == ENOENT);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the names in `dir` (without . and ..), sorted. */
static void list(const char *dir) {
  DIR *d = opendir(dir);
  step("opendir", d != NULL);
  if (!d)
    return;
  char *names[64];
  int n = 0;
  for (struct dirent *e; n < 64 && (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, by_name);
  printf("listing of %s:", dir);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static void directories(void) {
  struct stat st;
  step("mkdir", mkdir("dir", 0755) == 0);
  step("mkdir existing fails", mkdir("dir", 0755) < 0 && errno == EEXIST);
  step("stat dir", stat("dir", &st) == 0 && S_ISDIR(st.st_mode));
  step("mkdir nested", mkdir("dir/sub", 0755) == 0);
  const char *files[] = {"dir/zeta", "dir/alpha", "dir/Mid", "dir/beta.txt"};
  for (int i = 0; i < 4; i++) {
    int fd = open(files[i], O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || close(fd) != 0)
      step(files[i], 0);
  }
  list("dir");
  step("rmdir non-empty fails", rmdir("dir") < 0 && errno == ENOTEMPTY);
  step("rmdir nested", rmdir("dir/sub") == 0);
  for (int i = 0; i < 4; i++)
    if (unlink(files[i]) != 0)
      step(files[i], 0);
  list("dir");
  step("rmdir", rmdir("dir") == 0);
  step("rmdir gone", stat("dir", &st) < 0 && errno == ENOENT);
  step("open missing fails", open("nope/x", O_RDONLY) < 0 && errno == ENOENT);
  list(".");
}

int main(void) {
  write_read_seek();
  rename_unlink();
  directories();
  printf("%s\n", failed ? "files: FAILED" : "files: all ok");
  return failed;
}
