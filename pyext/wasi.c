/* wasi.c — `wasmer.Wasi` (the WASI state builder of the seed README),
 * `wasmer.WasiVersion`, `wasmer.WasiExit` and the WASI host functions an
 * ImportObject carries (`wasmer.WasiFunction`).
 *
 * generate_import_object_for_module() makes one runtime wasi_ctx (args,
 * environment, a virtual "/" listing the preopens, then the preopens) and
 * one host function per WASI function of the version, all sharing the
 * ctx through a small refcounted holder: the ctx lives as long as any of
 * those host functions (held by ImportObjects or instances).
 *
 * proc_exit: the WASI callback returns WASMRT_TRAP_EXIT; our wrapper
 * records the exit code in the trap record, so the call that entered wasm
 * returns normally for 0 and raises WasiExit(code) otherwise (exports.c).
 */
#include "pyext_internal.h"

#include "wasi.h"

#include <stdatomic.h>
#include <string.h>

/* ------------------------------------------------- host function glue */

typedef struct wasi_shared {
  atomic_int refs;
  wasi_ctx *ctx;
} wasi_shared;

typedef struct wasi_fn_env {
  wasi_shared *shared;
  wasmrt_host_callback callback;
} wasi_fn_env;

static void shared_release(wasi_shared *s) {
  if (atomic_fetch_sub(&s->refs, 1) == 1) {
    wasi_ctx_free(s->ctx);
    PyMem_RawFree(s);
  }
}

static void fn_env_free(void *p) {
  wasi_fn_env *env = p;
  shared_release(env->shared);
  PyMem_RawFree(env);
}

/* Calls the WASI function with the ctx as its env (what wasi.h expects),
 * and turns proc_exit into a trap record carrying the code. */
static int wasi_trampoline(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                           uint64_t *slots) {
  wasi_fn_env *env = fn->env;
  wasmrt_hostfn inner = *fn;
  inner.env = env->shared->ctx;
  int rc = env->callback(&inner, caller, slots);
  if (rc == WASMRT_TRAP_EXIT) {
    wasmrt_trap trap;
    memset(&trap, 0, sizeof trap);
    trap.code = WASMRT_TRAP_EXIT;
    int32_t code = 0;
    wasi_ctx_exit_code(env->shared->ctx, &code);
    trap.exit_code = code;
    snprintf(trap.message, sizeof trap.message, "exit with code %d", (int)code);
    wasmrt_host_trap_set(&trap);
  }
  return rc;
}

typedef struct pyext_wasi_fn {
  PyObject_HEAD wasmrt_hostfn *fn; /* retained */
  PyObject *name;
} pyext_wasi_fn;

static void wasi_fn_dealloc(PyObject *obj) {
  pyext_wasi_fn *self = (pyext_wasi_fn *)obj;
  PyTypeObject *tp = Py_TYPE(obj);
  if (self->fn)
    wasmrt_hostfn_release(self->fn);
  Py_XDECREF(self->name);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyObject *wasi_fn_repr(PyObject *obj) {
  return PyUnicode_FromFormat("<wasmer.WasiFunction %U>",
                              ((pyext_wasi_fn *)obj)->name);
}

static PyType_Slot wasi_fn_slots[] = {
    {Py_tp_dealloc, wasi_fn_dealloc},
    {Py_tp_repr, wasi_fn_repr},
    {Py_tp_doc, "A WASI host function, for ImportObject values."},
    {0, NULL},
};

static PyType_Spec wasi_fn_spec = {
    .name = "wasmer.WasiFunction",
    .basicsize = sizeof(pyext_wasi_fn),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = wasi_fn_slots,
};

wasmrt_hostfn *pyext_wasi_hostfn_of(pyext_state *st, PyObject *obj) {
  if (!Py_IS_TYPE(obj, st->wasi_fn_type))
    return NULL;
  return ((pyext_wasi_fn *)obj)->fn;
}

static PyObject *wasi_fn_new(pyext_state *st, wasi_shared *shared,
                             const wasi_func_desc *d) {
  wasi_fn_env *env = PyMem_RawMalloc(sizeof *env);
  if (!env)
    return PyErr_NoMemory();
  env->shared = shared;
  env->callback = d->callback;
  atomic_fetch_add(&shared->refs, 1);
  wasm_functype ft = {.nparams = d->nparams,
                      .nresults = d->nresults,
                      .params = (wasm_valtype *)d->params,
                      .results = (wasm_valtype *)d->results};
  wasm_error err = {0};
  wasmrt_hostfn *fn =
      wasmrt_hostfn_new(&ft, wasi_trampoline, env, fn_env_free, &err);
  if (!fn) {
    fn_env_free(env);
    return pyext_raise_wasm_error(&err);
  }
  pyext_wasi_fn *self = PyObject_New(pyext_wasi_fn, st->wasi_fn_type);
  if (!self) {
    wasmrt_hostfn_release(fn);
    return NULL;
  }
  self->fn = fn;
  self->name = PyUnicode_FromString(d->name);
  if (!self->name)
    Py_CLEAR(self);
  return (PyObject *)self;
}

/* ---------------------------------------------------------------- Wasi */

typedef struct pyext_wasi {
  PyObject_HEAD PyObject *program_name; /* str */
  PyObject *arguments;                  /* list of str */
  PyObject *environments;               /* dict str -> str */
  PyObject *preopens;                   /* list of str */
  PyObject *maps;                       /* dict guest -> host */
} pyext_wasi;

static int extend_list(PyObject *list, PyObject *items) {
  if (!items || items == Py_None)
    return 0;
  PyObject *r = _PyList_Extend((PyListObject *)list, items);
  if (!r)
    return -1;
  Py_DECREF(r);
  return 0;
}

static int update_dict(PyObject *dict, PyObject *items) {
  if (!items || items == Py_None)
    return 0;
  return PyDict_Update(dict, items);
}

static PyObject *wasi_new(PyTypeObject *type, PyObject *args,
                          PyObject *kwargs) {
  static char *kwlist[] = {"program_name",    "arguments",
                           "environments",    "preopen_directories",
                           "map_directories", NULL};
  PyObject *name, *argv = NULL, *env = NULL, *pre = NULL, *maps = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U|OOOO:Wasi", kwlist, &name,
                                   &argv, &env, &pre, &maps))
    return NULL;
  pyext_wasi *self = (pyext_wasi *)type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  self->program_name = Py_NewRef(name);
  self->arguments = PyList_New(0);
  self->environments = PyDict_New();
  self->preopens = PyList_New(0);
  self->maps = PyDict_New();
  if (!self->arguments || !self->environments || !self->preopens ||
      !self->maps || extend_list(self->arguments, argv) < 0 ||
      update_dict(self->environments, env) < 0 ||
      extend_list(self->preopens, pre) < 0 || update_dict(self->maps, maps) < 0)
    Py_CLEAR(self);
  return (PyObject *)self;
}

static PyObject *wasi_argument(PyObject *self, PyObject *arg) {
  if (PyList_Append(((pyext_wasi *)self)->arguments, arg) < 0)
    return NULL;
  return Py_NewRef(self);
}

static PyObject *wasi_arguments(PyObject *self, PyObject *arg) {
  if (extend_list(((pyext_wasi *)self)->arguments, arg) < 0)
    return NULL;
  return Py_NewRef(self);
}

static PyObject *wasi_environment(PyObject *self, PyObject *args) {
  PyObject *k, *v;
  if (!PyArg_ParseTuple(args, "UU:environment", &k, &v) ||
      PyDict_SetItem(((pyext_wasi *)self)->environments, k, v) < 0)
    return NULL;
  return Py_NewRef(self);
}

static PyObject *wasi_environments(PyObject *self, PyObject *arg) {
  if (update_dict(((pyext_wasi *)self)->environments, arg) < 0)
    return NULL;
  return Py_NewRef(self);
}

static PyObject *wasi_preopen_directory(PyObject *self, PyObject *arg) {
  if (PyList_Append(((pyext_wasi *)self)->preopens, arg) < 0)
    return NULL;
  return Py_NewRef(self);
}

static PyObject *wasi_map_directory(PyObject *self, PyObject *args) {
  PyObject *alias, *dir;
  if (!PyArg_ParseTuple(args, "UU:map_directory", &alias, &dir) ||
      PyDict_SetItem(((pyext_wasi *)self)->maps, alias, dir) < 0)
    return NULL;
  return Py_NewRef(self);
}

/* Checks that obj is a str and returns its UTF-8 (borrowed). */
static const char *utf8(PyObject *obj, const char *what) {
  if (!PyUnicode_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s must be str, not %s", what,
                 Py_TYPE(obj)->tp_name);
    return NULL;
  }
  return PyUnicode_AsUTF8(obj);
}

static int ctx_set_args(pyext_wasi *self, wasi_ctx *ctx) {
  Py_ssize_t n = PyList_GET_SIZE(self->arguments);
  const char **argv = PyMem_Calloc((size_t)n + 1, sizeof *argv);
  if (!argv) {
    PyErr_NoMemory();
    return -1;
  }
  int rc = -1;
  argv[0] = utf8(self->program_name, "program_name");
  for (Py_ssize_t i = 0; argv[0] && i < n; i++)
    if (!(argv[i + 1] = utf8(PyList_GET_ITEM(self->arguments, i), "argument")))
      goto done;
  wasm_error err = {0};
  if (argv[0] && !wasi_ctx_set_args(ctx, (size_t)n + 1, argv, &err))
    pyext_raise_wasm_error(&err);
  else if (argv[0])
    rc = 0;
done:
  PyMem_Free(argv);
  return rc;
}

static int ctx_set_env(pyext_wasi *self, wasi_ctx *ctx) {
  PyObject *k, *v;
  Py_ssize_t pos = 0;
  while (PyDict_Next(self->environments, &pos, &k, &v)) {
    const char *ks = utf8(k, "environment key");
    const char *vs = ks ? utf8(v, "environment value") : NULL;
    wasm_error err = {0};
    if (!vs)
      return -1;
    if (!wasi_ctx_add_env(ctx, ks, vs, &err)) {
      pyext_raise_wasm_error(&err);
      return -1;
    }
  }
  return 0;
}

static int preopen(wasi_ctx *ctx, PyObject *host, PyObject *guest) {
  PyObject *h = PyOS_FSPath(host);
  const char *hs = h ? utf8(h, "directory") : NULL;
  const char *gs = hs ? utf8(guest, "directory alias") : NULL;
  int rc = -1;
  wasm_error err = {0};
  if (gs && !wasi_ctx_preopen_dir(ctx, hs, gs, &err))
    pyext_raise_wasm_error(&err);
  else if (gs)
    rc = 0;
  Py_XDECREF(h);
  return rc;
}

/* Args, environment, "/" (fd 3, listing the preopens as the seed's example
 * shows), then the preopened and mapped directories. */
static int ctx_fill(pyext_wasi *self, wasi_ctx *ctx) {
  wasm_error err = {0};
  if (ctx_set_args(self, ctx) < 0 || ctx_set_env(self, ctx) < 0)
    return -1;
  if (!wasi_ctx_add_virtual_root(ctx, &err)) {
    pyext_raise_wasm_error(&err);
    return -1;
  }
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(self->preopens); i++) {
    PyObject *dir = PyList_GET_ITEM(self->preopens, i);
    if (preopen(ctx, dir, dir) < 0)
      return -1;
  }
  PyObject *alias, *dir;
  Py_ssize_t pos = 0;
  while (PyDict_Next(self->maps, &pos, &alias, &dir))
    if (preopen(ctx, dir, alias) < 0)
      return -1;
  return 0;
}

/* {fname: WasiFunction} for every function of version v. */
static PyObject *wasi_namespace(pyext_state *st, wasi_shared *shared,
                                wasi_version v) {
  size_t n = 0;
  const wasi_func_desc *descs = wasi_functions(v, &n);
  PyObject *ns = PyDict_New();
  for (size_t i = 0; ns && i < n; i++) {
    PyObject *fn = wasi_fn_new(st, shared, &descs[i]);
    if (!fn || PyDict_SetItemString(ns, descs[i].name, fn) < 0)
      Py_CLEAR(ns);
    Py_XDECREF(fn);
  }
  return ns;
}

static PyObject *wasi_generate(PyObject *obj, PyObject *args,
                               PyObject *kwargs) {
  static char *kwlist[] = {"module", "version", NULL};
  PyObject *module;
  int version = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs,
                                   "O|i:generate_import_object_for_module",
                                   kwlist, &module, &version))
    return NULL;
  pyext_state *st = pyext_state_of(obj);
  if (!st)
    return NULL;
  if (!Py_IS_TYPE(module, st->module_type)) {
    PyErr_SetString(PyExc_TypeError, "expected a wasmer.Module");
    return NULL;
  }
  if (version == 0) {
    const wasm_module *m =
        wasmrt_artifact_module(((pyext_module *)module)->artifact);
    version = (int)wasi_detect_version(m, false);
  }
  if (version < WASI_SNAPSHOT0 || version > WASI_LATEST)
    version = WASI_LATEST;
  wasi_shared *shared = PyMem_RawMalloc(sizeof *shared);
  if (!shared)
    return PyErr_NoMemory();
  atomic_init(&shared->refs, 1);
  shared->ctx = wasi_ctx_new();
  if (!shared->ctx) {
    PyMem_RawFree(shared);
    return PyErr_NoMemory();
  }
  PyObject *result = NULL, *ns = NULL;
  if (ctx_fill((pyext_wasi *)obj, shared->ctx) == 0 &&
      (ns = wasi_namespace(st, shared, (wasi_version)version)) &&
      (result = PyObject_CallNoArgs((PyObject *)st->import_object_type))) {
    PyObject *namespaces = ((pyext_import_object *)result)->namespaces;
    if (PyDict_SetItemString(namespaces,
                             wasi_version_module_name((wasi_version)version),
                             ns) < 0)
      Py_CLEAR(result);
  }
  Py_XDECREF(ns);
  shared_release(shared); /* the host functions hold their own refs */
  return result;
}

static int wasi_traverse(PyObject *obj, visitproc visit, void *arg) {
  pyext_wasi *self = (pyext_wasi *)obj;
  Py_VISIT(Py_TYPE(obj));
  Py_VISIT(self->program_name);
  Py_VISIT(self->arguments);
  Py_VISIT(self->environments);
  Py_VISIT(self->preopens);
  Py_VISIT(self->maps);
  return 0;
}

static int wasi_clear(PyObject *obj) {
  pyext_wasi *self = (pyext_wasi *)obj;
  Py_CLEAR(self->program_name);
  Py_CLEAR(self->arguments);
  Py_CLEAR(self->environments);
  Py_CLEAR(self->preopens);
  Py_CLEAR(self->maps);
  return 0;
}

static void wasi_dealloc(PyObject *obj) {
  PyTypeObject *tp = Py_TYPE(obj);
  PyObject_GC_UnTrack(obj);
  wasi_clear(obj);
  tp->tp_free(obj);
  Py_DECREF(tp);
}

static PyMethodDef wasi_methods[] = {
    {"argument", wasi_argument, METH_O, "Appends one argument."},
    {"arguments", wasi_arguments, METH_O, "Appends arguments."},
    {"environment", wasi_environment, METH_VARARGS,
     "environment(key, value): sets one variable."},
    {"environments", wasi_environments, METH_O, "Sets variables (a dict)."},
    {"preopen_directory", wasi_preopen_directory, METH_O,
     "Makes a host directory visible under the same name."},
    {"map_directory", wasi_map_directory, METH_VARARGS,
     "map_directory(alias, host_directory)"},
    {"generate_import_object_for_module",
     (PyCFunction)(void (*)(void))wasi_generate, METH_VARARGS | METH_KEYWORDS,
     "generate_import_object_for_module(module, version=None) -> "
     "ImportObject"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot wasi_slots[] = {
    {Py_tp_new, wasi_new},
    {Py_tp_methods, wasi_methods},
    {Py_tp_traverse, wasi_traverse},
    {Py_tp_clear, wasi_clear},
    {Py_tp_dealloc, wasi_dealloc},
    {Py_tp_doc, "Wasi(program_name, arguments=None, environments=None, "
                "preopen_directories=None, map_directories=None)"},
    {0, NULL},
};

static PyType_Spec wasi_spec = {
    .name = "wasmer.Wasi",
    .basicsize = sizeof(pyext_wasi),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = wasi_slots,
};

int pyext_wasi_init(PyObject *m, pyext_state *st) {
  st->wasi_type = (PyTypeObject *)PyType_FromModuleAndSpec(m, &wasi_spec, NULL);
  st->wasi_fn_type =
      (PyTypeObject *)PyType_FromModuleAndSpec(m, &wasi_fn_spec, NULL);
  if (!st->wasi_type || !st->wasi_fn_type ||
      PyModule_AddType(m, st->wasi_type) < 0 ||
      PyModule_AddType(m, st->wasi_fn_type) < 0)
    return -1;
  st->wasi_exit = PyErr_NewExceptionWithDoc(
      "wasmer.WasiExit",
      "A WASI program called proc_exit with a non-zero code (`code`).",
      PyExc_RuntimeError, NULL);
  if (!st->wasi_exit || PyModule_AddObjectRef(m, "WasiExit", st->wasi_exit) < 0)
    return -1;
  return 0;
}
