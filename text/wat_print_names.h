/* wat_print_names.h — private to the printer: text identifiers for the
 * names of a module's `name` section. Every id is a valid, unique (in its
 * namespace) `$id`: characters the text format does not allow in an id
 * become '_', and a name already taken gets ".INDEX" appended or, if that
 * is taken too, no id at all. Since ids only feed the name section when
 * translated back, the standard sections round-trip unchanged. */
#ifndef WAT_PRINT_NAMES_H
#define WAT_PRINT_NAMES_H

#include "wasm.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct wat_print_names {
  char *module;    /* "$id" or NULL */
  char **funcs;    /* by function index (imports first): "$id" or NULL */
  uint32_t nfuncs; /* entries in funcs (0: no function names) */
} wat_print_names;

/* False only when out of memory. */
bool wat_print_names_init(wat_print_names *n, const wasm_module *m);
void wat_print_names_free(wat_print_names *n);

/* The function's "$id" or NULL. */
const char *wat_print_func_id(const wat_print_names *n, uint32_t func);

/* Ids of the `count` locals (params first) of function `func`: a calloc'd
 * array (free with wat_print_locals_free) or NULL when none is named (or
 * out of memory: the printer then just prints indices). */
char **wat_print_locals(const wasm_module *m, uint32_t func, uint32_t count);
void wat_print_locals_free(char **ids, uint32_t count);

#endif /* WAT_PRINT_NAMES_H */
