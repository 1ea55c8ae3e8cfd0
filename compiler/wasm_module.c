/* Module-level helpers: index spaces (imports first, then definitions),
 * lookups, decode+validate in one call, and UTF-8 validation. */
#include "decode_internal.h"

uint32_t wasm_module_num_all_funcs(const wasm_module *m) {
  return m->num_imported_funcs + m->num_funcs;
}
uint32_t wasm_module_num_all_tables(const wasm_module *m) {
  return m->num_imported_tables + m->num_tables;
}
uint32_t wasm_module_num_all_memories(const wasm_module *m) {
  return m->num_imported_memories + m->num_memories;
}
uint32_t wasm_module_num_all_globals(const wasm_module *m) {
  return m->num_imported_globals + m->num_globals;
}

const wasm_import *wasm_module_import_of_kind(const wasm_module *m,
                                              wasm_externkind kind,
                                              uint32_t index) {
  const uint32_t counts[4] = {m->num_imported_funcs, m->num_imported_tables,
                              m->num_imported_memories,
                              m->num_imported_globals};
  if ((unsigned)kind > WASM_EXTERN_GLOBAL || index >= counts[kind])
    return NULL;
  const uint32_t *table = wasm_impl_c(m)->imports_of_kind[kind];
  return table ? &m->imports[table[index]] : NULL;
}

/* NULL when the index or its type index is out of range (only possible
 * before validation). */
const wasm_functype *wasm_module_func_type(const wasm_module *m,
                                           uint32_t func_index) {
  uint32_t type;
  if (func_index < m->num_imported_funcs) {
    type = wasm_module_import_of_kind(m, WASM_EXTERN_FUNC, func_index)
               ->u.func_type;
  } else {
    uint32_t i = func_index - m->num_imported_funcs;
    if (i >= m->num_funcs)
      return NULL;
    type = m->funcs[i].type_index;
  }
  return type < m->num_types ? &m->types[type] : NULL;
}

wasm_tabletype wasm_module_table_type(const wasm_module *m, uint32_t index) {
  if (index < m->num_imported_tables)
    return wasm_module_import_of_kind(m, WASM_EXTERN_TABLE, index)->u.table;
  return m->tables[index - m->num_imported_tables];
}

wasm_memtype wasm_module_memory_type(const wasm_module *m, uint32_t index) {
  if (index < m->num_imported_memories)
    return wasm_module_import_of_kind(m, WASM_EXTERN_MEMORY, index)->u.memory;
  return m->memories[index - m->num_imported_memories];
}

wasm_globaltype wasm_module_global_type(const wasm_module *m, uint32_t index) {
  if (index < m->num_imported_globals)
    return wasm_module_import_of_kind(m, WASM_EXTERN_GLOBAL, index)->u.global;
  return m->globals[index - m->num_imported_globals].type;
}

const wasm_custom *wasm_module_custom(const wasm_module *m, const char *name) {
  size_t len = strlen(name);
  for (uint32_t i = 0; i < m->num_customs; i++) {
    const wasm_name *n = &m->customs[i].name;
    if (n->len == len && memcmp(n->data, name, len) == 0)
      return &m->customs[i];
  }
  return NULL;
}

bool wasm_functype_equal(const wasm_functype *a, const wasm_functype *b) {
  if (a->nparams != b->nparams || a->nresults != b->nresults)
    return false;
  for (uint32_t i = 0; i < a->nparams; i++)
    if (a->params[i] != b->params[i])
      return false;
  for (uint32_t i = 0; i < a->nresults; i++)
    if (a->results[i] != b->results[i])
      return false;
  return true;
}

bool wasm_module_load(const uint8_t *bytes, size_t size, wasm_module **out,
                      wasm_error *err) {
  wasm_module *m;
  *out = NULL;
  if (!wasm_module_decode(bytes, size, WASM_DECODE_DEFAULT, &m, err))
    return false;
  if (!wasm_module_validate(m, err)) {
    wasm_module_free(m);
    return false;
  }
  *out = m;
  return true;
}

/* Length of the sequence a UTF-8 lead byte starts, with the range its
 * second byte must lie in (this rules out overlong forms, surrogates and
 * code points past U+10FFFF); 0 for an invalid lead byte. */
static int utf8_lead(uint8_t b, uint8_t *lo, uint8_t *hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF)
    return 2;
  if (b >= 0xE0 && b <= 0xEF) {
    if (b == 0xE0)
      *lo = 0xA0;
    else if (b == 0xED)
      *hi = 0x9F;
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (b == 0xF0)
      *lo = 0x90;
    else if (b == 0xF4)
      *hi = 0x8F;
    return 4;
  }
  return 0;
}

bool wasm_utf8_valid(const uint8_t *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint8_t b = s[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    uint8_t lo, hi;
    int n = utf8_lead(b, &lo, &hi);
    if (n == 0 || len - i < (size_t)n)
      return false;
    if (s[i + 1] < lo || s[i + 1] > hi)
      return false;
    for (int k = 2; k < n; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF)
        return false;
    i += (size_t)n;
  }
  return true;
}
