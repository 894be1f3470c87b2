// SPDX-License-Identifier: Apache-2.0
#pragma once
// Per-frame acoustic evidence for voice-activity detection (10-ms hop, 40-ms Hann window centred on
// the hop). Private to sentio_speech.
#include <complex>
#include <span>
#include <vector>

#include "sentio/features/real_fft.hpp"

namespace sentio::speech {

struct FrameFeatures {
  float power_db = 0;  // band power 200-4000 Hz, dB relative to a full-scale mean square (dBFS)
  float flatness = 0;  // spectral flatness 250-4000 Hz (geometric / arithmetic mean), in [0, 1]
  float voicing = 0;   // max normalised autocorrelation over lags of 70-400 Hz, in [0, 1]
};

// Not thread-safe (owns FFT scratch); one per detector.
class FrameAnalyzer {
 public:
  explicit FrameAnalyzer(int sample_rate);
  int hop() const { return hop_; }        // samples per 10 ms
  int window() const { return window_; }  // samples per 40 ms = 4 hops
  // frame: window() samples, centred on the hop being described.
  FrameFeatures analyze(std::span<const float> frame);

 private:
  int hop_, window_, n_fft_;
  int power_lo_, power_hi_, flat_lo_, flat_hi_, ac_hi_;  // FFT bin ranges [lo, hi)
  int lag_min_, lag_max_;                                 // autocorrelation lags (samples)
  double power_scale_;  // converts the band's sum |X_k|^2 into a mean square
  std::vector<float> hann_;
  std::vector<float> window_ac_;  // normalised autocorrelation of the window itself, per lag
  features::dsp::RealFft fft_;
  std::vector<float> padded_, autocorr_;
  std::vector<std::complex<float>> spectrum_;
};

}  // namespace sentio::speech
