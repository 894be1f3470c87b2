// SPDX-License-Identifier: Apache-2.0
// The tar reader behind "ARCHIVE.tar:MEMBER" paths of face manifests (ustar, GNU long names, pax paths):
// the archive is indexed, then every member is looked up by name and read.
#include <cstddef>
#include <cstdint>

#include "face/tar_archive.hpp"
#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sentio::fuzz::write_input(data, size, ".tar");
  try {
    const sentio::vision::face::TarArchive archive(path);
    for (const auto& member : archive.members()) {
      const auto* found = archive.find(member.name);
      if (found == nullptr) __builtin_trap();  // every listed member can be found by its name
      (void)archive.read(*found);
    }
  } catch (const sentio::InputError&) {
  }
  return 0;
}
