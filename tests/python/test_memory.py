"""Memory: grow, size, buffer protocol, typed views."""
import pytest

from wasmer import (Instance, Int8Array, Int16Array, Int32Array, Uint8Array,
                    Uint16Array, Uint32Array)

MEMORY_WAT = """
(module
  (memory (export "memory") 1 4)
  (data (i32.const 0) "Wasmer")
  (data (i32.const 16) "Hello, World!\\00")
  (func (export "return_string") (result i32) i32.const 16)
  (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "size") (result i32) memory.size))
"""


@pytest.fixture
def inst(wat):
    return Instance(wat(MEMORY_WAT))


def test_seed_buffer(inst):
    memory_view = memoryview(inst.memory.buffer)
    assert memory_view.nbytes == 65536
    assert bytes(memory_view[0:6]).decode() == "Wasmer"
    byte_array = bytearray(inst.memory.buffer)
    assert len(byte_array) == 65536
    assert byte_array[0:6].decode() == "Wasmer"


def test_buffer_is_writable_and_zero_copy(inst):
    view = memoryview(inst.memory.buffer)
    view[100] = 0xAB
    assert inst.exports.load8(100) == 0xAB
    assert inst.memory.uint8_view()[100] == 0xAB


def test_seed_string_reading(inst):
    pointer = inst.exports.return_string()
    memory = inst.memory.uint8_view(offset=pointer)
    memory_length = len(memory)
    nth = 0
    string = ""
    while nth < memory_length:
        char = memory[nth]
        if char == 0:
            break
        string += chr(char)
        nth += 1
    assert string == "Hello, World!"
    assert bytes(memory[0:13]).decode() == "Hello, World!"
    byte_array = bytearray(inst.memory.buffer)
    assert byte_array[pointer:pointer + 13].decode() == "Hello, World!"


def test_grow(inst):
    mem = inst.memory
    assert mem.size == 1
    assert mem.data_size == 65536
    view = mem.uint8_view()
    assert len(view) == 65536
    assert mem.grow(1) == 1
    assert mem.size == 2 and inst.exports.size() == 2
    assert mem.data_size == 2 * 65536
    assert len(view) == 2 * 65536  # views see growth
    view[65536 + 5] = 9
    assert inst.exports.load8(65536 + 5) == 9
    with pytest.raises(RuntimeError):
        mem.grow(10)  # beyond the maximum of 4
    assert mem.size == 2


def test_view_types(inst):
    mem = inst.memory
    cases = [(mem.uint8_view, Uint8Array, 1), (mem.int8_view, Int8Array, 1),
             (mem.uint16_view, Uint16Array, 2),
             (mem.int16_view, Int16Array, 2),
             (mem.uint32_view, Uint32Array, 4),
             (mem.int32_view, Int32Array, 4)]
    for make, cls, size in cases:
        view = make()
        assert type(view) is cls
        assert view.bytes_per_element == size
        assert len(view) == 65536 // size
        assert len(make(offset=10)) == (65536 - 10) // size


def test_seed_little_endian(inst):
    int8 = inst.memory.int8_view()
    int16 = inst.memory.int16_view()
    int32 = inst.memory.int32_view()
    int8[0] = 0b00000001
    int8[1] = 0b00000100
    int8[2] = 0b00010000
    int8[3] = 0b01000000
    assert int8[0] == 0b00000001
    assert int8[3] == 0b01000000
    assert int16[0] == 0b00000100_00000001
    assert int16[1] == 0b01000000_00010000
    assert int32[0] == 0b01000000_00010000_00000100_00000001


def test_signedness(inst):
    u8 = inst.memory.uint8_view()
    u8[0] = 255
    assert inst.memory.int8_view()[0] == -1
    inst.memory.int32_view()[1] = -2
    assert inst.memory.uint32_view()[1] == 2**32 - 2
    assert inst.memory.uint16_view()[2] == 0xFFFE
    with pytest.raises(OverflowError):
        u8[0] = 256
    with pytest.raises(OverflowError):
        inst.memory.int8_view()[0] = -129
    with pytest.raises(TypeError):
        u8[0] = "x"


def test_slices(inst):
    u8 = inst.memory.uint8_view(offset=1000)
    u8[0:5] = b"abcde"
    assert u8[0:5] == list(b"abcde")
    assert u8[1:5:2] == [ord("b"), ord("d")]
    u8[0:3] = [1, 2, 3]
    assert bytes(u8[0:5]) == b"\x01\x02\x03de"
    with pytest.raises(IndexError):
        u8[0:3] = [1, 2]
    assert u8[-1] == 0
    assert len(u8[65000:]) == 65536 - 1000 - 65000 if 65536 - 1000 > 65000 \
        else True


def test_bounds(inst):
    u8 = inst.memory.uint8_view()
    with pytest.raises(IndexError, match="Out of bound"):
        u8[65536]
    with pytest.raises(IndexError):
        u8[65536] = 1
    beyond = inst.memory.uint32_view(offset=70000)
    assert len(beyond) == 0
    with pytest.raises(IndexError):
        beyond[0]


def test_view_keeps_memory_alive(wat):
    view = Instance(wat(MEMORY_WAT)).memory.uint8_view()
    import gc
    gc.collect()
    assert bytes(view[0:6]) == b"Wasmer"
