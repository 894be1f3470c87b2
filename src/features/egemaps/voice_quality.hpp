// SPDX-License-Identifier: Apache-2.0
#pragma once
// Voice-quality LLDs of eGeMAPS v02: jitter and shimmer (period by period on the raw waveform),
// HNR, harmonic level differences and formant amplitudes. Spec: ../shared/docs/EGEMAPS.md sections 3, 4.
#include <array>
#include <complex>
#include <cstdint>
#include <span>
#include <vector>

#include "sentio/features/real_fft.hpp"
#include "egemaps/framing.hpp"

namespace sentio::features::egemaps {

// A window onto the raw waveform (openSMILE scale) by absolute sample index:
// data[0] is sample `begin`; valid indices are [begin, begin + data.size()).
struct WaveView {
  std::span<const float> data;
  std::int64_t begin = 0;
};

struct JitterShimmer {
  float jitter_local = 0;       // ratio in [0, 1]
  float shimmer_local_db = 0;   // 20*log10(1 + shimmerLocal)
};

// Stateful across frames (read pointer, leftover, last period): one per audio stream.
class JitterShimmerTracker {
 public:
  // Call once for every 60-ms frame index i = 0, 1, 2, ... in order, with that frame's gated
  // F0final in Hz (0 = unvoiced). `wave` must cover at least
  // [kHop*i - 2*kLongLen, kHop*i + kLongLen) intersected with [0, end of audio).
  JitterShimmer process(std::int64_t frame_index, float f0_hz, const WaveView& wave);

 private:
  double correlation(long start, long p, double sxy) const;
  long best_period(const float* x, long start, long period_min, long n_lags);

  // implementation state (section 3), mirroring openSMILE's cPitchJitter bookkeeping:
  std::int64_t read_pos_ = 0;  // absolute sample index where the next block starts ("lastIdx")
  int leftover_ = 0;           // samples of the previous hop not yet consumed ("lastMis")
  float last_period_ = 0;      // last accepted period in seconds (0 = none since last unvoiced)
  float last_jitter_ = 0;      // previous jitterLocal (repeated when no period is accepted)
  float last_shimmer_ = 0;     // previous shimmerLocal (linear ratio)
  std::vector<double> prefix_;     // prefix sums of the current block of raw samples
  std::vector<double> prefix_sq_;  // prefix sums of its squares
  std::vector<double> corr_;       // correlation per candidate period (double)
  std::vector<double> corr_fast_;  // the same from the float screen
};

struct HarmonicsLld {
  float hnr_db = 0;                 // HNRdBACF, 0 if unvoiced
  float h1_h2 = 0;                  // logRelF0-H1-H2 (openSMILE's index semantics), 0 if unvoiced
  float h1_a3 = 0;                  // logRelF0-H1-A3, 0 if unvoiced
  std::array<float, 3> formant_amp{-201.f, -201.f, -201.f};  // F1..F3 amplitudeLogRelF0, -201 if unvoiced
};

// Not thread-safe: one per thread. Stateless between frames.
class HarmonicsAnalyzer {
 public:
  HarmonicsAnalyzer();
  // mag: kLongBins Gaussian-window magnitudes of 60-ms frame i; f0_hz: gated F0final of frame i;
  // formant_freq: F1..F3 (Hz, 0 = missing) of 20-ms frame i (ungated, unsmoothed).
  HarmonicsLld analyze(std::span<const float> mag, float f0_hz, std::span<const float, 3> formant_freq);

 private:
  struct Harmonic {
    int bin = 0;             // peak bin (or the candidate bin when no peak was found)
    float magnitude = 0;     // raw |X| at the peak bin (0 = not found / discarded)
    float freq_interp = 0;   // Hz, parabolic interpolation over (Hz, |X|)
    float mag_interp = 0;    // interpolated peak magnitude
    bool discarded = false;  // same bin as the previous harmonic (section 4.2)
  };
  float hnr_db(std::span<const float> mag, float f0_hz);
  float acf_at(long lag);
  void find_harmonics(std::span<const float> mag, float f0_hz, int count);
  float level(int h) const;  // L_h in dB (section 4.2)
  int formant_harmonic(float formant_hz, int count) const;

  // Section 4.1 ACF: evaluated lag by lag (cached per frame) while the peak search needs only a
  // few lags; after kMaxDirectLags direct evaluations, all lags come from one inverse FFT.
  static constexpr int kMaxDirectLags = 16;
  dsp::RealFft ifft_;
  std::vector<std::complex<float>> power_;  // inverse-FFT input
  std::vector<float> acf_;                  // ACF values (kLongFft for the inverse FFT output)
  std::vector<float> power_f_;              // |X[k]|^2, kLongBins
  std::vector<double> cos_table_;           // cos(2 pi j / kLongFft)
  std::vector<std::uint64_t> acf_stamp_;    // acf_[lag] is valid iff stamp == acf_generation_
  std::uint64_t acf_generation_ = 0;
  int acf_direct_count_ = 0;
  bool acf_full_ = false;
  std::array<Harmonic, 100> harmonics_{};  // index 0 = fundamental
  float ref_magnitude_ = 0;                 // raw |X| of the fundamental's peak (0 = not found)
  float ref_log_ = 0;                       // log10(ref_magnitude_), float as openSMILE
};

}  // namespace sentio::features::egemaps
