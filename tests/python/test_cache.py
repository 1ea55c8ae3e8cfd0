"""The compiled-artifact cache behind Module(bytes): hits load without
LLVM, entries appear atomically, damaged entries are recompiled, and an
unwritable cache is harmless. Each scenario runs in fresh processes (the
cache is per process start; ctest runs the suite with the cache off)."""
import glob
import os
import subprocess
import sys

import pytest

from conftest import SUM_WAT  # noqa: F401

CHILD = """
import os, sys
import wasmer
wasm = open(sys.argv[1], 'rb').read()
m = wasmer.Module(wasm)
assert m.instantiate().exports.sum(20, 22) == 42
maps = open('/proc/self/maps').read()
print('LLVM' if ('libLLVM' in maps or 'libwasmc' in maps) else 'NOLLVM')
"""


def run_child(wasm_path, cache, extra_env=None):
    env = dict(os.environ)
    env["WASMC_CACHE_DIR"] = str(cache)
    env.update(extra_env or {})
    proc = subprocess.run([sys.executable, "-c", CHILD, str(wasm_path)],
                          env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture
def wasm_file(tmp_path, sum_wasm):
    p = tmp_path / "sum.wasm"
    p.write_bytes(sum_wasm)
    return p


def entries(cache):
    return sorted(glob.glob(os.path.join(str(cache), "*.so")))


def test_second_process_hits_without_llvm(tmp_path, wasm_file):
    cache = tmp_path / "cache"
    assert run_child(wasm_file, cache) == "LLVM"  # miss: compiled
    assert len(entries(cache)) == 1
    assert not glob.glob(os.path.join(str(cache), "*.tmp"))
    assert run_child(wasm_file, cache) == "NOLLVM"  # hit: only loaded


def test_default_location_is_xdg_cache_home(tmp_path, wasm_file):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc_env = dict(os.environ, **env)
    proc_env.pop("WASMC_CACHE_DIR", None)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(wasm_file)],
                          env=proc_env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(entries(tmp_path / "xdg" / "wasmc")) == 1


def test_disabled_with_zero(tmp_path, wasm_file):
    cwd_before = set(os.listdir(tmp_path))
    assert run_child(wasm_file, "0") == "LLVM"
    assert run_child(wasm_file, "0") == "LLVM"
    assert set(os.listdir(tmp_path)) == cwd_before


@pytest.mark.parametrize("damage", ["truncate", "flip_code", "flip_tail",
                                    "garbage"])
def test_damaged_entry_is_recompiled_and_replaced(tmp_path, wasm_file,
                                                  damage):
    cache = tmp_path / "cache"
    run_child(wasm_file, cache)
    (entry,) = entries(cache)
    good = open(entry, "rb").read()
    data = bytearray(good)
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip_code":
        data[len(data) // 3] ^= 0xFF  # somewhere in the ELF body
    elif damage == "flip_tail":
        data[-1] ^= 0x01  # the checksum itself
    else:
        data = b"\x7fELF" + b"\x00" * 100
    open(entry, "wb").write(bytes(data))
    assert run_child(wasm_file, cache) == "LLVM"  # not trusted: compiled
    assert open(entry, "rb").read() == good  # and replaced
    assert run_child(wasm_file, cache) == "NOLLVM"


def test_unwritable_cache_still_works(tmp_path, wasm_file):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    # a cache "directory" below a regular file can never be created
    assert run_child(wasm_file, blocker / "cache") == "LLVM"
    if os.geteuid() != 0:  # root writes anywhere: only the case above
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        assert run_child(wasm_file, ro) == "LLVM"


RACER = """
import sys, wasmer
wasm = open(sys.argv[1], 'rb').read()
for _ in range(int(sys.argv[2])):
    m = wasmer.Module(wasm)
    assert m.instantiate().exports.sum(1, 2) == 3
"""


def test_racing_processes_never_see_partial_files(tmp_path, wasm_file):
    cache = tmp_path / "cache"
    env = dict(os.environ, WASMC_CACHE_DIR=str(cache))
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(wasm_file),
                               "3"], env=env, stderr=subprocess.PIPE)
             for _ in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    assert len(entries(cache)) == 1
    assert not glob.glob(os.path.join(str(cache), "*.tmp"))
    assert run_child(wasm_file, cache) == "NOLLVM"


def test_different_bytes_different_entries(tmp_path, wasm_file, wat):
    cache = tmp_path / "cache"
    run_child(wasm_file, cache)
    other = tmp_path / "other.wasm"
    other.write_bytes(wat(SUM_WAT.replace("i32.add", "i32.add nop")))
    run_child(other, cache)
    assert len(entries(cache)) == 2
