// SPDX-License-Identifier: Apache-2.0
#pragma once
// Channel selection and format bounds shared by AudioDecoder and Resampler.

namespace sentio::media {

// Channel selection: kMixChannels averages all channels to mono (the mean, gain 1/N each);
// k >= 0 keeps channel k only (0-based, in the stream's layout order); kAllChannels keeps every
// channel, interleaved (frame-major: sample i of channel c is at index i * channels + c).
inline constexpr int kMixChannels = -1;
inline constexpr int kAllChannels = -2;

// Bounds for audio described by a caller (raw PCM, pushed samples): sample rates 1..kMaxSampleRate Hz,
// 1..kMaxChannels channels (libswresample's own channel limit).
inline constexpr int kMaxSampleRate = 768000;
// Decoded inputs must declare kMinSampleRate..kMaxSampleRate Hz: below it no speech survives, and a header
// declaring 1 Hz would make a few bytes decode (and be resampled) as hours of audio.
inline constexpr int kMinSampleRate = 1000;
inline constexpr int kMaxChannels = 64;

}  // namespace sentio::media
