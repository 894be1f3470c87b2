// SPDX-License-Identifier: Apache-2.0
// List files (`sentio analyze @LIST`): one path per line, comments, blanks, CRLF, relative paths. Entries
// only name files (they are checked with stat, never opened or scanned), so any content is safe to try.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sentio/pipeline/inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sentio::fuzz::write_input(data, size, ".lst");
  const auto expanded = sentio::pipeline::expand_inputs({"@" + path});
  (void)expanded;
  return 0;
}
