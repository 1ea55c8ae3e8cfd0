/* import_object.c — `wasmer.ImportObject` ({namespace: {name: value}}),
 * resolving a module's imports from it (or from a plain dict), and Python
 * callables as host functions.
 *
 * A host function runs with the GIL re-taken (calls into wasm release it).
 * A Python exception raised inside it is stored in the trap record as the
 * payload (normalized, traceback attached); the callback returns non-zero,
 * the runtime unwinds the wasm frames, and the entry that called into wasm
 * re-raises that very object (errors.c).
 *
 * Known limit: the instance holds its host functions' callables through C
 * (the runtime's store), out of sight of Python's cycle collector, so a
 * callable that references the very Instance it is imported into (a
 * closure over it, a bound method of an object holding it) keeps both
 * alive until the interpreter exits; reach the instance through a
 * weakref.ref to avoid it.
 */
#include "pyext_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------ host functions */

typedef struct host_env {
  PyObject *callable;
  pyext_state *st; /* the module outlives every instance made from it */
} host_env;

static void host_env_free(void *p) {
  host_env *env = p;
  PyGILState_STATE g = PyGILState_Ensure();
  Py_XDECREF(env->callable);
  PyGILState_Release(g);
  PyMem_RawFree(env);
}

static PyObject *host_args(pyext_state *st, const wasm_functype *ft,
                           const uint64_t *slots) {
  PyObject *args = PyTuple_New(ft->nparams);
  size_t pos = 0;
  for (uint32_t i = 0; args && i < ft->nparams; i++) {
    PyObject *v = pyext_from_slots(st, ft->params[i], slots + pos);
    if (!v)
      Py_CLEAR(args);
    else
      PyTuple_SET_ITEM(args, i, v);
    pos += pyext_slot_width(ft->params[i]);
  }
  return args;
}

/* Reference results go to the calling instance's group. */
static int host_results(host_env *env, const wasm_functype *ft,
                        PyObject *result, uint64_t *slots, wasmrt_store *into) {
  if (ft->nresults == 0)
    return 0;
  if (ft->nresults == 1)
    return pyext_to_slots(env->st, result, ft->results[0], slots,
                          "host function result", into);
  PyObject *seq = PySequence_Fast(result, "host function must return a "
                                          "sequence of results");
  if (!seq)
    return -1;
  int rc = 0;
  if (PySequence_Fast_GET_SIZE(seq) != (Py_ssize_t)ft->nresults) {
    PyErr_Format(PyExc_TypeError,
                 "host function returned %zd results, "
                 "expected %u",
                 PySequence_Fast_GET_SIZE(seq), (unsigned)ft->nresults);
    rc = -1;
  }
  size_t pos = 0;
  for (uint32_t i = 0; rc == 0 && i < ft->nresults; i++) {
    rc = pyext_to_slots(env->st, PySequence_Fast_GET_ITEM(seq, i),
                        ft->results[i], slots + pos, "host function result",
                        into);
    pos += pyext_slot_width(ft->results[i]);
  }
  Py_DECREF(seq);
  return rc;
}

/* Moves the pending Python exception into the thread's trap record. */
static void record_exception(void) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb)
    PyException_SetTraceback(value, tb);
  wasmrt_trap trap;
  memset(&trap, 0, sizeof trap);
  trap.code = WASMRT_TRAP_HOST;
  trap.payload = value; /* owned by the record until re-raised */
  PyObject *s = value ? PyObject_Str(value) : NULL;
  const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
  snprintf(trap.message, sizeof trap.message, "%s", msg ? msg : "host error");
  if (!msg)
    PyErr_Clear();
  Py_XDECREF(s);
  Py_XDECREF(type);
  Py_XDECREF(tb);
  wasmrt_host_trap_set(&trap);
}

static int host_callback(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                         uint64_t *slots) {
  host_env *env = fn->env;
  const wasm_functype *ft = wasmrt_hostfn_type(fn);
  PyGILState_STATE g = PyGILState_Ensure();
  int rc = -1;
  PyObject *args = host_args(env->st, ft, slots);
  if (args) {
    PyObject *result = PyObject_Call(env->callable, args, NULL);
    Py_DECREF(args);
    if (result) {
      wasmrt_instance *inst = wasmrt_vmctx_instance(caller);
      rc = host_results(env, ft, result, slots,
                        inst ? wasmrt_instance_store(inst) : NULL);
      Py_DECREF(result);
    }
  }
  if (rc < 0)
    record_exception();
  PyGILState_Release(g);
  return rc < 0 ? 1 : 0;
}

static wasmrt_hostfn *hostfn_new(pyext_state *st, const wasm_functype *ft,
                                 PyObject *callable) {
  host_env *env = PyMem_RawMalloc(sizeof *env);
  if (!env) {
    PyErr_NoMemory();
    return NULL;
  }
  env->callable = Py_NewRef(callable);
  env->st = st;
  wasm_error err = {0};
  wasmrt_hostfn *fn =
      wasmrt_hostfn_new(ft, host_callback, env, host_env_free, &err);
  if (!fn) {
    Py_DECREF(callable);
    PyMem_RawFree(env);
    pyext_raise_wasm_error(&err);
  }
  return fn;
}

/* ----------------------------------------------------------- resolving */

/* The namespaces mapping of an ImportObject/dict, or NULL for none. */
static PyObject *namespaces_of(pyext_state *st, PyObject *import_object) {
  if (!import_object || import_object == Py_None)
    return NULL;
  if (Py_IS_TYPE(import_object, st->import_object_type))
    return ((pyext_import_object *)import_object)->namespaces;
  return import_object;
}

/* Borrowed value for ns.name, NULL if absent (no exception), or -1. */
static int lookup(PyObject *namespaces, const wasm_import *imp,
                  PyObject **out) {
  *out = NULL;
  if (!namespaces)
    return 0;
  PyObject *ns_key =
      PyUnicode_DecodeUTF8(imp->module.data, imp->module.len, "replace");
  PyObject *key =
      PyUnicode_DecodeUTF8(imp->name.data, imp->name.len, "replace");
  int rc = -1;
  if (ns_key && key) {
    PyObject *ns = PyObject_GetItem(namespaces, ns_key);
    if (!ns && PyErr_ExceptionMatches(PyExc_KeyError)) {
      PyErr_Clear();
      rc = 0;
    } else if (ns) {
      PyObject *v = PyObject_GetItem(ns, key);
      if (!v && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        rc = 0;
      } else if (v) {
        *out = v; /* new reference: the caller keeps it briefly */
        rc = 0;
      }
      Py_DECREF(ns);
    }
  }
  Py_XDECREF(ns_key);
  Py_XDECREF(key);
  return rc;
}

static int import_type_error(const wasm_import *imp, PyObject *value) {
  /* PyErr_Format has no %.*s: format the names here. */
  char msg[512];
  snprintf(msg, sizeof msg, "import `%.*s`.`%.*s` (%s): cannot use %s",
           (int)imp->module.len, imp->module.data, (int)imp->name.len,
           imp->name.data, wasm_externkind_str(imp->kind),
           Py_TYPE(value)->tp_name);
  PyErr_SetString(PyExc_TypeError, msg);
  return -1;
}

static int resolve_one(pyext_state *st, const wasm_module *m,
                       const wasm_import *imp, PyObject *value,
                       wasmrt_extern *out) {
  switch (imp->kind) {
  case WASM_EXTERN_FUNC:
    if (Py_IS_TYPE(value, st->function_type)) {
      out->kind = WASMRT_EXTERN_FUNC;
      out->of.func = (wasmrt_funcref *)((pyext_function *)value)->ref;
      return 0;
    }
    if (pyext_wasi_hostfn_of(st, value)) {
      out->kind = WASMRT_EXTERN_HOSTFN;
      out->of.hostfn = pyext_wasi_hostfn_of(st, value);
      wasmrt_hostfn_retain(out->of.hostfn); /* released with the array */
      return 0;
    }
    if (!PyCallable_Check(value))
      return import_type_error(imp, value);
    out->of.hostfn = hostfn_new(st, &m->types[imp->u.func_type], value);
    if (!out->of.hostfn)
      return -1;
    out->kind = WASMRT_EXTERN_HOSTFN;
    return 0;
  case WASM_EXTERN_MEMORY:
    if (!Py_IS_TYPE(value, st->memory_type))
      return import_type_error(imp, value);
    out->kind = WASMRT_EXTERN_MEMORY;
    out->of.memory = ((pyext_memory *)value)->mem;
    return 0;
  case WASM_EXTERN_GLOBAL:
    if (!Py_IS_TYPE(value, st->global_type))
      return import_type_error(imp, value);
    out->kind = WASMRT_EXTERN_GLOBAL;
    out->of.global = ((pyext_global *)value)->global;
    return 0;
  case WASM_EXTERN_TABLE:
    if (!pyext_table_of(st, value))
      return import_type_error(imp, value);
    out->kind = WASMRT_EXTERN_TABLE;
    out->of.table = pyext_table_of(st, value);
    return 0;
  }
  return import_type_error(imp, value);
}

int pyext_imports_resolve(pyext_state *st, const wasm_module *module,
                          PyObject *import_object, wasmrt_extern **out) {
  *out =
      PyMem_Calloc(module->num_imports ? module->num_imports : 1, sizeof **out);
  if (!*out) {
    PyErr_NoMemory();
    return -1;
  }
  PyObject *namespaces = namespaces_of(st, import_object);
  for (uint32_t i = 0; i < module->num_imports; i++) {
    PyObject *value;
    if (lookup(namespaces, &module->imports[i], &value) < 0)
      goto fail;
    if (!value)
      continue; /* the runtime reports "unknown import" with the names */
    int rc = resolve_one(st, module, &module->imports[i], value, &(*out)[i]);
    Py_DECREF(value);
    if (rc < 0)
      goto fail;
  }
  return 0;
fail:
  pyext_imports_free(*out, module->num_imports);
  *out = NULL;
  return -1;
}

void pyext_imports_free(wasmrt_extern *imports, uint32_t n) {
  for (uint32_t i = 0; imports && i < n; i++)
    if (imports[i].kind == WASMRT_EXTERN_HOSTFN)
      wasmrt_hostfn_release(imports[i].of.hostfn);
  PyMem_Free(imports);
}

/* -------------------------------------------------------- ImportObject */

static PyObject *import_object_new(PyTypeObject *type, PyObject *args,
                                   PyObject *kwargs) {
  if (!_PyArg_NoKeywords("ImportObject", kwargs) ||
      !PyArg_ParseTuple(args, ":ImportObject"))
    return NULL;
  pyext_import_object *self = (pyext_import_object *)type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  self->namespaces = PyDict_New();
  if (!self->namespaces) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject *)self;
}

/* extend({ns: {name: value}}): merges into the existing namespaces. */
static PyObject *import_object_extend(PyObject *obj, PyObject *arg) {
  pyext_import_object *self = (pyext_import_object *)obj;
  if (!PyDict_Check(arg)) {
    PyErr_SetString(PyExc_TypeError, "extend() expects a dict "
                                     "{namespace: {name: value}}");
    return NULL;
  }
  PyObject *ns_name, *entries;
  Py_ssize_t pos = 0;
  while (PyDict_Next(arg, &pos, &ns_name, &entries)) {
    if (!PyUnicode_Check(ns_name) || !PyDict_Check(entries)) {
      PyErr_SetString(PyExc_TypeError, "extend() expects str keys mapping "
                                       "to dicts");
      return NULL;
    }
    PyObject *ns = PyDict_GetItemWithError(self->namespaces, ns_name);
    if (!ns) {
      if (PyErr_Occurred())
        return NULL;
      PyObject *fresh = PyDict_New();
      if (!fresh || PyDict_SetItem(self->namespaces, ns_name, fresh) < 0) {
        Py_XDECREF(fresh);
        return NULL;
      }
      ns = fresh;
      Py_DECREF(fresh); /* the namespaces dict holds it */
    }
    if (PyDict_Update(ns, entries) < 0)
      return NULL;
  }
  Py_RETURN_NONE;
}

static long descriptor_kind(pyext_state *st, PyObject *value) {
  if (Py_IS_TYPE(value, st->memory_type))
    return 2;
  if (Py_IS_TYPE(value, st->global_type))
    return 3;
  return 1; /* functions: callables and exported functions */
}

static PyObject *descriptor(pyext_state *st, PyObject *ns, PyObject *name,
                            PyObject *value) {
  PyObject *kind =
      PyObject_CallFunction(st->import_kind, "l", descriptor_kind(st, value));
  if (!kind)
    return NULL;
  PyObject *d =
      Py_BuildValue("{sOsOsO}", "kind", kind, "namespace", ns, "name", name);
  Py_DECREF(kind);
  return d;
}

static PyObject *import_object_descriptors(PyObject *obj, PyObject *unused) {
  pyext_import_object *self = (pyext_import_object *)obj;
  pyext_state *st = pyext_state_of(obj);
  PyObject *list = st ? PyList_New(0) : NULL;
  PyObject *ns_name, *entries;
  Py_ssize_t pos = 0;
  while (list && PyDict_Next(self->namespaces, &pos, &ns_name, &entries)) {
    PyObject *name, *value;
    Py_ssize_t pos2 = 0;
    while (list && PyDict_Next(entries, &pos2, &name, &value)) {
      PyObject *d = descriptor(st, ns_name, name, value);
      if (!d || PyList_Append(list, d) < 0)
        Py_CLEAR(list);
      Py_XDECREF(d);
    }
  }
  return list;
}

static int import_object_traverse(PyObject *obj, visitproc visit, void *arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(((pyext_import_object *)obj)->namespaces);
  return 0;
}

static int import_object_clear(PyObject *obj) {
  Py_CLEAR(((pyext_import_object *)obj)->namespaces);
  return 0;
}

static void import_object_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  import_object_clear(obj);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyMethodDef import_object_methods[] = {
    {"extend", import_object_extend, METH_O,
     "extend({namespace: {name: value}})"},
    {"import_descriptors", import_object_descriptors, METH_NOARGS,
     "The declared imports: [{'kind', 'namespace', 'name'}]."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot import_object_slots[] = {
    {Py_tp_new, import_object_new},
    {Py_tp_methods, import_object_methods},
    {Py_tp_traverse, import_object_traverse},
    {Py_tp_clear, import_object_clear},
    {Py_tp_dealloc, import_object_dealloc},
    {Py_tp_doc, "Values for a module's imports, by namespace and name."},
    {0, NULL},
};

static PyType_Spec import_object_spec = {
    .name = "wasmer.ImportObject",
    .basicsize = sizeof(pyext_import_object),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = import_object_slots,
};

int pyext_import_object_init(PyObject *m, pyext_state *st) {
  st->import_object_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &import_object_spec, NULL);
  if (!st->import_object_type)
    return -1;
  return PyModule_AddType(m, st->import_object_type);
}
