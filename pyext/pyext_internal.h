/* pyext_internal.h — private interfaces between the files of the `wasmer`
 * CPython extension (the C core is `wasmer._wasmer`; wasmer/__init__.py
 * re-exports it). One file per Python type; all types are heap types made
 * with PyType_FromModuleAndSpec and reach the module state through
 * PyType_GetModuleByDef.
 */
#ifndef PYEXT_INTERNAL_H
#define PYEXT_INTERNAL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "wasm.h"
#include "wasmrt.h"
#include "wasmrt_loader.h"

#include <stdbool.h>
#include <stdint.h>

/* Element kinds of the typed memory views, in the order of the classes. */
typedef enum pyext_view_kind {
  PYEXT_VIEW_U8,
  PYEXT_VIEW_I8,
  PYEXT_VIEW_U16,
  PYEXT_VIEW_I16,
  PYEXT_VIEW_U32,
  PYEXT_VIEW_I32,
  PYEXT_VIEW_COUNT
} pyext_view_kind;

typedef struct pyext_state {
  PyTypeObject *value_type;
  PyTypeObject *module_type;
  PyTypeObject *instance_type;
  PyTypeObject *exports_type;
  PyTypeObject *function_type;
  PyTypeObject *memory_type;
  PyTypeObject *view_types[PYEXT_VIEW_COUNT];
  PyTypeObject *globals_type;
  PyTypeObject *global_type;
  PyTypeObject *import_object_type;
  PyTypeObject *features_type;
  PyObject *trap_error;  /* wasmer.Trap(RuntimeError) */
  PyObject *type_enum;   /* wasmer.Type (IntEnum) */
  PyObject *export_kind; /* wasmer.ExportKind */
  PyObject *import_kind; /* wasmer.ImportKind */
  PyTypeObject *wasi_type;
  PyTypeObject *wasi_fn_type;
  PyTypeObject *table_type;
  PyObject *wasi_exit;         /* wasmer.WasiExit(RuntimeError) */
  PyObject *wasi_version_enum; /* wasmer.WasiVersion */
} pyext_state;

extern PyModuleDef pyext_module_def;

/* The state of the module that defined `type` (NULL with an exception). */
pyext_state *pyext_state_of_type(PyTypeObject *type);
static inline pyext_state *pyext_state_of(PyObject *self) {
  return pyext_state_of_type(Py_TYPE(self));
}

/* Each type file adds its types to the module state and the module. */
int pyext_value_init(PyObject *m, pyext_state *st);
int pyext_module_obj_init(PyObject *m, pyext_state *st);
int pyext_instance_init(PyObject *m, pyext_state *st);
int pyext_exports_init(PyObject *m, pyext_state *st);
int pyext_memory_init(PyObject *m, pyext_state *st);
int pyext_globals_init(PyObject *m, pyext_state *st);
int pyext_import_object_init(PyObject *m, pyext_state *st);
int pyext_errors_init(PyObject *m, pyext_state *st);
int pyext_wasi_init(PyObject *m, pyext_state *st);
int pyext_table_init(PyObject *m, pyext_state *st);

/* ------------------------------------------------------------ errors.c */

/* RuntimeError "<kind>: <message>[ at offset N]"; returns NULL. */
PyObject *pyext_raise_wasm_error(const wasm_error *err);
/* A trap: re-raises a host function's exception (HOST with payload),
 * else wasmer.Trap with .code and the trap's message. Returns NULL. */
PyObject *pyext_raise_trap(pyext_state *st, const wasmrt_trap *trap);
/* Drops the Python exception a trap record may carry (GIL held). */
void pyext_trap_discard(wasmrt_trap *trap);

/* ------------------------------------------------------------- value.c */

typedef struct pyext_value {
  PyObject_HEAD wasm_valtype type;
  uint64_t lo, hi; /* raw bits: lo holds i32/i64/f32/f64, v128 low half */
} pyext_value;

/* Converts a Python object to slots for `type` (1 slot, v128 2). On
 * failure sets TypeError/OverflowError mentioning `what` and returns -1.
 * `into` is the runtime group (store) that receives a reference value: a
 * Function's group is joined with it, an externref object is kept alive
 * by its registry until that group is freed (NULL for numeric types). */
int pyext_to_slots(pyext_state *st, PyObject *obj, wasm_valtype type,
                   uint64_t *slots, const char *what, wasmrt_store *into);
/* Converts slots of `type` back to a Python value (new reference); `st`
 * may be NULL for numeric types only. */
PyObject *pyext_from_slots(pyext_state *st, wasm_valtype type,
                           const uint64_t *slots);
/* Slots a value of `type` takes (v128: 2). */
static inline unsigned pyext_slot_width(wasm_valtype type) {
  return type == WASM_V128 ? 2u : 1u;
}
/* "(i32, i64) -> (f32)" into buf. */
void pyext_format_signature(const wasm_functype *ft, char *buf, size_t size);
/* A wasmrt_value from a Python object, for globals. */
int pyext_to_value(pyext_state *st, PyObject *obj, wasm_valtype type,
                   wasmrt_value *out, wasmrt_store *into);
PyObject *pyext_from_value(pyext_state *st, const wasmrt_value *v);

/* ------------------------------------------------- compiler_loader.c */

/* Compiles wasm to an artifact through libwasmc (dlopen'ed on first use,
 * from beside this extension). Returns a new bytes object or NULL with a
 * RuntimeError. Releases the GIL while compiling. */
PyObject *pyext_compile(const uint8_t *wasm, size_t len);

/* ------------------------------------------------------------- cache.c */

/* The cache entry path (str) for these wasm bytes, None when the cache is
 * disabled, NULL with an exception. */
PyObject *pyext_cache_path(const uint8_t *wasm, size_t len);
/* The artifact bytes of a valid entry, or NULL (no exception) on a miss or
 * a damaged entry. */
PyObject *pyext_cache_load(PyObject *path);
/* Stores `so` (bytes) atomically; failures are ignored. */
void pyext_cache_store(PyObject *path, PyObject *so);

/* --------------------------------------------------------------- wat.c */

/* wat2wasm for a str: new bytes, or NULL with RuntimeError("L:C: ..."). */
PyObject *pyext_wat2wasm_str(PyObject *text);
int pyext_wat_init(PyObject *m, pyext_state *st);

/* -------------------------------------------------------- module_obj.c */

typedef struct pyext_module {
  PyObject_HEAD wasmrt_artifact *artifact;
  PyObject *serialized; /* bytes of the .so */
} pyext_module;

/* ---------------------------------------------------------- instance.c */

/* `exports` and `globals` are borrowed: those objects own a reference to
 * the instance and reset the field when they die, so an instance with its
 * exports is freed by reference counting, not left to the cycle GC (which
 * would keep the artifact mapped and its memory reserved until a
 * collection). */
typedef struct pyext_instance {
  PyObject_HEAD PyObject *module; /* pyext_module, owns the code */
  wasmrt_instance *inst;
  PyObject *exports;  /* borrowed, lazily created */
  PyObject *globals;  /* borrowed, lazily created */
  PyObject *weakrefs; /* weakref.ref(instance) support */
} pyext_instance;

/* Instantiates `module` with `import_object` (ImportObject, dict or
 * None/NULL). */
PyObject *pyext_instance_new(pyext_state *st, PyObject *module,
                             PyObject *import_object);

/* ----------------------------------------------------------- exports.c */

typedef struct pyext_function {
  PyObject_HEAD pyext_state *st; /* of the defining module (outlives us) */
  PyObject *owner;               /* the exporting Instance, or NULL */
  wasmrt_store *store;           /* retained: the funcref's group */
  wasmrt_instance *inst;         /* the funcref's instance (interrupts) */
  const wasmrt_funcref *ref;
  const wasm_functype *type;
  PyObject *name;
  vectorcallfunc vectorcall;
  uint32_t nslots; /* max(param slots, result slots), fixed by the type */
} pyext_function;

PyObject *pyext_exports_new(pyext_state *st, PyObject *instance);
/* A callable Function for a non-NULL funcref (kept valid by a handle on
 * its group). */
PyObject *pyext_funcref_wrap(pyext_state *st, const wasmrt_funcref *ref);
/* Wraps an extern as a Python object (Function, Memory, Global). */
PyObject *pyext_wrap_extern(pyext_state *st, PyObject *owner,
                            const wasmrt_extern *ext, PyObject *name);

/* ------------------------------------------------------------ memory.c */

typedef struct pyext_memory {
  PyObject_HEAD wasmrt_memory *mem; /* retained */
} pyext_memory;

PyObject *pyext_memory_wrap(pyext_state *st, wasmrt_memory *mem);

/* ----------------------------------------------------------- globals.c */

typedef struct pyext_global {
  PyObject_HEAD wasmrt_global *global; /* retained */
} pyext_global;

PyObject *pyext_globals_new(pyext_state *st, PyObject *instance);
PyObject *pyext_global_wrap(pyext_state *st, wasmrt_global *g);

/* ----------------------------------------------------- import_object.c */

typedef struct pyext_import_object {
  PyObject_HEAD PyObject *namespaces; /* dict ns -> dict name -> object */
} pyext_import_object;

/* Builds the import array for `module` from an ImportObject or dict.
 * *out (PyMem_Malloc'd, num_imports entries) holds retained host functions
 * for callables; release with pyext_imports_free. */
int pyext_imports_resolve(pyext_state *st, const wasm_module *module,
                          PyObject *import_object, wasmrt_extern **out);
void pyext_imports_free(wasmrt_extern *imports, uint32_t n);

/* ------------------------------------------------------------- table.c */

typedef struct pyext_table pyext_table;
PyObject *pyext_table_wrap(pyext_state *st, PyObject *owner,
                           wasmrt_table *table);
/* The runtime table of a wasmer.Table (borrowed), else NULL. */
wasmrt_table *pyext_table_of(pyext_state *st, PyObject *obj);

/* --------------------------------------------------------- interrupt.c */

typedef struct pyext_sigint_scope {
  bool active;
  wasmrt_instance *inst, *prev;
} pyext_sigint_scope;

/* Records the main thread (call from module init). */
void pyext_sigint_init(void);
/* Around a call into wasm of instance `inst` (GIL held for both). */
void pyext_sigint_enter(pyext_sigint_scope *scope, wasmrt_instance *inst);
void pyext_sigint_leave(pyext_sigint_scope *scope, wasmrt_trap_code code);

/* -------------------------------------------------------------- wasi.c */

/* The host function of a wasmer.WasiFunction (borrowed), else NULL. */
wasmrt_hostfn *pyext_wasi_hostfn_of(pyext_state *st, PyObject *obj);

#endif /* PYEXT_INTERNAL_H */
