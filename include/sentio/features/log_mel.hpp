// SPDX-License-Identifier: Apache-2.0
#pragma once
// Log-mel spectrogram, the input of the neural speech-emotion model (torch-free).
//
// Method (defaults: 16 kHz, 25 ms Hann window, 10 ms hop, 512-point FFT, 64 bands 50-8000 Hz):
//   frame t covers samples [t*hop, t*hop + win); frames = 1 + (n - win) / hop (0 when n < win);
//   each frame is multiplied by a periodic Hann window w[i] = 0.5 - 0.5 cos(2 pi i / win), zero-padded
//   to n_fft, transformed (sentio::features::dsp::RealFft) and turned into a power spectrum |X[k]|^2;
//   band m sums the power weighted by a triangle on the HTK mel scale mel(f) = 2595 log10(1 + f/700),
//   with n_mels + 2 equally spaced mel points between fmin and fmax (band m rises from point m to
//   point m+1 and falls to point m+2; peak weight 1);
//   value = ln(max(band energy, floor)). The floor (1e-10 by default, about -100 dB below full scale
//   of a frame power) keeps digital silence finite.
// Output: frames x n_mels, row-major (one row per frame).
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace sentio::features {

struct LogMelOptions {
  int sample_rate = 16000;
  int win_length = 400;  // samples (25 ms)
  int hop_length = 160;  // samples (10 ms)
  int n_fft = 512;       // power of two >= win_length
  int n_mels = 64;
  double fmin = 50.0;
  double fmax = 8000.0;  // <= sample_rate / 2
  double floor = 1e-10;
};

class LogMel {
 public:
  // Validates the options (SENTIO_ASSERT: they are programmer choices, not user input).
  explicit LogMel(const LogMelOptions& options = {});
  ~LogMel();
  LogMel(LogMel&&) noexcept;
  LogMel& operator=(LogMel&&) noexcept;
  LogMel(const LogMel&) = delete;
  LogMel& operator=(const LogMel&) = delete;

  const LogMelOptions& options() const { return options_; }
  std::size_t n_frames(std::size_t n_samples) const;
  // frames x n_mels values. Not thread-safe (owns FFT scratch): one instance per thread.
  std::vector<float> compute(std::span<const float> samples);
  // The triangular filter bank, n_mels x (n_fft/2 + 1), row-major (exposed for tests).
  const std::vector<float>& filters() const { return filters_; }

 private:
  struct Impl;
  LogMelOptions options_;
  std::vector<float> window_;
  std::vector<float> filters_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::features
