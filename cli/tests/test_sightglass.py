#!/usr/bin/env python3
"""Every program of shared/sightglass/*/ under `wasmc run --bench`.

    test_sightglass.py WASMC SHARED_DIR [NAME...]

Each program runs with its own folder preopened as "." and as the working
directory; its stdout and stderr (without the bench-ns/compile-ns/
instantiate-ns lines wasmc adds) must equal the *.stdout.expected and
*.stderr.expected files beside it, where present, and a bench-ns line must
be printed. Prints one status line per program. Exit status 77 (ctest
SKIP_RETURN_CODE) when the shared folder is absent.
"""

import os
import re
import subprocess
import sys
import time

NOISE = re.compile(r"^(bench|compile|instantiate)-ns: \d+\n?", re.M)


def programs(root):
    """(name, folder, wasm, expected-files prefix) for every program."""
    for folder in sorted(os.listdir(root)):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".wasm"):
                stem = f[:-5]
                name = folder if stem == "benchmark" else stem
                yield name, d, os.path.join(d, f), os.path.join(d, stem)


def read_opt(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def check(wasmc, d, wasm, prefix):
    """None if the program behaved, else what went wrong."""
    argv = [wasmc, "run", "--bench", "--dir", d + "::.", wasm]
    try:
        p = subprocess.run(argv, cwd=d, capture_output=True, timeout=900,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "timed out"
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        return "exit status %d: %s" % (p.returncode, err.strip()[-300:])
    if "bench-ns:" not in err:
        return "no bench-ns line on stderr"
    want_out = read_opt(prefix + ".stdout.expected")
    if want_out is not None and out != want_out:
        return "stdout differs: %r (want %r)" % (out[-200:], want_out[-200:])
    want_err = read_opt(prefix + ".stderr.expected")
    if want_err is not None and NOISE.sub("", err) != want_err:
        return "stderr differs: %r" % NOISE.sub("", err)[-200:]
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    wasmc, shared, only = os.path.abspath(sys.argv[1]), sys.argv[2], \
        set(sys.argv[3:])
    root = os.path.join(shared, "sightglass")
    if not os.path.isdir(root):
        print("SKIP: %s absent (set WASMC_SHARED_DIR)" % root)
        return 77
    failed = total = 0
    for name, d, wasm, prefix in programs(root):
        if only and name not in only:
            continue
        total += 1
        t0 = time.monotonic()
        why = check(wasmc, d, wasm, prefix)
        secs = time.monotonic() - t0
        if why:
            failed += 1
            print("FAIL %-28s %6.1fs  %s" % (name, secs, why), flush=True)
        else:
            print("ok   %-28s %6.1fs" % (name, secs), flush=True)
    print("%d programs, %d passed, %d failed" % (total, total - failed, failed))
    return 1 if failed or not total else 0


if __name__ == "__main__":
    sys.exit(main())
