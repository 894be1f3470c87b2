// SPDX-License-Identifier: Apache-2.0
// Audio decoding (FFmpeg demuxers and decoders behind media::AudioDecoder): the whole file decoded to 16 kHz
// mono, as `sentio analyze` does.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sentio::fuzz::write_input(data, size, ".bin");
  try {
    sentio::media::AudioDecodeOptions options;
    options.sample_rate = 16000;
    sentio::media::AudioDecoder decoder(path, options);
    std::vector<float> block(4096 * static_cast<std::size_t>(decoder.info().channels));
    while (decoder.read(block) > 0) {
    }
  } catch (const sentio::InputError&) {
  }
  return 0;
}
