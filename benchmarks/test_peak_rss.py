#!/usr/bin/env python3
"""bench/peak-rss, the launcher benchmarks/run reads peak RSS through.

    test_peak_rss.py PEAK_RSS

Checks that it reports the command's own peak, not this script's (the
reason it exists: read with wait4 here, a child inherits this process's
peak), that it exits as the command did, and that a command it cannot
start is an error.
"""

import os
import subprocess
import sys
import tempfile

failures = []


def expect(name, cond, detail=""):
    print("ok  " if cond else "FAIL", name, detail if not cond else "")
    if not cond:
        failures.append(name)


def launch(tool, out, argv):
    p = subprocess.run([tool, out] + argv, capture_output=True, timeout=60)
    with open(out) as f:
        text = f.read() if p.returncode != 127 else ""
    fields = text.split()
    kb = int(fields[1]) if len(fields) == 2 and fields[0] == "maxrss_kb" \
        else None
    return p.returncode, kb


def main():
    tool = os.path.abspath(sys.argv[1])
    # Make this process's peak large, so an inherited peak would show.
    ballast = bytearray(64 << 20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rss")
        p = subprocess.Popen(["true"])
        inherited = os.wait4(p.pid, 0)[2].ru_maxrss
        expect("wait4 here inherits this script's peak", inherited > 64 << 10,
               str(inherited))
        st, kb = launch(tool, out, ["true"])
        expect("true: own peak, under 16 MiB", st == 0 and kb is not None and
               0 < kb < 16 << 10, repr((st, kb)))
        st, kb = launch(tool, out, [sys.executable, "-c",
                                    "b = bytearray(48 << 20)\n"
                                    "for i in range(0, len(b), 4096): b[i] = 1"])
        expect("a 48 MiB command reads at least 48 MiB",
               st == 0 and kb is not None and kb >= 48 << 10, repr((st, kb)))
        st, kb = launch(tool, out, ["sh", "-c", "exit 3"])
        expect("exit status passed on", st == 3 and kb is not None,
               repr((st, kb)))
        st, kb = launch(tool, out, ["sh", "-c", "kill -TERM $$"])
        expect("signal passed on", st == -15 and kb is not None,
               repr((st, kb)))
        st, _ = launch(tool, out, [os.path.join(tmp, "no-such-command")])
        expect("a command that cannot start fails", st == 127, str(st))
    del ballast
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
