/* module_obj.c — `wasmer.Module`: a compiled module, i.e. a loaded native
 * artifact. Module(bytes) compiles through libwasmc; deserialize() only
 * loads (no LLVM); the module description comes from the artifact.
 */
#include "pyext_internal.h"

#include "wasi.h"

#include <string.h>

static const wasm_module *module_desc(pyext_module *self) {
  return wasmrt_artifact_module(self->artifact);
}

/* Opens `so` (bytes) as an artifact and wraps it. Steals nothing. */
static PyObject *module_from_artifact(PyTypeObject *type, PyObject *so) {
  wasmrt_artifact *artifact = NULL;
  wasm_error err = {0};
  bool ok;
  const uint8_t *bytes = (const uint8_t *)PyBytes_AS_STRING(so);
  size_t len = (size_t)PyBytes_GET_SIZE(so);
  Py_BEGIN_ALLOW_THREADS;
  ok = wasmrt_artifact_open_bytes(bytes, len, &artifact, &err);
  Py_END_ALLOW_THREADS;
  if (!ok)
    return pyext_raise_wasm_error(&err);
  pyext_module *self = (pyext_module *)type->tp_alloc(type, 0);
  if (!self) {
    wasmrt_artifact_close(artifact);
    return NULL;
  }
  self->artifact = artifact;
  self->serialized = Py_NewRef(so);
  return (PyObject *)self;
}

/* Opens `so` as an artifact (NULL, no exception, if the loader refuses
 * it: a stale or damaged cache entry is recompiled, not trusted). */
static PyObject *try_open_cached(PyTypeObject *type, PyObject *so) {
  PyObject *self = module_from_artifact(type, so);
  if (!self)
    PyErr_Clear();
  return self;
}

/* Module(bytes): a cache hit is only loaded (no libwasmc, no LLVM); a miss
 * compiles and stores the artifact for the next process. */
static PyObject *module_from_wasm(PyTypeObject *type, const uint8_t *wasm,
                                  size_t len) {
  PyObject *path = pyext_cache_path(wasm, len);
  if (!path)
    return NULL;
  if (path != Py_None) {
    PyObject *cached = pyext_cache_load(path);
    PyObject *self = cached ? try_open_cached(type, cached) : NULL;
    Py_XDECREF(cached);
    if (self) {
      Py_DECREF(path);
      return self;
    }
  }
  PyObject *so = pyext_compile(wasm, len);
  PyObject *self = so ? module_from_artifact(type, so) : NULL;
  if (self && path != Py_None)
    pyext_cache_store(path, so);
  Py_XDECREF(so);
  Py_DECREF(path);
  return self;
}

static PyObject *module_new(PyTypeObject *type, PyObject *args,
                            PyObject *kwargs) {
  static char *kwlist[] = {"bytes", NULL};
  PyObject *source;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:Module", kwlist, &source))
    return NULL;
  /* WebAssembly text is accepted too, as a str. */
  PyObject *wasm_bytes =
      PyUnicode_Check(source) ? pyext_wat2wasm_str(source) : Py_NewRef(source);
  if (!wasm_bytes)
    return NULL;
  Py_buffer wasm;
  if (PyObject_GetBuffer(wasm_bytes, &wasm, PyBUF_SIMPLE) < 0) {
    Py_DECREF(wasm_bytes);
    return NULL;
  }
  PyObject *self = module_from_wasm(type, wasm.buf, (size_t)wasm.len);
  PyBuffer_Release(&wasm);
  Py_DECREF(wasm_bytes);
  return self;
}

static PyObject *module_deserialize(PyObject *cls, PyObject *arg) {
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  PyObject *so = PyBytes_FromStringAndSize(buf.buf, buf.len);
  PyBuffer_Release(&buf);
  if (!so)
    return NULL;
  PyObject *self = module_from_artifact((PyTypeObject *)cls, so);
  Py_DECREF(so);
  return self;
}

static PyObject *module_validate(PyObject *cls, PyObject *arg) {
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  wasm_module *m = NULL;
  wasm_error err = {0};
  bool ok;
  Py_BEGIN_ALLOW_THREADS;
  ok = wasm_module_load(buf.buf, (size_t)buf.len, &m, &err);
  Py_END_ALLOW_THREADS;
  PyBuffer_Release(&buf);
  wasm_module_free(m);
  return PyBool_FromLong(ok);
}

static PyObject *module_serialize(PyObject *self, PyObject *unused) {
  return Py_NewRef(((pyext_module *)self)->serialized);
}

static PyObject *module_instantiate(PyObject *self, PyObject *args,
                                    PyObject *kwargs) {
  static char *kwlist[] = {"import_object", NULL};
  PyObject *imports = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:instantiate", kwlist,
                                   &imports))
    return NULL;
  pyext_state *st = pyext_state_of(self);
  return st ? pyext_instance_new(st, self, imports) : NULL;
}

static PyObject *module_generate_import_object(PyObject *self,
                                               PyObject *unused) {
  pyext_state *st = pyext_state_of(self);
  if (!st)
    return NULL;
  return PyObject_CallNoArgs((PyObject *)st->import_object_type);
}

/* ExportKind/ImportKind member for a wasm extern kind. */
static PyObject *kind_member(PyObject *enum_type, wasm_externkind kind) {
  static const int values[] = {[WASM_EXTERN_FUNC] = 1,
                               [WASM_EXTERN_MEMORY] = 2,
                               [WASM_EXTERN_GLOBAL] = 3,
                               [WASM_EXTERN_TABLE] = 4};
  return PyObject_CallFunction(enum_type, "i", values[kind]);
}

static PyObject *name_str(wasm_name n) {
  return PyUnicode_DecodeUTF8(n.data, n.len, "replace");
}

static PyObject *module_get_exports(PyObject *self, void *closure) {
  pyext_state *st = pyext_state_of(self);
  if (!st)
    return NULL;
  const wasm_module *m = module_desc((pyext_module *)self);
  PyObject *list = PyList_New(m->num_exports);
  for (uint32_t i = 0; list && i < m->num_exports; i++) {
    PyObject *kind = kind_member(st->export_kind, m->exports[i].kind);
    PyObject *name = name_str(m->exports[i].name);
    PyObject *d = kind && name
                      ? Py_BuildValue("{sOsO}", "kind", kind, "name", name)
                      : NULL;
    Py_XDECREF(kind);
    Py_XDECREF(name);
    if (!d)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, i, d);
  }
  return list;
}

static PyObject *optional_max(wasm_limits l) {
  if (l.has_max)
    return PyLong_FromUnsignedLong(l.max);
  Py_RETURN_NONE;
}

/* The per-kind keys the seed documents for Module.imports. */
static int add_import_details(PyObject *d, const wasm_import *imp) {
  PyObject *a = NULL, *b = NULL, *c = NULL;
  int rc = -1;
  switch (imp->kind) {
  case WASM_EXTERN_FUNC:
    return 0;
  case WASM_EXTERN_MEMORY:
    a = PyLong_FromUnsignedLong(imp->u.memory.limits.min);
    b = optional_max(imp->u.memory.limits);
    if (a && b && !PyDict_SetItemString(d, "minimum_pages", a) &&
        !PyDict_SetItemString(d, "maximum_pages", b))
      rc = 0;
    break;
  case WASM_EXTERN_GLOBAL:
    a = PyBool_FromLong(imp->u.global.mut);
    b = PyUnicode_FromString(wasm_valtype_str(imp->u.global.type));
    if (a && b && !PyDict_SetItemString(d, "mutable", a) &&
        !PyDict_SetItemString(d, "type", b))
      rc = 0;
    break;
  case WASM_EXTERN_TABLE:
    a = PyLong_FromUnsignedLong(imp->u.table.limits.min);
    b = optional_max(imp->u.table.limits);
    c = PyUnicode_FromString(imp->u.table.elem == WASM_FUNCREF ? "anyfunc"
                                                               : "externref");
    if (a && b && c && !PyDict_SetItemString(d, "minimum_elements", a) &&
        !PyDict_SetItemString(d, "maximum_elements", b) &&
        !PyDict_SetItemString(d, "element_type", c))
      rc = 0;
    break;
  }
  Py_XDECREF(a);
  Py_XDECREF(b);
  Py_XDECREF(c);
  return rc;
}

static PyObject *import_dict(pyext_state *st, const wasm_import *imp) {
  PyObject *kind = kind_member(st->import_kind, imp->kind);
  PyObject *ns = name_str(imp->module);
  PyObject *name = name_str(imp->name);
  PyObject *d = kind && ns && name
                    ? Py_BuildValue("{sOsOsO}", "kind", kind, "namespace", ns,
                                    "name", name)
                    : NULL;
  Py_XDECREF(kind);
  Py_XDECREF(ns);
  Py_XDECREF(name);
  if (d && add_import_details(d, imp) < 0)
    Py_CLEAR(d);
  return d;
}

static PyObject *module_get_imports(PyObject *self, void *closure) {
  pyext_state *st = pyext_state_of(self);
  if (!st)
    return NULL;
  const wasm_module *m = module_desc((pyext_module *)self);
  PyObject *list = PyList_New(m->num_imports);
  for (uint32_t i = 0; list && i < m->num_imports; i++) {
    PyObject *d = import_dict(st, &m->imports[i]);
    if (!d)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, i, d);
  }
  return list;
}

static PyObject *module_get_custom_section_names(PyObject *self,
                                                 void *closure) {
  const wasm_module *m = module_desc((pyext_module *)self);
  PyObject *list = PyList_New(m->num_customs);
  for (uint32_t i = 0; list && i < m->num_customs; i++) {
    PyObject *name = name_str(m->customs[i].name);
    if (!name)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, i, name);
  }
  return list;
}

static PyObject *module_custom_section(PyObject *self, PyObject *arg) {
  Py_ssize_t len;
  const char *want = PyUnicode_AsUTF8AndSize(arg, &len);
  if (!want)
    return NULL;
  const wasm_module *m = module_desc((pyext_module *)self);
  for (uint32_t i = 0; i < m->num_customs; i++) {
    const wasm_custom *c = &m->customs[i];
    if (c->name.len == (uint32_t)len && !memcmp(c->name.data, want, len))
      return PyBytes_FromStringAndSize((const char *)c->data, c->size);
  }
  Py_RETURN_NONE;
}

static PyObject *module_get_is_wasi(PyObject *self, void *closure) {
  const wasm_module *m = module_desc((pyext_module *)self);
  return PyBool_FromLong(wasi_detect_version(m, false) != WASI_VERSION_NONE);
}

/* wasi_version(strict=False): a WasiVersion member, or None. */
static PyObject *module_wasi_version(PyObject *self, PyObject *args,
                                     PyObject *kwargs) {
  static char *kwlist[] = {"strict", NULL};
  int strict = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p:wasi_version", kwlist,
                                   &strict))
    return NULL;
  pyext_state *st = pyext_state_of(self);
  if (!st)
    return NULL;
  wasi_version v =
      wasi_detect_version(module_desc((pyext_module *)self), strict != 0);
  if (v == WASI_VERSION_NONE)
    Py_RETURN_NONE;
  return PyObject_CallFunction(st->wasi_version_enum, "i", (int)v);
}

static void module_dealloc(PyObject *obj) {
  pyext_module *self = (pyext_module *)obj;
  PyTypeObject *tp = Py_TYPE(obj);
  wasmrt_artifact_close(self->artifact);
  Py_XDECREF(self->serialized);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyMethodDef module_methods[] = {
    {"validate", module_validate, METH_O | METH_STATIC,
     "Whether the bytes are a valid WebAssembly module."},
    {"deserialize", module_deserialize, METH_O | METH_CLASS,
     "Loads a module from serialize()'s bytes (a wasmc artifact)."},
    {"serialize", module_serialize, METH_NOARGS,
     "The compiled artifact (an ELF shared object) as bytes."},
    {"instantiate", (PyCFunction)(void (*)(void))module_instantiate,
     METH_VARARGS | METH_KEYWORDS, "instantiate(import_object=None)"},
    {"generate_import_object", module_generate_import_object, METH_NOARGS,
     "An empty ImportObject for this module."},
    {"wasi_version", (PyCFunction)(void (*)(void))module_wasi_version,
     METH_VARARGS | METH_KEYWORDS,
     "wasi_version(strict=False): the WasiVersion the module imports, or "
     "None."},
    {"custom_section", module_custom_section, METH_O,
     "The contents of the named custom section, or None."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef module_getset[] = {
    {"exports", module_get_exports, NULL, "The module's exports.", NULL},
    {"imports", module_get_imports, NULL, "The module's imports.", NULL},
    {"is_wasi_module", module_get_is_wasi, NULL,
     "Whether the module imports WASI functions.", NULL},
    {"custom_section_names", module_get_custom_section_names, NULL,
     "Names of the custom sections.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot module_slots[] = {
    {Py_tp_new, module_new},
    {Py_tp_dealloc, module_dealloc},
    {Py_tp_methods, module_methods},
    {Py_tp_getset, module_getset},
    {Py_tp_doc, "Module(bytes): a compiled WebAssembly module."},
    {0, NULL},
};

static PyType_Spec module_spec = {
    .name = "wasmer.Module",
    .basicsize = sizeof(pyext_module),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = module_slots,
};

int pyext_module_obj_init(PyObject *m, pyext_state *st) {
  st->module_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &module_spec, NULL);
  if (!st->module_type)
    return -1;
  return PyModule_AddType(m, st->module_type);
}
