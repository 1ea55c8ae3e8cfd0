"""The example scripts of examples/ run as written and print what the seed
README says they print (each in its own interpreter, like a user would)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
EXAMPLES = os.environ.get("WASMC_EXAMPLES_DIR", "")

WASI_OUTPUT = """Found program name: `wasi_test_program`
Found 1 arguments: --test
Found 2 environment variables: COLOR=true, APP_SHOULD_LOG=false
Found 1 preopened directories: DirEntry("/the_host_current_dir")
"""


@pytest.mark.parametrize("script, expected", [
    ("simple.py", "42\n"),
    ("memory.py", "Hello, World!\n"),
    ("imported_function.py", "4\n"),
    ("serialize.py", "3\n"),
    ("wasi.py", WASI_OUTPUT),
])
def test_example_script(script, expected, tmp_path):
    assert os.path.isdir(EXAMPLES), "WASMC_EXAMPLES_DIR must name build/examples"
    env = dict(os.environ, WASMC_CACHE_DIR=str(tmp_path / "cache"))
    p = subprocess.run(
        [sys.executable, os.path.join(ROOT, "examples", script), EXAMPLES],
        capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout == expected
