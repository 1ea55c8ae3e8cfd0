"""Tests of the `wasmc` command line: exit statuses, error format, and the
content of `inspect` (text and JSON) on modules built here byte by byte,
with names that need escaping.

usage: test_cli.py PATH/TO/wasmc VERSION
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

WASMC, VERSION = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([WASMC, *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode(
        "utf-8", "replace")


# --------------------------------------------------------- module building

def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(s):
    b = s if isinstance(s, bytes) else s.encode("utf-8")
    return uleb(len(b)) + b


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


I32, I64, F32, F64, FUNCREF = 0x7F, 0x7E, 0x7D, 0x7C, 0x70
HEADER = b"\0asm\x01\0\0\0"
WEIRD_EXPORT = 'sum"\n\x01\\ é😀'
WEIRD_IMPORT = 'f"q'
CUSTOM_NAME = 'a\x01b"'


def functype(params, results):
    return b"\x60" + vec([bytes([p]) for p in params]) + vec(
        [bytes([r]) for r in results])


def rich_module():
    """Imports a function and a memory; defines a table, two globals, one
    function (also the start function); exports all kinds; has an element
    segment, a data segment and a custom section."""
    types = section(1, vec([functype([I32, I64], [F32]), functype([], [])]))
    imports = section(2, vec([
        name("env") + name(WEIRD_IMPORT) + b"\x00" + uleb(0),
        name("env") + name("mem") + b"\x02" + b"\x01\x01\x03",
    ]))
    funcs = section(3, vec([uleb(1)]))
    tables = section(4, vec([bytes([FUNCREF]) + b"\x01\x01\x02"]))
    f64_init = b"\x44" + struct.pack("<d", 1.5) + b"\x0b"
    globals_ = section(6, vec([
        bytes([I32, 1]) + b"\x41\x2a\x0b",  # mut i32 = 42
        bytes([F64, 0]) + f64_init,
    ]))
    exports = section(7, vec([
        name(WEIRD_EXPORT) + b"\x00" + uleb(1),
        name("imported") + b"\x00" + uleb(0),
        name("g") + b"\x03" + uleb(0),
        name("tab") + b"\x01" + uleb(0),
        name("mem") + b"\x02" + uleb(0),
    ]))
    start = section(8, uleb(1))
    elems = section(9, vec([b"\x00\x41\x00\x0b" + vec([uleb(1)])]))
    datacount = section(12, uleb(1))
    code = section(10, vec([name(b"\x00\x0b")]))  # no locals; end
    data = section(11, vec([b"\x00\x41\x00\x0b" + name(b"hi")]))
    custom = section(0, name(CUSTOM_NAME) + b"xyz")
    return (HEADER + types + imports + funcs + tables + globals_ + exports
            + start + elems + datacount + code + data + custom)


def invalid_module():
    """`(func (result) i32.const 0)`: a value left on the stack."""
    types = section(1, vec([functype([], [])]))
    funcs = section(3, vec([uleb(0)]))
    code = section(10, vec([name(b"\x00\x41\x00\x0b")]))
    return HEADER + types + funcs + code


# ------------------------------------------------------------------- tests

def test_usage():
    rc, out, _ = run("--help")
    check(rc == 0 and "validate" in out and "inspect" in out, "--help")
    rc, out, _ = run("--version")
    check(rc == 0 and out.strip() == "wasmc " + VERSION, "--version: " + out)
    rc, _, err = run()
    check(rc == 2 and "usage" in err, "no arguments -> 2")
    rc, out, err = run("frobnicate")
    check(rc == 2 and "usage" in err and out == "", "unknown command -> 2")
    rc, _, err = run("validate")
    check(rc == 2 and "usage" in err, "validate without file -> 2")
    rc, _, err = run("inspect", "--bogus", "x.wasm")
    check(rc == 2, "inspect bad option -> 2")


def test_validate(d):
    good = write(d, "good.wasm", rich_module())
    rc, out, err = run("validate", good)
    check(rc == 0 and out == "" and err == "", "validate good: %r" % err)
    rc, out, _ = run("validate", "-v", good)
    check(rc == 0 and out == good + ": ok\n", "validate -v: " + out)

    trunc = write(d, "trunc.wasm", rich_module()[:40])
    rc, out, err = run("validate", trunc)
    pat = re.escape(trunc) + r":0x[0-9a-f]+: malformed module: \S"
    check(rc == 1 and re.match(pat, err), "truncated: %r" % err)

    bad = write(d, "bad.wasm", invalid_module())
    rc, _, err = run("validate", bad)
    pat = re.escape(bad) + r":0x[0-9a-f]+: invalid module: \S"
    check(rc == 1 and re.match(pat, err), "invalid: %r" % err)

    rc, _, err = run("validate", good, os.path.join(d, "missing.wasm"), good)
    check(rc == 1 and "missing.wasm: i/o error" in err, "missing: %r" % err)
    rc, _, err = run("validate", d)
    check(rc == 1 and "not a regular file" in err, "directory: %r" % err)
    rc, _, err = run("inspect", bad)
    check(rc == 1 and "invalid module" in err, "inspect invalid: %r" % err)


def test_inspect_json(d):
    path = write(d, "rich.wasm", rich_module())
    rc, out, err = run("inspect", "--json", path)
    check(rc == 0, "inspect --json exit: %r" % err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, "inspect --json is not JSON: %s\n%s" % (e, out))
        return
    check(doc["file"] == path and doc["types"] == 2, "json header")
    check(doc["functions"] == 2 and doc["imported_functions"] == 1, "funcs")
    check(doc["imports"] == [
        {"module": "env", "name": WEIRD_IMPORT, "kind": "func",
         "type": "(i32, i64) -> f32"},
        {"module": "env", "name": "mem", "kind": "memory", "min": 1,
         "max": 3},
    ], "json imports: %r" % doc["imports"])
    check(doc["exports"] == [
        {"name": WEIRD_EXPORT, "index": 1, "kind": "func", "type": "() -> ()"},
        {"name": "imported", "index": 0, "kind": "func",
         "type": "(i32, i64) -> f32"},
        {"name": "g", "index": 0, "kind": "global", "type": "i32",
         "mutable": True},
        {"name": "tab", "index": 0, "kind": "table", "elem": "funcref",
         "min": 1, "max": 2},
        {"name": "mem", "index": 0, "kind": "memory", "min": 1, "max": 3},
    ], "json exports: %r" % doc["exports"])
    check(doc["memories"] == [], "json memories")
    check(doc["tables"] == [{"index": 0, "elem": "funcref", "min": 1,
                             "max": 2}], "json tables")
    check(doc["globals"] == [
        {"index": 0, "type": "i32", "mutable": True, "init": "i32.const 42"},
        {"index": 1, "type": "f64", "mutable": False, "init": "f64.const 1.5"},
    ], "json globals: %r" % doc["globals"])
    check(doc["start"] == 1, "json start")
    check(doc["data_segments"] == 1 and doc["elem_segments"] == 1, "segs")
    check(doc["custom_sections"] == [{"name": CUSTOM_NAME, "size": 3}],
          "json customs: %r" % doc["custom_sections"])


def test_inspect_text(d):
    path = write(d, "rich.wasm", rich_module())
    rc, out, err = run("inspect", path)
    check(rc == 0, "inspect exit: %r" % err)
    for want in ['"env"."f\\"q": (i32, i64) -> f32', "pages min 1 max 3",
                 "funcref min 1 max 2", "mut i32 = i32.const 42",
                 "start: func 1", "data segments: 1", "elem segments: 1",
                 '"a\\u0001b\\"" 3 bytes']:
        check(want in out, "inspect text lacks %r:\n%s" % (want, out))


def write(d, fname, data):
    path = os.path.join(d, fname)
    with open(path, "wb") as f:
        f.write(data)
    return path


def main():
    with tempfile.TemporaryDirectory() as d:
        test_usage()
        test_validate(d)
        test_inspect_json(d)
        test_inspect_text(d)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("cli: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
