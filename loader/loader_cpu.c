/* loader_cpu.c — can this CPU run code built for an LLVM CPU name and
 * feature string?
 *
 * Features are probed with cpuid directly (not __builtin_cpu_supports) so
 * the set of known names does not depend on the C compiler's version. AVX
 * and AVX-512 also need the OS to save their register state (XCR0).
 *
 * Policy for the artifact's feature string ("+avx2,-avx512f,..."):
 * - "-feature" entries are ignored (they only forbid instructions);
 * - "+feature" must be in the cpuid table below and present, or be in the
 *   harmless list (code-generation modes and tuning flags that select no
 *   instruction: "64bit", "x87", "nopl", "retpoline*", "lvi-*", "seses",
 *   "harden-sls-*", and any "slow-*", "fast-*", "tuning-*", "prefer-*",
 *   "false-deps-*"); any other "+feature" is refused as unknown.
 * The CPU name implies features too. Known names map to the x86-64 level
 * they imply (x86-64, -v2, -v3, -v4), which is then required. An unknown
 * name is accepted only if the feature string is non-empty: that is what
 * `-cpu native` writes, and LLVM's host feature list is exhaustive.
 */
#include "loader_internal.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { EAX, EBX, ECX, EDX };
enum { XS_NONE, XS_AVX, XS_AVX512, XS_AMX };

typedef struct cpu_feature {
  const char *name; /* LLVM's name */
  uint32_t leaf, subleaf;
  uint8_t reg, bit;
  uint8_t xstate; /* OS state the feature needs */
} cpu_feature;

static const cpu_feature features[] = {
    {"cx8", 1, 0, EDX, 8, XS_NONE},
    {"cmov", 1, 0, EDX, 15, XS_NONE},
    {"mmx", 1, 0, EDX, 23, XS_NONE},
    {"fxsr", 1, 0, EDX, 24, XS_NONE},
    {"sse", 1, 0, EDX, 25, XS_NONE},
    {"sse2", 1, 0, EDX, 26, XS_NONE},
    {"sse3", 1, 0, ECX, 0, XS_NONE},
    {"pclmul", 1, 0, ECX, 1, XS_NONE},
    {"ssse3", 1, 0, ECX, 9, XS_NONE},
    {"fma", 1, 0, ECX, 12, XS_AVX},
    {"cx16", 1, 0, ECX, 13, XS_NONE},
    {"sse4.1", 1, 0, ECX, 19, XS_NONE},
    {"sse4.2", 1, 0, ECX, 20, XS_NONE},
    {"crc32", 1, 0, ECX, 20, XS_NONE}, /* part of SSE4.2 */
    {"movbe", 1, 0, ECX, 22, XS_NONE},
    {"popcnt", 1, 0, ECX, 23, XS_NONE},
    {"aes", 1, 0, ECX, 25, XS_NONE},
    {"xsave", 1, 0, ECX, 26, XS_NONE},
    {"avx", 1, 0, ECX, 28, XS_AVX},
    {"f16c", 1, 0, ECX, 29, XS_AVX},
    {"rdrnd", 1, 0, ECX, 30, XS_NONE},
    {"fsgsbase", 7, 0, EBX, 0, XS_NONE},
    {"sgx", 7, 0, EBX, 2, XS_NONE},
    {"bmi", 7, 0, EBX, 3, XS_NONE},
    {"avx2", 7, 0, EBX, 5, XS_AVX},
    {"bmi2", 7, 0, EBX, 8, XS_NONE},
    {"invpcid", 7, 0, EBX, 10, XS_NONE},
    {"rtm", 7, 0, EBX, 11, XS_NONE},
    {"avx512f", 7, 0, EBX, 16, XS_AVX512},
    {"evex512", 7, 0, EBX, 16, XS_AVX512}, /* 512-bit AVX-512 */
    {"avx512dq", 7, 0, EBX, 17, XS_AVX512},
    {"rdseed", 7, 0, EBX, 18, XS_NONE},
    {"adx", 7, 0, EBX, 19, XS_NONE},
    {"avx512ifma", 7, 0, EBX, 21, XS_AVX512},
    {"clflushopt", 7, 0, EBX, 23, XS_NONE},
    {"clwb", 7, 0, EBX, 24, XS_NONE},
    {"avx512cd", 7, 0, EBX, 28, XS_AVX512},
    {"sha", 7, 0, EBX, 29, XS_NONE},
    {"avx512bw", 7, 0, EBX, 30, XS_AVX512},
    {"avx512vl", 7, 0, EBX, 31, XS_AVX512},
    {"prefetchwt1", 7, 0, ECX, 0, XS_NONE},
    {"avx512vbmi", 7, 0, ECX, 1, XS_AVX512},
    {"pku", 7, 0, ECX, 3, XS_NONE},
    {"waitpkg", 7, 0, ECX, 5, XS_NONE},
    {"avx512vbmi2", 7, 0, ECX, 6, XS_AVX512},
    {"shstk", 7, 0, ECX, 7, XS_NONE},
    {"gfni", 7, 0, ECX, 8, XS_NONE},
    {"vaes", 7, 0, ECX, 9, XS_AVX},
    {"vpclmulqdq", 7, 0, ECX, 10, XS_AVX},
    {"avx512vnni", 7, 0, ECX, 11, XS_AVX512},
    {"avx512bitalg", 7, 0, ECX, 12, XS_AVX512},
    {"avx512vpopcntdq", 7, 0, ECX, 14, XS_AVX512},
    {"rdpid", 7, 0, ECX, 22, XS_NONE},
    {"kl", 7, 0, ECX, 23, XS_NONE},
    {"cldemote", 7, 0, ECX, 25, XS_NONE},
    {"movdiri", 7, 0, ECX, 27, XS_NONE},
    {"movdir64b", 7, 0, ECX, 28, XS_NONE},
    {"enqcmd", 7, 0, ECX, 29, XS_NONE},
    {"uintr", 7, 0, EDX, 5, XS_NONE},
    {"avx512vp2intersect", 7, 0, EDX, 8, XS_AVX512},
    {"serialize", 7, 0, EDX, 14, XS_NONE},
    {"tsxldtrk", 7, 0, EDX, 16, XS_NONE},
    {"pconfig", 7, 0, EDX, 18, XS_NONE},
    {"amx-bf16", 7, 0, EDX, 22, XS_AMX},
    {"avx512fp16", 7, 0, EDX, 23, XS_AVX512},
    {"amx-tile", 7, 0, EDX, 24, XS_AMX},
    {"amx-int8", 7, 0, EDX, 25, XS_AMX},
    {"avxvnni", 7, 1, EAX, 4, XS_AVX},
    {"avx512bf16", 7, 1, EAX, 5, XS_AVX512},
    {"cmpccxadd", 7, 1, EAX, 7, XS_NONE},
    {"amx-fp16", 7, 1, EAX, 21, XS_AMX},
    {"hreset", 7, 1, EAX, 22, XS_NONE},
    {"avxifma", 7, 1, EAX, 23, XS_AVX},
    {"avxvnniint8", 7, 1, EDX, 4, XS_AVX},
    {"avxneconvert", 7, 1, EDX, 5, XS_AVX},
    {"avxvnniint16", 7, 1, EDX, 10, XS_AVX},
    {"prefetchi", 7, 1, EDX, 14, XS_NONE},
    {"xsaveopt", 0xD, 1, EAX, 0, XS_NONE},
    {"xsavec", 0xD, 1, EAX, 1, XS_NONE},
    {"xsaves", 0xD, 1, EAX, 3, XS_NONE},
    {"sahf", 0x80000001u, 0, ECX, 0, XS_NONE},
    {"lzcnt", 0x80000001u, 0, ECX, 5, XS_NONE},
    {"sse4a", 0x80000001u, 0, ECX, 6, XS_NONE},
    {"prfchw", 0x80000001u, 0, ECX, 8, XS_NONE},
    {"xop", 0x80000001u, 0, ECX, 11, XS_AVX},
    {"lwp", 0x80000001u, 0, ECX, 15, XS_NONE},
    {"fma4", 0x80000001u, 0, ECX, 16, XS_AVX},
    {"tbm", 0x80000001u, 0, ECX, 21, XS_NONE},
    {"mwaitx", 0x80000001u, 0, ECX, 29, XS_NONE},
    {"clzero", 0x80000008u, 0, EBX, 0, XS_NONE},
    {"wbnoinvd", 0x80000008u, 0, EBX, 9, XS_NONE},
    {"rdpru", 0x80000008u, 0, EBX, 4, XS_NONE},
};
#define NUM_FEATURES (sizeof features / sizeof features[0])
_Static_assert(NUM_FEATURES <= 128, "loader_cpu_caps holds 128 bits");

static int feature_index(const char *name, size_t len) {
  for (size_t i = 0; i < NUM_FEATURES; i++)
    if (strlen(features[i].name) == len &&
        memcmp(features[i].name, name, len) == 0)
      return (int)i;
  return -1;
}

static void caps_put(loader_cpu_caps *caps, size_t i, bool on) {
  uint64_t bit = (uint64_t)1 << (i % 64);
  if (on)
    caps->bits[i / 64] |= bit;
  else
    caps->bits[i / 64] &= ~bit;
}

static bool caps_get(const loader_cpu_caps *caps, size_t i) {
  return (caps->bits[i / 64] >> (i % 64)) & 1;
}

/* XCR0 bits the OS has enabled (0 without OSXSAVE). */
static uint64_t read_xcr0(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
    return 0;
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static bool xstate_ok(uint8_t xs, uint64_t xcr0) {
  const uint64_t avx = 0x6, avx512 = 0xE6, amx = 0x60000;
  switch (xs) {
  case XS_AVX:
    return (xcr0 & avx) == avx;
  case XS_AVX512:
    return (xcr0 & avx512) == avx512;
  case XS_AMX:
    return (xcr0 & amx) == amx;
  default:
    return true;
  }
}

/* One cpuid answer per distinct (leaf, subleaf) of the table. Under a
 * hypervisor every cpuid is a VM exit (microseconds each), so the table's
 * ~100 rows must not each query the CPU. */
typedef struct cpuid_answer {
  uint32_t leaf, subleaf;
  bool valid;
  unsigned r[4];
} cpuid_answer;

static const unsigned *cpuid_cached(cpuid_answer *cache, size_t *n,
                                    uint32_t max_basic, uint32_t max_ext,
                                    uint32_t leaf, uint32_t subleaf) {
  for (size_t i = 0; i < *n; i++)
    if (cache[i].leaf == leaf && cache[i].subleaf == subleaf)
      return cache[i].valid ? cache[i].r : NULL;
  cpuid_answer *a = &cache[(*n)++];
  a->leaf = leaf;
  a->subleaf = subleaf;
  /* The leaf must not exceed its range's maximum (else cpuid answers
   * with the highest basic leaf's data). */
  a->valid = leaf & 0x80000000u ? leaf <= max_ext : leaf <= max_basic;
  if (a->valid)
    __cpuid_count(leaf, subleaf, a->r[0], a->r[1], a->r[2], a->r[3]);
  return a->valid ? a->r : NULL;
}

static void probe_cpu(loader_cpu_caps *caps) {
  memset(caps, 0, sizeof *caps);
  uint64_t xcr0 = read_xcr0();
  uint32_t max_basic = __get_cpuid_max(0, NULL);
  uint32_t max_ext = __get_cpuid_max(0x80000000u, NULL);
  cpuid_answer cache[NUM_FEATURES];
  size_t n = 0;
  for (size_t i = 0; i < NUM_FEATURES; i++) {
    const cpu_feature *f = &features[i];
    const unsigned *r =
        cpuid_cached(cache, &n, max_basic, max_ext, f->leaf, f->subleaf);
    if (!r)
      continue;
    bool on = (r[f->reg] >> f->bit) & 1;
    caps_put(caps, i, on && xstate_ok(f->xstate, xcr0));
  }
}

static pthread_once_t host_once = PTHREAD_ONCE_INIT;
static loader_cpu_caps host_caps;

static void probe_host(void) {
  probe_cpu(&host_caps);
}

/* The CPU's features do not change while the process runs: probed once. */
void loader_cpu_probe(loader_cpu_caps *caps) {
  pthread_once(&host_once, probe_host);
  *caps = host_caps;
}

bool loader_cpu_set(loader_cpu_caps *caps, const char *name, bool present) {
  int i = feature_index(name, strlen(name));
  if (i < 0)
    return false;
  caps_put(caps, (size_t)i, present);
  return true;
}

bool loader_cpu_has(const loader_cpu_caps *caps, const char *name,
                    bool *known) {
  int i = feature_index(name, strlen(name));
  *known = i >= 0;
  return i >= 0 && caps_get(caps, (size_t)i);
}

static bool has_prefix(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0;
}

/* Flags that change code generation or tuning but need no instruction. */
static bool harmless(const char *s, size_t len) {
  static const char *const exact[] = {"64bit", "x87", "nopl", "seses"};
  static const char *const prefixes[] = {
      "retpoline", "lvi-",    "harden-sls-", "slow-",
      "fast-",     "tuning-", "prefer-",     "false-deps-"};
  for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
    if (strlen(exact[i]) == len && memcmp(exact[i], s, len) == 0)
      return true;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (has_prefix(s, len, prefixes[i]))
      return true;
  return false;
}

/* Appends ",name" (or "name" first) to a bounded list. */
static void list_add(char *buf, size_t cap, const char *sign, const char *s,
                     size_t len) {
  size_t used = strlen(buf);
  if (used < cap)
    snprintf(buf + used, cap - used, "%s%s%.*s", used ? "," : "", sign,
             (int)len, s);
}

/* Features every CPU of an x86-64 micro-architecture level has. */
static const char *const level_features[4] = {
    "cx8,cmov,mmx,fxsr,sse,sse2",
    "cx16,sahf,popcnt,sse3,sse4.1,sse4.2,ssse3",
    "avx,avx2,bmi,bmi2,f16c,fma,lzcnt,movbe,xsave",
    "avx512f,avx512bw,avx512cd,avx512dq,avx512vl",
};

typedef struct cpu_level {
  const char *name;
  int level; /* 1..4 = x86-64, -v2, -v3, -v4 */
} cpu_level;

static const cpu_level cpu_levels[] = {
    {"generic", 1},        {"x86-64", 1},         {"x86-64-v2", 2},
    {"x86-64-v3", 3},      {"x86-64-v4", 4},      {"nehalem", 2},
    {"westmere", 2},       {"sandybridge", 2},    {"ivybridge", 2},
    {"haswell", 3},        {"broadwell", 3},      {"skylake", 3},
    {"alderlake", 3},      {"raptorlake", 3},     {"meteorlake", 3},
    {"skylake-avx512", 4}, {"cascadelake", 4},    {"cooperlake", 4},
    {"icelake-client", 4}, {"icelake-server", 4}, {"tigerlake", 4},
    {"sapphirerapids", 4}, {"graniterapids", 4},  {"btver2", 2},
    {"bdver1", 2},         {"bdver2", 2},         {"bdver3", 2},
    {"bdver4", 3},         {"znver1", 3},         {"znver2", 3},
    {"znver3", 3},         {"znver4", 4},         {"znver5", 4},
};

static int cpu_name_level(const char *name) {
  for (size_t i = 0; i < sizeof cpu_levels / sizeof cpu_levels[0]; i++)
    if (strcmp(cpu_levels[i].name, name) == 0)
      return cpu_levels[i].level;
  return 0;
}

/* Walks a comma-separated list; for each "+name" (or bare name) that is
 * not harmless, records it in `missing` if absent or `unknown` if not in
 * the table. */
static void scan_features(const char *list, const loader_cpu_caps *caps,
                          char *missing, char *unknown, size_t cap) {
  const char *p = list;
  while (*p) {
    size_t len = strcspn(p, ",");
    const char *s = p;
    size_t n = len;
    bool enable = true;
    if (n && (*s == '+' || *s == '-')) {
      enable = *s == '+';
      s++;
      n--;
    }
    if (enable && n && !harmless(s, n)) {
      int i = feature_index(s, n);
      if (i < 0)
        list_add(unknown, cap, "+", s, n);
      else if (!caps_get(caps, (size_t)i))
        list_add(missing, cap, "+", s, n);
    }
    p += len;
    if (*p == ',')
      p++;
  }
}

bool loader_cpu_check(const char *cpu_name, const char *features_str,
                      const loader_cpu_caps *caps, wasm_error *err) {
  char missing[160] = "", unknown[160] = "";
  int level = cpu_name_level(cpu_name);
  if (level == 0 && !features_str[strspn(features_str, ",")])
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                          "artifact built for CPU '%s' unknown to this "
                          "loader (no feature list to check)",
                          cpu_name);
  for (int l = 0; l < level; l++)
    scan_features(level_features[l], caps, missing, unknown, sizeof missing);
  scan_features(features_str, caps, missing, unknown, sizeof missing);
  if (*unknown)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                          "artifact built for CPU features %s unknown to "
                          "this loader",
                          unknown);
  if (*missing)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                          "artifact built for CPU features %s not available "
                          "on this machine (CPU '%s')",
                          missing, cpu_name);
  return true;
}
