"""Compile once, save the native artifact, load it back without LLVM.
usage: serialize.py [DIR with simple.wasm]"""
import os
import sys
import tempfile

from wasmer import Module

os.chdir(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
so_path = os.path.join(tempfile.mkdtemp(), 'simple.so')
with open(so_path, 'wb') as f:
    f.write(Module(open('simple.wasm', 'rb').read()).serialize())
module = Module.deserialize(open(so_path, 'rb').read())
print(module.instantiate().exports.sum(1, 2))  # 3
