# Building WebAssembly programs from C at build time, with clang-19
# (WASMC_CLANG, found by FindLLVM19.cmake).
#
# wasmc_add_wasm(NAME SOURCES a.c... [WASI] [OUTPUT_DIR dir] [FLAGS f...])
#   Builds OUTPUT_DIR/NAME.wasm (default: the current binary dir) under the
#   custom target wasm_NAME, part of `all`, and sets NAME_WASM in the caller
#   to the output path. Without WASI the program is freestanding
#   (--target=wasm32 -nostdlib --no-entry): export functions with
#   __attribute__((export_name("..."))). With WASI it links wasi-libc
#   (--target=wasm32-wasi --sysroot=/usr) as a command with _start.
#   The path is also the global property WASMC_WASM_NAME.
#   Sets NAME_WASM to "" and does nothing if clang-19 is unavailable, or
#   (for WASI) if wasi-libc / libclang-rt-19-dev-wasm32 are not installed.

set(WASMC_WASI_SYSROOT "/usr" CACHE PATH "sysroot holding wasi-libc")

function(_wasmc_wasi_available out)
  file(GLOB _rt /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins*.a
       /usr/lib/llvm-19/lib/clang/19/lib/wasm32-unknown-wasi/*.a)
  if(EXISTS "${WASMC_WASI_SYSROOT}/lib/wasm32-wasi/libc.a" AND
     EXISTS "${WASMC_WASI_SYSROOT}/include/wasm32-wasi/stdio.h" AND _rt)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

function(wasmc_add_wasm name)
  cmake_parse_arguments(W "WASI" "OUTPUT_DIR" "SOURCES;FLAGS" ${ARGN})
  set(${name}_WASM "" PARENT_SCOPE)
  if(NOT WASMC_CLANG)
    message(STATUS "wasmc: clang-19 not found, ${name}.wasm not built")
    return()
  endif()
  if(W_WASI)
    _wasmc_wasi_available(_ok)
    if(NOT _ok)
      message(STATUS "wasmc: wasi-libc or libclang-rt-19-dev-wasm32 missing, "
                     "${name}.wasm not built")
      return()
    endif()
    set(_target --target=wasm32-wasi --sysroot=${WASMC_WASI_SYSROOT})
  else()
    set(_target --target=wasm32 -nostdlib -Wl,--no-entry
                -Wl,--export-dynamic)
  endif()
  if(NOT W_OUTPUT_DIR)
    set(W_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  set(_out ${W_OUTPUT_DIR}/${name}.wasm)
  set(_srcs "")
  foreach(_s IN LISTS W_SOURCES)
    get_filename_component(_abs ${_s} ABSOLUTE)
    list(APPEND _srcs ${_abs})
  endforeach()
  add_custom_command(
    OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${W_OUTPUT_DIR}
    COMMAND ${WASMC_CLANG} ${_target} -O2 -Wall -Wextra ${W_FLAGS}
            ${_srcs} -o ${_out}
    DEPENDS ${_srcs}
    COMMENT "Building wasm program ${name}.wasm"
    VERBATIM)
  add_custom_target(wasm_${name} ALL DEPENDS ${_out})
  set(${name}_WASM ${_out} PARENT_SCOPE)
  # Other directories find the path with
  # get_property(v GLOBAL PROPERTY WASMC_WASM_<name>).
  set_property(GLOBAL PROPERTY WASMC_WASM_${name} ${_out})
endfunction()
