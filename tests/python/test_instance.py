"""Instance, exported functions: conversions at type boundaries, errors,
traps."""
import math
import struct

import pytest

from wasmer import Instance, Module, Trap, Type, Value

CALLS_WAT = """
(module
  (func (export "sum") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "id_i32") (param i32) (result i32) local.get 0)
  (func (export "id_i64") (param i64) (result i64) local.get 0)
  (func (export "id_f32") (param f32) (result f32) local.get 0)
  (func (export "id_f64") (param f64) (result f64) local.get 0)
  (func (export "id_v128") (param v128) (result v128) local.get 0)
  (func (export "f32_bits") (param f32) (result i32)
    local.get 0 i32.reinterpret_f32)
  (func (export "f64_bits") (param f64) (result i64)
    local.get 0 i64.reinterpret_f64)
  (func (export "nan_f32") (result f32) i32.const 0x7fc00001 f32.reinterpret_i32)
  (func (export "nothing"))
  (func (export "swap") (param i32 i64) (result i64 i32)
    local.get 1 local.get 0)
  (func (export "div") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s)
  (func (export "trunc") (param f32) (result i32) local.get 0 i32.trunc_f32_s)
  (func (export "boom") unreachable)
  (func $rec (export "recurse") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $rec)
  (memory (export "memory") 1)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load))
"""


@pytest.fixture(scope="module")
def inst(wat):
    return Instance(wat(CALLS_WAT))


def test_seed_simple(sum_wasm):
    instance = Instance(sum_wasm)
    assert instance.exports.sum(5, 37) == 42


def test_value_arguments(inst):
    assert inst.exports.sum(Value.i32(1), Value.i32(2)) == 3
    with pytest.raises(TypeError, match="i32"):
        inst.exports.sum(Value.i64(1), 2)


def test_i32_boundaries(inst):
    e = inst.exports
    assert e.id_i32(2**31 - 1) == 2**31 - 1
    assert e.id_i32(-(2**31)) == -(2**31)
    assert e.id_i32(2**32 - 1) == -1  # unsigned view, signed result
    assert e.sum(2**31 - 1, 1) == -(2**31)  # wraps
    assert e.id_i32(True) == 1
    for bad in (2**32, -(2**31) - 1, 2**100):
        with pytest.raises(OverflowError):
            e.id_i32(bad)


def test_i64_boundaries(inst):
    e = inst.exports
    assert e.id_i64(2**63 - 1) == 2**63 - 1
    assert e.id_i64(-(2**63)) == -(2**63)
    assert e.id_i64(2**64 - 1) == -1
    with pytest.raises(OverflowError):
        e.id_i64(2**64)
    with pytest.raises(OverflowError):
        e.id_i64(-(2**63) - 1)


def test_float_conversions(inst):
    e = inst.exports
    assert e.id_f64(7.42) == 7.42
    assert e.id_f32(7.42) == struct.unpack("<f", struct.pack("<f", 7.42))[0]
    assert e.id_f64(3) == 3.0
    assert math.copysign(1.0, e.id_f64(-0.0)) == -1.0
    assert math.copysign(1.0, e.id_f32(-0.0)) == -1.0
    assert e.f32_bits(-0.0) == -(2**31)
    assert e.f64_bits(-0.0) == -(2**63)
    assert math.isnan(e.id_f64(float("nan")))
    assert math.isinf(e.id_f32(1e300))  # rounds to f32 infinity
    assert math.isnan(e.nan_f32())
    bits = struct.pack("<f", e.nan_f32())
    assert struct.unpack("<I", bits)[0] == 0x7FC00001  # payload kept


def test_v128(inst):
    e = inst.exports
    assert e.id_v128(2**128 - 1) == 2**128 - 1
    assert e.id_v128(7) == 7
    assert e.id_v128(-1) == 2**128 - 1
    assert e.id_v128(Value.v128(12345678901234567890123)) == \
        12345678901234567890123
    with pytest.raises(OverflowError):
        e.id_v128(2**128)


def test_results(inst):
    assert inst.exports.nothing() is None
    assert inst.exports.swap(1, 2) == (2, 1)


def test_wrong_arity_and_types(inst):
    with pytest.raises(TypeError, match=r"sum\(\) takes 2 arguments "
                                        r"\(i32, i32\) -> \(i32\), got 3"):
        inst.exports.sum(1, 2, 3)
    with pytest.raises(TypeError, match=r"sum.*argument 2.*expected i32, "
                                        r"got str"):
        inst.exports.sum(1, "2")
    with pytest.raises(TypeError, match="expected i32, got float"):
        inst.exports.sum(1.5, 2)
    with pytest.raises(TypeError):
        inst.exports.sum(x=1, y=2)


def test_unknown_export(inst):
    with pytest.raises(LookupError, match="does_not_exist"):
        inst.exports.does_not_exist


def test_dir_and_repr(inst):
    names = dir(inst.exports)
    assert "sum" in names and "memory" in names and "recurse" in names
    assert repr(inst.exports.sum) == "<wasmer.Function sum(i32, i32) -> (i32)>"
    assert inst.exports.sum.params == [Type.I32, Type.I32]
    assert inst.exports.swap.results == [Type.I64, Type.I32]


@pytest.mark.parametrize("call, message", [
    (lambda e: e.div(1, 0), "integer divide by zero"),
    (lambda e: e.div(-(2**31), -1), "integer overflow"),
    (lambda e: e.trunc(float("nan")), "invalid conversion to integer"),
    (lambda e: e.boom(), "unreachable"),
    (lambda e: e.load(65536), "out of bounds memory access"),
    (lambda e: e.load(2**32 - 1), "out of bounds memory access"),
    (lambda e: e.recurse(0), "call stack exhausted"),
])
def test_traps(inst, call, message):
    with pytest.raises(RuntimeError, match=message) as info:
        call(inst.exports)
    assert isinstance(info.value, Trap)
    assert isinstance(info.value.code, int) and info.value.code > 0
    # The instance stays usable after a trap.
    assert inst.exports.sum(1, 2) == 3


def test_instance_from_module_and_bytes(sum_wasm):
    module = Module(sum_wasm)
    assert Instance(module).exports.sum(2, 3) == 5
    with pytest.raises(TypeError):
        Instance(42)


def test_no_memory_is_none(sum_wasm):
    assert Instance(sum_wasm).memory is None


def test_start_function_trap(wat):
    with pytest.raises(RuntimeError, match="unreachable"):
        Instance(wat("(module (func $s unreachable) (start $s))"))


def test_exports_outlive_instance(sum_wasm):
    f = Instance(sum_wasm).exports.sum
    assert f(40, 2) == 42
