"""The C embedding example end to end: `wasmc simple.wasm -o app.so`, then
`embed app.so sum ...` prints the sum, reports traps and errors with a
non-zero status, and the embed program does not link LLVM or libwasmc.

usage: check_embed.py PATH/TO/wasmc PATH/TO/embed PATH/TO/simple.wasm
"""
import os
import subprocess
import sys
import tempfile

failures = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else " " + detail))
    if not cond:
        failures.append(name)


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main():
    wasmc, embed, simple = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        so = os.path.join(tmp, "app.so")
        st, _, err = run(wasmc, simple, "-o", so)
        check("wasmc compiles simple.wasm", st == 0, err)
        st, out, err = run(embed, so, "sum", "40", "2")
        check("embed app.so sum 40 2 prints 42", (st, out) == (0, "42\n"),
              repr((st, out, err)))
        st, out, err = run(embed, so, "sum", "2147483647", "1")
        check("i32 wraps", (st, out) == (0, "-2147483648\n"),
              repr((st, out, err)))
        st, out, err = run(embed, so, "nope")
        check("missing export named", st == 1 and "nope" in err, err)
        st, out, err = run(embed, so, "sum", "1")
        check("arity error", st == 2 and "2 arguments" in err, err)
        st, out, err = run(embed, simple, "sum", "1", "2")
        check("a .wasm is not an artifact", st == 1 and err.strip(), err)
    st, out, err = run("ldd", embed)
    check("embed links neither LLVM nor libwasmc",
          st == 0 and "LLVM" not in out and "libwasmc" not in out, out)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
