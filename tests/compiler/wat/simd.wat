;; Uses one SIMD instruction: the compiler must refuse it cleanly.
(module
  (func (export "f") (result i32)
    (i32x4.extract_lane 0 (i32x4.splat (i32.const 1)))))
