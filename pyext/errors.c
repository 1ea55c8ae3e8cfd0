/* errors.c — the one place where wasm_error values and trap records become
 * Python exceptions: RuntimeError for errors, wasmer.Trap(RuntimeError)
 * with `.code` for traps, and a host function's own exception re-raised
 * unchanged (it travels through wasm as the trap record's payload).
 */
#include "pyext_internal.h"

int pyext_errors_init(PyObject *m, pyext_state *st) {
  st->trap_error = PyErr_NewExceptionWithDoc(
      "wasmer.Trap", "A WebAssembly trap; `code` is the runtime's trap code.",
      PyExc_RuntimeError, NULL);
  if (!st->trap_error)
    return -1;
  return PyModule_AddObjectRef(m, "Trap", st->trap_error);
}

PyObject *pyext_raise_wasm_error(const wasm_error *err) {
  if (err->offset != WASM_NO_OFFSET)
    PyErr_Format(PyExc_RuntimeError, "%s: %s (at byte offset %u)",
                 wasm_error_kind_str(err->kind), err->message,
                 (unsigned)err->offset);
  else
    PyErr_Format(PyExc_RuntimeError, "%s: %s", wasm_error_kind_str(err->kind),
                 err->message);
  return NULL;
}

/* The payload is a normalized exception object whose __traceback__ is set;
 * restoring it keeps identity and traceback. Steals the payload. */
static void restore_payload(PyObject *exc) {
  PyObject *type = (PyObject *)Py_TYPE(exc);
  Py_INCREF(type);
  PyObject *tb = PyException_GetTraceback(exc);
  PyErr_Restore(type, exc, tb);
}

/* WasiExit(message) with .code. */
static PyObject *raise_exit(pyext_state *st, int32_t code) {
  PyObject *exc = PyObject_CallFunction(
      st->wasi_exit, "s", "WASI program exited with a non-zero code");
  PyObject *c = exc ? PyLong_FromLong(code) : NULL;
  if (c && PyObject_SetAttrString(exc, "code", c) == 0)
    PyErr_SetObject(st->wasi_exit, exc);
  Py_XDECREF(c);
  Py_XDECREF(exc);
  return NULL;
}

PyObject *pyext_raise_trap(pyext_state *st, const wasmrt_trap *trap) {
  if (trap->code == WASMRT_TRAP_EXIT && !trap->payload)
    return raise_exit(st, trap->exit_code);
  if ((trap->code == WASMRT_TRAP_HOST || trap->code == WASMRT_TRAP_EXIT) &&
      trap->payload) {
    restore_payload((PyObject *)trap->payload);
    return NULL;
  }
  const char *msg =
      trap->message[0] ? trap->message : wasmrt_trap_message(trap->code);
  PyObject *exc = PyObject_CallFunction(st->trap_error, "s", msg);
  if (!exc)
    return NULL;
  PyObject *code = PyLong_FromLong((long)trap->code);
  if (!code || PyObject_SetAttrString(exc, "code", code) < 0) {
    Py_XDECREF(code);
    Py_DECREF(exc);
    return NULL;
  }
  Py_DECREF(code);
  PyErr_SetObject(st->trap_error, exc);
  Py_DECREF(exc);
  return NULL;
}

void pyext_trap_discard(wasmrt_trap *trap) {
  if ((trap->code == WASMRT_TRAP_HOST || trap->code == WASMRT_TRAP_EXIT) &&
      trap->payload) {
    Py_DECREF((PyObject *)trap->payload);
    trap->payload = NULL;
  }
}
