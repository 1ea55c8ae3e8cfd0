;; call_indirect through a null entry traps "uninitialized element N", the
;; reference interpreter's wording with the index (bulk.wast checks it).
(module
  (type $r (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 1) func $one)
  (func $one (result i32) (i32.const 1))
  (func (export "call") (param i32) (result i32)
    (call_indirect (type $r) (local.get 0))))
(assert_return (invoke "call" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element 2")
(assert_trap (invoke "call" (i32.const 0)) "uninitialized element 0")
(assert_trap (invoke "call" (i32.const 4)) "undefined element")
