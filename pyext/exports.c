/* exports.c — `instance.exports` (attribute access by export name) and the
 * exported function type, called through vectorcall: arguments converted
 * by the signature, the GIL released while wasm runs.
 */
#include "pyext_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <structmember.h>

typedef struct pyext_exports {
  PyObject_HEAD PyObject *instance;
  PyObject *cache; /* dict: export name -> wrapper, filled on lookup */
} pyext_exports;

/* Slots on the C stack for common signatures, heap beyond. */
#define INLINE_SLOTS 16

/* ------------------------------------------------------------ Function */

static size_t count_slots(const wasm_valtype *types, uint32_t n) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++)
    total += pyext_slot_width(types[i]);
  return total;
}

static PyObject *arity_error(pyext_function *self, Py_ssize_t got) {
  char sig[256];
  pyext_format_signature(self->type, sig, sizeof sig);
  PyErr_Format(PyExc_TypeError, "%U() takes %u argument%s %s, got %zd",
               self->name, (unsigned)self->type->nparams,
               self->type->nparams == 1 ? "" : "s", sig, got);
  return NULL;
}

/* Re-raises the pending conversion error prefixed with the function's
 * name, signature and the argument's position (formatted only on error,
 * so the call path stays cheap). */
static int argument_error(pyext_function *self, uint32_t index) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  char sig[256];
  pyext_format_signature(self->type, sig, sizeof sig);
  PyErr_Format(type, "%U%s argument %u: %S", self->name, sig,
               (unsigned)index + 1, value);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return -1;
}

/* The common case inline: an exact int that fits, for i32/i64. Anything
 * else (bool, Value, floats, overflow, errors) takes pyext_to_slots, which
 * has the complete rules and messages. */
static inline bool int_fast(PyObject *obj, wasm_valtype type, uint64_t *slot) {
  if (!PyLong_CheckExact(obj) || (type != WASM_I32 && type != WASM_I64))
    return false;
  int overflow;
  long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
  if (overflow || (v == -1 && PyErr_Occurred())) {
    PyErr_Clear();
    return false;
  }
  if (type == WASM_I32 && (v < INT32_MIN || v > (long long)UINT32_MAX))
    return false;
  *slot = type == WASM_I32 ? (uint64_t)(uint32_t)v : (uint64_t)v;
  return true;
}

static int convert_args(pyext_function *self, PyObject *const *args,
                        uint64_t *slots) {
  const wasm_functype *ft = self->type;
  size_t pos = 0;
  for (uint32_t i = 0; i < ft->nparams; i++) {
    wasm_valtype t = ft->params[i];
    if (!int_fast(args[i], t, slots + pos) &&
        pyext_to_slots(self->st, args[i], t, slots + pos, "value",
                       self->store) < 0)
      return argument_error(self, i);
    pos += pyext_slot_width(t);
  }
  return 0;
}

/* None, one value, or a tuple, as the signature says. */
static PyObject *convert_results(pyext_state *st, const wasm_functype *ft,
                                 const uint64_t *slots) {
  if (ft->nresults == 0)
    Py_RETURN_NONE;
  if (ft->nresults == 1)
    return pyext_from_slots(st, ft->results[0], slots);
  PyObject *tuple = PyTuple_New(ft->nresults);
  size_t pos = 0;
  for (uint32_t i = 0; tuple && i < ft->nresults; i++) {
    PyObject *v = pyext_from_slots(st, ft->results[i], slots + pos);
    if (!v)
      Py_CLEAR(tuple);
    else
      PyTuple_SET_ITEM(tuple, i, v);
    pos += pyext_slot_width(ft->results[i]);
  }
  return tuple;
}

/* A trap record as the Python outcome: proc_exit(0) is a normal return,
 * an interrupt lets Python's SIGINT handler run (KeyboardInterrupt). */
static PyObject *call_failed(pyext_function *self, wasmrt_trap *trap) {
  if (trap->code == WASMRT_TRAP_EXIT && !trap->payload && !trap->exit_code)
    Py_RETURN_NONE;
  if (trap->code == WASMRT_TRAP_INTERRUPTED && PyErr_CheckSignals() < 0)
    return NULL;
  return pyext_raise_trap(self->st, trap);
}

static PyObject *call_with_slots(pyext_function *self, PyObject *const *args,
                                 uint64_t *slots) {
  if (convert_args(self, args, slots) < 0)
    return NULL;
  wasmrt_trap trap;
  wasmrt_trap_code code;
  trap.code = WASMRT_TRAP_NONE;
  trap.payload = NULL;
  if (wasmrt_funcref_is_bounded(self->ref)) {
    /* Loop- and call-free code finishes within microseconds: releasing
     * the GIL (and arming Ctrl-C) would cost more than the call itself. */
    code = wasmrt_call(self->ref, slots, &trap);
  } else {
    pyext_sigint_scope scope;
    pyext_sigint_enter(&scope, self->inst);
    Py_BEGIN_ALLOW_THREADS;
    code = wasmrt_call(self->ref, slots, &trap);
    Py_END_ALLOW_THREADS;
    pyext_sigint_leave(&scope, code);
  }
  if (code != WASMRT_TRAP_NONE)
    return call_failed(self, &trap);
  return convert_results(self->st, self->type, slots);
}

static PyObject *function_vectorcall(PyObject *callable, PyObject *const *args,
                                     size_t nargsf, PyObject *kwnames) {
  pyext_function *self = (pyext_function *)callable;
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (kwnames && PyTuple_GET_SIZE(kwnames)) {
    PyErr_Format(PyExc_TypeError, "%U() takes no keyword arguments",
                 self->name);
    return NULL;
  }
  if (nargs != (Py_ssize_t)self->type->nparams)
    return arity_error(self, nargs);
  size_t n = self->nslots;
  uint64_t inline_slots[INLINE_SLOTS];
  if (n <= INLINE_SLOTS)
    return call_with_slots(self, args, inline_slots);
  uint64_t *heap = PyMem_Calloc(n, sizeof *heap);
  if (!heap)
    return PyErr_NoMemory();
  PyObject *r = call_with_slots(self, args, heap);
  PyMem_Free(heap);
  return r;
}

static PyObject *function_repr(PyObject *obj) {
  pyext_function *self = (pyext_function *)obj;
  char sig[256];
  pyext_format_signature(self->type, sig, sizeof sig);
  return PyUnicode_FromFormat("<wasmer.Function %U%s>", self->name, sig);
}

static PyObject *type_list(pyext_state *st, const wasm_valtype *types,
                           uint32_t n) {
  static const struct {
    wasm_valtype t;
    int v;
  } map[] = {{WASM_I32, 1},    {WASM_I64, 2},  {WASM_F32, 3},
             {WASM_F64, 4},    {WASM_V128, 5}, {WASM_EXTERNREF, 6},
             {WASM_FUNCREF, 7}};
  PyObject *list = PyList_New(n);
  for (uint32_t i = 0; list && i < n; i++) {
    int v = 0;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
      if (map[k].t == types[i])
        v = map[k].v;
    PyObject *member = PyObject_CallFunction(st->type_enum, "i", v);
    if (!member)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, i, member);
  }
  return list;
}

static PyObject *function_get_params(PyObject *obj, void *closure) {
  pyext_function *self = (pyext_function *)obj;
  return type_list(self->st, self->type->params, self->type->nparams);
}

static PyObject *function_get_results(PyObject *obj, void *closure) {
  pyext_function *self = (pyext_function *)obj;
  return type_list(self->st, self->type->results, self->type->nresults);
}

static PyObject *function_get_name(PyObject *obj, void *closure) {
  return Py_NewRef(((pyext_function *)obj)->name);
}

static int function_traverse(PyObject *obj, visitproc visit, void *arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(((pyext_function *)obj)->owner);
  return 0;
}

static int function_clear(PyObject *obj) {
  Py_CLEAR(((pyext_function *)obj)->owner);
  return 0;
}

static void function_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  function_clear(obj);
  wasmrt_store_release(((pyext_function *)obj)->store);
  Py_CLEAR(((pyext_function *)obj)->name);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyMemberDef function_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(pyext_function, vectorcall),
     READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef function_getset[] = {
    {"params", function_get_params, NULL, "Parameter types (wasmer.Type).",
     NULL},
    {"results", function_get_results, NULL, "Result types (wasmer.Type).",
     NULL},
    {"__name__", function_get_name, NULL, "The export name.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot function_slots[] = {
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_repr, function_repr},
    {Py_tp_members, function_members},
    {Py_tp_getset, function_getset},
    {Py_tp_traverse, function_traverse},
    {Py_tp_clear, function_clear},
    {Py_tp_dealloc, function_dealloc},
    {Py_tp_doc, "An exported WebAssembly function."},
    {0, NULL},
};

static PyType_Spec function_spec = {
    .name = "wasmer.Function",
    .basicsize = sizeof(pyext_function),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = function_slots,
};

static PyObject *function_new(pyext_state *st, PyObject *owner,
                              const wasmrt_funcref *ref, PyObject *name) {
  pyext_function *f = PyObject_GC_New(pyext_function, st->function_type);
  if (!f)
    return NULL;
  f->st = st;
  f->owner = owner && owner != Py_None ? Py_NewRef(owner) : NULL;
  f->inst = wasmrt_funcref_instance(ref);
  f->store = wasmrt_instance_store(f->inst);
  wasmrt_store_retain(f->store);
  f->ref = ref;
  f->type = wasmrt_funcref_type(ref);
  f->name = Py_NewRef(name);
  f->vectorcall = function_vectorcall;
  size_t np = count_slots(f->type->params, f->type->nparams);
  size_t nr = count_slots(f->type->results, f->type->nresults);
  f->nslots = (uint32_t)(np > nr ? np : nr);
  PyObject_GC_Track(f);
  return (PyObject *)f;
}

PyObject *pyext_funcref_wrap(pyext_state *st, const wasmrt_funcref *ref) {
  if (!st) {
    PyErr_SetString(PyExc_SystemError, "funcref without a module state");
    return NULL;
  }
  PyObject *name = PyUnicode_FromString("funcref");
  PyObject *fn = name ? function_new(st, NULL, ref, name) : NULL;
  Py_XDECREF(name);
  return fn;
}

PyObject *pyext_wrap_extern(pyext_state *st, PyObject *owner,
                            const wasmrt_extern *ext, PyObject *name) {
  switch (ext->kind) {
  case WASMRT_EXTERN_FUNC:
    return function_new(st, owner, ext->of.func, name);
  case WASMRT_EXTERN_MEMORY:
    return pyext_memory_wrap(st, ext->of.memory);
  case WASMRT_EXTERN_GLOBAL:
    return pyext_global_wrap(st, ext->of.global);
  case WASMRT_EXTERN_TABLE:
    return pyext_table_wrap(st, owner, ext->of.table);
  default:
    PyErr_Format(PyExc_NotImplementedError,
                 "export `%U`: this kind of export is not supported yet", name);
    return NULL;
  }
}

/* ------------------------------------------------------------- Exports */

/* Wraps export `name` and remembers the wrapper: `exports.f` is then one
 * dict lookup, and the Function keeps its precomputed call plan. */
static PyObject *lookup_and_cache(pyext_exports *self, PyObject *name,
                                  const char *s, Py_ssize_t len) {
  pyext_instance *inst = (pyext_instance *)self->instance;
  wasmrt_extern ext;
  if (!inst || !wasmrt_instance_export(inst->inst, s, (size_t)len, &ext)) {
    PyErr_Format(PyExc_LookupError, "Export `%U` does not exist.", name);
    return NULL;
  }
  pyext_state *st = pyext_state_of((PyObject *)self);
  PyObject *w = st ? pyext_wrap_extern(st, self->instance, &ext, name) : NULL;
  if (!w)
    return NULL;
  if ((!self->cache && !(self->cache = PyDict_New())) ||
      PyDict_SetItem(self->cache, name, w) < 0)
    PyErr_Clear(); /* only the cache failed; the wrapper is fine */
  return w;
}

static PyObject *exports_getattro(PyObject *obj, PyObject *name) {
  pyext_exports *self = (pyext_exports *)obj;
  if (self->cache) {
    PyObject *hit = PyDict_GetItemWithError(self->cache, name);
    if (hit)
      return Py_NewRef(hit);
    if (PyErr_Occurred())
      return NULL;
  }
  Py_ssize_t len;
  const char *s = PyUnicode_AsUTF8AndSize(name, &len);
  if (!s)
    return NULL;
  if (len >= 2 && s[0] == '_' && s[1] == '_')
    return PyObject_GenericGetAttr(obj, name);
  return lookup_and_cache(self, name, s, len);
}

static PyObject *exports_dir(PyObject *obj, PyObject *unused) {
  pyext_instance *inst = (pyext_instance *)((pyext_exports *)obj)->instance;
  const wasm_module *m = wasmrt_instance_module(inst->inst);
  PyObject *list = PyList_New(m->num_exports);
  for (uint32_t i = 0; list && i < m->num_exports; i++) {
    wasm_name n = m->exports[i].name;
    PyObject *s = PyUnicode_DecodeUTF8(n.data, n.len, "replace");
    if (!s)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, i, s);
  }
  return list;
}

static int exports_traverse(PyObject *obj, visitproc visit, void *arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(((pyext_exports *)obj)->instance);
  Py_VISIT(((pyext_exports *)obj)->cache);
  return 0;
}

static int exports_clear(PyObject *obj) {
  pyext_exports *self = (pyext_exports *)obj;
  pyext_instance *inst = (pyext_instance *)self->instance;
  if (inst && inst->exports == obj)
    inst->exports = NULL; /* the instance's borrowed cache */
  Py_CLEAR(self->cache);
  Py_CLEAR(self->instance);
  return 0;
}

static void exports_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  exports_clear(obj);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyMethodDef exports_methods[] = {
    {"__dir__", exports_dir, METH_NOARGS, "The export names."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot exports_slots[] = {
    {Py_tp_getattro, exports_getattro},
    {Py_tp_methods, exports_methods},
    {Py_tp_traverse, exports_traverse},
    {Py_tp_clear, exports_clear},
    {Py_tp_dealloc, exports_dealloc},
    {Py_tp_doc, "The exports of an instance, as attributes."},
    {0, NULL},
};

static PyType_Spec exports_spec = {
    .name = "wasmer.Exports",
    .basicsize = sizeof(pyext_exports),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = exports_slots,
};

PyObject *pyext_exports_new(pyext_state *st, PyObject *instance) {
  pyext_exports *e = PyObject_GC_New(pyext_exports, st->exports_type);
  if (!e)
    return NULL;
  e->instance = Py_NewRef(instance);
  e->cache = NULL;
  PyObject_GC_Track(e);
  return (PyObject *)e;
}

int pyext_exports_init(PyObject *m, pyext_state *st) {
  st->function_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &function_spec, NULL);
  st->exports_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &exports_spec, NULL);
  if (!st->function_type || !st->exports_type)
    return -1;
  if (PyModule_AddType(m, st->function_type) < 0 ||
      PyModule_AddType(m, st->exports_type) < 0)
    return -1;
  return 0;
}
