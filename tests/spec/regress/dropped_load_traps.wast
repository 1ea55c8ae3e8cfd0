;; A load whose value is dropped must still trap out of bounds; LLVM
;; instruction selection deleted such unused loads even at -O0.
(module
  (memory 1)
  (func (export "i32") (param i32) (drop (i32.load (local.get 0))))
  (func (export "i64.8u") (param i32) (drop (i64.load8_u offset=65535 (local.get 0))))
  (func (export "f64") (param i32) (drop (f64.load (local.get 0)))))
(assert_trap (invoke "i32" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "i32" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "i64.8u" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "f64" (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "i32" (i32.const 65532)))
(assert_return (invoke "i64.8u" (i32.const 0)))
