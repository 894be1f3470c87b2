// SPDX-License-Identifier: Apache-2.0
#pragma once
// Short-time cepstra for speaker characterisation (private to sentio_speech).
//
// Frames of 25 ms every 10 ms, pre-emphasis 0.97, Hamming window, power spectrum by the real FFT,
// kMelBands triangular mel filters over [kMelLowHz, min(kMelHighHz, 0.45 sr)], natural log, and an
// orthonormal DCT-II; c1..kCepstra are kept (c0, the loudness, is left out: it says more about
// the emotion and the distance to the microphone than about who speaks). The frame's power in
// dBFS is kept beside them to select the frames worth modelling (speech, not pauses).
#include <complex>
#include <span>
#include <vector>

#include "sentio/features/real_fft.hpp"

namespace sentio::speech::diarization {

inline constexpr int kCepstra = 16;      // dimension of the cepstral vectors (c1..c16)
inline constexpr int kMelBands = 32;
inline constexpr double kMelLowHz = 100.0;
inline constexpr double kMelHighHz = 7000.0;

struct CepstralFrames {
  int count = 0;
  std::vector<float> cepstra;   // count x kCepstra, row-major
  std::vector<float> power_db;  // count; mean square of the (un-emphasised) frame, dBFS
  std::span<const float> row(int t) const {
    return std::span<const float>(cepstra).subspan(static_cast<std::size_t>(t) * kCepstra, kCepstra);
  }
};

// Not thread-safe (owns FFT scratch): one per thread.
class CepstralAnalyzer {
 public:
  explicit CepstralAnalyzer(int sample_rate);
  int sample_rate() const { return sample_rate_; }
  int hop() const { return hop_; }        // samples per 10 ms
  int window() const { return window_; }  // samples per 25 ms
  // Frame t covers samples [t hop, t hop + window); frames that would run past the end are not made.
  CepstralFrames analyze(std::span<const float> samples);

 private:
  struct Filter {
    int first_bin = 0;
    std::vector<float> weights;
  };
  int sample_rate_, hop_, window_, n_fft_;
  std::vector<float> hamming_;
  std::vector<Filter> filters_;
  std::vector<float> dct_;  // kCepstra x kMelBands (rows for c1..c16)
  features::dsp::RealFft fft_;
  std::vector<float> frame_;
  std::vector<std::complex<float>> spectrum_;
  std::vector<float> power_, log_mel_;
};

}  // namespace sentio::speech::diarization
