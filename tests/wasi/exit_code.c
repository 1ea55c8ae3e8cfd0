/* exit_code.c — proc_exit(3): output written before it is kept, nothing
 * after it runs, and `wasmc run` exits with status 3. */
#include <stdio.h>
#include <wasi/api.h>

int main(void) {
  printf("before exit\n");
  fflush(stdout);
  __wasi_proc_exit(3);
  printf("after exit: must not appear\n");
  return 0;
}
