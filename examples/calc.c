/* Indirect calls through a function table, 64-bit and floating-point
 * arithmetic, and an imported host function (env.log_i64). */
#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(mod, name) __attribute__((import_module(mod), import_name(name)))

IMPORT("env", "log_i64") void log_i64(long long v);

typedef long long (*binop)(long long, long long);

static long long add(long long a, long long b) {
  return a + b;
}
static long long mul(long long a, long long b) {
  return a * b;
}
static long long sub(long long a, long long b) {
  return a - b;
}

/* volatile keeps the table: the optimizer must not resolve the calls. */
static binop volatile ops[] = {add, sub, mul};

EXPORT("apply") long long apply(int op, long long a, long long b) {
  if (op < 0 || op > 2)
    return 0;
  long long r = ops[op](a, b);
  log_i64(r);
  return r;
}

EXPORT("fib") long long fib(int n) {
  long long a = 0, b = 1;
  for (int i = 0; i < n; i++) {
    long long t = a + b;
    a = b;
    b = t;
  }
  return a;
}

EXPORT("hypot2") double hypot2(double x, double y) {
  return x * x + y * y;
}
