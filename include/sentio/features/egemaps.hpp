// SPDX-License-Identifier: Apache-2.0
#pragma once
// eGeMAPS v02 (Eyben et al. 2016, openSMILE 3.0 behaviour): 25 low-level descriptors (LLDs) at a
// 10-ms hop and 88 functionals per recording, with openSMILE's numbers, names and order.
// Specification followed: ../shared/docs/EGEMAPS.md; deviations are listed in docs/FEATURES.md.
//
// Input is 16 kHz mono float audio in [-1, 1) (the scale sentio::media produces: int16 / 32768).
// The extractor is incremental: push chunks of any size, read LLD frames as they complete, and call
// finish() at the end of the recording for the functionals. Memory stays bounded except for the
// F0 and loudness contours kept for exact percentiles (8 bytes per 10 ms frame).
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace sentio::features {

inline constexpr int kEgemapsSampleRate = 16000;
inline constexpr std::size_t kEgemapsLldCount = 25;
inline constexpr std::size_t kEgemapsFunctionalCount = 88;

using EgemapsFunctionals = std::array<double, kEgemapsFunctionalCount>;

// Column names in openSMILE's CSV order.
const std::array<std::string_view, kEgemapsLldCount>& egemaps_lld_names();
const std::array<std::string_view, kEgemapsFunctionalCount>& egemaps_functional_names();

// One row of openSMILE's LLD output (-lldcsvoutput): 10 smoothed 20-ms descriptors, then 15
// smoothed F0/voice-quality/formant descriptors (formants ungated, as openSMILE writes them).
struct EgemapsLldFrame {
  std::int64_t index = 0;  // frame time = index * 0.01 s
  std::array<float, kEgemapsLldCount> values{};
};

struct EgemapsOptions {
  int n_threads = 1;        // threads used inside one extraction (>= 1)
  bool lld_frames = false;  // collect LLD frames for take_lld_frames()
};

class EgemapsExtractor {
 public:
  explicit EgemapsExtractor(const EgemapsOptions& options = {});
  ~EgemapsExtractor();
  EgemapsExtractor(const EgemapsExtractor&) = delete;
  EgemapsExtractor& operator=(const EgemapsExtractor&) = delete;

  // Appends audio (16 kHz mono, [-1, 1)). Must not be called after finish().
  void push(std::span<const float> samples);
  // LLD frames completed since the last call (empty unless options.lld_frames).
  std::vector<EgemapsLldFrame> take_lld_frames();
  // Ends the recording and returns the 88 functionals (all 0 for audio shorter than one frame).
  // The last LLD frames become available through take_lld_frames().
  EgemapsFunctionals finish();
  // Samples pushed so far.
  std::int64_t samples_pushed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience. Throws sentio::InputError if sample_rate != kEgemapsSampleRate.
EgemapsFunctionals egemaps_functionals(std::span<const float> samples, int sample_rate, int n_threads = 1);

}  // namespace sentio::features
