"""WASI from Python: the seed README's example as written, the builder
methods, version detection and proc_exit."""
import os
import subprocess
import sys

import pytest

from wasmer import (Features, ImportObject, Instance, Module, Wasi, WasiExit,
                    WasiVersion)

EXAMPLES = os.environ.get("WASMC_EXAMPLES_DIR", "")


def _wasi_wasm():
    path = os.path.join(EXAMPLES, "wasi.wasm")
    if not EXAMPLES or not os.path.exists(path):
        pytest.skip("examples/wasi.wasm not built (needs wasi-libc)")
    return path


SEED_PROGRAM = """
from wasmer import Module, Wasi, WasiVersion

# Compile the Wasm module.
wasm_bytes = open('wasi.wasm', 'rb').read()
module = Module(wasm_bytes)

# Assert that it is a WASI module, and look at the WASI version.
assert module.is_wasi_module == True
assert module.wasi_version() == WasiVersion.Snapshot1

# Create the WASI object.
wasi = Wasi(
    'wasi_test_program',
    arguments=['--test'],
    environments={"COLOR": "true", "APP_SHOULD_LOG": "false"},
    map_directories={"the_host_current_dir": "."},
)

# Get an `ImportObject` object from the `Wasi` object.
import_object = wasi.generate_import_object_for_module(module)

# Instantiate the module with the import object.
instance = module.instantiate(import_object)

# Have fun!
instance.exports._start()
"""

SEED_OUTPUT = """Found program name: `wasi_test_program`
Found 1 arguments: --test
Found 2 environment variables: COLOR=true, APP_SHOULD_LOG=false
Found 1 preopened directories: DirEntry("/the_host_current_dir")
"""


def test_seed_wasi_example_as_written():
    # stdout is the process's: run the seed's code in a child process.
    cwd = os.path.dirname(_wasi_wasm())
    proc = subprocess.run([sys.executable, "-c", SEED_PROGRAM], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == SEED_OUTPUT


def test_features_and_enum():
    assert Features.wasi() is True
    assert (WasiVersion.Snapshot0, WasiVersion.Snapshot1,
            WasiVersion.Latest) == (1, 2, 3)
    assert issubclass(WasiExit, RuntimeError)


def test_builder_methods_return_self(tmp_path):
    w = Wasi("prog")
    assert w.argument("a") is w
    assert w.arguments(["b", "c"]) is w
    assert w.environment("K", "V") is w
    assert w.environments({"X": "1"}) is w
    assert w.preopen_directory(str(tmp_path)) is w
    assert w.map_directory("data", str(tmp_path)) is w


EXIT_WAT = """
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "answer" (func $answer (result i32)))
  (memory (export "memory") 1)
  (func (export "quit") (param i32) local.get 0 call $exit)
  (func (export "ask") (result i32) call $answer))
"""

UNSTABLE_WAT = """
(module
  (import "wasi_unstable" "proc_exit" (func (param i32))))
"""


def test_version_detection(wat):
    m = Module(wat(EXIT_WAT))
    assert m.is_wasi_module is True
    assert m.wasi_version() == WasiVersion.Snapshot1
    # strict: every function import must come from the WASI namespace
    assert m.wasi_version(strict=True) is None
    old = Module(wat(UNSTABLE_WAT))
    assert old.wasi_version() == WasiVersion.Snapshot0
    assert old.wasi_version(strict=True) == WasiVersion.Snapshot0
    plain = Module(wat('(module (func (export "f")))'))
    assert plain.is_wasi_module is False
    assert plain.wasi_version() is None


def _exit_instance(wat):
    module = Module(wat(EXIT_WAT))
    imports = Wasi("p").generate_import_object_for_module(module)
    assert isinstance(imports, ImportObject)
    imports.extend({"env": {"answer": lambda: 42}})  # host functions too
    return module.instantiate(imports)


def test_proc_exit_codes_and_extension(wat):
    inst = _exit_instance(wat)
    assert inst.exports.ask() == 42
    assert inst.exports.quit(0) is None  # exit 0: a normal return
    with pytest.raises(WasiExit) as info:
        _exit_instance(wat).exports.quit(3)
    assert info.value.code == 3


def test_snapshot0_namespace(wat):
    module = Module(wat(UNSTABLE_WAT))
    imports = Wasi("p").generate_import_object_for_module(module)
    names = {(d["namespace"], d["name"]) for d in imports.import_descriptors()}
    assert ("wasi_unstable", "proc_exit") in names
    module.instantiate(imports)  # links


def test_builder_state_reaches_the_program(tmp_path):
    wasm = _wasi_wasm()
    code = """
import sys
from wasmer import Module, Wasi
m = Module(open(sys.argv[1], 'rb').read())
w = Wasi('p').argument('x').arguments(['y']).environment('A', 'b')
w.map_directory('data', sys.argv[2])
m.instantiate(w.generate_import_object_for_module(m)).exports._start()
"""
    proc = subprocess.run([sys.executable, "-c", code, wasm, str(tmp_path)],
                          cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Found program name: `p`"
    assert lines[1] == "Found 2 arguments: x, y"
    assert lines[2] == "Found 1 environment variables: A=b"
    assert 'DirEntry("/data")' in lines[3]


def test_instance_from_bytes_with_wasi(wat):
    wasm = wat(EXIT_WAT)
    imports = Wasi("p").generate_import_object_for_module(Module(wasm))
    imports.extend({"env": {"answer": lambda: 7}})
    assert Instance(wasm, imports).exports.ask() == 7
