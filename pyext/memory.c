/* memory.c — `wasmer.Memory` (a retained wasmrt_memory: grow, size,
 * buffer protocol) and the typed views Uint8Array ... Int32Array. A
 * memory's base never moves (the whole reservation is mapped up front),
 * so buffers and views stay valid across grow(); views read the current
 * size on every access and so see growth.
 */
#include "pyext_internal.h"

#include <string.h>

typedef struct pyext_view {
  PyObject_HEAD PyObject *memory; /* pyext_memory */
  uint64_t offset;                /* in bytes */
  pyext_view_kind kind;
} pyext_view;

static const struct {
  const char *name;
  unsigned size;
  bool is_signed;
} view_info[PYEXT_VIEW_COUNT] = {
    [PYEXT_VIEW_U8] = {"wasmer.Uint8Array", 1, false},
    [PYEXT_VIEW_I8] = {"wasmer.Int8Array", 1, true},
    [PYEXT_VIEW_U16] = {"wasmer.Uint16Array", 2, false},
    [PYEXT_VIEW_I16] = {"wasmer.Int16Array", 2, true},
    [PYEXT_VIEW_U32] = {"wasmer.Uint32Array", 4, false},
    [PYEXT_VIEW_I32] = {"wasmer.Int32Array", 4, true},
};

/* -------------------------------------------------------------- Memory */

PyObject *pyext_memory_wrap(pyext_state *st, wasmrt_memory *mem) {
  pyext_memory *self = PyObject_New(pyext_memory, st->memory_type);
  if (!self)
    return NULL;
  wasmrt_memory_retain(mem);
  self->mem = mem;
  return (PyObject *)self;
}

static wasmrt_memory *mem_of(PyObject *obj) {
  return ((pyext_memory *)obj)->mem;
}

static PyObject *memory_grow(PyObject *self, PyObject *arg) {
  unsigned long delta = PyLong_AsUnsignedLong(arg);
  if (delta == (unsigned long)-1 && PyErr_Occurred())
    return NULL;
  if (delta > UINT32_MAX) {
    PyErr_SetString(PyExc_RuntimeError, "Failed to grow the memory: too many "
                                        "pages");
    return NULL;
  }
  int64_t old = wasmrt_memory_grow(mem_of(self), (uint32_t)delta);
  if (old < 0) {
    PyErr_Format(PyExc_RuntimeError,
                 "Failed to grow the memory by %lu pages (size %u pages)",
                 delta, (unsigned)wasmrt_memory_pages(mem_of(self)));
    return NULL;
  }
  return PyLong_FromLongLong(old);
}

static PyObject *memory_get_size(PyObject *self, void *closure) {
  return PyLong_FromUnsignedLong(wasmrt_memory_pages(mem_of(self)));
}

static PyObject *memory_get_data_size(PyObject *self, void *closure) {
  return PyLong_FromUnsignedLongLong(mem_of(self)->size);
}

/* A writable, zero-copy view of the memory's current bytes. */
static int memory_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  wasmrt_memory *mem = mem_of(self);
  return PyBuffer_FillInfo(view, self, mem->base, (Py_ssize_t)mem->size, 0,
                           flags);
}

static PyObject *memory_get_buffer(PyObject *self, void *closure) {
  return PyMemoryView_FromObject(self);
}

static PyObject *make_view(PyObject *self, PyObject *args, PyObject *kwargs,
                           pyext_view_kind kind) {
  static char *kwlist[] = {"offset", NULL};
  unsigned long long offset = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|K", kwlist, &offset))
    return NULL;
  pyext_state *st = pyext_state_of(self);
  if (!st)
    return NULL;
  pyext_view *v = PyObject_GC_New(pyext_view, st->view_types[kind]);
  if (!v)
    return NULL;
  v->memory = Py_NewRef(self);
  v->offset = offset;
  v->kind = kind;
  PyObject_GC_Track(v);
  return (PyObject *)v;
}

#define VIEW_METHOD(NAME, KIND)                                                \
  static PyObject *memory_##NAME(PyObject *self, PyObject *args,               \
                                 PyObject *kwargs) {                           \
    return make_view(self, args, kwargs, KIND);                                \
  }
VIEW_METHOD(uint8_view, PYEXT_VIEW_U8)
VIEW_METHOD(int8_view, PYEXT_VIEW_I8)
VIEW_METHOD(uint16_view, PYEXT_VIEW_U16)
VIEW_METHOD(int16_view, PYEXT_VIEW_I16)
VIEW_METHOD(uint32_view, PYEXT_VIEW_U32)
VIEW_METHOD(int32_view, PYEXT_VIEW_I32)

static void memory_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  wasmrt_memory_release(mem_of(self));
  tp->tp_free(self);
  Py_DECREF(tp);
}

#define VIEW_DEF(NAME)                                                         \
  {                                                                            \
#NAME, (PyCFunction)(void (*)(void))memory_##NAME,                         \
        METH_VARARGS | METH_KEYWORDS, #NAME "(offset=0)"                       \
  }

static PyMethodDef memory_methods[] = {
    {"grow", memory_grow, METH_O,
     "grow(pages): grows by `pages`, returns the previous size in pages."},
    VIEW_DEF(uint8_view),
    VIEW_DEF(int8_view),
    VIEW_DEF(uint16_view),
    VIEW_DEF(int16_view),
    VIEW_DEF(uint32_view),
    VIEW_DEF(int32_view),
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef memory_getset[] = {
    {"size", memory_get_size, NULL, "Size in pages.", NULL},
    {"data_size", memory_get_data_size, NULL, "Size in bytes.", NULL},
    {"buffer", memory_get_buffer, NULL, "A writable memoryview.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot memory_slots[] = {
    {Py_tp_methods, memory_methods},
    {Py_tp_getset, memory_getset},
    {Py_tp_dealloc, memory_dealloc},
    {Py_bf_getbuffer, memory_getbuffer},
    {Py_tp_doc, "A WebAssembly linear memory."},
    {0, NULL},
};

static PyType_Spec memory_spec = {
    .name = "wasmer.Memory",
    .basicsize = sizeof(pyext_memory),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = memory_slots,
};

/* --------------------------------------------------------------- views */

static Py_ssize_t view_len(PyObject *obj) {
  pyext_view *v = (pyext_view *)obj;
  uint64_t size = mem_of(v->memory)->size;
  if (v->offset >= size)
    return 0;
  return (Py_ssize_t)((size - v->offset) / view_info[v->kind].size);
}

static uint8_t *view_addr(pyext_view *v, Py_ssize_t i) {
  return mem_of(v->memory)->base + v->offset +
         (uint64_t)i * view_info[v->kind].size;
}

static PyObject *view_load(pyext_view *v, Py_ssize_t i) {
  uint8_t *p = view_addr(v, i);
  switch (v->kind) {
  case PYEXT_VIEW_U8:
    return PyLong_FromLong(*p);
  case PYEXT_VIEW_I8:
    return PyLong_FromLong((int8_t)*p);
  case PYEXT_VIEW_U16:
  case PYEXT_VIEW_I16: {
    uint16_t x;
    memcpy(&x, p, 2); /* x86-64 is little-endian, as wasm is */
    return PyLong_FromLong(v->kind == PYEXT_VIEW_I16 ? (int16_t)x : x);
  }
  default: {
    uint32_t x;
    memcpy(&x, p, 4);
    if (v->kind == PYEXT_VIEW_I32)
      return PyLong_FromLong((int32_t)x);
    return PyLong_FromUnsignedLong(x);
  }
  }
}

/* Stores an int that fits the element type (signed or unsigned range). */
static int view_store(pyext_view *v, Py_ssize_t i, PyObject *value) {
  if (!PyLong_Check(value)) {
    PyErr_Format(PyExc_TypeError, "%s elements are ints, got %s",
                 view_info[v->kind].name, Py_TYPE(value)->tp_name);
    return -1;
  }
  long long x = PyLong_AsLongLong(value);
  if (x == -1 && PyErr_Occurred())
    return -1;
  unsigned bits = view_info[v->kind].size * 8;
  long long lo = -(1LL << (bits - 1)), hi = (1LL << bits) - 1;
  if (x < lo || x > hi) {
    PyErr_Format(PyExc_OverflowError, "%lld does not fit in a %u-bit element",
                 x, bits);
    return -1;
  }
  uint32_t u = (uint32_t)x;
  memcpy(view_addr(v, i), &u, view_info[v->kind].size);
  return 0;
}

static int check_index(PyObject *obj, Py_ssize_t *i) {
  Py_ssize_t n = view_len(obj);
  if (*i < 0)
    *i += n;
  if (*i < 0 || *i >= n) {
    PyErr_Format(PyExc_IndexError,
                 "Out of bound: index %zd is not below the view's length %zd",
                 *i, n);
    return -1;
  }
  return 0;
}

static PyObject *view_getitem(PyObject *obj, PyObject *key) {
  pyext_view *v = (pyext_view *)obj;
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0)
      return NULL;
    Py_ssize_t n = PySlice_AdjustIndices(view_len(obj), &start, &stop, step);
    PyObject *list = PyList_New(n);
    for (Py_ssize_t k = 0; list && k < n; k++) {
      PyObject *e = view_load(v, start + k * step);
      if (!e)
        Py_CLEAR(list);
      else
        PyList_SET_ITEM(list, k, e);
    }
    return list;
  }
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred())
    return NULL;
  if (check_index(obj, &i) < 0)
    return NULL;
  return view_load(v, i);
}

static int view_set_slice(PyObject *obj, PyObject *key, PyObject *value) {
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0)
    return -1;
  Py_ssize_t n = PySlice_AdjustIndices(view_len(obj), &start, &stop, step);
  PyObject *seq = PySequence_Fast(value, "slice assignment needs an iterable");
  if (!seq)
    return -1;
  int rc = 0;
  if (PySequence_Fast_GET_SIZE(seq) != n) {
    PyErr_Format(PyExc_IndexError,
                 "slice assignment: %zd values for a slice of length %zd",
                 PySequence_Fast_GET_SIZE(seq), n);
    rc = -1;
  }
  for (Py_ssize_t k = 0; rc == 0 && k < n; k++)
    rc = view_store((pyext_view *)obj, start + k * step,
                    PySequence_Fast_GET_ITEM(seq, k));
  Py_DECREF(seq);
  return rc;
}

static int view_setitem(PyObject *obj, PyObject *key, PyObject *value) {
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "memory view elements cannot be deleted");
    return -1;
  }
  if (PySlice_Check(key))
    return view_set_slice(obj, key, value);
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred())
    return -1;
  if (check_index(obj, &i) < 0)
    return -1;
  return view_store((pyext_view *)obj, i, value);
}

static PyObject *view_get_bpe(PyObject *obj, void *closure) {
  return PyLong_FromLong(view_info[((pyext_view *)obj)->kind].size);
}

static int view_traverse(PyObject *obj, visitproc visit, void *arg) {
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(((pyext_view *)obj)->memory);
  return 0;
}

static int view_clear(PyObject *obj) {
  Py_CLEAR(((pyext_view *)obj)->memory);
  return 0;
}

static void view_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  view_clear(obj);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyGetSetDef view_getset[] = {
    {"bytes_per_element", view_get_bpe, NULL, "Element size in bytes.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot view_slots[] = {
    {Py_mp_length, view_len},
    {Py_sq_length, view_len},
    {Py_mp_subscript, view_getitem},
    {Py_mp_ass_subscript, view_setitem},
    {Py_tp_getset, view_getset},
    {Py_tp_traverse, view_traverse},
    {Py_tp_clear, view_clear},
    {Py_tp_dealloc, view_dealloc},
    {Py_tp_doc, "A typed little-endian view over a memory."},
    {0, NULL},
};

int pyext_memory_init(PyObject *m, pyext_state *st) {
  st->memory_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &memory_spec, NULL);
  if (!st->memory_type || PyModule_AddType(m, st->memory_type) < 0)
    return -1;
  for (int k = 0; k < PYEXT_VIEW_COUNT; k++) {
    PyType_Spec spec = {
        .name = view_info[k].name,
        .basicsize = sizeof(pyext_view),
        .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
                 Py_TPFLAGS_DISALLOW_INSTANTIATION,
        .slots = view_slots,
    };
    st->view_types[k] =
        (PyTypeObject *)PyType_FromModuleAndSpec(m, &spec, NULL);
    if (!st->view_types[k] || PyModule_AddType(m, st->view_types[k]) < 0)
      return -1;
  }
  return 0;
}
