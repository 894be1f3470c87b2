// SPDX-License-Identifier: Apache-2.0
#pragma once
// Still images from RGB pixels (e.g. face thumbnails for the HTML report), encoded with libavcodec.
#include <cstdint>
#include <span>
#include <vector>

namespace sentio::media {

// Baseline JPEG (FFmpeg's mjpeg encoder, full-range YCbCr 4:4:4) of packed RGB24 pixels, row-major,
// rgb.size() == width * height * 3. quality: 1 (smallest) .. 100 (best). Returns the JPEG file's bytes.
// Throws InputError when the encoder is unavailable or fails.
std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height, int quality = 85);

}  // namespace sentio::media
