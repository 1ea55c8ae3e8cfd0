/* peak_rss.c — `peak-rss OUT COMMAND [ARGS...]`: runs COMMAND, writes its
 * peak RSS in KiB ("maxrss_kb N") to the file OUT, and exits as COMMAND did
 * (the same status, or the same signal).
 *
 * benchmarks/run cannot read this itself. A process inherits its parent's
 * resident-set high-water mark across fork and exec (Linux keeps the old
 * memory's peak in the process's maxrss at exec), so every child of the
 * Python harness reported at least the harness's own RSS: /bin/true showed
 * 10 MiB, and 110 MiB after the harness had touched 100 MiB. Forked from
 * this small program instead, COMMAND starts from about 1 MiB. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peak-rss OUT COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    perror("peak-rss: fork");
    return 127;
  }
  if (pid == 0) {
    /* The harness kills this process on a timeout: take COMMAND along. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    execvp(argv[2], argv + 2);
    fprintf(stderr, "peak-rss: cannot run %s\n", argv[2]);
    _exit(127);
  }
  int status;
  struct rusage usage;
  while (wait4(pid, &status, 0, &usage) < 0)
    ;
  FILE *out = fopen(argv[1], "w");
  if (!out || fprintf(out, "maxrss_kb %ld\n", usage.ru_maxrss) < 0 ||
      fclose(out) != 0) {
    perror("peak-rss: writing the result");
    return 127;
  }
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}
