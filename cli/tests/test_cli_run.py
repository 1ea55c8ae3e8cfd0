#!/usr/bin/env python3
"""wasmc compile / run / wat2wasm / wasm2wat, end to end.

    test_cli_run.py WASMC EXAMPLES_DIR

EXAMPLES_DIR is build/examples (simple.wasm, hello_wasi.wasm, ...); a
missing example is a failure, never a skip. The other programs are small
text modules written here.
"""

import os
import re
import subprocess
import sys
import tempfile

WASI = "wasi_snapshot_preview1"

# Opens a file beneath preopen fd 3, copies it to stdout; a WASI errno
# becomes the exit status (_start) or the result (escape).
CAT_WAT = """(module
  (import "%(w)s" "path_open" (func $open
    (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "%(w)s" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "%(w)s" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "%(w)s" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "data.txt")
  (data (i32.const 16) "../secret.txt")
  (func $cat (param $p i32) (param $n i32) (result i32) (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (local.get $p)
      (local.get $n) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0)
      (i32.const 84)))
    (if (local.get $e) (then (return (local.get $e))))
    (i32.store (i32.const 64) (i32.const 1024))
    (i32.store (i32.const 68) (i32.const 512))
    (local.set $e (call $read (i32.load (i32.const 84)) (i32.const 64)
      (i32.const 1) (i32.const 80)))
    (if (local.get $e) (then (return (local.get $e))))
    (i32.store (i32.const 96) (i32.const 1024))
    (i32.store (i32.const 100) (i32.load (i32.const 80)))
    (call $write (i32.const 1) (i32.const 96) (i32.const 1) (i32.const 88)))
  (func (export "_start") (local $e i32)
    (local.set $e (call $cat (i32.const 0) (i32.const 8)))
    (if (local.get $e) (then (call $exit (local.get $e)))))
  (func (export "escape") (result i32)
    (call $cat (i32.const 16) (i32.const 13))))
""" % {"w": WASI}

EXIT3_WAT = """(module
  (import "%s" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 3)) unreachable))
""" % WASI

TRAP_WAT = """(module
  (func $deep (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "_start") (drop (call $deep (i32.const 0)))))
"""

UNKNOWN_IMPORT_WAT = """(module
  (import "env" "mystery" (func))
  (func (export "_start")))
"""

BENCH_WAT = """(module
  (import "bench" "start" (func $s))
  (import "bench" "end" (func $e))
  (func (export "_start") (call $s) (call $e))
  (func (export "mix") (param i64 f64) (result i64 f64 i32)
    (local.get 0) (local.get 1) (i32.const -1)))
"""

failures = []


def run(argv, cwd=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"))


def expect(name, cond, detail=""):
    if not cond:
        failures.append("%s %s" % (name, detail))
        print("FAIL", name, detail)
    else:
        print("ok  ", name)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def test_compile_example(wasmc, examples, tmp):
    simple = os.path.join(examples, "simple.wasm")
    if not os.path.exists(simple):
        expect("example built", False, simple)
        return
    so = os.path.join(tmp, "app.so")
    st, out, err = run([wasmc, simple, "-o", so])
    expect("compile simple.wasm", st == 0 and os.path.exists(so), err)
    st, out, err = run(["nm", "-u", so])
    expect("nm -u empty", st == 0 and out.strip() == "", out + err)
    st, out, err = run([wasmc, "inspect", so])
    expect("inspect .so", st == 0 and "compiler: wasmc" in out and
           "llvm: 19" in out and re.search(r"wasm sha256: [0-9a-f]{64}", out)
           and '"sum"' in out, out + err)
    st, out, err = run([wasmc, "inspect", "--json", so])
    expect("inspect --json .so", st == 0 and '"artifact"' in out and
           '"cpu"' in out, out + err)
    for opt in ("-O0", "-O3"):
        st, _, err = run([wasmc, opt, "--cpu=native", simple, "-o", so])
        expect("compile %s --cpu=native" % opt, st == 0, err)
    st, out, err = run([wasmc, "run", "--invoke", "sum", so, "1", "2"])
    expect("run --invoke sum app.so 1 2", st == 0 and out == "3\n",
           repr((st, out, err)))
    st, out, err = run([wasmc, "run", "--invoke", "sum", simple, "40", "2"])
    expect("run --invoke sum simple.wasm", st == 0 and out == "42\n",
           repr((st, out, err)))
    st, out, err = run([wasmc, "run", "--invoke", "sum", so, "1"])
    expect("invoke arity error", st == 2 and "argument" in err, err)
    st, out, err = run([wasmc, "run", "--invoke", "nope", so])
    expect("invoke missing export", st == 1 and "nope" in err, err)


def test_compiler_on_demand(wasmc, examples, tmp):
    """The compiler (libwasmc, libLLVM) is opened only to compile: ld.so's
    LD_DEBUG=files lists every object a process loads, dlopen'ed ones too."""
    simple = os.path.join(examples, "simple.wasm")
    so = os.path.join(tmp, "on_demand.so")
    st, _, err = run([wasmc, simple, "-o", so])
    expect("compile for on-demand", st == 0, err)
    env = dict(os.environ, LD_DEBUG="files", WASMC_CACHE_DIR="0")

    def loads(argv):
        p = subprocess.run(argv, capture_output=True, timeout=300, env=env,
                           stdin=subprocess.DEVNULL)
        err = p.stderr.decode(errors="replace")
        return p.returncode, p.stdout.decode(), ("libwasmc" in err,
                                                 "libLLVM" in err)

    st, out, seen = loads([wasmc, "run", "--invoke", "sum", so, "1", "2"])
    expect("run .so loads no compiler", st == 0 and out == "3\n" and
           seen == (False, False), repr((st, out, seen)))
    st, out, seen = loads([wasmc, "--version"])
    expect("--version loads no compiler", st == 0 and
           seen == (False, False), repr((st, out, seen)))
    st, out, seen = loads([wasmc, "run", "--invoke", "sum", simple, "4", "2"])
    expect("run .wasm opens the compiler", st == 0 and out == "6\n" and
           seen == (True, True), repr((st, out, seen)))
    # With the artifact cache: the first run compiles, the second loads the
    # cached artifact and needs no compiler.
    env["WASMC_CACHE_DIR"] = os.path.join(tmp, "on_demand_cache")
    runs = [loads([wasmc, "run", "--invoke", "sum", simple, "5", "2"])
            for _ in range(2)]
    expect("cache miss compiles, cache hit does not",
           runs == [(0, "7\n", (True, True)), (0, "7\n", (False, False))],
           repr(runs))


def test_hello(wasmc, examples):
    hello = os.path.join(examples, "hello_wasi.wasm")
    if not os.path.exists(hello):
        expect("example built", False, hello)
        return
    st, out, err = run([wasmc, "run", hello, "one", "two words"])
    expect("run hello_wasi", st == 0 and out ==
           "Hello from WebAssembly!\narg 1: one\narg 2: two words\n",
           repr((st, out, err)))


def test_exit_and_trap(wasmc, tmp):
    exit3 = os.path.join(tmp, "exit3.wat")
    write(exit3, EXIT3_WAT)
    st, out, err = run([wasmc, "run", exit3])
    expect("proc_exit 3 -> exit 3", st == 3, repr((st, err)))
    so = os.path.join(tmp, "exit3.so")
    st, _, err = run([wasmc, "compile", "-O1", exit3, "-o", so])
    expect("compile subcommand, .wat input", st == 0, err)
    st, out, err = run([wasmc, "run", so])
    expect("proc_exit 3 from the .so -> exit 3", st == 3, repr((st, err)))
    st, out, err = run([wasmc, "run", "-O", "0", exit3])
    expect("run -O 0", st == 3, repr((st, err)))
    trap = os.path.join(tmp, "trap.wat")
    write(trap, TRAP_WAT)
    st, out, err = run([wasmc, "run", trap])
    expect("trap -> 134 + message", st == 134 and
           err == "error: wasm trap: integer divide by zero\n",
           repr((st, err)))
    st, out, err = run([wasmc, "run", "--help"])
    expect("run --help documents 134 and --bench",
           st == 0 and "134" in out and "--bench" in out, out)
    unk = os.path.join(tmp, "unknown.wat")
    write(unk, UNKNOWN_IMPORT_WAT)
    st, out, err = run([wasmc, "run", unk])
    expect("unknown import named", st == 1 and '"env"."mystery"' in err and
           "unknown import" in err, err)


def test_bench(wasmc, tmp):
    bench = os.path.join(tmp, "bench.wat")
    write(bench, BENCH_WAT)
    st, out, err = run([wasmc, "run", "--bench", bench])
    expect("--bench prints bench-ns", st == 0 and
           re.search(r"^bench-ns: \d+$", err, re.M), err)
    st, out, err = run([wasmc, "run", bench])
    expect("bench imports are no-ops without --bench",
           st == 0 and err == "", err)
    st, out, err = run([wasmc, "run", "--invoke", "mix", bench, "-5", "2.5"])
    expect("invoke prints typed results", st == 0 and
           out == "-5\n2.5\n-1\n", repr((st, out, err)))


def test_sandbox(wasmc, tmp):
    box = os.path.join(tmp, "box")
    os.mkdir(box)
    write(os.path.join(box, "data.txt"), "inside the sandbox\n")
    write(os.path.join(tmp, "secret.txt"), "outside\n")
    cat = os.path.join(tmp, "cat.wat")
    write(cat, CAT_WAT)
    st, out, err = run([wasmc, "run", "--dir", box + "::.", cat])
    expect("--dir: read a file in the preopen",
           st == 0 and out == "inside the sandbox\n", repr((st, out, err)))
    st, out, err = run([wasmc, "run", "--dir", box, cat])
    expect("--dir HOST (guest name = host)", st == 0 and
           out == "inside the sandbox\n", repr((st, out, err)))
    st, out, err = run([wasmc, "run", cat])
    expect("no --dir: nothing reachable (EBADF=8)", st == 8, repr((st, err)))
    st, out, err = run([wasmc, "run", "--dir", box + "::.", "--invoke",
                        "escape", cat])
    expect("--dir: ../ escape refused (NOTCAPABLE=76)",
           st == 0 and out == "76\n", repr((st, out, err)))


def test_bad_input(wasmc, tmp):
    bad = os.path.join(tmp, "bad.wasm")
    with open(bad, "wb") as f:
        f.write(b"\0asm\x01\0\0\0\x01\x05\x01\x60")
    out_so = os.path.join(tmp, "bad.so")
    before = set(os.listdir(tmp))
    st, out, err = run([wasmc, bad, "-o", out_so])
    expect("bad wasm -> FILE:0xOFF: message, exit 1", st == 1 and
           re.match(re.escape(bad) + r":0x[0-9a-f]+: malformed module: ", err),
           err)
    expect("no output file left", set(os.listdir(tmp)) == before,
           str(set(os.listdir(tmp)) - before))
    badwat = os.path.join(tmp, "bad.wat")
    write(badwat, "(module\n  (func (result i32) (i32.const)))\n")
    before = set(os.listdir(tmp))
    st, out, err = run([wasmc, badwat, "-o", out_so])
    expect("bad wat -> line:column", st == 1 and
           re.search(r"bad\.wat: .*\b2:\d+: ", err), err)
    expect("no output file left (wat)", set(os.listdir(tmp)) == before)
    st, out, err = run([wasmc, bad, "-o", "/nonexistent-dir/x.so"])
    expect("unwritable output -> exit 1", st == 1, err)


def test_wat_round_trip(wasmc, examples, tmp):
    sources = [os.path.join(examples, n + ".wasm")
               for n in ("simple", "memory", "calc", "hello_wasi")]
    missing = [s for s in sources if not os.path.exists(s)]
    expect("examples built", not missing, " ".join(missing))
    sources = [s for s in sources if s not in missing]
    for src in sources:
        name = os.path.basename(src)[:-5]
        wat1, wasm2 = os.path.join(tmp, name + ".1.wat"), \
            os.path.join(tmp, name + ".2.wasm")
        st1, _, e1 = run([wasmc, "wasm2wat", src, "-o", wat1])
        st2, _, e2 = run([wasmc, "wat2wasm", wat1, "-o", wasm2])
        st3, text2, e3 = run([wasmc, "wasm2wat", wasm2])
        with open(wat1) as f:
            text1 = f.read() if st1 == 0 else None
        expect("wat round trip %s" % name, st1 == st2 == st3 == 0 and
               text1 == text2 and "(module" in text1, e1 + e2 + e3)
        st, _, err = run([wasmc, "validate", wat1])
        expect("validate accepts .wat (%s)" % name, st == 0, err)


def main():
    wasmc, examples = os.path.abspath(sys.argv[1]), sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        test_compile_example(wasmc, examples, tmp)
        test_compiler_on_demand(wasmc, examples, tmp)
        test_hello(wasmc, examples)
        test_exit_and_trap(wasmc, tmp)
        test_bench(wasmc, tmp)
        test_sandbox(wasmc, tmp)
        test_bad_input(wasmc, tmp)
        test_wat_round_trip(wasmc, examples, tmp)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
