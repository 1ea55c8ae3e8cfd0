"""The seed README's first example. usage: simple.py [DIR with simple.wasm]"""
import os
import sys

from wasmer import Instance

os.chdir(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
wasm_bytes = open('simple.wasm', 'rb').read()
instance = Instance(wasm_bytes)
result = instance.exports.sum(5, 37)

print(result)  # 42!
