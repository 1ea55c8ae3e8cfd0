# FindLLVM19 — locate LLVM 19 (the C API), its linker and its C compiler.
#
# Provides:
#   wasmc::llvm      INTERFACE IMPORTED target: the LLVM C API headers
#                    (llvm-c/*.h), LLVM's required preprocessor definitions
#                    and the shared libLLVM-19.so. The compiler library links
#                    it with `target_link_libraries(wasmc PRIVATE wasmc::llvm)`.
#                    (Static LLVM linking would also need libzstd-dev,
#                    libz3-dev, libxml2-dev and libstdc++; not set up.)
#   LLVM19_FOUND, LLVM19_VERSION, LLVM19_CONFIG (path of llvm-config-19),
#   LLVM19_TARGET_TRIPLE (host triple LLVM was built for)
#   WASMC_LLD        cache var: path of ld.lld-19 (links artifacts); may be
#                    empty if lld-19 is missing.
#   WASMC_CLANG      cache var: path of clang-19 (builds wasm test programs
#                    and examples); may be empty.
#
# Search order: llvm-config-19 on PATH or under /usr/lib/llvm-19/bin, or the
# LLVM CMake package (LLVM_DIR, default /usr/lib/llvm-19/lib/cmake/llvm).

set(_llvm19_hints /usr/lib/llvm-19/bin)
find_program(LLVM19_CONFIG NAMES llvm-config-19 llvm-config
             HINTS ${_llvm19_hints} DOC "llvm-config of LLVM 19")
find_program(WASMC_LLD NAMES ld.lld-19 ld.lld HINTS ${_llvm19_hints}
             DOC "ld.lld of LLVM 19 (links compiled artifacts)")
# As for llvm-config below: a cached `ld.lld` from before LLVM 19 was
# installed may be another version (Debian 12's default is LLD 14, whose
# artifacts lay out differently). Keep only LLD 19.
if(WASMC_LLD)
  execute_process(COMMAND ${WASMC_LLD} --version OUTPUT_VARIABLE _lld_version
                  ERROR_QUIET)
  if(NOT _lld_version MATCHES "LLD 19\\.")
    unset(WASMC_LLD CACHE)
    find_program(WASMC_LLD NAMES ld.lld-19
                 DOC "ld.lld of LLVM 19 (links compiled artifacts)")
  endif()
endif()
find_program(WASMC_CLANG NAMES clang-19 HINTS ${_llvm19_hints}
             DOC "clang-19 (builds wasm32 test programs)")

# Runs llvm-config with the given arguments into variable `out`.
function(_llvm19_query out)
  execute_process(COMMAND ${LLVM19_CONFIG} ${ARGN}
                  OUTPUT_VARIABLE _value RESULT_VARIABLE _rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT _rc EQUAL 0)
    set(_value "")
  endif()
  set(${out} "${_value}" PARENT_SCOPE)
endfunction()

set(LLVM19_FOUND FALSE)
if(LLVM19_CONFIG)
  _llvm19_query(LLVM19_VERSION --version)
endif()
# The cached path may name another LLVM's llvm-config: a configure run before
# tools/setup installed LLVM 19 finds the distribution's default one. Forget
# it and search once more, so that configuring again after installing works.
if(NOT LLVM19_VERSION MATCHES "^19\\.")
  unset(LLVM19_CONFIG CACHE)
  find_program(LLVM19_CONFIG NAMES llvm-config-19
               HINTS ${_llvm19_hints} DOC "llvm-config of LLVM 19")
  if(LLVM19_CONFIG)
    _llvm19_query(LLVM19_VERSION --version)
  endif()
endif()

if(LLVM19_VERSION MATCHES "^19\\.")
  _llvm19_query(_inc --includedir)
  _llvm19_query(_cppflags --cppflags)
  _llvm19_query(LLVM19_TARGET_TRIPLE --host-target)
  _llvm19_query(_libs --libfiles)
  _llvm19_query(_syslibs --system-libs)
  separate_arguments(_libs UNIX_COMMAND "${_libs}")
  separate_arguments(_syslibs UNIX_COMMAND "${_syslibs}")
  # Keep only the -D flags; the include dir is added separately.
  string(REGEX MATCHALL "-D[^ ]+" _defs "${_cppflags}")
  list(TRANSFORM _defs REPLACE "^-D" "")
  set(LLVM19_FOUND TRUE)
else()
  # Fall back to LLVM's own CMake package.
  if(NOT LLVM_DIR AND EXISTS /usr/lib/llvm-19/lib/cmake/llvm)
    set(LLVM_DIR /usr/lib/llvm-19/lib/cmake/llvm)
  endif()
  # No version in the call: LLVM's version file wants major.minor to match.
  find_package(LLVM CONFIG QUIET)
  if(LLVM_FOUND AND LLVM_VERSION_MAJOR EQUAL 19)
    set(LLVM19_VERSION ${LLVM_PACKAGE_VERSION})
    set(LLVM19_TARGET_TRIPLE ${LLVM_HOST_TRIPLE})
    set(_inc ${LLVM_INCLUDE_DIRS})
    separate_arguments(_defs UNIX_COMMAND "${LLVM_DEFINITIONS}")
    list(TRANSFORM _defs REPLACE "^-D" "")
    set(_libs LLVM) # the shared libLLVM
    set(_syslibs "")
    set(LLVM19_FOUND TRUE)
  endif()
endif()

if(LLVM19_FOUND)
  set(LLVM19_INCLUDE_DIR "${_inc}")
else()
  set(LLVM19_INCLUDE_DIR "")
endif()
if(LLVM19_FOUND AND NOT TARGET wasmc::llvm)
  add_library(wasmc::llvm INTERFACE IMPORTED)
  set_target_properties(wasmc::llvm PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_inc}"
    INTERFACE_COMPILE_DEFINITIONS "${_defs}"
    INTERFACE_LINK_LIBRARIES "${_libs};${_syslibs}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LLVM19
  REQUIRED_VARS LLVM19_INCLUDE_DIR
  VERSION_VAR LLVM19_VERSION)
