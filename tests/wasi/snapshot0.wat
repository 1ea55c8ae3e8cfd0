;; snapshot0.wat — a `wasi_unstable` (snapshot0) program: its filestat
;; layout (nlink u32 @20, size u64 @24) and fd_seek whence values
;; (CUR=0, END=1, SET=2) differ from preview1. The driver puts an 11-byte
;; data.txt in the preopen "." (fd 3). Prints one line per check; any
;; failure ends in `unreachable` (exit status 134).
(module
  (import "wasi_unstable" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek"
    (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 0: iovec, 8: nwritten, 16: opened fd, 24: new offset, 64: filestat
  (data (i32.const 256) "data.txt")
  (data (i32.const 272) " ok\n")
  (data (i32.const 280) " FAIL\n")
  (data (i32.const 300) "filestat filetype")
  (data (i32.const 320) "filestat nlink")
  (data (i32.const 340) "filestat size")
  (data (i32.const 360) "path_open")
  (data (i32.const 380) "seek end (whence 1)")
  (data (i32.const 400) "seek set (whence 2)")
  (data (i32.const 420) "seek cur (whence 0)")
  (global $failed (mut i32) (i32.const 0))

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1)
                          (i32.const 8))))

  ;; Prints the message, then " ok" or " FAIL".
  (func $check (param $ok i32) (param $msg i32) (param $len i32)
    (call $print (local.get $msg) (local.get $len))
    (if (local.get $ok)
      (then (call $print (i32.const 272) (i32.const 4)))
      (else (call $print (i32.const 280) (i32.const 6))
            (global.set $failed (i32.const 1)))))

  ;; fd_seek on the opened fd; true if it succeeds landing at $want.
  (func $seek (param $off i64) (param $whence i32) (param $want i64)
              (result i32)
    (i32.and
      (i32.eqz (call $fd_seek (i32.load (i32.const 16)) (local.get $off)
                              (local.get $whence) (i32.const 24)))
      (i64.eq (i64.load (i32.const 24)) (local.get $want))))

  (func (export "_start")
    (drop (call $path_filestat_get (i32.const 3) (i32.const 1)
                                   (i32.const 256) (i32.const 8)
                                   (i32.const 64)))
    ;; filetype u8 @16: 4 = regular file
    (call $check (i32.eq (i32.load8_u (i32.const 80)) (i32.const 4))
                 (i32.const 300) (i32.const 17))
    (call $check (i32.eq (i32.load (i32.const 84)) (i32.const 1))
                 (i32.const 320) (i32.const 14))
    (call $check (i64.eq (i64.load (i32.const 88)) (i64.const 11))
                 (i32.const 340) (i32.const 13))
    (call $check
      (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 256)
                                (i32.const 8) (i32.const 0) (i64.const -1)
                                (i64.const 0) (i32.const 0) (i32.const 16)))
      (i32.const 360) (i32.const 9))
    (call $check (call $seek (i64.const 0) (i32.const 1) (i64.const 11))
                 (i32.const 380) (i32.const 19))
    (call $check (call $seek (i64.const 3) (i32.const 2) (i64.const 3))
                 (i32.const 400) (i32.const 19))
    (call $check (call $seek (i64.const 2) (i32.const 0) (i64.const 5))
                 (i32.const 420) (i32.const 19))
    (if (global.get $failed) (then unreachable))))
