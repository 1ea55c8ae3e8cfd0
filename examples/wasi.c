/* The seed README's WASI example (a Rust program there), in C: prints the
 * program name, the arguments, the environment and the entries of "/"
 * (the preopened directories), in the Rust program's wording. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static void print_arguments(int argc, char **argv) {
  printf("Found program name: `%s`\n", argv[0]);
  printf("Found %d arguments: ", argc - 1);
  for (int i = 1; i < argc; i++)
    printf("%s%s", i > 1 ? ", " : "", argv[i]);
  printf("\n");
}

static void print_environment(void) {
  int n = 0;
  while (environ && environ[n])
    n++;
  printf("Found %d environment variables: ", n);
  for (int i = 0; i < n; i++)
    printf("%s%s", i ? ", " : "", environ[i]);
  printf("\n");
}

/* Rust prints a std::fs::DirEntry as DirEntry("/name"). */
static int print_root(void) {
  DIR *dir = opendir("/");
  if (!dir) {
    perror("opendir /");
    return 1;
  }
  char list[4096] = "";
  size_t used = 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dir))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    int w = snprintf(list + used, sizeof list - used, "%sDirEntry(\"/%s\")",
                     n ? ", " : "", e->d_name);
    if (w > 0 && (size_t)w < sizeof list - used)
      used += (size_t)w;
    n++;
  }
  closedir(dir);
  printf("Found %d preopened directories: %s\n", n, list);
  return 0;
}

int main(int argc, char **argv) {
  print_arguments(argc, argv);
  print_environment();
  return print_root();
}
