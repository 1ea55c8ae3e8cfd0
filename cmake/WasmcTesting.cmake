# Helpers for registering tests. Every test is a ctest entry; labels group
# them ("unit", "spec", "fuzz", "python", "wasi", "bench").

# wasmc_add_unit_test(NAME SOURCES... LIBS libs...)
function(wasmc_add_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()

# The Python interpreter that runs script tests: the one given to CMake
# (tools/setup passes -DPython3_EXECUTABLE=/usr/bin/python3), else python3.
if(Python3_EXECUTABLE)
  set(WASMC_PYTHON "${Python3_EXECUTABLE}" CACHE FILEPATH "python for tests")
else()
  find_program(WASMC_PYTHON NAMES python3 DOC "python for tests")
endif()

# wasmc_add_script_test(NAME SCRIPT file.py [ARGS args...] [LABELS labels...])
# Runs a plain Python script (no pytest) as a test; exit status decides.
function(wasmc_add_script_test name)
  cmake_parse_arguments(T "" "SCRIPT" "ARGS;LABELS" ${ARGN})
  if(NOT WASMC_PYTHON)
    message(STATUS "wasmc: python3 not found, test ${name} not registered")
    return()
  endif()
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_test(NAME ${name} COMMAND ${WASMC_PYTHON} ${T_SCRIPT} ${T_ARGS})
  # Tests never write the user's ~/.cache/wasmc: `wasmc run` caching is
  # off unless a test points WASMC_CACHE_DIR at its own directory.
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300
                       ENVIRONMENT "WASMC_CACHE_DIR=0")
endfunction()
