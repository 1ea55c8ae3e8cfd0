;; Checks tools/spec-test itself: every executed command here passes.
(module (func (export "f") (result i32) (i32.const 1)))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_return (invoke "f") (i32.const 1))
