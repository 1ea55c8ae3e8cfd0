"""Ownership from Python: instances, memories and the externref objects
they hold are freed when unreachable (even when instances reference each
other in cycles through tables), funcref results are callable Function
objects, and Functions (or None) are accepted where funcrefs go."""
import gc
import os
import weakref

import pytest

from wasmer import Function, Instance, Module, Table

pytestmark = pytest.mark.usefixtures("wat")

REFS_WAT = """
(module
  (type $r (func (result i32)))
  (table $t (export "t") 2 funcref)
  (table $objs 1 externref)
  (memory (export "memory") 1)
  (func $seven (export "seven") (result i32) (i32.const 7))
  (func (export "get") (result funcref) (ref.func $seven))
  (func (export "get_null") (result funcref) (ref.null func))
  (func (export "apply") (param funcref) (result i32)
    (table.set $t (i32.const 1) (local.get 0))
    (call_indirect (type $r) (i32.const 1)))
  (func (export "call") (param i32) (result i32)
    (call_indirect (type $r) (local.get 0)))
  (func (export "keep") (param externref)
    (table.set $objs (i32.const 0) (local.get 0)))
  (data (i32.const 0) "touch")
  (elem declare func $seven))
"""

FILLER_WAT = """
(module
  (import "a" "t" (table 2 funcref))
  (memory 1)
  (func $f (result i32) (i32.const 11))
  (elem (i32.const 0) $f)
  (data (i32.const 0) "touch"))
"""

CONST_WAT = """
(module (func (export "f") (result i32) (i32.const 42)))
"""


@pytest.fixture(scope="module")
def modules(wat):
    return (
        Module(wat(REFS_WAT)),
        Module(wat(FILLER_WAT)),
        Module(wat(CONST_WAT)),
    )


def test_funcref_result_is_callable(modules):
    refs, _, _ = modules
    inst = Instance(refs)
    fn = inst.exports.get()
    assert isinstance(fn, Function)
    assert fn() == 7
    assert inst.exports.get_null() is None
    del inst
    gc.collect()
    assert fn() == 7  # the Function keeps its instance's group alive


def test_funcref_arguments_and_table_set(modules):
    refs, _, const = modules
    inst = Instance(refs)
    other = Instance(const)
    assert inst.exports.apply(other.exports.f) == 42
    assert inst.exports.apply(inst.exports.get()) == 7
    with pytest.raises(RuntimeError):
        inst.exports.apply(None)  # null element
    with pytest.raises(TypeError):
        inst.exports.apply(3)
    # A function of another instance stored by Table.set outlives it.
    inst.exports.t.set(0, other.exports.f)
    del other
    gc.collect()
    assert inst.exports.call(0) == 42
    inst.exports.t.set(0, None)
    with pytest.raises(RuntimeError):
        inst.exports.call(0)


def test_externref_released_with_its_instance(modules):
    refs, _, _ = modules

    class Payload:
        pass

    inst = Instance(refs)
    payload = Payload()
    probe = weakref.ref(payload)
    inst.exports.keep(payload)
    del payload
    gc.collect()
    assert probe() is not None  # wasm still holds it
    del inst
    gc.collect()
    assert probe() is None


def test_imported_table_cycle(modules):
    refs, filler, _ = modules
    a = Instance(refs)
    table = a.exports.t
    assert isinstance(table, Table)
    b = Instance(filler, {"a": {"t": table}})
    del b
    gc.collect()
    assert a.exports.call(0) == 11  # b lives on in a's table


def _vm_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    return 0


def _rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="no /proc")
def test_instances_in_a_loop_are_freed(modules):
    """Each instance reserves 8 GiB of address space for its memory: any
    instance left behind shows in VmSize at once, so 1000 iterations
    (half of them table cycles between two instances) must not grow it by
    more than a few reservations, nor RSS by more than a few MB."""
    refs, filler, _ = modules

    def one_round():
        a = Instance(refs)
        assert a.exports.get()() == 7
        b = Instance(filler, {"a": {"t": a.exports.t}})
        assert a.exports.call(0) == 11
        del a, b

    for _ in range(50):
        one_round()
    gc.collect()
    vm0, rss0 = _vm_kib(), _rss_kib()
    for _ in range(500):
        one_round()
    gc.collect()
    vm_growth = _vm_kib() - vm0
    rss_growth = _rss_kib() - rss0
    assert vm_growth < 4 * 8 * 1024 * 1024, vm_growth
    assert rss_growth < 32 * 1024, rss_growth


HOST_WAT = """
(module
  (import "env" "peek" (func $peek (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\2a")
  (func (export "run") (result i32) (call $peek)))
"""


def test_host_function_reaches_its_instance_by_weakref(wat):
    """A host callable holding its Instance strongly would form a cycle
    the collector cannot see (import_object.c); a weakref.ref works and
    lets the instance go."""
    box = {}

    def peek():
        return box["inst"]().memory.uint8_view()[0]

    inst = Instance(wat(HOST_WAT), {"env": {"peek": peek}})
    box["inst"] = weakref.ref(inst)
    assert inst.exports.run() == 42
    ref = box["inst"]
    del inst
    gc.collect()
    assert ref() is None
