// SPDX-License-Identifier: Apache-2.0
#pragma once
// The 60-ms ("long") stream of eGeMAPS v02: Gaussian-window spectrum, sub-harmonic-summation
// pitch candidates, frame RMS, and the streaming Viterbi pitch smoother.
// Spec: ../shared/docs/EGEMAPS.md section 2.
#include <array>
#include <complex>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sentio/features/real_fft.hpp"
#include "egemaps/framing.hpp"

namespace sentio::features::egemaps {

inline constexpr int kMaxPitchCandidates = 6;

struct PitchCandidates {
  std::array<float, kMaxPitchCandidates> freq{};     // Hz, 0 for empty slots; slot 0 = best score
  std::array<float, kMaxPitchCandidates> voicing{};  // in [0, 1]
  int count = 0;
  float rms = 0;  // section 2.3: sqrt(sum(w^2 x^2) / 960), for the energy gate
};

// Not thread-safe: one instance per thread.
class LongFrameAnalyzer {
 public:
  LongFrameAnalyzer();
  // frame: kLongLen samples (openSMILE scale). mag_out: kLongBins magnitudes of the
  // Gaussian-windowed zero-padded frame (used later by the harmonics stage).
  PitchCandidates analyze(std::span<const float> frame, std::span<float> mag_out);

 private:
  struct Tables;
  std::shared_ptr<const Tables> tables_;
  dsp::RealFft fft_;
  std::vector<float> padded_;
  std::vector<std::complex<float>> spectrum_;
  std::vector<double> scratch_a_, scratch_b_;  // enhanced spectrum then spline work; smoothed spectrum
  std::vector<float> log_spec_, shs_;  // weighted octave-axis spectrum, SHS sum (513 each)
};

// Streaming Viterbi smoother (section 2.4), one per audio stream. Frames go in in order; decided
// frames come out in order, each as F0final in Hz (0 = unvoiced), NOT yet energy-gated.
class ViterbiPitchSmoother {
 public:
  ViterbiPitchSmoother();
  ~ViterbiPitchSmoother();
  void push(const PitchCandidates& frame);
  // Next decided frame, if any.
  std::optional<float> pop();
  // End of input: decide every pending frame (they become available through pop()).
  void flush();
  // Frames pushed but not yet decided.
  int pending() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// F0finalLog: 12*log2(f/27.5) if f > 29.136 Hz; 1.0 if 0 < f <= 29.136; 0 if f == 0.
float f0_semitone_from_27_5(float f0_hz);

}  // namespace sentio::features::egemaps
