"""wasmer.Module: compile, describe, validate, serialize/deserialize."""
import os
import subprocess
import sys

import pytest

from conftest import add_custom_section
from wasmer import ExportKind, ImportKind, Instance, Module

IMPORTS_WAT = """
(module
  (import "ns" "func" (func))
  (import "ns" "mem" (memory 3 4))
  (import "ns" "glo" (global f32))
  (import "ns" "tab" (table 1 2 funcref)))
"""

EXPORTS_WAT = """
(module
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 1 funcref)
  (global (export "__heap_base") i32 (i32.const 1024))
  (global (export "__data_end") i32 (i32.const 1024))
  (func (export "sum") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))
"""


def test_seed_exports(wat):
    module = Module(wat(EXPORTS_WAT))
    assert module.exports == [
        {"kind": ExportKind.MEMORY, "name": "memory"},
        {"kind": ExportKind.TABLE, "name": "__indirect_function_table"},
        {"kind": ExportKind.GLOBAL, "name": "__heap_base"},
        {"kind": ExportKind.GLOBAL, "name": "__data_end"},
        {"kind": ExportKind.FUNCTION, "name": "sum"},
    ]
    assert type(module.exports[0]["kind"]) is ExportKind


def test_seed_imports(wat):
    module = Module(wat(IMPORTS_WAT))
    assert module.imports == [
        {"kind": ImportKind.FUNCTION, "namespace": "ns", "name": "func"},
        {"kind": ImportKind.MEMORY, "namespace": "ns", "name": "mem",
         "minimum_pages": 3, "maximum_pages": 4},
        {"kind": ImportKind.GLOBAL, "namespace": "ns", "name": "glo",
         "mutable": False, "type": "f32"},
        {"kind": ImportKind.TABLE, "namespace": "ns", "name": "tab",
         "minimum_elements": 1, "maximum_elements": 2,
         "element_type": "anyfunc"},
    ]


def test_absent_maximum_is_none(wat):
    module = Module(wat('(module (import "a" "m" (memory 1)))'))
    assert module.imports[0]["maximum_pages"] is None


def test_custom_sections(wat):
    wasm = wat("(module)")
    wasm = add_custom_section(wasm, "section1", b"Wasmer")
    wasm = add_custom_section(wasm, "section2", b"Hello")
    module = Module(wasm)
    assert sorted(module.custom_section_names) == ["section1", "section2"]
    section1 = module.custom_section("section1")
    assert type(section1) is bytes
    assert section1 == b"Wasmer"
    assert module.custom_section("nope") is None


def test_seed_module_instantiate(sum_wasm):
    module = Module(sum_wasm)
    instance = module.instantiate()
    assert instance.exports.sum(1, 2) == 3


def test_validate(sum_wasm):
    assert Module.validate(sum_wasm) is True
    assert Module.validate(b"\x00asm\x01\x00\x00\x00\xff") is False
    assert Module.validate(b"") is False
    assert Module.validate(sum_wasm[:-1]) is False


def test_invalid_module_raises_runtime_error(wat):
    with pytest.raises(RuntimeError, match="malformed|invalid"):
        Module(b"\x00asm\x01\x00\x00\x00garbage")
    with pytest.raises(RuntimeError, match="type mismatch"):
        Module(bytes.fromhex("0061736d01000000010401600000030201000a06"
                             "010400""41000b"))


def test_serialize_round_trip(sum_wasm):
    module1 = Module(sum_wasm)
    serialized = module1.serialize()
    assert type(serialized) is bytes
    assert serialized[:4] == b"\x7fELF"
    del module1
    module2 = Module.deserialize(serialized)
    assert module2.instantiate().exports.sum(1, 2) == 3
    assert module2.exports == [{"kind": ExportKind.FUNCTION, "name": "sum"}]
    # And again from the deserialized module's own bytes.
    module3 = Module.deserialize(module2.serialize())
    assert Instance(module3).exports.sum(20, 22) == 42


def test_deserialize_rejects_garbage(sum_wasm):
    with pytest.raises(RuntimeError, match="malformed|not"):
        Module.deserialize(b"definitely not an artifact")
    so = Module(sum_wasm).serialize()
    with pytest.raises(RuntimeError):
        Module.deserialize(so[: len(so) // 2])


def test_deserialize_does_not_load_llvm(sum_wasm, tmp_path):
    path = tmp_path / "sum.so"
    path.write_bytes(Module(sum_wasm).serialize())
    code = (
        "import sys, wasmer\n"
        "m = wasmer.Module.deserialize(open(sys.argv[1], 'rb').read())\n"
        "assert m.instantiate().exports.sum(1, 2) == 3\n"
        "maps = open('/proc/self/maps').read()\n"
        "assert 'libLLVM' not in maps and 'libwasmc' not in maps\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)],
                         capture_output=True, text=True, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_generate_import_object(sum_wasm):
    io = Module(sum_wasm).generate_import_object()
    assert io.import_descriptors() == []
