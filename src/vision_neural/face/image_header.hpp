// SPDX-License-Identifier: Apache-2.0
#pragma once
// The pixel size an encoded image declares in its header, read before decoding so that a small file
// declaring a huge image is refused instead of allocated (a 0.9 MB PNG can declare 30000x30000).
#include <cstdint>
#include <optional>
#include <span>

namespace sentio::vision::face {

struct DeclaredSize {
  std::uint64_t width = 0, height = 0;
};

// Width and height from the header of a PNG, JPEG, GIF, BMP, WebP or PNM (PGM/PPM/PBM) image, or
// nullopt for other formats and headers cut short (the decoder then reports what is wrong).
std::optional<DeclaredSize> declared_image_size(std::span<const std::uint8_t> head);

inline constexpr std::uint64_t kMaxImagePixels = std::uint64_t{64} << 20;  // 64 Mpx (8192 x 8192)

}  // namespace sentio::vision::face
