/* wat.c — `wasmer.wat2wasm(text) -> bytes` and `wasmer.wasm2wat(bytes) ->
 * str` over the project's text front end (text/wat.h). Errors become
 * RuntimeError carrying the parser's "LINE:COL: message".
 */
#include "pyext_internal.h"

#include "wat.h"

#include <stdlib.h>

static PyObject *wat_error(const wasm_error *err) {
  PyErr_SetString(PyExc_RuntimeError, err->message);
  return NULL;
}

PyObject *pyext_wat2wasm_str(PyObject *text) {
  Py_ssize_t len;
  const char *s = PyUnicode_AsUTF8AndSize(text, &len);
  if (!s)
    return NULL;
  uint8_t *out = NULL;
  size_t out_len = 0;
  wasm_error err = {0};
  if (!wat_to_wasm(s, (size_t)len, &out, &out_len, &err))
    return wat_error(&err);
  PyObject *bytes = PyBytes_FromStringAndSize((const char *)out, out_len);
  free(out);
  return bytes;
}

static PyObject *py_wat2wasm(PyObject *m, PyObject *arg) {
  if (PyUnicode_Check(arg))
    return pyext_wat2wasm_str(arg);
  /* bytes of UTF-8 text are accepted too */
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  PyObject *text = PyUnicode_DecodeUTF8(buf.buf, buf.len, "strict");
  PyBuffer_Release(&buf);
  if (!text)
    return NULL;
  PyObject *r = pyext_wat2wasm_str(text);
  Py_DECREF(text);
  return r;
}

static PyObject *py_wasm2wat(PyObject *m, PyObject *arg) {
  Py_buffer buf;
  if (PyObject_GetBuffer(arg, &buf, PyBUF_SIMPLE) < 0)
    return NULL;
  wasm_module *mod = NULL;
  wasm_error err = {0};
  bool ok = wasm_module_load(buf.buf, (size_t)buf.len, &mod, &err);
  PyBuffer_Release(&buf);
  if (!ok) {
    wasm_module_free(mod);
    return pyext_raise_wasm_error(&err);
  }
  char *text = NULL;
  size_t len = 0;
  ok = wasm_to_wat(mod, &text, &len, &err);
  wasm_module_free(mod);
  if (!ok)
    return wat_error(&err);
  PyObject *s = PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "replace");
  free(text);
  return s;
}

static PyMethodDef wat_functions[] = {
    {"wat2wasm", py_wat2wasm, METH_O,
     "wat2wasm(text) -> bytes: WebAssembly text to a binary module."},
    {"wasm2wat", py_wasm2wat, METH_O,
     "wasm2wat(bytes) -> str: a binary module as WebAssembly text."},
    {NULL, NULL, 0, NULL},
};

int pyext_wat_init(PyObject *m, pyext_state *st) {
  (void)st;
  return PyModule_AddFunctions(m, wat_functions);
}
