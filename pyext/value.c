/* value.c — `wasmer.Value` (typed WebAssembly values) and the conversions
 * between Python objects and array-ABI slots used by calls, host functions
 * and globals.
 */
#include "pyext_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- conversions */

static const char *py_type_name(PyObject *obj) {
  return Py_TYPE(obj)->tp_name;
}

static int type_error(PyObject *obj, wasm_valtype type, const char *what) {
  PyErr_Format(PyExc_TypeError, "%s: expected %s, got %s", what,
               wasm_valtype_str(type), py_type_name(obj));
  return -1;
}

/* i32 accepts [-2^31, 2^32): signed or unsigned views of the same bits. */
static int int_to_slot(PyObject *obj, wasm_valtype type, uint64_t *slot,
                       const char *what) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
  if (v == -1 && PyErr_Occurred())
    return -1;
  if (type == WASM_I32) {
    if (overflow || v < INT32_MIN || v > (long long)UINT32_MAX) {
      PyErr_Format(PyExc_OverflowError, "%s: %R does not fit in i32", what,
                   obj);
      return -1;
    }
    *slot = (uint32_t)v;
    return 0;
  }
  if (overflow > 0) {
    unsigned long long u = PyLong_AsUnsignedLongLong(obj);
    if (u == (unsigned long long)-1 && PyErr_Occurred()) {
      PyErr_Clear();
      PyErr_Format(PyExc_OverflowError, "%s: %R does not fit in i64", what,
                   obj);
      return -1;
    }
    *slot = u;
    return 0;
  }
  if (overflow < 0) {
    PyErr_Format(PyExc_OverflowError, "%s: %R does not fit in i64", what, obj);
    return -1;
  }
  *slot = (uint64_t)v;
  return 0;
}

static int float_to_slot(PyObject *obj, wasm_valtype type, uint64_t *slot) {
  double d = PyFloat_AsDouble(obj);
  if (d == -1.0 && PyErr_Occurred())
    return -1;
  if (type == WASM_F32) {
    float f = (float)d;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    *slot = bits;
  } else {
    memcpy(slot, &d, 8);
  }
  return 0;
}

/* v128 from an int in [-2^127, 2^128), little-endian lanes. */
static int v128_to_slots(PyObject *obj, uint64_t *slots, const char *what) {
  unsigned char bytes[16];
  int negative = PyObject_RichCompareBool(obj, Py_False, Py_LT);
  if (negative < 0)
    return -1;
  if (_PyLong_AsByteArray((PyLongObject *)obj, bytes, 16, 1, negative) < 0) {
    PyErr_Clear();
    PyErr_Format(PyExc_OverflowError, "%s: %R does not fit in v128", what, obj);
    return -1;
  }
  memcpy(&slots[0], bytes, 8);
  memcpy(&slots[1], bytes + 8, 8);
  return 0;
}

static int value_to_slots(pyext_value *v, wasm_valtype type, uint64_t *slots,
                          const char *what) {
  if (v->type != type) {
    PyErr_Format(PyExc_TypeError, "%s: expected %s, got Value of type %s", what,
                 wasm_valtype_str(type), wasm_valtype_str(v->type));
    return -1;
  }
  slots[0] = v->lo;
  if (type == WASM_V128)
    slots[1] = v->hi;
  return 0;
}

/* A funcref from Python: None or a Function, whose group joins `into`'s
 * (wasm of that group may keep it anywhere; see wasmrt.h). */
static int funcref_to_slot(pyext_state *st, PyObject *obj, uint64_t *slot,
                           const char *what, wasmrt_store *into) {
  if (obj == Py_None) {
    *slot = 0;
    return 0;
  }
  if (!Py_IS_TYPE(obj, st->function_type))
    return type_error(obj, WASM_FUNCREF, what);
  const wasmrt_funcref *ref = ((pyext_function *)obj)->ref;
  wasmrt_store_join(into, wasmrt_instance_store(wasmrt_funcref_instance(ref)));
  *slot = (uint64_t)(uintptr_t)ref;
  return 0;
}

static void registry_drop(void *registry) {
  PyGILState_STATE g = PyGILState_Ensure();
  Py_DECREF((PyObject *)registry);
  PyGILState_Release(g);
}

/* Keeps `obj` alive as long as the group of `into`: wasm may keep an
 * externref anywhere (tables, globals) and nothing tells us when it stops,
 * so the group's registry (a dict id -> object) holds it until the group
 * is freed. */
static int keep_externref(PyObject *obj, wasmrt_store *into) {
  if (!into) {
    PyErr_SetString(PyExc_SystemError, "externref without an owner");
    return -1;
  }
  PyObject *registry = wasmrt_store_find(into, registry_drop);
  if (!registry) {
    registry = PyDict_New();
    if (!registry)
      return -1;
    if (!wasmrt_store_keep(into, registry, registry_drop)) {
      Py_DECREF(registry);
      PyErr_NoMemory();
      return -1;
    }
  }
  PyObject *key = PyLong_FromVoidPtr(obj);
  int rc = key ? PyDict_SetItem(registry, key, obj) : -1;
  Py_XDECREF(key);
  return rc;
}

int pyext_to_slots(pyext_state *st, PyObject *obj, wasm_valtype type,
                   uint64_t *slots, const char *what, wasmrt_store *into) {
  if (Py_IS_TYPE(obj, st->value_type))
    return value_to_slots((pyext_value *)obj, type, slots, what);
  switch (type) {
  case WASM_I32:
  case WASM_I64:
    if (!PyLong_Check(obj))
      return type_error(obj, type, what);
    return int_to_slot(obj, type, slots, what);
  case WASM_F32:
  case WASM_F64:
    if (!PyFloat_Check(obj) && !PyLong_Check(obj))
      return type_error(obj, type, what);
    return float_to_slot(obj, type, slots);
  case WASM_V128:
    if (!PyLong_Check(obj))
      return type_error(obj, type, what);
    return v128_to_slots(obj, slots, what);
  case WASM_FUNCREF:
    return funcref_to_slot(st, obj, slots, what, into);
  case WASM_EXTERNREF:
    if (obj == Py_None) {
      slots[0] = 0;
      return 0;
    }
    if (keep_externref(obj, into) < 0)
      return -1;
    slots[0] = (uint64_t)(uintptr_t)obj;
    return 0;
  }
  return type_error(obj, type, what);
}

PyObject *pyext_from_slots(pyext_state *st, wasm_valtype type,
                           const uint64_t *slots) {
  switch (type) {
  case WASM_I32:
    return PyLong_FromLong((int32_t)(uint32_t)slots[0]);
  case WASM_I64:
    return PyLong_FromLongLong((int64_t)slots[0]);
  case WASM_F32: {
    uint32_t bits = (uint32_t)slots[0];
    float f;
    memcpy(&f, &bits, 4);
    return PyFloat_FromDouble(f);
  }
  case WASM_F64: {
    double d;
    memcpy(&d, &slots[0], 8);
    return PyFloat_FromDouble(d);
  }
  case WASM_V128: {
    unsigned char bytes[16];
    memcpy(bytes, &slots[0], 8);
    memcpy(bytes + 8, &slots[1], 8);
    return _PyLong_FromByteArray(bytes, 16, 1, 0);
  }
  case WASM_EXTERNREF:
    if (slots[0] == 0)
      Py_RETURN_NONE;
    return Py_NewRef((PyObject *)(uintptr_t)slots[0]);
  case WASM_FUNCREF:
    if (slots[0] == 0)
      Py_RETURN_NONE;
    return pyext_funcref_wrap(st, (const wasmrt_funcref *)(uintptr_t)slots[0]);
  }
  PyErr_SetString(PyExc_SystemError, "unknown value type");
  return NULL;
}

void pyext_format_signature(const wasm_functype *ft, char *buf, size_t size) {
  size_t n = 0;
  n += snprintf(buf + n, size - n, "(");
  for (uint32_t i = 0; i < ft->nparams && n < size; i++)
    n += snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                  wasm_valtype_str(ft->params[i]));
  if (n < size)
    n += snprintf(buf + n, size - n, ") -> (");
  for (uint32_t i = 0; i < ft->nresults && n < size; i++)
    n += snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                  wasm_valtype_str(ft->results[i]));
  if (n < size)
    snprintf(buf + n, size - n, ")");
}

int pyext_to_value(pyext_state *st, PyObject *obj, wasm_valtype type,
                   wasmrt_value *out, wasmrt_store *into) {
  uint64_t slots[2] = {0, 0};
  if (pyext_to_slots(st, obj, type, slots, "global value", into) < 0)
    return -1;
  memset(out, 0, sizeof *out);
  out->type = type;
  switch (type) {
  case WASM_I32:
  case WASM_F32: {
    uint32_t bits = (uint32_t)slots[0];
    memcpy(&out->of, &bits, 4);
    break;
  }
  case WASM_V128:
    memcpy(out->of.v128, slots, 16);
    break;
  default:
    memcpy(&out->of, &slots[0], 8);
    break;
  }
  return 0;
}

PyObject *pyext_from_value(pyext_state *st, const wasmrt_value *v) {
  uint64_t slots[2] = {0, 0};
  switch (v->type) {
  case WASM_I32:
  case WASM_F32: {
    uint32_t bits;
    memcpy(&bits, &v->of, 4);
    slots[0] = bits;
    break;
  }
  case WASM_V128:
    memcpy(slots, v->of.v128, 16);
    break;
  default:
    memcpy(&slots[0], &v->of, 8);
    break;
  }
  return pyext_from_slots(st, v->type, slots);
}

/* --------------------------------------------------------------- Value */

static PyObject *value_make(PyTypeObject *cls, wasm_valtype type,
                            PyObject *arg) {
  pyext_state *st = pyext_state_of_type(cls);
  if (!st)
    return NULL;
  uint64_t slots[2] = {0, 0};
  char what[32];
  snprintf(what, sizeof what, "Value.%s()", wasm_valtype_str(type));
  if (Py_IS_TYPE(arg, st->value_type) ||
      pyext_to_slots(st, arg, type, slots, what, NULL) < 0) {
    if (!PyErr_Occurred())
      type_error(arg, type, what);
    return NULL;
  }
  pyext_value *v = PyObject_New(pyext_value, st->value_type);
  if (!v)
    return NULL;
  v->type = type;
  v->lo = slots[0];
  v->hi = slots[1];
  return (PyObject *)v;
}

#define VALUE_CTOR(NAME, TYPE)                                                 \
  static PyObject *value_##NAME(PyObject *cls, PyObject *arg) {                \
    return value_make((PyTypeObject *)cls, TYPE, arg);                         \
  }
VALUE_CTOR(i32, WASM_I32)
VALUE_CTOR(i64, WASM_I64)
VALUE_CTOR(f32, WASM_F32)
VALUE_CTOR(f64, WASM_F64)
VALUE_CTOR(v128, WASM_V128)

/* The shortest decimal that reads back as the same float32 ("7.42", not
 * "7.420000076293945"). */
static PyObject *f32_repr(float f) {
  char buf[64];
  for (int prec = 1; prec <= 9; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
    if (strtof(buf, NULL) == f || f != f)
      break;
  }
  double d = strtod(buf, NULL);
  if (f != f)
    d = (double)f;
  PyObject *py = PyFloat_FromDouble(d);
  if (!py)
    return NULL;
  PyObject *r = PyObject_Repr(py);
  Py_DECREF(py);
  return r;
}

static PyObject *value_payload(pyext_value *v) {
  if (v->type == WASM_F32) {
    float f;
    uint32_t bits = (uint32_t)v->lo;
    memcpy(&f, &bits, 4);
    return f32_repr(f);
  }
  uint64_t slots[2] = {v->lo, v->hi};
  PyObject *py = pyext_from_slots(NULL, v->type, slots);
  if (!py)
    return NULL;
  PyObject *r = PyObject_Repr(py);
  Py_DECREF(py);
  return r;
}

static PyObject *value_repr(PyObject *self) {
  pyext_value *v = (pyext_value *)self;
  static const struct {
    wasm_valtype type;
    const char *name;
  } names[] = {{WASM_I32, "I32"},
               {WASM_I64, "I64"},
               {WASM_F32, "F32"},
               {WASM_F64, "F64"},
               {WASM_V128, "V128"},
               {WASM_FUNCREF, "FuncRef"},
               {WASM_EXTERNREF, "ExternRef"}};
  const char *name = "?";
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].type == v->type)
      name = names[i].name;
  PyObject *payload = value_payload(v);
  if (!payload)
    return NULL;
  PyObject *r = PyUnicode_FromFormat("%s(%U)", name, payload);
  Py_DECREF(payload);
  return r;
}

static PyObject *value_get_value(PyObject *self, void *closure) {
  pyext_value *v = (pyext_value *)self;
  uint64_t slots[2] = {v->lo, v->hi};
  return pyext_from_slots(NULL, v->type, slots);
}

static PyObject *value_richcompare(PyObject *a, PyObject *b, int op) {
  if (!Py_IS_TYPE(b, Py_TYPE(a)) || (op != Py_EQ && op != Py_NE))
    Py_RETURN_NOTIMPLEMENTED;
  pyext_value *x = (pyext_value *)a, *y = (pyext_value *)b;
  bool eq = x->type == y->type && x->lo == y->lo && x->hi == y->hi;
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static void value_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

static PyMethodDef value_methods[] = {
    {"i32", value_i32, METH_O | METH_CLASS, "A 32-bit integer value."},
    {"i64", value_i64, METH_O | METH_CLASS, "A 64-bit integer value."},
    {"f32", value_f32, METH_O | METH_CLASS, "A 32-bit float value."},
    {"f64", value_f64, METH_O | METH_CLASS, "A 64-bit float value."},
    {"v128", value_v128, METH_O | METH_CLASS, "A 128-bit vector value."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef value_getset[] = {
    {"value", value_get_value, NULL, "The value as a Python object.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot value_slots[] = {
    {Py_tp_methods, value_methods},
    {Py_tp_getset, value_getset},
    {Py_tp_repr, value_repr},
    {Py_tp_richcompare, value_richcompare},
    {Py_tp_dealloc, value_dealloc},
    {Py_tp_doc, "A typed WebAssembly value (Value.i32(7), ...)."},
    {0, NULL},
};

static PyType_Spec value_spec = {
    .name = "wasmer.Value",
    .basicsize = sizeof(pyext_value),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = value_slots,
};

int pyext_value_init(PyObject *m, pyext_state *st) {
  st->value_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &value_spec, NULL);
  if (!st->value_type)
    return -1;
  return PyModule_AddType(m, st->value_type);
}
