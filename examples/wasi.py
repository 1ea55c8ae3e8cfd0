"""The seed README's WASI example. usage: wasi.py [DIR with wasi.wasm]"""
import os
import sys

from wasmer import Module, Wasi, WasiVersion

os.chdir(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
wasm_bytes = open('wasi.wasm', 'rb').read()
module = Module(wasm_bytes)
assert module.is_wasi_module == True  # noqa: E712
assert module.wasi_version() == WasiVersion.Snapshot1
wasi = Wasi(
    'wasi_test_program',
    arguments=['--test'],
    environments={"COLOR": "true", "APP_SHOULD_LOG": "false"},
    map_directories={"the_host_current_dir": "."},
)
import_object = wasi.generate_import_object_for_module(module)
instance = module.instantiate(import_object)
instance.exports._start()
