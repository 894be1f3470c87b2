// SPDX-License-Identifier: Apache-2.0
// Training manifests: the speech-emotion manifest (path,speaker,gender,emotion,...) and the labelled
// image manifest of the face plugin (path,label[,split], quoted fields): the first byte picks which (and
// for images a `split` filter), the rest is the CSV.
#include <cstddef>
#include <cstdint>

#include "face/manifest.hpp"
#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/ser/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string path = sentio::fuzz::write_input(data + 1, size - 1, ".csv");
  try {
    switch (data[0] % 3) {
      case 0:
        (void)sentio::ser::read_manifest(path);
        break;
      case 1:
        (void)sentio::vision::face::read_manifest(path);
        break;
      default:
        (void)sentio::vision::face::read_manifest(path, "train");
        break;
    }
  } catch (const sentio::InputError&) {
  }
  return 0;
}
