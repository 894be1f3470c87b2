// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared by the libFuzzer targets (fuzz/fuzz_*.cpp): the readers under test take a path, so an input is
// written to a file in a private temporary folder first; expected rejections (InputError) are not findings.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace sentio::fuzz {

// A file holding `size` bytes of `data`, named with `extension` (which steers format detection), rewritten
// for every input: one per process, in a folder that is removed when the process ends normally.
inline std::string write_input(const std::uint8_t* data, std::size_t size, const std::string& extension) {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d = std::filesystem::temp_directory_path() / ("sentio-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  static struct Cleanup {
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup;
  const std::filesystem::path path = dir / ("input" + extension);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                               static_cast<std::streamsize>(size));
  return path.string();
}

}  // namespace sentio::fuzz
