;; call_indirect through a table whose contents are known when compiling
;; (private, written only by its active segments) becomes a switch of
;; direct calls from -O1 on (compiler/codegen_known_table.c). Every case
;; must behave as the generic path does: results, the three traps and
;; their order, entries written twice, imported targets, multi-value, and
;; tables that only look known (written by table.set, table.copy,
;; table.init, table.fill, table.grow, or exported and written by
;; another module) must see their writes.

(module $host
  (func (export "seven") (result i32) (i32.const 7))
  (func (export "neg") (param i32) (result i32)
    (i32.sub (i32.const 0) (local.get 0))))
(register "host")

(module
  (type $r (func (result i32)))
  (type $ii (func (param i32) (result i32)))
  (type $r2 (func (param i32 i64) (result i64 i32)))
  (type $v (func))
  (import "host" "seven" (func $seven (type $r)))
  (import "host" "neg" (func $neg (type $ii)))
  (table 9 9 funcref)
  ;; the second segment overwrites entry 2, the third writes entry 6 as
  ;; null; entry 8 is never written
  (elem (i32.const 0) func $one $two $three $seven $twice)
  (elem (i32.const 2) func $neg)
  (elem (i32.const 5) funcref (ref.func $swap) (ref.null func))
  (elem (i32.const 7) func $one)
  (global $count (mut i32) (i32.const 0))
  (func $one (type $r) (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.const 1))
  (func $two (type $r) (i32.const 2))
  (func $three (type $r) (i32.const 3))
  (func $twice (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $swap (type $r2) (i64.add (local.get 1) (i64.const 1)) (local.get 0))
  (func (export "r") (param i32) (result i32)
    (call_indirect (type $r) (local.get 0)))
  (func (export "ii") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "r2") (param i32 i32 i64) (result i64 i32)
    (call_indirect (type $r2) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "v") (param i32)
    (call_indirect (type $v) (local.get 0)))
  ;; the call sits in a loop and its result feeds the next index
  (func (export "chain") (param i32 i32) (result i32) (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2)
        (call_indirect (type $r) (i32.and (local.get 0) (i32.const 1)))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
    (local.get 2))
  (func (export "count") (result i32) (global.get $count)))

(assert_return (invoke "r" (i32.const 0)) (i32.const 1))
(assert_return (invoke "r" (i32.const 1)) (i32.const 2))
(assert_return (invoke "r" (i32.const 7)) (i32.const 1))
(assert_return (invoke "count") (i32.const 2))
(assert_return (invoke "r" (i32.const 3)) (i32.const 7))
(assert_return (invoke "ii" (i32.const 2) (i32.const 5)) (i32.const -5))
(assert_return (invoke "ii" (i32.const 4) (i32.const 21)) (i32.const 42))
(assert_return (invoke "r2" (i32.const 5) (i32.const 9) (i64.const 41))
  (i64.const 42) (i32.const 9))
(assert_return (invoke "chain" (i32.const 0) (i32.const 10)) (i32.const 15))
(assert_trap (invoke "r" (i32.const 2)) "indirect call type mismatch")
(assert_trap (invoke "r" (i32.const 4)) "indirect call type mismatch")
(assert_trap (invoke "ii" (i32.const 0) (i32.const 0)) "indirect call type mismatch")
(assert_trap (invoke "r" (i32.const 5)) "indirect call type mismatch")
(assert_trap (invoke "r" (i32.const 6)) "uninitialized element 6")
(assert_trap (invoke "r" (i32.const 8)) "uninitialized element 8")
(assert_trap (invoke "r" (i32.const 9)) "undefined element")
(assert_trap (invoke "r" (i32.const -1)) "undefined element")
;; no entry has type $v: the generic path
(assert_trap (invoke "v" (i32.const 0)) "indirect call type mismatch")
(assert_trap (invoke "v" (i32.const 6)) "uninitialized element 6")
(assert_trap (invoke "v" (i32.const 9)) "undefined element")

;; Written by the module itself: each write is seen.
(module
  (type $r (func (result i32)))
  (table $t 4 funcref)
  (table $u 4 funcref)
  (elem (table $t) (i32.const 0) func $one $two)
  (elem (table $u) (i32.const 0) func $two $two $two $two)
  (elem $late func $three)
  (func $one (type $r) (i32.const 1))
  (func $two (type $r) (i32.const 2))
  (func $three (type $r) (i32.const 3))
  (func (export "t") (param i32) (result i32)
    (call_indirect $t (type $r) (local.get 0)))
  (func (export "u") (param i32) (result i32)
    (call_indirect $u (type $r) (local.get 0)))
  (func (export "set") (param i32)
    (table.set $t (local.get 0) (ref.func $three)))
  (func (export "copy") (table.copy $u $t (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "init") (table.init $u $late (i32.const 3) (i32.const 0) (i32.const 1)))
  (func (export "fill") (table.fill $t (i32.const 1) (ref.null func) (i32.const 1))))
(assert_return (invoke "t" (i32.const 0)) (i32.const 1))
(assert_return (invoke "u" (i32.const 0)) (i32.const 2))
(assert_return (invoke "set" (i32.const 0)))
(assert_return (invoke "t" (i32.const 0)) (i32.const 3))
(assert_return (invoke "copy"))
(assert_return (invoke "u" (i32.const 0)) (i32.const 3))
(assert_return (invoke "init"))
(assert_return (invoke "u" (i32.const 3)) (i32.const 3))
(assert_return (invoke "fill"))
(assert_trap (invoke "t" (i32.const 1)) "uninitialized element 1")

(module
  (type $r (func (result i32)))
  (table $t 2 10 funcref)
  (elem (i32.const 0) func $one $one)
  (func $one (type $r) (i32.const 1))
  (func (export "t") (param i32) (result i32)
    (call_indirect $t (type $r) (local.get 0)))
  (func (export "grow") (result i32)
    (table.grow $t (ref.func $one) (i32.const 3))))
(assert_trap (invoke "t" (i32.const 2)) "undefined element")
(assert_return (invoke "grow") (i32.const 2))
(assert_return (invoke "t" (i32.const 4)) (i32.const 1))

;; Exported, and written by another module: the write is seen.
(module $owner
  (type $r (func (result i32)))
  (table (export "tab") 2 funcref)
  (elem (i32.const 0) func $one)
  (func $one (type $r) (i32.const 1))
  (func (export "t") (param i32) (result i32)
    (call_indirect (type $r) (local.get 0))))
(register "owner" $owner)
(assert_trap (invoke $owner "t" (i32.const 1)) "uninitialized element 1")
(module
  (type $r (func (result i32)))
  (import "owner" "tab" (table 2 funcref))
  (func $nine (type $r) (i32.const 9))
  (elem (i32.const 1) func $nine))
(assert_return (invoke $owner "t" (i32.const 1)) (i32.const 9))
