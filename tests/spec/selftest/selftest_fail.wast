;; Checks tools/spec-test itself: a valid module asserted invalid must fail
;; the run (non-zero exit status), while the other command passes.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_invalid (module (func)) "type mismatch")
