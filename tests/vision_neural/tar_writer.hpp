// SPDX-License-Identifier: Apache-2.0
#pragma once
// A minimal ustar writer for the vision tests (archives with known members, optionally damaged).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace sentio::test {

struct TarEntry {
  std::string name;  // <= 100 bytes, or "prefix/name" with prefix <= 155 and name <= 100 (split at the last '/')
  std::string data;
};

// The bytes of a ustar archive holding `entries`, ending with two zero blocks.
inline std::vector<std::uint8_t> make_tar(const std::vector<TarEntry>& entries) {
  std::vector<std::uint8_t> out;
  for (const TarEntry& e : entries) {
    std::uint8_t h[512] = {};
    std::string name = e.name, prefix;
    if (name.size() > 100) {
      const std::size_t cut = name.rfind('/');
      prefix = name.substr(0, cut);
      name = name.substr(cut + 1);
    }
    std::memcpy(h, name.data(), name.size());
    std::snprintf(reinterpret_cast<char*>(h + 100), 8, "%07o", 0644);
    std::snprintf(reinterpret_cast<char*>(h + 108), 8, "%07o", 0);
    std::snprintf(reinterpret_cast<char*>(h + 116), 8, "%07o", 0);
    std::snprintf(reinterpret_cast<char*>(h + 124), 12, "%011lo", static_cast<unsigned long>(e.data.size()));
    std::snprintf(reinterpret_cast<char*>(h + 136), 12, "%011lo", 0ul);
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);  // with its NUL
    h[263] = '0';
    h[264] = '0';
    std::memcpy(h + 345, prefix.data(), prefix.size());
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (const std::uint8_t c : h) sum += c;
    std::snprintf(reinterpret_cast<char*>(h + 148), 8, "%06o", sum);  // 6 digits, NUL, space
    h[155] = ' ';
    out.insert(out.end(), h, h + 512);
    out.insert(out.end(), e.data.begin(), e.data.end());
    out.resize((out.size() + 511) / 512 * 512, 0);
  }
  out.resize(out.size() + 1024, 0);
  return out;
}

// A binary PGM (P5) of a w x h grey image.
inline std::string make_pgm(int w, int h, const std::vector<std::uint8_t>& pixels) {
  std::string s = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
  s.append(reinterpret_cast<const char*>(pixels.data()), pixels.size());
  return s;
}

}  // namespace sentio::test
