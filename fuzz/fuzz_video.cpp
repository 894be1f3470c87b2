// SPDX-License-Identifier: Apache-2.0
// Video decoding (FFmpeg demuxers and decoders behind media::VideoReader): every frame of the file at
// 5 fps, scaled as the face pipeline asks for it.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/video_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sentio::fuzz::write_input(data, size, ".bin");
  try {
    sentio::media::VideoReadOptions options;
    options.fps = 5;
    options.max_width = 640;
    sentio::media::VideoReader reader(path, options);
    sentio::media::VideoFrame frame;
    while (reader.next(frame)) {
    }
  } catch (const sentio::InputError&) {
  }
  return 0;
}
