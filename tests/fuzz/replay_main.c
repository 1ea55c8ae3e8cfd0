/* Runs a fuzz target's LLVMFuzzerTestOneInput on the files named on the
 * command line, without libFuzzer, so that ordinary and sanitizer builds
 * replay seeds and past crashes as a regular test. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file (inputs are small test cases); NULL on failure. */
static uint8_t *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    if (len == cap) {
      cap = cap ? 2 * cap : 4096;
      uint8_t *grown = realloc(buf, cap);
      if (!grown) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = grown;
    }
    buf[len++] = (uint8_t)c;
  }
  fclose(f);
  *size = len;
  return buf ? buf : malloc(1);
}

/* Every input, and every prefix of it at a few cut points (truncation is
 * the commonest malformation), goes through the target. */
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    size_t size = 0;
    uint8_t *data = read_file(argv[i], &size);
    if (!data) {
      fprintf(stderr, "%s: cannot read\n", argv[i]);
      return 1;
    }
    for (int cut = 1; cut <= 16; cut++)
      LLVMFuzzerTestOneInput(data, size * (size_t)cut / 16);
    free(data);
    printf("%s: ok\n", argv[i]);
  }
  return 0;
}
