// SPDX-License-Identifier: Apache-2.0
#pragma once
// Frame geometry of eGeMAPS v02 at 16 kHz (docs: ../shared/docs/EGEMAPS.md section 0).
// Frames are left-aligned: frame i covers samples [kHop*i, kHop*i + length).
// Samples are in openSMILE's scale: int16 / 32767 (callers convert from [-1, 1) floats).
namespace sentio::features::egemaps {

inline constexpr int kSampleRate = 16000;
inline constexpr int kHop = 160;            // 10 ms
inline constexpr int kShortLen = 320;       // "20 ms" stream, Hamming window
inline constexpr int kShortFft = 512;       // zero-padded symmetrically: 96 | 320 | 96
inline constexpr int kShortBins = kShortFft / 2 + 1;  // 257, 31.25 Hz apart
inline constexpr int kLongLen = 960;        // "60 ms" stream, Gaussian window sigma 0.4
inline constexpr int kLongFft = 1024;       // zero-padded symmetrically: 32 | 960 | 32
inline constexpr int kLongBins = kLongFft / 2 + 1;    // 513, 15.625 Hz apart
inline constexpr double kFramePeriod = 0.01;  // seconds

}  // namespace sentio::features::egemaps
