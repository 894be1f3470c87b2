// SPDX-License-Identifier: Apache-2.0
#pragma once
// The 20-ms ("short") stream of eGeMAPS v02: loudness, spectral shape, MFCC 1-4, LPC formants and
// the frame energy used by Leq. Spec: ../shared/docs/EGEMAPS.md sections 1, 5, 6, 7.
#include <array>
#include <complex>
#include <memory>
#include <span>
#include <vector>

#include "sentio/features/real_fft.hpp"
#include "egemaps/formants.hpp"
#include "egemaps/framing.hpp"

namespace sentio::features::egemaps {

// Raw (unsmoothed) values of one 20-ms frame.
struct ShortFrameLld {
  float loudness = 0;        // section 1 (before sma3)
  float alpha_ratio = 0;     // dB
  float hammarberg = 0;      // dB
  float slope0_500 = 0;      // dB/Hz
  float slope500_1500 = 0;   // dB/Hz
  std::array<float, 4> mfcc{};  // mfcc1..mfcc4
  float energy = 0;          // mean of x^2 over the unwindowed frame (section 7, for Leq)
  std::array<float, 3> formant_freq{};  // Hz, 0 = not found (section 6)
  std::array<float, 3> formant_bw{};    // Hz, 0 = not found
};

// Immutable tables (window, mel weights, DCT, resampler) plus per-thread scratch.
// Not thread-safe: use one instance per thread.
class ShortFrameAnalyzer {
 public:
  ShortFrameAnalyzer();
  // frame: kShortLen samples (openSMILE scale). mag_out: kShortBins magnitudes |X[k]| of the
  // Hamming-windowed, zero-padded frame (kept by the caller for spectral flux).
  ShortFrameLld analyze(std::span<const float> frame, std::span<float> mag_out);
  // The formant root search is warm-started from the previous frame; call this at the start of a
  // run of frames so results are independent of how frames were split across threads.
  void reset_warm_start() { formants_.reset_warm_start(); }

 private:
  dsp::RealFft fft_;
  std::vector<float> window_;
  std::vector<float> padded_;
  std::vector<std::complex<float>> spectrum_;
  std::vector<float> power_;
  struct Tables;
  std::shared_ptr<const Tables> tables_;
  // Private additions (implementation detail): the process-wide table instance and the LPC stage.
  static std::shared_ptr<const Tables> shared();
  FormantEstimator formants_;
};

// Spectral flux between consecutive frames (section 5): sqrt(mean over bins 0..159 of (|X_t|-|X_t-1|)^2).
// Returns 0 when prev is empty (first frame).
float spectral_flux(std::span<const float> prev_mag, std::span<const float> mag);

}  // namespace sentio::features::egemaps
