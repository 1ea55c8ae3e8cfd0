#!/usr/bin/env python3
"""`wasmc run` compiles through the artifact cache (loader/wasmrt_cache.h).

    test_run_cache.py WASMC PROGRAM.wasm EXPECTED_STDOUT

Every scenario uses its own cache folder under a temporary directory and a
fake HOME, so the user's cache is never touched. A hit is recognised by the
entry file staying the same inode with the same mtime (a store always
renames a new file into place) and by a much smaller compile-ns.
"""

import glob
import os
import re
import subprocess
import sys
import tempfile

FAILURES = []


def check(what, ok):
    print("%s: %s" % (what, "ok" if ok else "FAIL"))
    if not ok:
        FAILURES.append(what)


class Runner:
    def __init__(self, wasmc, program, expected, tmp):
        self.wasmc, self.program, self.expected = wasmc, program, expected
        self.home = os.path.join(tmp, "home")
        os.mkdir(self.home)

    def run(self, cache, *flags, env_extra=None):
        """Runs the program; returns compile-ns. `cache` None: unset."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("WASMC_CACHE_DIR", "XDG_CACHE_HOME")}
        env["HOME"] = self.home
        if cache is not None:
            env["WASMC_CACHE_DIR"] = cache
        env.update(env_extra or {})
        p = subprocess.run([self.wasmc, "run", "--bench", *flags,
                            self.program], env=env, capture_output=True,
                           text=True, timeout=300)
        if p.returncode != 0 or p.stdout != self.expected:
            FAILURES.append("run failed: %d %s %s"
                            % (p.returncode, p.stdout, p.stderr))
            return -1
        m = re.search(r"^compile-ns: (\d+)$", p.stderr, re.M)
        return int(m.group(1)) if m else -1


def entries(cache):
    return sorted(glob.glob(os.path.join(cache, "*")))


def identity(path):
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def hit_and_miss(r, tmp):
    cache = os.path.join(tmp, "c1")
    miss = r.run(cache)
    (entry,) = entries(cache) or [None]
    check("first run stores one entry (no temporaries)",
          entry is not None and entry.endswith(".so")
          and len(entries(cache)) == 1)
    if entry is None:
        return
    before = identity(entry)
    hit = r.run(cache)
    check("second run does not rewrite the entry", identity(entry) == before)
    check("second run compiles nothing (compile-ns %d vs %d)" % (hit, miss),
          0 <= hit and hit * 4 < miss)
    check("still one entry", len(entries(cache)) == 1)

    nocache = r.run(cache, "--no-cache")
    check("--no-cache compiles (compile-ns %d)" % nocache, nocache > hit * 4)
    check("--no-cache leaves the entry alone", identity(entry) == before)

    r.run(cache, "-O1")
    check("-O1 is another entry", len(entries(cache)) == 2)

    # Damage one byte in the middle of the code: only the checksum sees it.
    with open(entry, "r+b") as f:
        f.seek(os.path.getsize(entry) // 2)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0xFF]))
    damaged = identity(entry)
    again = r.run(cache)
    check("corrupt entry is recompiled (compile-ns %d)" % again,
          again > hit * 4 and identity(entry) != damaged)
    fixed = identity(entry)
    r.run(cache)
    check("the rewritten entry is a hit", identity(entry) == fixed)

    os.truncate(entry, 100)
    r.run(cache)
    check("truncated entry is recompiled",
          os.path.getsize(entry) == before[2])


def locations(r, tmp):
    nocache_dir = os.path.join(tmp, "unused")
    r.run("0", env_extra={"XDG_CACHE_HOME": nocache_dir})
    check("WASMC_CACHE_DIR=0 writes nothing",
          not os.path.exists(nocache_dir)
          and not os.path.exists(os.path.join(r.home, ".cache")))
    cache = os.path.join(tmp, "c2")
    r.run(cache, "--no-cache")
    check("--no-cache creates no cache", not os.path.exists(cache))
    xdg = os.path.join(tmp, "xdg")
    r.run(None, env_extra={"XDG_CACHE_HOME": xdg})
    check("XDG_CACHE_HOME/wasmc is the default",
          len(entries(os.path.join(xdg, "wasmc"))) == 1)
    r.run(None)
    check("then ~/.cache/wasmc",
          len(entries(os.path.join(r.home, ".cache", "wasmc"))) == 1)
    blocker = os.path.join(tmp, "file")
    open(blocker, "w").close()
    compiled = r.run(os.path.join(blocker, "sub"))
    check("an unusable cache directory still runs", compiled > 0)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wasmc, program, expected_path = sys.argv[1:]
    with open(expected_path) as f:
        expected = f.read()
    with tempfile.TemporaryDirectory(prefix="wasmc_cache_") as tmp:
        r = Runner(wasmc, program, expected, tmp)
        hit_and_miss(r, tmp)
        locations(r, tmp)
    for f in FAILURES:
        print("FAILED:", f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
