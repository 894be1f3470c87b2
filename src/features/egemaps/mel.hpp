// SPDX-License-Identifier: Apache-2.0
#pragma once
// Triangular mel filterbank shared by eGeMAPS loudness and MFCC (docs: ../shared/docs/EGEMAPS.md
// section 1 step 2 and section 5 "MFCC 1-4").
//   mel(f) = 1127 ln(1 + f/700); band edges c_m = mel(lo) + m (mel(hi) - mel(lo)) / (bands + 1),
//   m = 0..bands+1; band b rises from c_b to 1 at c_{b+1} and falls to 0 at c_{b+2}.
// Weights are evaluated at each FFT bin's mel value; only bins round(lo/df)+1 .. round(hi/df)-1
// contribute. Band values are plain weighted sums of the input (no normalisation).
#include <span>
#include <vector>

namespace sentio::features::egemaps {

double hz_to_mel(double hz);
double mel_to_hz(double mel);

class MelFilterbank {
 public:
  // fft_size: FFT length (bins = fft_size/2 + 1); sample_rate in Hz; lo_hz < hi_hz <= sample_rate/2.
  MelFilterbank(int fft_size, double sample_rate, int bands, double lo_hz, double hi_hz);

  int bands() const { return bands_; }
  // Centre frequency (Hz) of band b = mel_to_hz(c_{b+1}).
  double centre_hz(int b) const { return centre_hz_[static_cast<size_t>(b)]; }

  // power: fft_size/2 + 1 values; out: bands() values. Accumulated in float with four partial sums.
  void apply(std::span<const float> power, std::span<float> out) const;

 private:
  int bands_;
  int num_bins_;
  int first_bin_;  // inclusive
  int last_bin_;   // inclusive
  // Band b covers bins band_first_[b] .. band_first_[b] + band_len_[b] - 1 with weights
  // weights_[band_offset_[b] + i] (the rising then the falling side of its triangle; zero-weight
  // bins inside the span are kept so that the span is contiguous).
  std::vector<int> band_first_;
  std::vector<int> band_len_;
  std::vector<int> band_offset_;
  std::vector<float> weights_;
  std::vector<double> centre_hz_;
};

}  // namespace sentio::features::egemaps
