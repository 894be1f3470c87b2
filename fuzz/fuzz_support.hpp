// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared by the libFuzzer targets (fuzz/fuzz_*.cpp): the readers under test take a path, so an input is
// written to a file in a private temporary folder first; expected rejections (InputError) are not findings.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace sentio::fuzz {

// This process's private temporary folder (removed when the process ends normally).
inline const std::filesystem::path& input_dir() {
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
  return dir;
}

// Writes `bytes` to `name` in input_dir() (replacing what an earlier input left there); returns the path.
inline std::string write_file(const std::string& name, std::string_view bytes) {
  const std::filesystem::path path = input_dir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

// Targets that read several files from one input split it at this line (seeds are written with it).
inline constexpr std::string_view kPartSeparator = "\n--sentio-fuzz-part--\n";

// The input cut at each kPartSeparator into exactly `n` parts (missing ones empty, the last keeps the rest).
inline std::vector<std::string_view> split_parts(const std::uint8_t* data, std::size_t size, std::size_t n) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < n) {
    const std::size_t at = rest.find(kPartSeparator);
    if (at == std::string_view::npos) break;
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + kPartSeparator.size());
  }
  parts.push_back(rest);
  parts.resize(n);
  return parts;
}

// A file holding `size` bytes of `data`, named with `extension` (which steers format detection), rewritten
// for every input.
inline std::string write_input(const std::uint8_t* data, std::size_t size, const std::string& extension) {
  return write_file("input" + extension, std::string_view(reinterpret_cast<const char*>(data), size));
}

}  // namespace sentio::fuzz
