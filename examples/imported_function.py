"""A Python host function called from wasm (the seed's sum_plus_one)."""
from wasmer import Module, wat2wasm

wasm_bytes = wat2wasm("""
(module
  (import "env" "sum" (func $sum (param i32 i32) (result i32)))
  (func (export "sum_plus_one") (param i32 i32) (result i32)
    (i32.add (call $sum (local.get 0) (local.get 1)) (i32.const 1))))""")
module = Module(wasm_bytes)


def sum(x: int, y: int) -> int:
    return x + y


import_object = module.generate_import_object()
import_object.extend({"env": {"sum": sum}})
instance = module.instantiate(import_object)
print(instance.exports.sum_plus_one(1, 2))  # 4
