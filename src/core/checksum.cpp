// SPDX-License-Identifier: Apache-2.0
// SHA-256 comes from Nettle (GnuTLS's crypto library, a small Debian package that costs a program
// next to nothing to load) rather than a hand-written implementation.
#include "sentio/core/checksum.hpp"

#include <nettle/sha2.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {

std::string to_hex(const std::uint8_t* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[bytes[i] >> 4];
    s[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return s;
}

bool is_hex_digest(const std::string& s) {
  if (s.size() != 64) return false;
  for (const char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("'" + path + "': cannot open for reading");
  sha256_ctx sha{};
  sha256_init(&sha);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = in.gcount();
    if (n > 0) sha256_update(&sha, static_cast<std::size_t>(n), reinterpret_cast<const std::uint8_t*>(buffer.data()));
  }
  if (in.bad()) throw InputError("'" + path + "': read error");
  std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
  sha256_digest(&sha, digest.size(), digest.data());
  return to_hex(digest.data(), digest.size());
}

std::array<std::uint8_t, 32> sha256_bytes(std::string_view data) {
  sha256_ctx sha{};
  sha256_init(&sha);
  sha256_update(&sha, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  std::array<std::uint8_t, 32> digest{};
  sha256_digest(&sha, digest.size(), digest.data());
  return digest;
}

std::map<std::string, std::string> read_sha256sums(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("'" + path + "': cannot open checksum list");
  std::map<std::string, std::string> sums;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string digest, name;
    fields >> digest >> name;
    if (!name.empty() && name[0] == '*') name.erase(0, 1);
    if (!is_hex_digest(digest) || name.empty())
      throw InputError("'" + path + "': line " + std::to_string(number) + " is not '<sha256>  <file name>'");
    for (char& c : digest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sums[name] = digest;
  }
  return sums;
}

bool verify_sha256(const std::string& file, const std::map<std::string, std::string>& sums,
                   const std::string& list_name) {
  const auto it = sums.find(std::filesystem::path(file).filename().string());
  if (it == sums.end()) return false;
  if (sha256_file(file) != it->second)
    throw InputError("'" + file + "': checksum mismatch (the file differs from the one listed in '" + list_name +
                     "'; it is corrupted or was altered; fetch it again, e.g. with scripts/setup)");
  return true;
}

}  // namespace sentio
