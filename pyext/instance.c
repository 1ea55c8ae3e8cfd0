/* instance.c — `wasmer.Instance`: an instantiated module with its exports,
 * exported memory and globals. It keeps its Module (the artifact code)
 * alive for as long as the runtime instance lives.
 */
#include "pyext_internal.h"

#include <structmember.h>

#include <string.h>

/* Runs when the runtime instance's group is freed, maybe without the GIL
 * (a failed instantiation, which runs without it). */
static void module_keep_drop(void *module) {
  PyGILState_STATE g = PyGILState_Ensure();
  Py_DECREF((PyObject *)module);
  PyGILState_Release(g);
}

/* Runs wasmrt_instance_new without the GIL (a start function may run for
 * long, and Python host functions take the GIL back themselves). */
static wasmrt_instance *instantiate(pyext_state *st, pyext_module *mod,
                                    PyObject *import_object) {
  const wasm_module *desc = wasmrt_artifact_module(mod->artifact);
  const wasmrt_artifact_info *code = wasmrt_artifact_code(mod->artifact);
  wasmrt_extern *imports = NULL;
  if (pyext_imports_resolve(st, desc, import_object, &imports) < 0)
    return NULL;
  wasmrt_trap trap;
  wasm_error err;
  memset(&trap, 0, sizeof trap);
  memset(&err, 0, sizeof err);
  /* The runtime instance may outlive us (its group may be reachable from
   * elsewhere): it keeps the code alive itself. */
  wasmrt_options opts;
  memset(&opts, 0, sizeof opts);
  opts.keep = Py_NewRef((PyObject *)mod);
  opts.keep_drop = module_keep_drop;
  wasmrt_instance *inst;
  Py_BEGIN_ALLOW_THREADS;
  inst = wasmrt_instance_new(desc, code, imports, desc->num_imports, &opts,
                             &trap, &err);
  Py_END_ALLOW_THREADS;
  pyext_imports_free(imports, desc->num_imports);
  if (inst)
    return inst;
  if (trap.code != WASMRT_TRAP_NONE)
    pyext_raise_trap(st, &trap);
  else
    pyext_raise_wasm_error(&err);
  return NULL;
}

PyObject *pyext_instance_new(pyext_state *st, PyObject *module,
                             PyObject *import_object) {
  if (!Py_IS_TYPE(module, st->module_type)) {
    PyErr_SetString(PyExc_TypeError, "expected a wasmer.Module");
    return NULL;
  }
  wasmrt_instance *inst =
      instantiate(st, (pyext_module *)module, import_object);
  if (!inst)
    return NULL;
  PyTypeObject *tp = st->instance_type;
  pyext_instance *self = (pyext_instance *)tp->tp_alloc(tp, 0);
  if (!self) {
    wasmrt_instance_release(inst);
    return NULL;
  }
  self->module = Py_NewRef(module);
  self->inst = inst;
  return (PyObject *)self;
}

static PyObject *instance_tp_new(PyTypeObject *type, PyObject *args,
                                 PyObject *kwargs) {
  static char *kwlist[] = {"bytes", "import_object", NULL};
  PyObject *source, *imports = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:Instance", kwlist,
                                   &source, &imports))
    return NULL;
  pyext_state *st = pyext_state_of_type(type);
  if (!st)
    return NULL;
  if (Py_IS_TYPE(source, st->module_type))
    return pyext_instance_new(st, source, imports);
  PyObject *module = PyObject_CallOneArg((PyObject *)st->module_type, source);
  if (!module)
    return NULL;
  PyObject *self = pyext_instance_new(st, module, imports);
  Py_DECREF(module);
  return self;
}

/* The live Exports object if there is one (see pyext_instance), else a
 * new one that registers itself there. */
static PyObject *instance_get_exports(PyObject *obj, void *closure) {
  pyext_instance *self = (pyext_instance *)obj;
  if (self->exports)
    return Py_NewRef(self->exports);
  pyext_state *st = pyext_state_of(obj);
  return st ? (self->exports = pyext_exports_new(st, obj)) : NULL;
}

static PyObject *instance_get_globals(PyObject *obj, void *closure) {
  pyext_instance *self = (pyext_instance *)obj;
  if (self->globals)
    return Py_NewRef(self->globals);
  pyext_state *st = pyext_state_of(obj);
  return st ? (self->globals = pyext_globals_new(st, obj)) : NULL;
}

/* The first exported memory in module order, or None. */
static PyObject *instance_get_memory(PyObject *obj, void *closure) {
  pyext_instance *self = (pyext_instance *)obj;
  const wasm_module *m = wasmrt_instance_module(self->inst);
  for (uint32_t i = 0; i < m->num_exports; i++) {
    if (m->exports[i].kind != WASM_EXTERN_MEMORY)
      continue;
    wasmrt_extern ext = wasmrt_instance_export_at(self->inst, i);
    pyext_state *st = pyext_state_of(obj);
    return st ? pyext_memory_wrap(st, ext.of.memory) : NULL;
  }
  Py_RETURN_NONE;
}

static int instance_traverse(PyObject *obj, visitproc visit, void *arg) {
  pyext_instance *self = (pyext_instance *)obj;
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(self->module);
  return 0;
}

/* Nothing owned to clear: the module must outlive the runtime instance
 * (dealloc releases both, in order), exports/globals are borrowed. */
static int instance_clear(PyObject *obj) {
  (void)obj;
  return 0;
}

static void instance_dealloc(PyObject *obj) {
  pyext_instance *self = (pyext_instance *)obj;
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  if (self->weakrefs)
    PyObject_ClearWeakRefs(obj);
  instance_clear(obj);
  /* The runtime instance goes before the module that holds its code. */
  wasmrt_instance_release(self->inst);
  Py_CLEAR(self->module);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyGetSetDef instance_getset[] = {
    {"exports", instance_get_exports, NULL, "The exported functions.", NULL},
    {"memory", instance_get_memory, NULL, "The exported memory, or None.",
     NULL},
    {"globals", instance_get_globals, NULL, "The exported globals.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* Weak references let a host function reach the instance it is imported
 * into without a cycle (see import_object.c). */
static PyMemberDef instance_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(pyext_instance, weakrefs),
     READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot instance_slots[] = {
    {Py_tp_members, instance_members},
    {Py_tp_new, instance_tp_new},
    {Py_tp_dealloc, instance_dealloc},
    {Py_tp_traverse, instance_traverse},
    {Py_tp_clear, instance_clear},
    {Py_tp_getset, instance_getset},
    {Py_tp_doc, "Instance(bytes_or_module, import_object=None)"},
    {0, NULL},
};

static PyType_Spec instance_spec = {
    .name = "wasmer.Instance",
    .basicsize = sizeof(pyext_instance),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = instance_slots,
};

int pyext_instance_init(PyObject *m, pyext_state *st) {
  st->instance_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &instance_spec, NULL);
  if (!st->instance_type)
    return -1;
  return PyModule_AddType(m, st->instance_type);
}
