/* table.c — `wasmer.Table`: an exported table. Elements are Function
 * objects (funcref), arbitrary Python objects (externref) or None.
 *
 * Lifetimes: the Table retains the runtime table (a handle on its group,
 * see wasmrt.h) and its exporting Instance; a Function read from it holds
 * a handle on the group of its funcref. An externref is the PyObject
 * pointer itself; an object stored into wasm is kept by a registry of the
 * receiving group (value.c) and released when that group is freed — wasm
 * may hold it anywhere and the runtime has no collector to say when it
 * stops.
 */
#include "pyext_internal.h"

typedef struct pyext_table {
  PyObject_HEAD wasmrt_table *table; /* retained */
  PyObject *owner;                   /* instance, may be NULL */
} pyext_table;

static PyObject *table_get_size(PyObject *obj, void *closure) {
  return PyLong_FromUnsignedLong(
      wasmrt_table_size(((pyext_table *)obj)->table));
}

static PyObject *table_get_element_type(PyObject *obj, void *closure) {
  pyext_state *st = pyext_state_of(obj);
  if (!st)
    return NULL;
  wasm_tabletype t = wasmrt_table_type(((pyext_table *)obj)->table);
  return PyObject_CallFunction(st->type_enum, "i",
                               t.elem == WASM_FUNCREF ? 7 : 6);
}

static int index_arg(pyext_table *self, PyObject *arg, uint32_t *idx) {
  unsigned long long i = PyLong_AsUnsignedLongLong(arg);
  if (PyErr_Occurred())
    return -1;
  if (i >= wasmrt_table_size(self->table)) {
    PyErr_Format(PyExc_IndexError, "table index %llu out of bounds (size %u)",
                 i, (unsigned)wasmrt_table_size(self->table));
    return -1;
  }
  *idx = (uint32_t)i;
  return 0;
}

static PyObject *table_get(PyObject *obj, PyObject *arg) {
  pyext_table *self = (pyext_table *)obj;
  uint32_t idx;
  void *ref = NULL;
  if (index_arg(self, arg, &idx) < 0)
    return NULL;
  wasmrt_table_get(self->table, idx, &ref);
  if (!ref)
    Py_RETURN_NONE;
  wasm_tabletype t = wasmrt_table_type(self->table);
  if (t.elem == WASM_EXTERNREF)
    return Py_NewRef((PyObject *)ref);
  pyext_state *st = pyext_state_of(obj);
  if (!st)
    return NULL;
  return pyext_funcref_wrap(st, ref);
}

static PyObject *table_set(PyObject *obj, PyObject *args) {
  pyext_table *self = (pyext_table *)obj;
  PyObject *index, *value;
  uint32_t idx;
  if (!PyArg_ParseTuple(args, "OO:set", &index, &value) ||
      index_arg(self, index, &idx) < 0)
    return NULL;
  pyext_state *st = pyext_state_of(obj);
  if (!st)
    return NULL;
  wasm_tabletype t = wasmrt_table_type(self->table);
  uint64_t slot = 0;
  if (pyext_to_slots(st, value, t.elem, &slot, "table element",
                     wasmrt_table_store(self->table)) < 0)
    return NULL;
  wasmrt_table_set(self->table, idx, (void *)(uintptr_t)slot);
  Py_RETURN_NONE;
}

static PyObject *table_grow(PyObject *obj, PyObject *args) {
  pyext_table *self = (pyext_table *)obj;
  unsigned int delta;
  PyObject *init = Py_None;
  if (!PyArg_ParseTuple(args, "I|O:grow", &delta, &init))
    return NULL;
  pyext_state *st = pyext_state_of(obj);
  uint64_t slot = 0;
  if (!st ||
      pyext_to_slots(st, init, wasmrt_table_type(self->table).elem, &slot,
                     "table element", wasmrt_table_store(self->table)) < 0)
    return NULL;
  int64_t old = wasmrt_table_grow(self->table, delta, (void *)(uintptr_t)slot);
  if (old < 0) {
    PyErr_SetString(PyExc_RuntimeError, "table cannot grow that much");
    return NULL;
  }
  return PyLong_FromLongLong(old);
}

static Py_ssize_t table_len(PyObject *obj) {
  return (Py_ssize_t)wasmrt_table_size(((pyext_table *)obj)->table);
}

static PyObject *table_item(PyObject *obj, Py_ssize_t i) {
  PyObject *index = PyLong_FromSsize_t(i);
  PyObject *r = index ? table_get(obj, index) : NULL;
  Py_XDECREF(index);
  return r;
}

static int table_traverse(PyObject *obj, visitproc visit, void *arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(((pyext_table *)obj)->owner);
  return 0;
}

static int table_clear(PyObject *obj) {
  Py_CLEAR(((pyext_table *)obj)->owner);
  return 0;
}

static void table_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  table_clear(obj);
  wasmrt_table_release(((pyext_table *)obj)->table);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyObject *table_repr(PyObject *obj) {
  wasm_tabletype t = wasmrt_table_type(((pyext_table *)obj)->table);
  return PyUnicode_FromFormat(
      "<wasmer.Table size=%u element_type=%s>",
      (unsigned)wasmrt_table_size(((pyext_table *)obj)->table),
      t.elem == WASM_FUNCREF ? "funcref" : "externref");
}

static PyMethodDef table_methods[] = {
    {"get", table_get, METH_O, "get(index): Function, object or None."},
    {"set", table_set, METH_VARARGS, "set(index, Function | object | None)"},
    {"grow", table_grow, METH_VARARGS,
     "grow(delta, init=None) -> previous size"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef table_getset[] = {
    {"size", table_get_size, NULL, "Number of elements.", NULL},
    {"element_type", table_get_element_type, NULL,
     "Type.FUNCREF or Type.EXTERNREF.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot table_slots[] = {
    {Py_tp_methods, table_methods},
    {Py_tp_getset, table_getset},
    {Py_sq_length, table_len},
    {Py_sq_item, table_item},
    {Py_tp_repr, table_repr},
    {Py_tp_traverse, table_traverse},
    {Py_tp_clear, table_clear},
    {Py_tp_dealloc, table_dealloc},
    {Py_tp_doc, "A WebAssembly table."},
    {0, NULL},
};

static PyType_Spec table_spec = {
    .name = "wasmer.Table",
    .basicsize = sizeof(pyext_table),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
             Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = table_slots,
};

PyObject *pyext_table_wrap(pyext_state *st, PyObject *owner,
                           wasmrt_table *table) {
  pyext_table *t = PyObject_GC_New(pyext_table, st->table_type);
  if (!t)
    return NULL;
  wasmrt_table_retain(table);
  t->table = table;
  t->owner = owner && owner != Py_None ? Py_NewRef(owner) : NULL;
  PyObject_GC_Track(t);
  return (PyObject *)t;
}

wasmrt_table *pyext_table_of(pyext_state *st, PyObject *obj) {
  return Py_IS_TYPE(obj, st->table_type) ? ((pyext_table *)obj)->table : NULL;
}

int pyext_table_init(PyObject *m, pyext_state *st) {
  st->table_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &table_spec, NULL);
  if (!st->table_type)
    return -1;
  return PyModule_AddType(m, st->table_type);
}
