/* module.c — the `wasmer._wasmer` module: multi-phase init, module state,
 * the IntEnums (made here by calling enum.IntEnum so C code can hand out
 * enum members), `Features` and the version strings.
 */
#include "pyext_internal.h"

#ifndef WASMER_VERSION
#define WASMER_VERSION "0.0.0"
#endif

pyext_state *pyext_state_of_type(PyTypeObject *type) {
  PyObject *m = PyType_GetModuleByDef(type, &pyext_module_def);
  return m ? (pyext_state *)PyModule_GetState(m) : NULL;
}

/* ------------------------------------------------------------ Features */

static PyObject *features_host_functions(PyObject *cls, PyObject *unused) {
  Py_RETURN_TRUE;
}

static PyObject *features_wasi(PyObject *cls, PyObject *unused) {
  Py_RETURN_TRUE;
}

static PyMethodDef features_methods[] = {
    {"host_functions", features_host_functions, METH_NOARGS | METH_STATIC,
     "True: host functions are supported."},
    {"wasi", features_wasi, METH_NOARGS | METH_STATIC,
     "Whether WASI is available."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot features_slots[] = {
    {Py_tp_methods, features_methods},
    {Py_tp_doc, "Optional features of this build."},
    {0, NULL},
};

static PyType_Spec features_spec = {
    .name = "wasmer.Features",
    .basicsize = sizeof(PyObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = features_slots,
};

/* --------------------------------------------------------------- enums */

/* enum.IntEnum(name, members) with __module__ = "wasmer". */
static PyObject *make_int_enum(const char *name, const char *const *names,
                               const int *values, int n) {
  PyObject *members = PyList_New(n);
  if (!members)
    return NULL;
  for (int i = 0; i < n; i++) {
    PyObject *pair = Py_BuildValue("(si)", names[i], values[i]);
    if (!pair) {
      Py_DECREF(members);
      return NULL;
    }
    PyList_SET_ITEM(members, i, pair);
  }
  PyObject *result = NULL;
  PyObject *enum_mod = PyImport_ImportModule("enum");
  if (enum_mod) {
    PyObject *int_enum = PyObject_GetAttrString(enum_mod, "IntEnum");
    if (int_enum) {
      PyObject *args = Py_BuildValue("(sO)", name, members);
      PyObject *kw = Py_BuildValue("{ss}", "module", "wasmer");
      if (args && kw)
        result = PyObject_Call(int_enum, args, kw);
      Py_XDECREF(args);
      Py_XDECREF(kw);
      Py_DECREF(int_enum);
    }
    Py_DECREF(enum_mod);
  }
  Py_DECREF(members);
  return result;
}

/* Values follow the historical python-ext-wasm numbering (1-based). */
static int init_enums(PyObject *m, pyext_state *st) {
  static const char *const type_names[] = {"I32",  "I64",       "F32",    "F64",
                                           "V128", "EXTERNREF", "FUNCREF"};
  static const int type_values[] = {1, 2, 3, 4, 5, 6, 7};
  static const char *const kind_names[] = {"FUNCTION", "MEMORY", "GLOBAL",
                                           "TABLE"};
  static const int kind_values[] = {1, 2, 3, 4};
  st->type_enum = make_int_enum("Type", type_names, type_values, 7);
  st->export_kind = make_int_enum("ExportKind", kind_names, kind_values, 4);
  st->import_kind = make_int_enum("ImportKind", kind_names, kind_values, 4);
  static const char *const wasi_names[] = {"Snapshot0", "Snapshot1", "Latest"};
  static const int wasi_values[] = {1, 2, 3};
  st->wasi_version_enum =
      make_int_enum("WasiVersion", wasi_names, wasi_values, 3);
  if (!st->type_enum || !st->export_kind || !st->import_kind ||
      !st->wasi_version_enum)
    return -1;
  if (PyModule_AddObjectRef(m, "WasiVersion", st->wasi_version_enum) < 0)
    return -1;
  if (PyModule_AddObjectRef(m, "Type", st->type_enum) < 0 ||
      PyModule_AddObjectRef(m, "ExportKind", st->export_kind) < 0 ||
      PyModule_AddObjectRef(m, "ImportKind", st->import_kind) < 0)
    return -1;
  return 0;
}

/* -------------------------------------------------------------- module */

static int module_exec(PyObject *m) {
  pyext_state *st = PyModule_GetState(m);
  pyext_sigint_init();
  st->features_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &features_spec, NULL);
  if (!st->features_type || PyModule_AddType(m, st->features_type) < 0)
    return -1;
  if (init_enums(m, st) < 0 || pyext_errors_init(m, st) < 0 ||
      pyext_value_init(m, st) < 0 || pyext_memory_init(m, st) < 0 ||
      pyext_globals_init(m, st) < 0 || pyext_exports_init(m, st) < 0 ||
      pyext_instance_init(m, st) < 0 || pyext_module_obj_init(m, st) < 0 ||
      pyext_import_object_init(m, st) < 0 || pyext_wasi_init(m, st) < 0 ||
      pyext_wat_init(m, st) < 0 || pyext_table_init(m, st) < 0)
    return -1;
  if (PyModule_AddStringConstant(m, "__version__", WASMER_VERSION) < 0 ||
      PyModule_AddStringConstant(m, "__core_version__", WASMER_VERSION) < 0)
    return -1;
  return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg) {
  pyext_state *st = PyModule_GetState(m);
  Py_VISIT(st->value_type);
  Py_VISIT(st->module_type);
  Py_VISIT(st->instance_type);
  Py_VISIT(st->exports_type);
  Py_VISIT(st->function_type);
  Py_VISIT(st->memory_type);
  for (int i = 0; i < PYEXT_VIEW_COUNT; i++)
    Py_VISIT(st->view_types[i]);
  Py_VISIT(st->globals_type);
  Py_VISIT(st->global_type);
  Py_VISIT(st->import_object_type);
  Py_VISIT(st->features_type);
  Py_VISIT(st->trap_error);
  Py_VISIT(st->type_enum);
  Py_VISIT(st->export_kind);
  Py_VISIT(st->import_kind);
  Py_VISIT(st->wasi_type);
  Py_VISIT(st->wasi_fn_type);
  Py_VISIT(st->table_type);
  Py_VISIT(st->wasi_exit);
  Py_VISIT(st->wasi_version_enum);
  return 0;
}

static int module_clear(PyObject *m) {
  pyext_state *st = PyModule_GetState(m);
  Py_CLEAR(st->value_type);
  Py_CLEAR(st->module_type);
  Py_CLEAR(st->instance_type);
  Py_CLEAR(st->exports_type);
  Py_CLEAR(st->function_type);
  Py_CLEAR(st->memory_type);
  for (int i = 0; i < PYEXT_VIEW_COUNT; i++)
    Py_CLEAR(st->view_types[i]);
  Py_CLEAR(st->globals_type);
  Py_CLEAR(st->global_type);
  Py_CLEAR(st->import_object_type);
  Py_CLEAR(st->features_type);
  Py_CLEAR(st->trap_error);
  Py_CLEAR(st->type_enum);
  Py_CLEAR(st->export_kind);
  Py_CLEAR(st->import_kind);
  Py_CLEAR(st->wasi_type);
  Py_CLEAR(st->wasi_fn_type);
  Py_CLEAR(st->table_type);
  Py_CLEAR(st->wasi_exit);
  Py_CLEAR(st->wasi_version_enum);
  return 0;
}

static void module_free(void *m) {
  module_clear((PyObject *)m);
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, (void *)module_exec},
    {0, NULL},
};

PyModuleDef pyext_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "wasmer._wasmer",
    .m_doc = "WebAssembly runtime (ahead-of-time compiled with wasmc).",
    .m_size = sizeof(pyext_state),
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__wasmer(void);
PyMODINIT_FUNC PyInit__wasmer(void) {
  return PyModuleDef_Init(&pyext_module_def);
}
