/* A WASI command (wasm32-wasi, wasi-libc): prints a greeting and its
 * arguments on stdout, then exits with status 0. */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("Hello from WebAssembly!\n");
  for (int i = 1; i < argc; i++)
    printf("arg %d: %s\n", i, argv[i]);
  return 0;
}
