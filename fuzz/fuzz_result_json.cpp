// SPDX-License-Identifier: Apache-2.0
// The result document the report reads (sentio.analysis/1 and /2), rendered to a page.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sentio/core/error.hpp"
#include "sentio/report/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sentio::report::ReportOptions options;
  options.thumbnails = false;
  try {
    (void)sentio::report::render_report(text, "fuzz.json", options);
  } catch (const sentio::InputError&) {
  }
  return 0;
}
