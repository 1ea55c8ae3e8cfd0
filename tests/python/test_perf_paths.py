"""The fast paths of the call and load paths keep their behaviour:
exports are cached per Exports object, instances are freed by reference
counting (no cycle left for the GC), and the inline int conversion agrees
with the general one at its edges."""
import gc

import pytest

from wasmer import Instance, Module, Value

EDGES_WAT = """
(module
  (func (export "id_i32") (param i32) (result i32) local.get 0)
  (func (export "id_i64") (param i64) (result i64) local.get 0)
  (memory (export "mem") 1))
"""


def artifact_mappings():
    with open("/proc/self/maps") as maps:
        return sum("wasmc-artifact" in line for line in maps)


def test_export_wrappers_are_cached(sum_wasm):
    exports = Instance(sum_wasm).exports
    assert exports.sum is exports.sum
    assert exports.sum(1, 2) == 3
    with pytest.raises(LookupError):
        exports.nope
    with pytest.raises(LookupError):  # a miss is not cached as a hit
        exports.nope


def test_instance_exports_identity_while_alive(sum_wasm):
    instance = Instance(sum_wasm)
    exports = instance.exports
    assert instance.exports is exports
    del instance
    assert exports.sum(40, 2) == 42  # the Exports keep the instance alive


def test_instances_freed_without_gc(sum_wasm):
    so = Module(sum_wasm).serialize()
    gc.collect()
    gc.disable()
    try:
        before = artifact_mappings()
        for _ in range(40):
            module = Module.deserialize(so)
            instance = module.instantiate()
            assert instance.exports.sum(1, 2) == 3
            assert instance.globals is not None
            del module, instance
        # Every artifact was unmapped by reference counting alone.
        assert artifact_mappings() == before
    finally:
        gc.enable()


def test_many_artifacts_loaded_at_once(sum_wasm):
    so = Module(sum_wasm).serialize()
    funcs = [Module.deserialize(so).instantiate().exports.sum
             for _ in range(64)]
    assert [f(i, 1) for i, f in enumerate(funcs)] == list(range(1, 65))


@pytest.mark.parametrize("value, expected", [
    (0, 0), (-1, -1), (2**31 - 1, 2**31 - 1), (-2**31, -2**31),
    (2**31, -2**31), (2**32 - 1, -1), (True, 1), (Value.i32(7), 7),
])
def test_i32_fast_path_edges(wat, value, expected):
    assert Instance(wat(EDGES_WAT)).exports.id_i32(value) == expected


@pytest.mark.parametrize("value", [2**32, -2**31 - 1, 2**100])
def test_i32_out_of_range(wat, value):
    with pytest.raises(OverflowError):
        Instance(wat(EDGES_WAT)).exports.id_i32(value)


@pytest.mark.parametrize("value, expected", [
    (2**63 - 1, 2**63 - 1), (-2**63, -2**63), (2**64 - 1, -1), (2**63, -2**63),
])
def test_i64_fast_path_edges(wat, value, expected):
    assert Instance(wat(EDGES_WAT)).exports.id_i64(value) == expected


def test_wrong_type_still_named(wat):
    with pytest.raises(TypeError, match="id_i32"):
        Instance(wat(EDGES_WAT)).exports.id_i32(1.5)
