"""Reads a string from an instance's memory. usage: memory.py [DIR]"""
import os
import sys

from wasmer import Instance

os.chdir(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
instance = Instance(open('memory.wasm', 'rb').read())
pointer = instance.exports.greet()
length = instance.exports.greet_len()
memory = instance.memory.uint8_view(offset=pointer)
print(bytes(memory[0:length]).decode())  # Hello, World!
