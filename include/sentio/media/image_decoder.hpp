// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decoding one JPEG image held in memory (e.g. a frame a client streams) to packed RGB.
#include <cstdint>
#include <span>
#include <string>

#include "sentio/media/video_reader.hpp"

namespace sentio::media {

// The image as RGB (frame.width, frame.height, frame.rgb; time_s and index untouched). Throws InputError
// naming `name` when the bytes are not a decodable JPEG, or declare more than `max_pixels` pixels (checked
// from the header, before decoding).
void decode_jpeg(std::span<const std::uint8_t> bytes, const std::string& name, VideoFrame& frame,
                 std::int64_t max_pixels = 4096LL * 4096LL);

}  // namespace sentio::media
