// SPDX-License-Identifier: Apache-2.0
// Header fields used (offsets in bytes):
//  * PNG: signature (8), then the IHDR chunk: width @16, height @20 (big-endian 32-bit).
//  * GIF: "GIF87a"/"GIF89a", logical screen width @6, height @8 (little-endian 16-bit).
//  * BMP: "BM", DIB header size @14; 12 = OS/2 core header (16-bit width @18, height @20), else width @18,
//    height @22 (signed 32-bit; a negative height means top-down rows).
//  * JPEG: SOI (FF D8), then marker segments FF xx with a big-endian length; the first SOFn (C0..CF
//    without C4 DHT, C8 JPG, CC DAC) holds height @+5 and width @+7 from its marker.
//  * WebP: "RIFF" size "WEBP", then the first chunk: "VP8 " (frame tag @20, start code 9D 01 2A @23, 14-bit
//    width @26 and height @28), "VP8L" (signature 2F @20, then 14-bit width-1 and height-1, little-endian
//    bit order) or "VP8X" (24-bit width-1 @24 and height-1 @27).
//  * PNM: "P1".."P6", then width and height as decimal text, with '#' comments and white space between.
#include "face/image_header.hpp"

#include <cstddef>

namespace sentio::vision::face {

namespace {

std::uint64_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint64_t>(b[at]) << 8 | b[at + 1];
}
std::uint64_t be32(std::span<const std::uint8_t> b, std::size_t at) { return be16(b, at) << 16 | be16(b, at + 2); }
std::uint64_t le16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint64_t>(b[at + 1]) << 8 | b[at];
}
std::uint64_t le24(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint64_t>(b[at + 2]) << 16 | le16(b, at);
}
std::uint64_t le32(std::span<const std::uint8_t> b, std::size_t at) { return le16(b, at + 2) << 16 | le16(b, at); }

bool starts(std::span<const std::uint8_t> b, std::size_t at, const char* text, std::size_t n) {
  if (b.size() < at + n) return false;
  for (std::size_t k = 0; k < n; ++k)
    if (b[at + k] != static_cast<std::uint8_t>(text[k])) return false;
  return true;
}

std::optional<DeclaredSize> jpeg(std::span<const std::uint8_t> b) {
  std::size_t pos = 2;
  while (pos + 4 <= b.size()) {
    if (b[pos] != 0xFF) return std::nullopt;
    const std::uint8_t marker = b[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      pos += 2;
      continue;
    }
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (pos + 9 > b.size()) return std::nullopt;
      return DeclaredSize{be16(b, pos + 7), be16(b, pos + 5)};
    }
    pos += 2 + be16(b, pos + 2);
  }
  return std::nullopt;
}

std::optional<DeclaredSize> pnm(std::span<const std::uint8_t> b) {
  std::size_t pos = 2;
  std::uint64_t v[2] = {0, 0};
  for (std::uint64_t& value : v) {
    for (;;) {  // white space and comments
      if (pos >= b.size()) return std::nullopt;
      if (b[pos] == '#') {
        while (pos < b.size() && b[pos] != '\n') ++pos;
      } else if (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r' || b[pos] == '\n') {
        ++pos;
      } else {
        break;
      }
    }
    std::size_t digits = 0;
    while (pos < b.size() && b[pos] >= '0' && b[pos] <= '9' && digits < 12) {
      value = value * 10 + (b[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  return DeclaredSize{v[0], v[1]};
}

}  // namespace

std::optional<DeclaredSize> declared_image_size(std::span<const std::uint8_t> b) {
  if (starts(b, 0, "\x89PNG\r\n\x1a\n", 8) && starts(b, 12, "IHDR", 4) && b.size() >= 24)
    return DeclaredSize{be32(b, 16), be32(b, 20)};
  if ((starts(b, 0, "GIF87a", 6) || starts(b, 0, "GIF89a", 6)) && b.size() >= 10)
    return DeclaredSize{le16(b, 6), le16(b, 8)};
  if (starts(b, 0, "BM", 2) && b.size() >= 26) {
    if (le32(b, 14) == 12) return DeclaredSize{le16(b, 18), le16(b, 20)};
    const auto w = static_cast<std::int32_t>(le32(b, 18));
    const auto h = static_cast<std::int32_t>(le32(b, 22));
    const auto magnitude = [](std::int32_t x) { return x < 0 ? -static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x); };
    return DeclaredSize{magnitude(w), magnitude(h)};
  }
  if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return jpeg(b);
  if (starts(b, 0, "RIFF", 4) && starts(b, 8, "WEBP", 4)) {
    if (starts(b, 12, "VP8 ", 4) && b.size() >= 30 && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A)
      return DeclaredSize{le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
    if (starts(b, 12, "VP8L", 4) && b.size() >= 25 && b[20] == 0x2F) {
      const std::uint64_t bits = le32(b, 21);
      return DeclaredSize{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    if (starts(b, 12, "VP8X", 4) && b.size() >= 30) return DeclaredSize{le24(b, 24) + 1, le24(b, 27) + 1};
    return std::nullopt;
  }
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return pnm(b);
  return std::nullopt;
}

}  // namespace sentio::vision::face
