"""Checks one example module with the wasmc command: `validate` succeeds
silently, `inspect --json` is valid JSON and shows what the example's
source defines, and `inspect` (text) agrees.

usage: check_example.py PATH/TO/wasmc PATH/TO/NAME.wasm
"""
import json
import os
import subprocess
import sys

# What each example must export (name -> kind, func signature) and import.
EXPECTED = {
    "simple": {"exports": {"sum": "(i32, i32) -> i32", "memory": None},
               "imports": {}},
    "memory": {"exports": {"greet": "() -> i32", "greet_len": "() -> i32",
                           "upper": "(i32, i32) -> ()", "memory": None},
               "imports": {}},
    "calc": {"exports": {"apply": "(i32, i64, i64) -> i64",
                         "fib": "(i32) -> i64",
                         "hypot2": "(f64, f64) -> f64", "memory": None},
             "imports": {("env", "log_i64"): "(i64) -> ()"}},
    "hello_wasi": {"exports": {"_start": "() -> ()", "memory": None},
                   "imports": {("wasi_snapshot_preview1", "fd_write"):
                               "(i32, i32, i32, i32) -> i32"}},
}


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    wasmc, wasm = sys.argv[1], sys.argv[2]
    name = os.path.basename(wasm)[:-len(".wasm")]
    want = EXPECTED[name]
    errors = []

    rc, out, err = run(wasmc, "validate", wasm)
    if rc != 0 or out or err:
        errors.append("validate: exit %d, %r %r" % (rc, out, err))

    rc, out, err = run(wasmc, "inspect", "--json", wasm)
    if rc != 0:
        errors.append("inspect --json: exit %d: %s" % (rc, err))
        doc = {"exports": [], "imports": []}
    else:
        doc = json.loads(out)  # raises, failing the test, if not JSON
    exports = {e["name"]: e for e in doc["exports"]}
    for ename, sig in want["exports"].items():
        e = exports.get(ename)
        if e is None:
            errors.append("missing export %s" % ename)
        elif sig is None:
            if e["kind"] != "memory":
                errors.append("export %s is not a memory" % ename)
        elif e["kind"] != "func" or e["type"] != sig:
            errors.append("export %s: %r, want %s" % (ename, e, sig))
    imports = {(i["module"], i["name"]): i for i in doc["imports"]}
    for key, sig in want["imports"].items():
        i = imports.get(key)
        if i is None or i["type"] != sig:
            errors.append("import %s.%s: %r, want %s" % (key + (i, sig)))

    rc, out, err = run(wasmc, "inspect", wasm)
    if rc != 0 or "exports (%d):" % len(doc["exports"]) not in out:
        errors.append("inspect text: exit %d\n%s%s" % (rc, out, err))

    for e in errors:
        print("FAIL:", e)
    if not errors:
        print("%s: validate and inspect ok (%d exports, %d imports)"
              % (name, len(doc["exports"]), len(doc["imports"])))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
