"""wasmer: run WebAssembly from Python, compiled ahead of time by wasmc.

The implementation is the C extension `wasmer._wasmer` (the enums Type,
ExportKind, ImportKind and WasiVersion are enum.IntEnum classes made
there); this file re-exports it and adds `Function.__signature__`.
"""
from ._wasmer import (  # noqa: F401
    ExportKind,
    Features,
    Function,
    Global,
    ImportKind,
    ImportObject,
    Instance,
    Int8Array,
    Int16Array,
    Int32Array,
    Memory,
    Module,
    Table,
    Trap,
    Type,
    Uint8Array,
    Uint16Array,
    Uint32Array,
    Value,
    Wasi,
    WasiExit,
    WasiFunction,
    WasiVersion,
    __core_version__,
    __version__,
    wasm2wat,
    wat2wasm,
)


def _function_signature(function):
    """inspect.Signature of an exported function: positional-only
    parameters p0, p1, ... annotated with their wasmer.Type, and the result
    type (None, one Type, or a tuple of Types) as return annotation.
    inspect is imported here, not by `import wasmer` (it is slow to load)."""
    import inspect as _inspect

    params = [
        _inspect.Parameter(
            "p%d" % i, _inspect.Parameter.POSITIONAL_ONLY, annotation=t
        )
        for i, t in enumerate(function.params)
    ]
    results = function.results
    if not results:
        ret = None
    elif len(results) == 1:
        ret = results[0]
    else:
        ret = tuple(results)
    return _inspect.Signature(params, return_annotation=ret)


Function.__signature__ = property(_function_signature)

__all__ = [
    "ExportKind",
    "Features",
    "Function",
    "Global",
    "ImportKind",
    "ImportObject",
    "Instance",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Memory",
    "Module",
    "Table",
    "Trap",
    "Type",
    "Uint8Array",
    "Uint16Array",
    "Uint32Array",
    "Value",
    "Wasi",
    "WasiExit",
    "WasiFunction",
    "WasiVersion",
    "wasm2wat",
    "wat2wasm",
]
