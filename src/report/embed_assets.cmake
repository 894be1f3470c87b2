# SPDX-License-Identifier: Apache-2.0
# cmake -DOUT=<file.cpp> -DASSET_DIR=<dir> -P embed_assets.cmake: writes a C++ file defining
# sentio::report::detail::asset_html/css/js() (report_assets.hpp) as raw string literals of the files
# report.html, report.css and report.js. A file containing the literal's delimiter is an error.
set(delim "sentio_asset")
set(body "// Generated from src/report/assets by embed_assets.cmake: do not edit.\n#include \"report_assets.hpp\"\n\nnamespace sentio::report::detail {\n")
foreach(kind html css js)
  file(READ "${ASSET_DIR}/report.${kind}" text)
  string(FIND "${text}" ")${delim}\"" found)
  if(NOT found EQUAL -1)
    message(FATAL_ERROR "report.${kind} contains the raw-string delimiter )${delim}\"")
  endif()
  string(APPEND body "std::string_view asset_${kind}() {\n  static constexpr char text[] = R\"${delim}(${text})${delim}\";\n  return {text, sizeof(text) - 1};\n}\n")
endforeach()
string(APPEND body "}  // namespace sentio::report::detail\n")
file(WRITE "${OUT}.tmp" "${body}")
file(RENAME "${OUT}.tmp" "${OUT}")
