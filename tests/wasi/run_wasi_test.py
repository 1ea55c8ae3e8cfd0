#!/usr/bin/env python3
"""Runs one WASI conformance program under `wasmc run` and compares.

    run_wasi_test.py WASMC PROGRAM EXPECTED_STDOUT NAME

NAME selects the case below: the arguments, environment and exit status
expected, and how its fresh temporary directory is prepared. The program
runs with <tmp>/box preopened as "." and as its working directory, and
with its own artifact cache in <tmp>/cache (never the user's). stdout must
equal EXPECTED_STDOUT; stderr must be empty (traps print there).
"""

import os
import subprocess
import sys
import tempfile


def setup_sandbox(tmp, box):
    """An outside file, links pointing out (absolute and ..), one inside."""
    with open(os.path.join(tmp, "secret.txt"), "w") as f:
        f.write("secret\n")
    with open(os.path.join(box, "inside.txt"), "w") as f:
        f.write("inside\n")
    os.mkdir(os.path.join(box, "a"))
    os.mkdir(os.path.join(box, "sub"))
    os.symlink(os.path.join(tmp, "secret.txt"), os.path.join(box, "abs_link"))
    os.symlink("../secret.txt", os.path.join(box, "rel_link"))
    os.symlink("..", os.path.join(box, "dir_link"))
    os.symlink("../inside.txt", os.path.join(box, "sub", "ok_link"))


def check_sandbox(tmp, box):
    """Nothing outside the preopen changed; the inside rename happened."""
    problems = []
    outside = sorted(os.listdir(tmp))
    if outside != ["box", "cache", "secret.txt"]:
        problems.append("outside the preopen: %s" % outside)
    with open(os.path.join(tmp, "secret.txt")) as f:
        if f.read() != "secret\n":
            problems.append("secret.txt changed")
    if not os.path.exists(os.path.join(box, "a", "moved.txt")):
        problems.append("the rename inside the preopen did not happen")
    return problems


def setup_files(tmp, box):
    with open(os.path.join(box, "existing.txt"), "w") as f:
        f.write("already here\n")


def check_files(tmp, box):
    names = sorted(os.listdir(box))
    return [] if names == ["existing.txt"] else ["left behind: %s" % names]


def setup_snapshot0(tmp, box):
    with open(os.path.join(box, "data.txt"), "w") as f:
        f.write("hello world")  # 11 bytes


CASES = {
    "files": dict(setup=setup_files, check=check_files),
    "args_env": dict(args=["one", "two words", ""],
                     env=["GREETING=hello", "EMPTY="]),
    "clocks": {},
    "random": {},
    "poll": {},
    "exit_code": dict(status=3),
    "sandbox": dict(setup=setup_sandbox, check=check_sandbox),
    "snapshot0": dict(setup=setup_snapshot0),
}


def run(wasmc, program, expected_path, name):
    case = CASES[name]
    with open(expected_path) as f:
        expected = f.read()
    with tempfile.TemporaryDirectory(prefix="wasmc_wasi_") as tmp:
        tmp = os.path.realpath(tmp)
        box = os.path.join(tmp, "box")
        os.mkdir(box)
        os.mkdir(os.path.join(tmp, "cache"))
        if "setup" in case:
            case["setup"](tmp, box)
        cmd = [wasmc, "run", "--dir", box + "::."]
        for e in case.get("env", []):
            cmd += ["--env", e]
        cmd += [program] + case.get("args", [])
        env = dict(os.environ, WASMC_CACHE_DIR=os.path.join(tmp, "cache"))
        p = subprocess.run(cmd, cwd=box, env=env, capture_output=True,
                           text=True, timeout=240)
        problems = []
        if p.returncode != case.get("status", 0):
            problems.append("exit status %d, want %d"
                            % (p.returncode, case.get("status", 0)))
        if p.stdout != expected:
            problems.append("stdout differs:\n--- got\n%s--- want\n%s"
                            % (p.stdout, expected))
        if p.stderr:
            problems.append("stderr not empty:\n" + p.stderr)
        if "check" in case:
            problems += case["check"](tmp, box)
    for line in problems:
        print("%s: %s" % (name, line))
    print("%s: %s" % (name, "FAIL" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[4] not in CASES:
        sys.exit(__doc__)
    sys.exit(run(*sys.argv[1:]))
