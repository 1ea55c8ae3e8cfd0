/* globals.c — `instance.globals` (exported globals by name) and
 * `wasmer.Global` (a retained wasmrt_global: .value, .mutable, .type).
 */
#include "pyext_internal.h"

typedef struct pyext_globals {
  PyObject_HEAD PyObject *instance;
} pyext_globals;

/* -------------------------------------------------------------- Global */

PyObject *pyext_global_wrap(pyext_state *st, wasmrt_global *g) {
  pyext_global *self = PyObject_New(pyext_global, st->global_type);
  if (!self)
    return NULL;
  wasmrt_global_retain(g);
  self->global = g;
  return (PyObject *)self;
}

static PyObject *global_get_value(PyObject *self, void *closure) {
  wasmrt_value v = wasmrt_global_get(((pyext_global *)self)->global);
  return pyext_from_value(pyext_state_of(self), &v);
}

static int global_set_value(PyObject *self, PyObject *value, void *closure) {
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "a global's value cannot be deleted");
    return -1;
  }
  wasmrt_global *g = ((pyext_global *)self)->global;
  wasm_globaltype type = wasmrt_global_type(g);
  if (!type.mut) {
    PyErr_SetString(PyExc_RuntimeError,
                    "The global variable is not mutable, cannot set a new "
                    "value.");
    return -1;
  }
  pyext_state *st = pyext_state_of(self);
  wasmrt_value v;
  if (!st ||
      pyext_to_value(st, value, type.type, &v, wasmrt_global_store(g)) < 0)
    return -1;
  wasm_error err = {0};
  if (!wasmrt_global_set(g, &v, &err)) {
    pyext_raise_wasm_error(&err);
    return -1;
  }
  return 0;
}

static PyObject *global_get_mutable(PyObject *self, void *closure) {
  return PyBool_FromLong(
      wasmrt_global_type(((pyext_global *)self)->global).mut);
}

static PyObject *global_get_type(PyObject *self, void *closure) {
  wasm_globaltype t = wasmrt_global_type(((pyext_global *)self)->global);
  return PyUnicode_FromString(wasm_valtype_str(t.type));
}

static void global_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  wasmrt_global_release(((pyext_global *)self)->global);
  tp->tp_free(self);
  Py_DECREF(tp);
}

static PyGetSetDef global_getset[] = {
    {"value", global_get_value, global_set_value, "The current value.", NULL},
    {"mutable", global_get_mutable, NULL, "Whether it can be set.", NULL},
    {"type", global_get_type, NULL, "The value type ('i32', ...).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot global_slots[] = {
    {Py_tp_getset, global_getset},
    {Py_tp_dealloc, global_dealloc},
    {Py_tp_doc, "A WebAssembly global."},
    {0, NULL},
};

static PyType_Spec global_spec = {
    .name = "wasmer.Global",
    .basicsize = sizeof(pyext_global),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = global_slots,
};

/* ------------------------------------------------------------- Globals */

static wasmrt_instance *instance_of(PyObject *obj) {
  return ((pyext_instance *)((pyext_globals *)obj)->instance)->inst;
}

static PyObject *globals_getattro(PyObject *obj, PyObject *name) {
  Py_ssize_t len;
  const char *s = PyUnicode_AsUTF8AndSize(name, &len);
  if (!s)
    return NULL;
  if (len >= 2 && s[0] == '_' && s[1] == '_')
    return PyObject_GenericGetAttr(obj, name);
  wasmrt_extern ext;
  if (!wasmrt_instance_export(instance_of(obj), s, (size_t)len, &ext) ||
      ext.kind != WASMRT_EXTERN_GLOBAL) {
    PyErr_Format(PyExc_LookupError, "Global `%U` does not exist.", name);
    return NULL;
  }
  pyext_state *st = pyext_state_of(obj);
  return st ? pyext_global_wrap(st, ext.of.global) : NULL;
}

static PyObject *globals_dir(PyObject *obj, PyObject *unused) {
  const wasm_module *m = wasmrt_instance_module(instance_of(obj));
  PyObject *list = PyList_New(0);
  for (uint32_t i = 0; list && i < m->num_exports; i++) {
    if (m->exports[i].kind != WASM_EXTERN_GLOBAL)
      continue;
    wasm_name n = m->exports[i].name;
    PyObject *s = PyUnicode_DecodeUTF8(n.data, n.len, "replace");
    if (!s || PyList_Append(list, s) < 0)
      Py_CLEAR(list);
    Py_XDECREF(s);
  }
  return list;
}

static int globals_traverse(PyObject *obj, visitproc visit, void *arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(((pyext_globals *)obj)->instance);
  return 0;
}

static int globals_clear(PyObject *obj) {
  pyext_globals *self = (pyext_globals *)obj;
  pyext_instance *inst = (pyext_instance *)self->instance;
  if (inst && inst->globals == obj)
    inst->globals = NULL; /* the instance's borrowed cache */
  Py_CLEAR(self->instance);
  return 0;
}

static void globals_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  globals_clear(obj);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyMethodDef globals_methods[] = {
    {"__dir__", globals_dir, METH_NOARGS, "The exported global names."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot globals_slots[] = {
    {Py_tp_getattro, globals_getattro},
    {Py_tp_methods, globals_methods},
    {Py_tp_traverse, globals_traverse},
    {Py_tp_clear, globals_clear},
    {Py_tp_dealloc, globals_dealloc},
    {Py_tp_doc, "The exported globals of an instance, as attributes."},
    {0, NULL},
};

static PyType_Spec globals_spec = {
    .name = "wasmer.Globals",
    .basicsize = sizeof(pyext_globals),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = globals_slots,
};

PyObject *pyext_globals_new(pyext_state *st, PyObject *instance) {
  pyext_globals *g = PyObject_GC_New(pyext_globals, st->globals_type);
  if (!g)
    return NULL;
  g->instance = Py_NewRef(instance);
  PyObject_GC_Track(g);
  return (PyObject *)g;
}

int pyext_globals_init(PyObject *m, pyext_state *st) {
  st->global_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &global_spec, NULL);
  st->globals_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &globals_spec, NULL);
  if (!st->global_type || !st->globals_type)
    return -1;
  if (PyModule_AddType(m, st->global_type) < 0 ||
      PyModule_AddType(m, st->globals_type) < 0)
    return -1;
  return 0;
}
