"""The package itself: versions, features, enums, Value, no LLVM on import."""
import enum
import os
import subprocess
import sys

import wasmer
from wasmer import ExportKind, Features, ImportKind, Type, Value


def test_versions_are_strings():
    assert isinstance(wasmer.__version__, str) and wasmer.__version__
    assert isinstance(wasmer.__core_version__, str)


def test_features():
    assert Features.host_functions() is True
    assert Features.wasi() is True


def test_enums_are_int_enums():
    for e in (Type, ExportKind, ImportKind):
        assert issubclass(e, enum.IntEnum)
    assert [m.name for m in Type] == [
        "I32", "I64", "F32", "F64", "V128", "EXTERNREF", "FUNCREF"]
    assert [m.name for m in ExportKind] == [
        "FUNCTION", "MEMORY", "GLOBAL", "TABLE"]
    assert ImportKind.MEMORY == ExportKind.MEMORY == 2


def test_value_reprs():
    assert repr(Value.i32(7)) == "I32(7)"
    assert repr(Value.i64(7)) == "I64(7)"
    assert repr(Value.f32(7.42)) == "F32(7.42)"
    assert repr(Value.f32(42)) == "F32(42.0)"
    assert repr(Value.f64(7.42)) == "F64(7.42)"
    assert repr(Value.v128(7)) == "V128(7)"
    assert (repr(Value.v128(2**128 - 1))
            == "V128(340282366920938463463374607431768211455)")


def test_value_range_checks():
    assert repr(Value.i32(2**32 - 1)) == "I32(-1)"
    for bad in (2**32, -(2**31) - 1):
        try:
            Value.i32(bad)
        except OverflowError:
            pass
        else:
            raise AssertionError(f"Value.i32({bad}) accepted")
    assert repr(Value.i64(-(2**63))) == f"I64({-(2**63)})"
    try:
        Value.i32("7")
    except TypeError as e:
        assert "i32" in str(e)
    else:
        raise AssertionError("str accepted as i32")


def test_value_equality():
    assert Value.i32(1) == Value.i32(1)
    assert Value.i32(1) != Value.i64(1)


def test_value_cannot_be_instantiated_directly():
    try:
        Value()
    except TypeError:
        pass
    else:
        raise AssertionError("Value() should fail")


def test_import_does_not_map_llvm():
    code = (
        "import wasmer\n"
        "maps = open('/proc/self/maps').read()\n"
        "assert 'libLLVM' not in maps, 'LLVM mapped'\n"
        "assert 'libwasmc' not in maps, 'compiler mapped'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
