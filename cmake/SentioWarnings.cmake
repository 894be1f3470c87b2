# SPDX-License-Identifier: Apache-2.0
# sentio_module(NAME <target> DIR <src dir> [DEPS public deps...] [PRIVATE_DEPS ...])
# Defines one library target per module. Public headers live in include/sentio/<module>/,
# private headers next to the sources.
function(sentio_set_warnings target)
  # -Wno-restrict: GCC 12 reports false positives in std::string concatenation at -O3 (GCC bug 105329).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict> $<$<BOOL:${SENTIO_WERROR}>:-Werror>)
endfunction()

function(sentio_module name)
  cmake_parse_arguments(M "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/include"
    PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  sentio_set_warnings(${name})
endfunction()
