"""Shared helpers: WebAssembly made at test time with Debian wabt's
wat2wasm (the project's own text front end comes later)."""
import shutil
import subprocess

import pytest


def _leb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def add_custom_section(wasm, name, payload):
    """Appends a custom section (id 0) to a binary module."""
    body = _leb(len(name.encode())) + name.encode() + payload
    return wasm + b"\x00" + _leb(len(body)) + body


@pytest.fixture(scope="session")
def wat():
    exe = shutil.which("wat2wasm")
    if exe is None:
        pytest.skip("wat2wasm (Debian package wabt) is not installed")

    def compile_wat(text, tmp=[0]):
        proc = subprocess.run(
            [exe, "-", "--output=/dev/stdout"],
            input=text.encode(),
            capture_output=True,
        )
        assert proc.returncode == 0, proc.stderr.decode()
        return proc.stdout

    return compile_wat


SUM_WAT = """
(module
  (func (export "sum") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))
"""


@pytest.fixture(scope="session")
def sum_wasm(wat):
    return wat(SUM_WAT)
