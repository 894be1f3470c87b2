# SPDX-License-Identifier: Apache-2.0
# sentio_set_warnings(<target>): the project's warning flags (errors with SENTIO_WERROR).
# sentio_module(<target> [DEPS public deps...] [PRIVATE_DEPS ...] [PLUGIN]): one module of the library.
#
# A module is an object library compiled from the .cpp files of its folder (src/<module>/). Its public
# headers live in include/sentio/<module>/, but the module and the modules that depend on it see them
# through an include root of their own (<build>/module-include/<module>/sentio/<module>), so a module
# can include the public headers of the modules it depends on and of no other: an include that breaks
# the one-way dependency arrows fails to compile. Torch-free modules make up the shared library
# libsentio (target `sentio`); PLUGIN modules (libtorch) go into the sentio-torch plugin and are built
# with hidden symbols.
function(sentio_set_warnings target)
  # -Wno-restrict: GCC 12 reports false positives in std::string concatenation at -O3 (GCC bug 105329).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict> $<$<BOOL:${SENTIO_WERROR}>:-Werror>)
endfunction()

function(sentio_module name)
  cmake_parse_arguments(M "PLUGIN" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  string(REGEX REPLACE "^sentio_" "" module ${name})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_library(${name} OBJECT ${srcs})
  set(root "${PROJECT_BINARY_DIR}/module-include/${module}")
  if(NOT EXISTS "${root}/sentio/${module}")
    file(MAKE_DIRECTORY "${root}/sentio")
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/include/sentio/${module}" "${root}/sentio/${module}" SYMBOLIC)
  endif()
  target_include_directories(${name} PUBLIC "$<BUILD_INTERFACE:${root}>" PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  if(M_PLUGIN)
    set_target_properties(${name} PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    set_property(GLOBAL APPEND PROPERTY SENTIO_PLUGIN_MODULES ${name})
  else()
    set_property(GLOBAL APPEND PROPERTY SENTIO_MODULES ${name})
  endif()
  sentio_set_warnings(${name})
endfunction()
