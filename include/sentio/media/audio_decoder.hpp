// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decodes the audio of any file FFmpeg's libraries can read to mono float PCM at a requested
// sample rate, streamed in bounded chunks (memory does not grow with file length). Either the mix
// of all channels (default) or one chosen channel (e.g. one speaker per channel of a stereo call).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sentio::media {

struct AudioInfo {
  std::string path;
  std::string container;      // e.g. "wav", "flac", "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;          // e.g. "pcm_s16le", "flac", "aac"
  int source_sample_rate = 0;
  int source_channels = 0;
  double duration_s = 0;      // container estimate; 0 if unknown
  int sample_rate = 0;        // the output rate
};

// Errors: every failure throws sentio::InputError whose message names the file and the cause
// (missing file, empty file, not a media file, no audio stream, corrupt or truncated data).
// Channel selection: kMixChannels (-1) averages all channels to mono; k >= 0 decodes channel k only
// (0-based, in the stream's layout order) and throws InputError when the file has <= k channels.
inline constexpr int kMixChannels = -1;

class AudioDecoder {
 public:
  AudioDecoder(const std::string& path, int sample_rate, int channel = kMixChannels);
  ~AudioDecoder();
  AudioDecoder(AudioDecoder&&) noexcept;
  AudioDecoder& operator=(AudioDecoder&&) noexcept;
  AudioDecoder(const AudioDecoder&) = delete;
  AudioDecoder& operator=(const AudioDecoder&) = delete;

  const AudioInfo& info() const;
  // Fills `out` with up to out.size() samples (mono, float in [-1, 1)) and returns how many were
  // written; 0 means end of stream. Channels are averaged to mono unless one was chosen.
  std::size_t read(std::span<float> out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: the whole file at once.
std::vector<float> decode_audio(const std::string& path, int sample_rate, int channel = kMixChannels);

}  // namespace sentio::media
