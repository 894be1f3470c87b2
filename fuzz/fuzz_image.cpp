// SPDX-License-Identifier: Apache-2.0
// Image files as the face plugin reads them (the declared-size check, then OpenCV's decoders): the first
// byte picks the extension, the rest is the file.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr const char* kExtensions[] = {".png", ".jpg", ".bmp", ".webp", ".tif", ".pgm"};
  const std::string path =
      sentio::fuzz::write_input(data + 1, size - 1, kExtensions[data[0] % (sizeof kExtensions / sizeof kExtensions[0])]);
  try {
    const sentio::vision::Image image = sentio::vision::decode_image_file(path);
    if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels) __builtin_trap();
  } catch (const sentio::InputError&) {
  }
  return 0;
}
