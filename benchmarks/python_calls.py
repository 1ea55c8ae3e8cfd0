"""Call overhead from Python, side by side in one run:
exports.sum(1, 2) vs a ctypes call of the same C function compiled
natively vs a builtin C function with two arguments (operator.add), then
Module.deserialize + instantiate + first call, and `import wasmer`.

usage: python_calls.py [DIR with simple.wasm]   (PYTHONPATH: build/pyext)
The native sum is compiled from examples/simple.c with clang-19 into a
temporary directory when this script starts.
"""
import ctypes
import operator
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIMPLE_C = os.path.join(HERE, "..", "examples", "simple.c")


def per_call_ns(fn, args, inner=10000, rounds=31):
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(inner):
            fn(*args)
        samples.append((time.perf_counter_ns() - t0) / inner)
    return statistics.median(samples)


def native_sum():
    out = os.path.join(tempfile.mkdtemp(), "libsum.so")
    subprocess.run(["clang-19", "-O2", "-shared", "-fPIC", "-Wno-unknown-attributes",
                    "-o", out,
                    SIMPLE_C], check=True)
    lib = ctypes.CDLL(out)
    lib.sum.argtypes = (ctypes.c_int, ctypes.c_int)
    lib.sum.restype = ctypes.c_int
    return lib.sum


def import_time_ms():
    code = ("import time; t=time.perf_counter(); import wasmer; "
            "print((time.perf_counter()-t)*1e3)")
    vals = [float(subprocess.run([sys.executable, "-c", code],
                                 capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    return statistics.median(vals)


def main():
    wasm_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    import wasmer
    wasm = open(os.path.join(wasm_dir, "simple.wasm"), "rb").read()
    so = wasmer.Module(wasm).serialize()
    exports = wasmer.Instance(wasm).exports
    sum_fn = exports.sum
    wasm_ns = per_call_ns(sum_fn, (1, 2))
    ctypes_ns = per_call_ns(native_sum(), (1, 2))
    builtin_ns = per_call_ns(operator.add, (1, 2))
    print("exports.sum(1, 2)        median %7.1f ns" % wasm_ns)
    print("ctypes native sum(1, 2)  median %7.1f ns  (wasm/ctypes = %.2f)"
          % (ctypes_ns, wasm_ns / ctypes_ns))
    print("operator.add(1, 2)       median %7.1f ns" % builtin_ns)
    lat, parts = [], ([], [], [])
    for _ in range(50):
        t0 = time.perf_counter_ns()
        module = wasmer.Module.deserialize(so)
        t1 = time.perf_counter_ns()
        instance = module.instantiate()
        t2 = time.perf_counter_ns()
        instance.exports.sum(1, 2)
        t3 = time.perf_counter_ns()
        del module, instance
        lat.append((t3 - t0) / 1e3)
        for part, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
            part.append(dt / 1e3)
    print("deserialize+instantiate+first call  median %7.1f us"
          "  (%.1f + %.1f + %.1f)"
          % ((statistics.median(lat),) + tuple(map(statistics.median, parts))))
    print("import wasmer                       median %7.2f ms"
          % import_time_ms())


if __name__ == "__main__":
    main()
