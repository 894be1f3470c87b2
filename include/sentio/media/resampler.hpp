// SPDX-License-Identifier: Apache-2.0
#pragma once
// Streaming conversion of interleaved float PCM at any rate and channel count to float PCM at an
// output rate: the mean of the channels (mono), one selected channel, or all channels interleaved.
//
// Chunking does not matter: pushing the same samples in any chunk sizes (one frame at a time, or all
// at once) and then calling finish() gives bit-identical output. libswresample on its own is
// chunk-invariant (its filter computes each output sample from the same input samples at the same
// phase whatever the call pattern; tested with random chunkings), so no block buffering is added.
// Latency: only the resampling filter's own half length, about 16 frames at the lower of the two
// rates (measured: 1 ms for 22.05..768 kHz -> 16 kHz, 2 ms for 8 kHz -> 16 kHz), released by
// finish(); none at equal rates. The output is time-aligned with the input: output frame k is the
// input signal at k / out_rate seconds.
//
// Length: after finish() the output has frames_pushed * out_rate / in_rate frames, within +-2.
// libswresample alone would drop a whole stream shorter than its filter, so a short stream (up to
// 64 * ceil(in_rate / out_rate) + 64 frames, kept until it grows past that) is converted again at
// finish(), followed by silence, and cut to exactly the rounded expected length.
//
// Output samples are clamped to [-1, 1) (resampling overshoots near full scale; pushed samples may be
// out of range), like AudioDecoder's.
//
// When in_rate == out_rate and the channel choice needs no arithmetic (mono input, one selected
// channel, or all channels), samples are copied exactly (then clamped). Mixing at equal rates is the
// same per-frame mean as in resampling mode (libswresample's mixing matrix, gain 1/N per channel).
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "sentio/media/channels.hpp"

namespace sentio::media {

class Resampler {
 public:
  // in_rate, out_rate: Hz, 1..kMaxSampleRate; in_channels: 1..kMaxChannels; channel: kMixChannels,
  // kAllChannels or an index < in_channels. Throws sentio::InputError when the input description
  // (in_rate, in_channels, channel) is out of range, naming the bad value; out_rate out of range is
  // a programmer error (assert).
  Resampler(int in_rate, int in_channels, int out_rate, int channel = kMixChannels);
  ~Resampler();
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts `interleaved` (frame-major, in_channels() samples per frame, any number of frames,
  // including 0) and appends the output available so far to `out` (out_channels() samples per frame).
  // Throws InputError when interleaved.size() is not a multiple of in_channels(). Must not be called
  // after finish().
  void push(std::span<const float> interleaved, std::vector<float>& out);
  // Flushes the filter's delay line: appends the remaining output to `out` (see "Length" above).
  // Call once; later calls append nothing.
  void finish(std::vector<float>& out);

  int in_rate() const;
  int in_channels() const;
  int out_rate() const;
  int out_channels() const;  // 1 for kMixChannels or a selected channel, in_channels() for kAllChannels
  bool finished() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::media
