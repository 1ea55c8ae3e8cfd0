;; Uses SIMD instructions: test_compiler_api checks that it compiles.
(module
  (func (export "f") (result i32)
    (i32x4.extract_lane 0 (i32x4.splat (i32.const 1)))))
