/* test_loader_cpu.c — the CPU feature policy on simulated CPUs, and the
 * cpuid probe against the C compiler's own view of this CPU. */
#include "loader_internal.h"
#include "loader_test_util.h"

#include <stdio.h>
#include <string.h>

static void caps_with(loader_cpu_caps *caps, const char *list) {
  memset(caps, 0, sizeof *caps);
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *s = strtok(buf, ","); s; s = strtok(NULL, ","))
    CHECK(loader_cpu_set(caps, s, true));
}

static bool ok_on(const char *cpu, const char *features, const char *caps_list,
                  wasm_error *err) {
  loader_cpu_caps caps;
  caps_with(&caps, caps_list);
  memset(err, 0, sizeof *err);
  return loader_cpu_check(cpu, features, &caps, err);
}

#define BASE "cx8,cmov,mmx,fxsr,sse,sse2"
#define V2 BASE ",cx16,sahf,popcnt,sse3,sse4.1,sse4.2,ssse3"

static void test_policy(void) {
  wasm_error err;
  CHECK(ok_on("x86-64", "", BASE, &err));
  CHECK(ok_on("generic", "-avx512f,-xop", BASE, &err));
  /* Harmless code-generation and tuning flags need nothing. */
  CHECK(ok_on("x86-64", "+64bit,+x87,+retpoline,+slow-3ops-lea,+fast-gather",
              BASE, &err));
  CHECK(!ok_on("x86-64-v2", "", BASE, &err) &&
        err.kind == WASM_ERR_UNLINKABLE &&
        strstr(err.message, "CPU features +cx16,+sahf,+popcnt,+sse3,"
                            "+sse4.1,+sse4.2,+ssse3 not available"));
  CHECK(ok_on("x86-64-v2", "", V2, &err));
  CHECK(!ok_on("skylake", "", V2, &err) &&
        strstr(err.message, "+avx,+avx2,+bmi,") &&
        strstr(err.message, "(CPU 'skylake')"));
  CHECK(!ok_on("x86-64", "+sse4.1,+avx512f", BASE ",sse4.1", &err) &&
        strstr(err.message,
               "artifact built for CPU features +avx512f not available "
               "on this machine"));
  CHECK(ok_on("x86-64", "+sse4.1,+avx512f", BASE ",sse4.1,avx512f", &err));
  /* Bare names mean "+"; empty entries are skipped. */
  CHECK(!ok_on("x86-64", "avx2,,", BASE, &err) && strstr(err.message, "+avx2"));
  CHECK(!ok_on("x86-64", "+avx2,+warp-drive", BASE, &err) &&
        strstr(err.message, "+warp-drive unknown to this loader"));
  /* Unknown CPU names: only with an explicit (native) feature list. */
  CHECK(!ok_on("cpu9000", "", BASE, &err) &&
        strstr(err.message, "CPU 'cpu9000' unknown to this loader"));
  CHECK(ok_on("cpu9000", "+sse2,-avx", BASE, &err));
  CHECK(!loader_cpu_set(&(loader_cpu_caps){{0, 0}}, "warp-drive", true));
}

/* cpuid through our table agrees with the compiler's builtin. */
static void test_probe(void) {
  loader_cpu_caps caps;
  loader_cpu_probe(&caps);
  __builtin_cpu_init();
  bool known;
  CHECK(loader_cpu_has(&caps, "sse2", &known) && known);
  CHECK(loader_cpu_has(&caps, "cx8", &known));
#define SAME(name)                                                             \
  CHECK(loader_cpu_has(&caps, name, &known) ==                                 \
        (__builtin_cpu_supports(name) != 0))
  SAME("sse3");
  SAME("ssse3");
  SAME("sse4.1");
  SAME("sse4.2");
  SAME("popcnt");
  SAME("avx");
  SAME("avx2");
  SAME("fma");
  SAME("bmi");
  SAME("bmi2");
  SAME("avx512f");
  SAME("avx512bw");
  SAME("avx512vl");
  SAME("avx512vbmi");
  SAME("xop");
  SAME("fma4");
#undef SAME
}

void test_loader_cpu(void) {
  test_policy();
  test_probe();
}
