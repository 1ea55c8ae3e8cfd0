/* args_env.c — the arguments and environment the runtime passes, printed
 * in order (environment sorted, since its order is not specified). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int by_string(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) /* argv[0] is the host's path: skipped */
    printf("argv[%d]=<%s>\n", i, argv[i]);
  size_t n = 0;
  while (environ[n])
    n++;
  char **env = malloc((n + 1) * sizeof *env);
  if (!env)
    return 1;
  memcpy(env, environ, (n + 1) * sizeof *env);
  qsort(env, n, sizeof *env, by_string);
  printf("environ count=%zu\n", n);
  for (size_t i = 0; i < n; i++)
    printf("env <%s>\n", env[i]);
  const char *g = getenv("GREETING");
  printf("getenv GREETING=%s\n", g ? g : "(unset)");
  printf("getenv HOME=%s\n", getenv("HOME") ? "set (leaked!)" : "(unset)");
  free(env);
  return 0;
}
