/* A module exporting its linear memory (as "memory", which wasm-ld does by
 * default) with a string in a data segment, and functions that tell a host
 * where the string is and transform bytes in place. */
#define EXPORT(name) __attribute__((export_name(name)))

static char greeting[] = "Hello, World!";

EXPORT("greet") const char *greet(void) {
  return greeting;
}

EXPORT("greet_len") int greet_len(void) {
  return sizeof greeting - 1;
}

/* Upper-cases `len` bytes at `p` (which the host wrote into memory). */
EXPORT("upper")
void upper(char *p, int len) {
  for (int i = 0; i < len; i++)
    if (p[i] >= 'a' && p[i] <= 'z')
      p[i] = (char)(p[i] - 'a' + 'A');
}
