// SPDX-License-Identifier: Apache-2.0
#pragma once
// Turns per-frame raw LLDs into (a) the 88 eGeMAPS v02 functionals and (b) openSMILE-style LLD rows.
// Spec: ../shared/docs/EGEMAPS.md sections 0 (which frames each functional sees) and 8.
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "egemaps/functionals.hpp"
#include "egemaps/smoothing.hpp"
#include "sentio/features/egemaps.hpp"

namespace sentio::features::egemaps {

// Unsmoothed LLDs of frame i (20-ms frame i and 60-ms frame i, paired by index).
struct RawFrame {
  // 20-ms group
  float loudness = 0, alpha_ratio = 0, hammarberg = 0, slope0_500 = 0, slope500_1500 = 0, flux = 0;
  std::array<float, 4> mfcc{};
  float energy = 0;                     // for Leq
  std::array<float, 3> formant_freq{};  // ungated
  std::array<float, 3> formant_bw{};
  // 60-ms / F0 group (valid for frames that have a decided F0)
  float f0_semitone = 0;  // gated F0finalLog; voiced <=> > 1e-6
  float jitter = 0, shimmer_db = 0, hnr_db = 0, h1_h2 = 0, h1_a3 = 0;
  std::array<float, 3> formant_amp{-201.f, -201.f, -201.f};
};

class FunctionalsAssembler {
 public:
  FunctionalsAssembler();
  // Every 20-ms frame, in order (N20 frames).
  void add_short(const RawFrame& f);
  // Every frame whose F0 the functionals see (the first K frames), in order.
  void add_pitched(const RawFrame& f);
  // Each of the first K frames, in order, for the unvoiced-only spectral means.
  void add_unvoiced_candidate(const RawFrame& f, bool voiced);
  // Frame K, the first whose F0 was undecided when the input ended: it enters the unvoiced
  // smoother as unvoiced (openSMILE's gate reads the missing F0 as 0), which changes the smoothed
  // value of frame K-1, but is not counted itself. Matches openSMILE exactly on the reference clips.
  void close_unvoiced_with(const RawFrame& next);
  EgemapsFunctionals finish();

 private:
  static constexpr int kMomentShort = 5;     // flux, mfcc1..4 (sma3, all frames)
  static constexpr int kMomentVq = 14;       // jitter .. F3 amplitude (sma3nz)
  static constexpr int kMomentVoiced = 9;    // alpha, hammarberg, slope x2, flux, mfcc1..4 (voiced, sma3nz)
  static constexpr int kMomentUnvoiced = 5;  // alpha, hammarberg, slope x2, flux (unvoiced, sma3nz)

  void take_short_smoothed(const std::array<float, 1 + kMomentShort>& v);
  void take_pitched_smoothed(const std::array<float, 1 + kMomentVq + kMomentVoiced>& v);

  // smoothers, one per contour
  std::vector<Sma3Stream> short_smooth_;    // loudness + kMomentShort
  std::vector<Sma3Stream> pitched_smooth_;   // F0 + vq + voiced
  std::vector<Sma3Stream> unvoiced_smooth_;  // unvoiced group
  std::vector<float> loudness_;             // smoothed loudness contour (for percentiles, slopes)
  std::vector<float> f0_;                   // smoothed F0 contour, all frames (zeros kept)
  std::vector<MomentAccumulator> short_moments_, vq_moments_, voiced_moments_, unvoiced_moments_;
  SegmentTracker voiced_segments_{true}, unvoiced_segments_{false};
  double energy_sum_ = 0;
  std::int64_t n_short_ = 0;
  bool unvoiced_closed_ = false;
};

// openSMILE's LLD CSV rows: the 10 sma3 20-ms columns and the 15 sma3nz F0-group columns paired by
// index and truncated to the F0 group's length plus the smoother's extra trailing row.
class LldRowAssembler {
 public:
  LldRowAssembler();
  void add_short(const RawFrame& f);    // every 20-ms frame, in order
  void add_pitched(const RawFrame& f);  // every 60-ms frame (after the final flush too), in order
  // Rows completed so far.
  std::vector<EgemapsLldFrame> take();
  // End of input: completes the remaining rows.
  void finish();

 private:
  void emit_ready();
  std::vector<Sma3Stream> short_smooth_, pitched_smooth_;
  std::deque<std::array<float, 10>> short_rows_;
  std::deque<std::array<float, 15>> pitched_rows_;
  std::vector<EgemapsLldFrame> ready_;
  std::int64_t next_row_ = 0;
  bool finished_ = false;
};

}  // namespace sentio::features::egemaps
