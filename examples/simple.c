/* The smallest useful module: one exported function, no imports.
 * Built freestanding (no libc): clang-19 --target=wasm32 -nostdlib. */
#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("sum") int sum(int a, int b) {
  return a + b;
}
