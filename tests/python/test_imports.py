"""Host functions, ImportObject, imported memories/globals, globals."""
import threading

import pytest

from wasmer import ImportKind, ImportObject, Instance, Module, Value

HOST_WAT = """
(module
  (import "env" "sum" (func $sum (param i32 i32) (result i32)))
  (import "env" "pair" (func $pair (param f64) (result f64 i64)))
  (func (export "sum_plus_one") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $sum i32.const 1 i32.add)
  (func (export "pair") (param f64) (result f64 i64)
    local.get 0 call $pair))
"""


@pytest.fixture(scope="module")
def host_wasm(wat):
    return wat(HOST_WAT)


def imports(sum_fn, pair_fn=lambda x: (x, 1)):
    return {"env": {"sum": sum_fn, "pair": pair_fn}}


def test_seed_host_function(host_wasm):
    module = Module(host_wasm)

    def sum(x: int, y: int) -> int:
        return x + y

    import_object = module.generate_import_object()
    import_object.extend({"env": {"sum": sum, "pair": lambda x: (x, 0)}})
    instance = Instance(host_wasm, import_object)
    assert instance.exports.sum_plus_one(1, 2) == 4


def test_plain_dict_and_multi_results(host_wasm):
    inst = Module(host_wasm).instantiate(
        imports(lambda a, b: a * b, lambda x: (x * 2, -5)))
    assert inst.exports.sum_plus_one(6, 7) == 43
    assert inst.exports.pair(1.25) == (2.5, -5)


def test_host_receives_converted_args(host_wasm):
    seen = []

    def sum(a, b):
        seen.append((a, b))
        return Value.i32(0)

    inst = Instance(host_wasm, imports(sum))
    assert inst.exports.sum_plus_one(-1, 2**32 - 1) == 1
    assert seen == [(-1, -1)]


def test_host_exception_propagates_same_object(host_wasm):
    boom = ValueError("from the host")

    def sum(a, b):
        raise boom

    inst = Instance(host_wasm, imports(sum))
    with pytest.raises(ValueError) as info:
        inst.exports.sum_plus_one(1, 2)
    assert info.value is boom
    # The traceback still shows the host function's frame.
    tb = info.value.__traceback__
    names = []
    while tb:
        names.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    assert "sum" in names
    assert inst.exports.sum_plus_one.__name__ == "sum_plus_one"


def test_host_wrong_return_type(host_wasm):
    inst = Instance(host_wasm, imports(lambda a, b: "nope"))
    with pytest.raises(TypeError, match="host function result.*i32"):
        inst.exports.sum_plus_one(1, 2)
    inst = Instance(host_wasm, imports(lambda a, b: 1,
                                       lambda x: (1.0, 2, 3)))
    with pytest.raises(TypeError, match="returned 3 results"):
        inst.exports.pair(1.0)


def test_missing_import(host_wasm):
    with pytest.raises(RuntimeError, match="unknown import"):
        Instance(host_wasm)
    with pytest.raises(RuntimeError, match="unknown import"):
        Instance(host_wasm, {"env": {"sum": lambda a, b: 0}})


def test_bad_import_value(host_wasm):
    with pytest.raises(TypeError, match="env.*sum"):
        Instance(host_wasm, imports(42))


def test_import_object_descriptors():
    io = ImportObject()
    f = lambda: None  # noqa: E731
    io.extend({"env": {"a": f}})
    io.extend({"env": {"b": f}, "other": {"c": f}})
    assert io.import_descriptors() == [
        {"kind": ImportKind.FUNCTION, "namespace": "env", "name": "a"},
        {"kind": ImportKind.FUNCTION, "namespace": "env", "name": "b"},
        {"kind": ImportKind.FUNCTION, "namespace": "other", "name": "c"},
    ]
    with pytest.raises(TypeError):
        io.extend([1, 2])


def test_export_function_as_import(wat, host_wasm):
    provider = Instance(wat("""(module
      (func (export "sum") (param i32 i32) (result i32)
        local.get 0 local.get 1 i32.sub))"""))
    inst = Instance(host_wasm, imports(provider.exports.sum))
    assert inst.exports.sum_plus_one(10, 3) == 8


def test_reentrant_host_call(wat):
    # wasm -> Python -> wasm -> Python, and a trap inside the inner call.
    w = wat("""(module
      (import "env" "cb" (func $cb (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) local.get 0 call $cb)
      (func (export "div") (param i32) (result i32)
        i32.const 10 local.get 0 i32.div_u))""")
    holder = {}

    def cb(x):
        if x == 0:
            try:
                holder["inst"].exports.div(0)
            except RuntimeError as e:
                return 100 if "divide by zero" in str(e) else -1
        return holder["inst"].exports.div(x)

    holder["inst"] = Instance(w, {"env": {"cb": cb}})
    assert holder["inst"].exports.run(2) == 5
    assert holder["inst"].exports.run(0) == 100


GLOBALS_WAT = """
(module
  (global (export "counter") (mut i32) (i32.const 42))
  (global (export "pi") f64 (f64.const 3.5))
  (global (export "big") (mut i64) (i64.const -1))
  (func (export "get") (result i32) global.get 0))
"""


def test_globals(wat):
    inst = Instance(wat(GLOBALS_WAT))
    g = inst.globals
    assert g.counter.value == 42 and g.counter.mutable is True
    g.counter.value = 7
    assert inst.exports.get() == 7
    assert g.pi.value == 3.5 and g.pi.mutable is False
    with pytest.raises(RuntimeError, match="not mutable"):
        g.pi.value = 1.0
    assert g.big.value == -1
    g.big.value = 2**63 - 1
    assert g.big.value == 2**63 - 1
    with pytest.raises(OverflowError):
        g.counter.value = 2**40
    with pytest.raises(LookupError):
        g.nope
    assert sorted(dir(g)) == ["big", "counter", "pi"]


def test_imported_memory_and_global(wat):
    exporter = Instance(wat("""(module
      (memory (export "mem") 1)
      (global (export "g") i32 (i32.const 5)))"""))
    importer = Instance(wat("""(module
      (import "x" "mem" (memory 1))
      (import "x" "g" (global i32))
      (func (export "store") (param i32 i32)
        local.get 0 local.get 1 i32.store8)
      (func (export "g") (result i32) global.get 0))"""),
        {"x": {"mem": exporter.exports.mem, "g": exporter.globals.g}})
    importer.exports.store(3, 77)
    assert exporter.exports.mem.uint8_view()[3] == 77
    assert importer.exports.g() == 5


def test_gil_released_during_wasm(wat):
    inst_wasm = wat("""(module
      (func (export "spin") (param i32) (result i32) (local i32 i32)
        ;; an LCG, which the optimizer cannot fold into a closed form
        (loop $l
          local.get 2 i32.const 1664525 i32.mul i32.const 1013904223 i32.add
          local.set 2
          local.get 1 i32.const 1 i32.add local.set 1
          local.get 1 local.get 0 i32.lt_u br_if $l)
        local.get 2))""")
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    inst = Instance(inst_wasm)
    try:
        x = 0
        for _ in range(1000):
            x = (x * 1664525 + 1013904223) % 2**32
        assert inst.exports.spin(1000) == (x - 2**32 if x >= 2**31 else x)
        inst.exports.spin(400_000_000)
    finally:
        stop.set()
        t.join()
    assert len(ticks) > 5


def test_host_exception_in_start_function(wat):
    w = wat("""(module
      (import "env" "f" (func $f))
      (func $s call $f)
      (start $s))""")
    err = KeyError("start")

    def f():
        raise err

    with pytest.raises(KeyError) as info:
        Instance(w, {"env": {"f": f}})
    assert info.value is err
