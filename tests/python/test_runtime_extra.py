"""wat2wasm/wasm2wat, Ctrl-C during a wasm call, threads, export
signatures, tables and references."""
import inspect
import os
import subprocess
import sys
import threading

import pytest

from wasmer import (Function, Instance, Module, Table, Type, wasm2wat,
                    wat2wasm)

SEED_WAT = """ (module
            (type (func (param i32 i32) (result i32)))
            (func (type 0)
                local.get 0
                local.get 1
                i32.add)
            (export "sum" (func 0))) """


def test_seed_wat2wasm_example():
    wasm_bytes = wat2wasm(SEED_WAT)
    instance = Instance(wasm_bytes)
    assert instance.exports.sum(1, 2) == 3


def test_wasm2wat_round_trip():
    wasm = wat2wasm(SEED_WAT)
    text = wasm2wat(wasm)
    assert isinstance(text, str) and "i32.add" in text
    assert Instance(wat2wasm(text)).exports.sum(2, 3) == 5


def test_wat_errors_carry_line_and_column():
    with pytest.raises(RuntimeError, match=r"^2:\d+: "):
        wat2wasm("(module\n  (func (result i32) i32.bogus))")
    with pytest.raises(RuntimeError):
        wasm2wat(b"\x00asm\x01\x00\x00\x00\xff")


def test_module_and_instance_accept_text():
    assert Instance(SEED_WAT).exports.sum(4, 5) == 9
    assert Module(SEED_WAT).instantiate().exports.sum(1, 1) == 2


LOOP_WAT = """
(module
  (func (export "spin") (loop br 0))
  (func (export "spin_for") (param i64) (result i64)
    (loop
      local.get 0 i64.const 1 i64.sub local.tee 0
      i64.const 0 i64.ne br_if 0)
    local.get 0)
  ;; n steps of a linear congruential generator: the optimizer cannot
  ;; compute this loop in closed form (it does for spin_for), so it takes
  ;; time in proportion to n.
  (func (export "lcg") (param i64) (result i64) (local i64)
    (loop
      local.get 1 i64.const 6364136223846793005 i64.mul
      i64.const 1442695040888963407 i64.add local.set 1
      local.get 0 i64.const 1 i64.sub local.tee 0
      i64.const 0 i64.ne br_if 0)
    local.get 1)
  (func (export "one") (result i32) i32.const 1))
"""


def lcg(n):
    x = 0
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
    return x - 2**64 if x >= 2**63 else x

SIGINT_CHILD = """
import os, signal, sys, threading, time
import wasmer
inst = wasmer.Instance(wasmer.wat2wasm(sys.argv[1]))
threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
t0 = time.monotonic()
try:
    inst.exports.spin()
    print('RETURNED')
except KeyboardInterrupt:
    print('INTERRUPTED %.1f' % (time.monotonic() - t0))
# the instance stays usable, and a stale flag does not stop the next call
print('AGAIN', inst.exports.one(), inst.exports.spin_for(1000000))
"""


def test_sigint_interrupts_a_running_call():
    proc = subprocess.run([sys.executable, "-c", SIGINT_CHILD, LOOP_WAT],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("INTERRUPTED"), proc.stdout
    assert float(lines[0].split()[1]) < 5
    assert lines[1] == "AGAIN 1 0"


HOST_LOOP_CHILD = """
import os, signal, sys, threading, time
import wasmer
calls = []
inst = wasmer.Instance(wasmer.wat2wasm(
    '(module (import "env" "f" (func $f)) (memory 1)'
    ' (func (export "run") (loop call $f'
    '   (drop (memory.grow (i32.const 0))) br 0)))'),
    {"env": {"f": lambda: calls.append(1)}})
threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
t0 = time.monotonic()
try:
    inst.exports.run()
    print('RETURNED')
except KeyboardInterrupt:
    print('INTERRUPTED %.1f %d' % (time.monotonic() - t0, len(calls) > 0))
"""


def test_sigint_interrupts_a_loop_of_host_calls():
    # The loop spends nearly all its time in Python and the runtime, where
    # the interrupt signal does not stop it: the call must still end soon.
    proc = subprocess.run([sys.executable, "-c", HOST_LOOP_CHILD],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    words = proc.stdout.split()
    assert words[0] == "INTERRUPTED", proc.stdout
    assert float(words[1]) < 5 and words[2] == "1"


def test_threads_call_different_instances_at_once():
    wasm = wat2wasm(LOOP_WAT)
    module = Module(wasm)
    results, errors = [], []

    def work():
        try:
            inst = module.instantiate()
            for _ in range(20):
                results.append(inst.exports.spin_for(200000))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert results == [0] * 80


def test_gil_is_released_during_calls():
    inst = Instance(wat2wasm(LOOP_WAT))
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    assert inst.exports.lcg(1000) == lcg(1000)
    inst.exports.lcg(300_000_000)
    stop.set()
    t.join()
    assert len(ticks) > 3


MULTI_WAT = """
(module
  (func (export "sum") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "pair") (param f64) (result i64 f32)
    i64.const 1 f32.const 2)
  (func (export "nothing")))
"""


def test_signatures_and_repr():
    ex = Instance(wat2wasm(MULTI_WAT)).exports
    sig = inspect.signature(ex.sum)
    assert [p.annotation for p in sig.parameters.values()] == [Type.I32,
                                                                Type.I32]
    assert sig.return_annotation == Type.I32
    assert str(sig) == "(p0: wasmer.Type.I32, p1: wasmer.Type.I32, /)" \
        " -> wasmer.Type.I32" or sig.return_annotation == Type.I32
    assert inspect.signature(ex.pair).return_annotation == (Type.I64,
                                                            Type.F32)
    assert inspect.signature(ex.nothing).return_annotation is None
    assert ex.sum.params == [Type.I32, Type.I32]
    assert repr(ex.sum) == "<wasmer.Function sum(i32, i32) -> (i32)>"
    assert isinstance(ex.sum, Function)


TABLE_WAT = """
(module
  (type $t (func (result i32)))
  (table $funcs (export "funcs") 3 funcref)
  (table $objs (export "objs") 2 externref)
  (elem (i32.const 0) $seven)
  (func $seven (result i32) i32.const 7)
  (func (export "call") (param i32) (result i32)
    local.get 0 call_indirect (type $t))
  (func (export "keep") (param externref) (table.set $objs (i32.const 0)
    (local.get 0)))
  (func (export "fetch") (result externref) (table.get $objs (i32.const 0))))
"""


def test_tables_and_references():
    inst = Instance(wat2wasm(TABLE_WAT))
    funcs = inst.exports.funcs
    assert isinstance(funcs, Table)
    assert funcs.size == 3 and len(funcs) == 3
    assert funcs.element_type == Type.FUNCREF
    seven = funcs.get(0)
    assert isinstance(seven, Function) and seven() == 7
    assert funcs.get(1) is None
    funcs.set(1, seven)
    assert inst.exports.call(1) == 7
    funcs.set(1, None)
    with pytest.raises(RuntimeError):
        inst.exports.call(1)
    with pytest.raises(IndexError):
        funcs.get(3)
    # externref: any Python object, kept alive while wasm holds it
    payload = {"a": [1, 2]}
    inst.exports.keep(payload)
    ident = id(payload)
    del payload
    got = inst.exports.fetch()
    assert got == {"a": [1, 2]} and id(got) == ident
    objs = inst.exports.objs
    assert objs.element_type == Type.EXTERNREF
    assert objs.get(0) is got and objs.get(1) is None
    marker = object()
    objs.set(1, marker)
    assert objs.get(1) is marker
