;; Exercises every instruction family the code generator handles; each
;; export is checked by test_codegen.c.
(module
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
  (import "env" "host_fail" (func $host_fail))
  (type $ii_i (func (param i32 i32) (result i32)))
  (type $v_i (func (result i32)))
  (memory 1 3)
  (table $t 4 8 funcref)
  (global $g (mut i32) (i32.const 5))
  (global $c i64 (i64.const 42))
  (elem (i32.const 0) $add $sub $const7)
  ;; min = max: a fixed-size table, whose size codegen takes from the type
  (table $fixed 3 3 funcref)
  (elem (table $fixed) (i32.const 0) func $add $sub $const7)
  (data (i32.const 16) "\01\02\03\04\ff\fe")

  (func $add (type $ii_i) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $ii_i) (i32.sub (local.get 0) (local.get 1)))
  (func $const7 (type $v_i) (i32.const 7))

  ;; integers
  (func (export "i32.div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "i32.div_u") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  (func (export "i32.rem_s") (param i32 i32) (result i32)
    (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "i64.div_s") (param i64 i64) (result i64)
    (i64.div_s (local.get 0) (local.get 1)))
  (func (export "i64.rem_s") (param i64 i64) (result i64)
    (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "i64.rem_u") (param i64 i64) (result i64)
    (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "i32.shl") (param i32 i32) (result i32)
    (i32.shl (local.get 0) (local.get 1)))
  (func (export "i32.shr_s") (param i32 i32) (result i32)
    (i32.shr_s (local.get 0) (local.get 1)))
  (func (export "i64.shr_u") (param i64 i64) (result i64)
    (i64.shr_u (local.get 0) (local.get 1)))
  (func (export "i32.rotl") (param i32 i32) (result i32)
    (i32.rotl (local.get 0) (local.get 1)))
  (func (export "i64.rotr") (param i64 i64) (result i64)
    (i64.rotr (local.get 0) (local.get 1)))
  (func (export "i32.clz") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "i32.ctz") (param i32) (result i32) (i32.ctz (local.get 0)))
  (func (export "i64.popcnt") (param i64) (result i64)
    (i64.popcnt (local.get 0)))
  (func (export "i64.extend8_s") (param i64) (result i64)
    (i64.extend8_s (local.get 0)))
  (func (export "i64.extend_i32_u") (param i32) (result i64)
    (i64.extend_i32_u (local.get 0)))
  (func (export "i32.lt_s") (param i32 i32) (result i32)
    (i32.lt_s (local.get 0) (local.get 1)))
  (func (export "i64.ge_u") (param i64 i64) (result i32)
    (i64.ge_u (local.get 0) (local.get 1)))

  ;; floats
  (func (export "f32.min") (param f32 f32) (result f32)
    (f32.min (local.get 0) (local.get 1)))
  (func (export "f64.max") (param f64 f64) (result f64)
    (f64.max (local.get 0) (local.get 1)))
  (func (export "f64.nearest") (param f64) (result f64)
    (f64.nearest (local.get 0)))
  (func (export "f32.ceil") (param f32) (result f32) (f32.ceil (local.get 0)))
  (func (export "f64.floor") (param f64) (result f64)
    (f64.floor (local.get 0)))
  (func (export "f32.trunc") (param f32) (result f32)
    (f32.trunc (local.get 0)))
  (func (export "f64.copysign") (param f64 f64) (result f64)
    (f64.copysign (local.get 0) (local.get 1)))
  (func (export "f32.sqrt") (param f32) (result f32) (f32.sqrt (local.get 0)))
  (func (export "f64.ne") (param f64 f64) (result i32)
    (f64.ne (local.get 0) (local.get 1)))

  ;; conversions
  (func (export "i32.trunc_f32_s") (param f32) (result i32)
    (i32.trunc_f32_s (local.get 0)))
  (func (export "i32.trunc_f64_s") (param f64) (result i32)
    (i32.trunc_f64_s (local.get 0)))
  (func (export "i32.trunc_f64_u") (param f64) (result i32)
    (i32.trunc_f64_u (local.get 0)))
  (func (export "i64.trunc_f64_u") (param f64) (result i64)
    (i64.trunc_f64_u (local.get 0)))
  (func (export "i32.trunc_sat_f32_s") (param f32) (result i32)
    (i32.trunc_sat_f32_s (local.get 0)))
  (func (export "i64.trunc_sat_f64_u") (param f64) (result i64)
    (i64.trunc_sat_f64_u (local.get 0)))
  (func (export "f32.convert_i64_u") (param i64) (result f32)
    (f32.convert_i64_u (local.get 0)))
  (func (export "f64.reinterpret_i64") (param i64) (result f64)
    (f64.reinterpret_i64 (local.get 0)))
  (func (export "f32.demote_f64") (param f64) (result f32)
    (f32.demote_f64 (local.get 0)))

  ;; control
  (func $multi (export "multi") (param i32) (result i32 i64 f64)
    (local.get 0) (i64.extend_i32_s (i32.mul (local.get 0) (i32.const -2)))
    (f64.const 1.5))
  (func (export "call_multi") (result i32)
    (call $multi (i32.const 3))
    (drop) (drop))
  (func (export "block_params") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32) (i32.sub))
    (i32.const 100)
    (if (param i32 i32) (result i32) (local.get 0)
      (then (i32.add)) (else (i32.mul))))
  (func (export "br_table") (param i32) (result i32)
    (block $d (block $2 (block $1 (block $0
      (br_table $0 $1 $2 $1 $d (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 11)))
      (return (i32.const 12)))
    (i32.const 99))
  (func (export "sum_to") (param i32) (result i64) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $acc (i64.add (local.get $acc)
                                 (i64.extend_i32_u (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "select") (param i32 i64 i64) (result i64)
    (select (local.get 1) (local.get 2) (local.get 0)))
  (func (export "dead_code") (param i32) (result i32)
    (block (result i32)
      (br 0 (local.get 0))
      (i32.add) (unreachable) (block (loop (br 1))) (drop)))
  (func (export "unreachable") (unreachable))
  (func $deep (export "recurse") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "br_if_value") (param i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 7) (local.get 0)))
      (i32.const 8)))

  ;; calls
  (func (export "call_indirect") (param i32 i32 i32) (result i32)
    (call_indirect (type $ii_i) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "call_fixed") (param i32 i32 i32) (result i32)
    (call_indirect $fixed (type $ii_i)
      (local.get 1) (local.get 2) (local.get 0)))
  (func (export "fixed_size") (result i32) (table.size $fixed))
  ;; acc = f(acc, i) for i = n-1 down to 0, f = entry idx of the table: in a
  ;; loop, from which LLVM hoists what it can of the table's fields
  (func (export "call_loop") (param $idx i32) (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $acc (call_indirect $t (type $ii_i)
          (local.get $acc) (local.get $n) (local.get $idx)))
        (br $l)))
    (local.get $acc))
  (func (export "call_fixed_loop") (param $idx i32) (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $acc (call_indirect $fixed (type $ii_i)
          (local.get $acc) (local.get $n) (local.get $idx)))
        (br $l)))
    (local.get $acc))
  (func (export "call_host") (param i32 i32) (result i32)
    (call $host_add (local.get 0) (local.get 1)))
  (func (export "call_host_fail") (call $host_fail))

  ;; memory
  (func (export "load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "load16_u") (param i32) (result i32)
    (i32.load16_u offset=1 (local.get 0)))
  (func (export "load_i32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store_load_i64") (param i32 i64) (result i64)
    (i64.store offset=3 (local.get 0) (local.get 1))
    (i64.load offset=3 (local.get 0)))
  (func (export "store16") (param i32 i32)
    (i32.store16 (local.get 0) (local.get 1)))
  ;; two adjacent byte stores; at -O0 the first is kept when the second
  ;; traps (README: memory after a trap; -O2 may merge them)
  (func (export "store_pair") (param i32)
    (i32.store8 (local.get 0) (i32.const 7))
    (i32.store8 offset=1 (local.get 0) (i32.const 9)))
  ;; i32 address arithmetic wraps (p = -8 reads address 0); after an access
  ;; at p it cannot (compiler/codegen_nowrap.c marks p + 4 nuw)
  (func (export "wrap_load") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 8))))
  (func (export "pair_sum") (param i32) (result i32)
    (i32.add (i32.load (local.get 0))
             (i32.load (i32.add (local.get 0) (i32.const 4)))))
  ;; loads whose values nothing uses still trap (codegen_keep_loads.c)
  (func (export "dead_local") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (i32.const 7))
  (func (export "dead_sum") (param i32) (result i32)
    (drop (i32.add (i32.load8_u (local.get 0)) (i32.const 1)))
    (i32.const 8))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))

  ;; loops compiler/codegen_version.c versions (a fast copy that runs when
  ;; the written range is apart from the others); test_codegen compares
  ;; them with C on overlapping and disjoint ranges.
  ;; dst[i] += 3 * src[i] (f64), two per iteration, n counted down by 2:
  ;; clang's shape of an unrolled loop
  (func $axpy2 (export "axpy2") (param $dst i32) (param $src i32) (param $n i32)
    (local $k f64)
    (local.set $k (f64.const 3))
    (loop $l
      (f64.store (local.get $dst)
        (f64.add (f64.load (local.get $dst))
                 (f64.mul (local.get $k) (f64.load (local.get $src)))))
      (f64.store offset=8 (local.get $dst)
        (f64.add (f64.load offset=8 (local.get $dst))
                 (f64.mul (local.get $k) (f64.load offset=8 (local.get $src)))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -2))))))
  ;; dst[i] = src[i] + 1 (bytes), i counted up to n
  (func (export "copy_inc") (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store8 (local.get $dst)
        (i32.add (i32.load8_u (local.get $src)) (i32.const 1)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (local.get $n)))))
  ;; dst[i] += src[i] (i32 pairs), n counted down, every address an
  ;; i32.add (clang's shape when it cannot prove a field offset in range):
  ;; the fast copy's adds are nuw, so the constants fold into addresses
  (func $add_pairs (export "add_pairs")
    (param $dst i32) (param $src i32) (param $n i32)
    (loop $l
      (i32.store (i32.add (local.get $dst) (i32.const 8))
        (i32.add (i32.load (i32.add (local.get $dst) (i32.const 8)))
                 (i32.load (i32.add (local.get $src) (i32.const 8)))))
      (i32.store (i32.add (local.get $dst) (i32.const 12))
        (i32.add (i32.load (i32.add (local.get $dst) (i32.const 12)))
                 (i32.load (i32.add (local.get $src) (i32.const 12)))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
      (local.set $src (i32.add (local.get $src) (i32.const 8)))
      (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1))))))
  ;; dst[-i] = src[-i] (i32 words, from offset 4 down), n counted down
  (func (export "copy_back") (param $dst i32) (param $src i32) (param $n i32)
    (loop $l
      (i32.store offset=4 (local.get $dst) (i32.load offset=4 (local.get $src)))
      (local.set $dst (i32.sub (local.get $dst) (i32.const 4)))
      (local.set $src (i32.sub (local.get $src) (i32.const 4)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; globals, tables, references
  (func (export "inc_global") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g))
  (func (export "get_const") (result i64) (global.get $c))
  (func (export "table_ops") (result i32)
    (table.set $t (i32.const 3) (ref.func $add))
    (i32.add (table.size $t)
      (i32.mul (i32.const 10)
        (ref.is_null (table.get $t (i32.const 3))))))
  (func (export "table_get_oob") (result i32)
    (ref.is_null (table.get $t (i32.const 100))))
  ;; ChaCha20 block (RFC 8439 2.3) in place on 16 words at $p: 32 rotates,
  ;; 16 of them by 12 or 7, so the code generator keeps it scalar.
  (func (export "chacha20_block") (param $p i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local $x8 i32) (local $x9 i32) (local $x10 i32) (local $x11 i32)
    (local $x12 i32) (local $x13 i32) (local $x14 i32) (local $x15 i32)
    (local $round i32)
    (local.set $x0 (i32.load offset=0 (local.get $p)))
    (local.set $x1 (i32.load offset=4 (local.get $p)))
    (local.set $x2 (i32.load offset=8 (local.get $p)))
    (local.set $x3 (i32.load offset=12 (local.get $p)))
    (local.set $x4 (i32.load offset=16 (local.get $p)))
    (local.set $x5 (i32.load offset=20 (local.get $p)))
    (local.set $x6 (i32.load offset=24 (local.get $p)))
    (local.set $x7 (i32.load offset=28 (local.get $p)))
    (local.set $x8 (i32.load offset=32 (local.get $p)))
    (local.set $x9 (i32.load offset=36 (local.get $p)))
    (local.set $x10 (i32.load offset=40 (local.get $p)))
    (local.set $x11 (i32.load offset=44 (local.get $p)))
    (local.set $x12 (i32.load offset=48 (local.get $p)))
    (local.set $x13 (i32.load offset=52 (local.get $p)))
    (local.set $x14 (i32.load offset=56 (local.get $p)))
    (local.set $x15 (i32.load offset=60 (local.get $p)))
    (local.set $round (i32.const 10))
    (loop $rounds
      (local.set $x0 (i32.add (local.get $x0) (local.get $x4)))
      (local.set $x12 (i32.rotl (i32.xor (local.get $x12) (local.get $x0)) (i32.const 16)))
      (local.set $x8 (i32.add (local.get $x8) (local.get $x12)))
      (local.set $x4 (i32.rotl (i32.xor (local.get $x4) (local.get $x8)) (i32.const 12)))
      (local.set $x0 (i32.add (local.get $x0) (local.get $x4)))
      (local.set $x12 (i32.rotl (i32.xor (local.get $x12) (local.get $x0)) (i32.const 8)))
      (local.set $x8 (i32.add (local.get $x8) (local.get $x12)))
      (local.set $x4 (i32.rotl (i32.xor (local.get $x4) (local.get $x8)) (i32.const 7)))
      (local.set $x1 (i32.add (local.get $x1) (local.get $x5)))
      (local.set $x13 (i32.rotl (i32.xor (local.get $x13) (local.get $x1)) (i32.const 16)))
      (local.set $x9 (i32.add (local.get $x9) (local.get $x13)))
      (local.set $x5 (i32.rotl (i32.xor (local.get $x5) (local.get $x9)) (i32.const 12)))
      (local.set $x1 (i32.add (local.get $x1) (local.get $x5)))
      (local.set $x13 (i32.rotl (i32.xor (local.get $x13) (local.get $x1)) (i32.const 8)))
      (local.set $x9 (i32.add (local.get $x9) (local.get $x13)))
      (local.set $x5 (i32.rotl (i32.xor (local.get $x5) (local.get $x9)) (i32.const 7)))
      (local.set $x2 (i32.add (local.get $x2) (local.get $x6)))
      (local.set $x14 (i32.rotl (i32.xor (local.get $x14) (local.get $x2)) (i32.const 16)))
      (local.set $x10 (i32.add (local.get $x10) (local.get $x14)))
      (local.set $x6 (i32.rotl (i32.xor (local.get $x6) (local.get $x10)) (i32.const 12)))
      (local.set $x2 (i32.add (local.get $x2) (local.get $x6)))
      (local.set $x14 (i32.rotl (i32.xor (local.get $x14) (local.get $x2)) (i32.const 8)))
      (local.set $x10 (i32.add (local.get $x10) (local.get $x14)))
      (local.set $x6 (i32.rotl (i32.xor (local.get $x6) (local.get $x10)) (i32.const 7)))
      (local.set $x3 (i32.add (local.get $x3) (local.get $x7)))
      (local.set $x15 (i32.rotl (i32.xor (local.get $x15) (local.get $x3)) (i32.const 16)))
      (local.set $x11 (i32.add (local.get $x11) (local.get $x15)))
      (local.set $x7 (i32.rotl (i32.xor (local.get $x7) (local.get $x11)) (i32.const 12)))
      (local.set $x3 (i32.add (local.get $x3) (local.get $x7)))
      (local.set $x15 (i32.rotl (i32.xor (local.get $x15) (local.get $x3)) (i32.const 8)))
      (local.set $x11 (i32.add (local.get $x11) (local.get $x15)))
      (local.set $x7 (i32.rotl (i32.xor (local.get $x7) (local.get $x11)) (i32.const 7)))
      (local.set $x0 (i32.add (local.get $x0) (local.get $x5)))
      (local.set $x15 (i32.rotl (i32.xor (local.get $x15) (local.get $x0)) (i32.const 16)))
      (local.set $x10 (i32.add (local.get $x10) (local.get $x15)))
      (local.set $x5 (i32.rotl (i32.xor (local.get $x5) (local.get $x10)) (i32.const 12)))
      (local.set $x0 (i32.add (local.get $x0) (local.get $x5)))
      (local.set $x15 (i32.rotl (i32.xor (local.get $x15) (local.get $x0)) (i32.const 8)))
      (local.set $x10 (i32.add (local.get $x10) (local.get $x15)))
      (local.set $x5 (i32.rotl (i32.xor (local.get $x5) (local.get $x10)) (i32.const 7)))
      (local.set $x1 (i32.add (local.get $x1) (local.get $x6)))
      (local.set $x12 (i32.rotl (i32.xor (local.get $x12) (local.get $x1)) (i32.const 16)))
      (local.set $x11 (i32.add (local.get $x11) (local.get $x12)))
      (local.set $x6 (i32.rotl (i32.xor (local.get $x6) (local.get $x11)) (i32.const 12)))
      (local.set $x1 (i32.add (local.get $x1) (local.get $x6)))
      (local.set $x12 (i32.rotl (i32.xor (local.get $x12) (local.get $x1)) (i32.const 8)))
      (local.set $x11 (i32.add (local.get $x11) (local.get $x12)))
      (local.set $x6 (i32.rotl (i32.xor (local.get $x6) (local.get $x11)) (i32.const 7)))
      (local.set $x2 (i32.add (local.get $x2) (local.get $x7)))
      (local.set $x13 (i32.rotl (i32.xor (local.get $x13) (local.get $x2)) (i32.const 16)))
      (local.set $x8 (i32.add (local.get $x8) (local.get $x13)))
      (local.set $x7 (i32.rotl (i32.xor (local.get $x7) (local.get $x8)) (i32.const 12)))
      (local.set $x2 (i32.add (local.get $x2) (local.get $x7)))
      (local.set $x13 (i32.rotl (i32.xor (local.get $x13) (local.get $x2)) (i32.const 8)))
      (local.set $x8 (i32.add (local.get $x8) (local.get $x13)))
      (local.set $x7 (i32.rotl (i32.xor (local.get $x7) (local.get $x8)) (i32.const 7)))
      (local.set $x3 (i32.add (local.get $x3) (local.get $x4)))
      (local.set $x14 (i32.rotl (i32.xor (local.get $x14) (local.get $x3)) (i32.const 16)))
      (local.set $x9 (i32.add (local.get $x9) (local.get $x14)))
      (local.set $x4 (i32.rotl (i32.xor (local.get $x4) (local.get $x9)) (i32.const 12)))
      (local.set $x3 (i32.add (local.get $x3) (local.get $x4)))
      (local.set $x14 (i32.rotl (i32.xor (local.get $x14) (local.get $x3)) (i32.const 8)))
      (local.set $x9 (i32.add (local.get $x9) (local.get $x14)))
      (local.set $x4 (i32.rotl (i32.xor (local.get $x4) (local.get $x9)) (i32.const 7)))
      (local.set $round (i32.sub (local.get $round) (i32.const 1)))
      (br_if $rounds (local.get $round)))
    (i32.store offset=0 (local.get $p)
      (i32.add (local.get $x0) (i32.load offset=0 (local.get $p))))
    (i32.store offset=4 (local.get $p)
      (i32.add (local.get $x1) (i32.load offset=4 (local.get $p))))
    (i32.store offset=8 (local.get $p)
      (i32.add (local.get $x2) (i32.load offset=8 (local.get $p))))
    (i32.store offset=12 (local.get $p)
      (i32.add (local.get $x3) (i32.load offset=12 (local.get $p))))
    (i32.store offset=16 (local.get $p)
      (i32.add (local.get $x4) (i32.load offset=16 (local.get $p))))
    (i32.store offset=20 (local.get $p)
      (i32.add (local.get $x5) (i32.load offset=20 (local.get $p))))
    (i32.store offset=24 (local.get $p)
      (i32.add (local.get $x6) (i32.load offset=24 (local.get $p))))
    (i32.store offset=28 (local.get $p)
      (i32.add (local.get $x7) (i32.load offset=28 (local.get $p))))
    (i32.store offset=32 (local.get $p)
      (i32.add (local.get $x8) (i32.load offset=32 (local.get $p))))
    (i32.store offset=36 (local.get $p)
      (i32.add (local.get $x9) (i32.load offset=36 (local.get $p))))
    (i32.store offset=40 (local.get $p)
      (i32.add (local.get $x10) (i32.load offset=40 (local.get $p))))
    (i32.store offset=44 (local.get $p)
      (i32.add (local.get $x11) (i32.load offset=44 (local.get $p))))
    (i32.store offset=48 (local.get $p)
      (i32.add (local.get $x12) (i32.load offset=48 (local.get $p))))
    (i32.store offset=52 (local.get $p)
      (i32.add (local.get $x13) (i32.load offset=52 (local.get $p))))
    (i32.store offset=56 (local.get $p)
      (i32.add (local.get $x14) (i32.load offset=56 (local.get $p))))
    (i32.store offset=60 (local.get $p)
      (i32.add (local.get $x15) (i32.load offset=60 (local.get $p))))
  )
  ;; A dense br_table selecting constants, with holes (k % 5 == 3) and a
  ;; default that computes: LLVM keeps it a jump table, codegen_switch.c
  ;; makes it table loads. x == 0 branches straight to $done.
  (func (export "switch_table") (param $x i32) (result i32)
    (local $v i32)
    (local.set $v (i32.const 1000))
    (block $done
      (block $default
        (block $c79
        (block $c77
        (block $c76
        (block $c75
        (block $c74
        (block $c72
        (block $c71
        (block $c70
        (block $c69
        (block $c67
        (block $c66
        (block $c65
        (block $c64
        (block $c62
        (block $c61
        (block $c60
        (block $c59
        (block $c57
        (block $c56
        (block $c55
        (block $c54
        (block $c52
        (block $c51
        (block $c50
        (block $c49
        (block $c47
        (block $c46
        (block $c45
        (block $c44
        (block $c42
        (block $c41
        (block $c40
        (block $c39
        (block $c37
        (block $c36
        (block $c35
        (block $c34
        (block $c32
        (block $c31
        (block $c30
        (block $c29
        (block $c27
        (block $c26
        (block $c25
        (block $c24
        (block $c22
        (block $c21
        (block $c20
        (block $c19
        (block $c17
        (block $c16
        (block $c15
        (block $c14
        (block $c12
        (block $c11
        (block $c10
        (block $c9
        (block $c7
        (block $c6
        (block $c5
        (block $c4
        (block $c2
        (block $c1
          (br_table $done $c1 $c2 $default $c4 $c5 $c6 $c7 $default $c9 $c10
            $c11 $c12 $default $c14 $c15 $c16 $c17 $default $c19 $c20 $c21
            $c22 $default $c24 $c25 $c26 $c27 $default $c29 $c30 $c31 $c32
            $default $c34 $c35 $c36 $c37 $default $c39 $c40 $c41 $c42 $default
            $c44 $c45 $c46 $c47 $default $c49 $c50 $c51 $c52 $default $c54
            $c55 $c56 $c57 $default $c59 $c60 $c61 $c62 $default $c64 $c65
            $c66 $c67 $default $c69 $c70 $c71 $c72 $default $c74 $c75 $c76
            $c77 $default $c79 $default
            (local.get $x))
        ) (local.set $v (i32.const 20)) (br $done)
        ) (local.set $v (i32.const 41)) (br $done)
        ) (local.set $v (i32.const 125)) (br $done)
        ) (local.set $v (i32.const 188)) (br $done)
        ) (local.set $v (i32.const 265)) (br $done)
        ) (local.set $v (i32.const 356)) (br $done)
        ) (local.set $v (i32.const 580)) (br $done)
        ) (local.set $v (i32.const 713)) (br $done)
        ) (local.set $v (i32.const 860)) (br $done)
        ) (local.set $v (i32.const 1021)) (br $done)
        ) (local.set $v (i32.const 1385)) (br $done)
        ) (local.set $v (i32.const 1588)) (br $done)
        ) (local.set $v (i32.const 1805)) (br $done)
        ) (local.set $v (i32.const 2036)) (br $done)
        ) (local.set $v (i32.const 2540)) (br $done)
        ) (local.set $v (i32.const 2813)) (br $done)
        ) (local.set $v (i32.const 3100)) (br $done)
        ) (local.set $v (i32.const 3401)) (br $done)
        ) (local.set $v (i32.const 4045)) (br $done)
        ) (local.set $v (i32.const 4388)) (br $done)
        ) (local.set $v (i32.const 4745)) (br $done)
        ) (local.set $v (i32.const 5116)) (br $done)
        ) (local.set $v (i32.const 5900)) (br $done)
        ) (local.set $v (i32.const 6313)) (br $done)
        ) (local.set $v (i32.const 6740)) (br $done)
        ) (local.set $v (i32.const 7181)) (br $done)
        ) (local.set $v (i32.const 8105)) (br $done)
        ) (local.set $v (i32.const 8588)) (br $done)
        ) (local.set $v (i32.const 9085)) (br $done)
        ) (local.set $v (i32.const 9596)) (br $done)
        ) (local.set $v (i32.const 10660)) (br $done)
        ) (local.set $v (i32.const 11213)) (br $done)
        ) (local.set $v (i32.const 11780)) (br $done)
        ) (local.set $v (i32.const 12361)) (br $done)
        ) (local.set $v (i32.const 13565)) (br $done)
        ) (local.set $v (i32.const 14188)) (br $done)
        ) (local.set $v (i32.const 14825)) (br $done)
        ) (local.set $v (i32.const 15476)) (br $done)
        ) (local.set $v (i32.const 16820)) (br $done)
        ) (local.set $v (i32.const 17513)) (br $done)
        ) (local.set $v (i32.const 18220)) (br $done)
        ) (local.set $v (i32.const 18941)) (br $done)
        ) (local.set $v (i32.const 20425)) (br $done)
        ) (local.set $v (i32.const 21188)) (br $done)
        ) (local.set $v (i32.const 21965)) (br $done)
        ) (local.set $v (i32.const 22756)) (br $done)
        ) (local.set $v (i32.const 24380)) (br $done)
        ) (local.set $v (i32.const 25213)) (br $done)
        ) (local.set $v (i32.const 26060)) (br $done)
        ) (local.set $v (i32.const 26921)) (br $done)
        ) (local.set $v (i32.const 28685)) (br $done)
        ) (local.set $v (i32.const 29588)) (br $done)
        ) (local.set $v (i32.const 30505)) (br $done)
        ) (local.set $v (i32.const 31436)) (br $done)
        ) (local.set $v (i32.const 33340)) (br $done)
        ) (local.set $v (i32.const 34313)) (br $done)
        ) (local.set $v (i32.const 35300)) (br $done)
        ) (local.set $v (i32.const 36301)) (br $done)
        ) (local.set $v (i32.const 38345)) (br $done)
        ) (local.set $v (i32.const 39388)) (br $done)
        ) (local.set $v (i32.const 40445)) (br $done)
        ) (local.set $v (i32.const 41516)) (br $done)
        ) (local.set $v (i32.const 43700)) (br $done)
      )
      (return (i32.mul (local.get $x) (i32.const -3))))
    (local.get $v))
  ;; Two selected values (i32 and f64), a selector offset by 1000, cases
  ;; sharing a target (k % 7 == 0 -> case 1), holes (k % 4 == 2) and a
  ;; default that joins the cases with a non-constant value.
  (func (export "switch_pair") (param $x i32) (result f64)
    (local $a i32) (local $b f64)
    (local.set $a (i32.const 7))
    (local.set $b (f64.const 0.5))
    (block $done
      (block $default
        (block $c99
        (block $c97
        (block $c96
        (block $c95
        (block $c93
        (block $c92
        (block $c89
        (block $c88
        (block $c87
        (block $c85
        (block $c83
        (block $c81
        (block $c80
        (block $c79
        (block $c76
        (block $c75
        (block $c73
        (block $c72
        (block $c71
        (block $c69
        (block $c68
        (block $c67
        (block $c65
        (block $c64
        (block $c61
        (block $c60
        (block $c59
        (block $c57
        (block $c55
        (block $c53
        (block $c52
        (block $c51
        (block $c48
        (block $c47
        (block $c45
        (block $c44
        (block $c43
        (block $c41
        (block $c40
        (block $c39
        (block $c37
        (block $c36
        (block $c33
        (block $c32
        (block $c31
        (block $c29
        (block $c27
        (block $c25
        (block $c24
        (block $c23
        (block $c20
        (block $c19
        (block $c17
        (block $c16
        (block $c15
        (block $c13
        (block $c12
        (block $c11
        (block $c9
        (block $c8
        (block $c5
        (block $c4
        (block $c3
        (block $c1
          (br_table $done $c1 $default $c3 $c4 $c5 $default $c1 $c8 $c9
            $default $c11 $c12 $c13 $default $c15 $c16 $c17 $default $c19 $c20
            $c1 $default $c23 $c24 $c25 $default $c27 $c1 $c29 $default $c31
            $c32 $c33 $default $c1 $c36 $c37 $default $c39 $c40 $c41 $default
            $c43 $c44 $c45 $default $c47 $c48 $c1 $default $c51 $c52 $c53
            $default $c55 $c1 $c57 $default $c59 $c60 $c61 $default $c1 $c64
            $c65 $default $c67 $c68 $c69 $default $c71 $c72 $c73 $default $c75
            $c76 $c1 $default $c79 $c80 $c81 $default $c83 $c1 $c85 $default
            $c87 $c88 $c89 $default $c1 $c92 $c93 $default $c95 $c96 $c97
            $default $c99 $default
            (i32.sub (local.get $x) (i32.const 1000)))
        ) (local.set $a (i32.const 4)) (local.set $b (f64.const 0.25))
          (br $done)
        ) (local.set $a (i32.const 10)) (local.set $b (f64.const 0.75))
          (br $done)
        ) (local.set $a (i32.const 13)) (local.set $b (f64.const 1.0))
          (br $done)
        ) (local.set $a (i32.const 16)) (local.set $b (f64.const 1.25))
          (br $done)
        ) (local.set $a (i32.const 25)) (local.set $b (f64.const 2.0))
          (br $done)
        ) (local.set $a (i32.const 28)) (local.set $b (f64.const 2.25))
          (br $done)
        ) (local.set $a (i32.const 34)) (local.set $b (f64.const 2.75))
          (br $done)
        ) (local.set $a (i32.const 37)) (local.set $b (f64.const 3.0))
          (br $done)
        ) (local.set $a (i32.const 40)) (local.set $b (f64.const 3.25))
          (br $done)
        ) (local.set $a (i32.const 46)) (local.set $b (f64.const 3.75))
          (br $done)
        ) (local.set $a (i32.const 49)) (local.set $b (f64.const 4.0))
          (br $done)
        ) (local.set $a (i32.const 52)) (local.set $b (f64.const 4.25))
          (br $done)
        ) (local.set $a (i32.const 58)) (local.set $b (f64.const 4.75))
          (br $done)
        ) (local.set $a (i32.const 61)) (local.set $b (f64.const 5.0))
          (br $done)
        ) (local.set $a (i32.const 70)) (local.set $b (f64.const 5.75))
          (br $done)
        ) (local.set $a (i32.const 73)) (local.set $b (f64.const 6.0))
          (br $done)
        ) (local.set $a (i32.const 76)) (local.set $b (f64.const 6.25))
          (br $done)
        ) (local.set $a (i32.const 82)) (local.set $b (f64.const 6.75))
          (br $done)
        ) (local.set $a (i32.const 88)) (local.set $b (f64.const 7.25))
          (br $done)
        ) (local.set $a (i32.const 94)) (local.set $b (f64.const 7.75))
          (br $done)
        ) (local.set $a (i32.const 97)) (local.set $b (f64.const 8.0))
          (br $done)
        ) (local.set $a (i32.const 100)) (local.set $b (f64.const 8.25))
          (br $done)
        ) (local.set $a (i32.const 109)) (local.set $b (f64.const 9.0))
          (br $done)
        ) (local.set $a (i32.const 112)) (local.set $b (f64.const 9.25))
          (br $done)
        ) (local.set $a (i32.const 118)) (local.set $b (f64.const 9.75))
          (br $done)
        ) (local.set $a (i32.const 121)) (local.set $b (f64.const 10.0))
          (br $done)
        ) (local.set $a (i32.const 124)) (local.set $b (f64.const 10.25))
          (br $done)
        ) (local.set $a (i32.const 130)) (local.set $b (f64.const 10.75))
          (br $done)
        ) (local.set $a (i32.const 133)) (local.set $b (f64.const 11.0))
          (br $done)
        ) (local.set $a (i32.const 136)) (local.set $b (f64.const 11.25))
          (br $done)
        ) (local.set $a (i32.const 142)) (local.set $b (f64.const 11.75))
          (br $done)
        ) (local.set $a (i32.const 145)) (local.set $b (f64.const 12.0))
          (br $done)
        ) (local.set $a (i32.const 154)) (local.set $b (f64.const 12.75))
          (br $done)
        ) (local.set $a (i32.const 157)) (local.set $b (f64.const 13.0))
          (br $done)
        ) (local.set $a (i32.const 160)) (local.set $b (f64.const 13.25))
          (br $done)
        ) (local.set $a (i32.const 166)) (local.set $b (f64.const 13.75))
          (br $done)
        ) (local.set $a (i32.const 172)) (local.set $b (f64.const 14.25))
          (br $done)
        ) (local.set $a (i32.const 178)) (local.set $b (f64.const 14.75))
          (br $done)
        ) (local.set $a (i32.const 181)) (local.set $b (f64.const 15.0))
          (br $done)
        ) (local.set $a (i32.const 184)) (local.set $b (f64.const 15.25))
          (br $done)
        ) (local.set $a (i32.const 193)) (local.set $b (f64.const 16.0))
          (br $done)
        ) (local.set $a (i32.const 196)) (local.set $b (f64.const 16.25))
          (br $done)
        ) (local.set $a (i32.const 202)) (local.set $b (f64.const 16.75))
          (br $done)
        ) (local.set $a (i32.const 205)) (local.set $b (f64.const 17.0))
          (br $done)
        ) (local.set $a (i32.const 208)) (local.set $b (f64.const 17.25))
          (br $done)
        ) (local.set $a (i32.const 214)) (local.set $b (f64.const 17.75))
          (br $done)
        ) (local.set $a (i32.const 217)) (local.set $b (f64.const 18.0))
          (br $done)
        ) (local.set $a (i32.const 220)) (local.set $b (f64.const 18.25))
          (br $done)
        ) (local.set $a (i32.const 226)) (local.set $b (f64.const 18.75))
          (br $done)
        ) (local.set $a (i32.const 229)) (local.set $b (f64.const 19.0))
          (br $done)
        ) (local.set $a (i32.const 238)) (local.set $b (f64.const 19.75))
          (br $done)
        ) (local.set $a (i32.const 241)) (local.set $b (f64.const 20.0))
          (br $done)
        ) (local.set $a (i32.const 244)) (local.set $b (f64.const 20.25))
          (br $done)
        ) (local.set $a (i32.const 250)) (local.set $b (f64.const 20.75))
          (br $done)
        ) (local.set $a (i32.const 256)) (local.set $b (f64.const 21.25))
          (br $done)
        ) (local.set $a (i32.const 262)) (local.set $b (f64.const 21.75))
          (br $done)
        ) (local.set $a (i32.const 265)) (local.set $b (f64.const 22.0))
          (br $done)
        ) (local.set $a (i32.const 268)) (local.set $b (f64.const 22.25))
          (br $done)
        ) (local.set $a (i32.const 277)) (local.set $b (f64.const 23.0))
          (br $done)
        ) (local.set $a (i32.const 280)) (local.set $b (f64.const 23.25))
          (br $done)
        ) (local.set $a (i32.const 286)) (local.set $b (f64.const 23.75))
          (br $done)
        ) (local.set $a (i32.const 289)) (local.set $b (f64.const 24.0))
          (br $done)
        ) (local.set $a (i32.const 292)) (local.set $b (f64.const 24.25))
          (br $done)
        ) (local.set $a (i32.const 298)) (local.set $b (f64.const 24.75))
          (br $done)
      )
      (local.set $a (local.get $x))
      (local.set $b (f64.const -1)))
    (f64.add (f64.convert_i32_s (local.get $a)) (local.get $b)))
)
