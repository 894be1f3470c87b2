// SPDX-License-Identifier: Apache-2.0
#include "egemaps/mel.hpp"

#include <cmath>

#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

double hz_to_mel(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }
double mel_to_hz(double mel) { return 700.0 * (std::exp(mel / 1127.0) - 1.0); }

MelFilterbank::MelFilterbank(int fft_size, double sample_rate, int bands, double lo_hz,
                             double hi_hz)
    : bands_(bands), num_bins_(fft_size / 2 + 1) {
  SENTIO_ASSERT(fft_size >= 4 && bands >= 1 && sample_rate > 0);
  SENTIO_ASSERT(lo_hz >= 0 && lo_hz < hi_hz && hi_hz <= sample_rate / 2);
  const double bin_hz = sample_rate / fft_size;
  // Section 1 step 2: bins nLo+1 .. nHi-1 with nLo = round(lo/df), nHi = round(hi/df).
  first_bin_ = static_cast<int>(std::lround(lo_hz / bin_hz)) + 1;
  last_bin_ = static_cast<int>(std::lround(hi_hz / bin_hz)) - 1;
  SENTIO_ASSERT(first_bin_ <= last_bin_ && last_bin_ < num_bins_);

  // bands + 2 edges, equally spaced in mel.
  const double mel_lo = hz_to_mel(lo_hz);
  const double mel_step = (hz_to_mel(hi_hz) - mel_lo) / (bands + 1);
  std::vector<double> edge(static_cast<size_t>(bands + 2));
  for (int m = 0; m < bands + 2; ++m) edge[static_cast<size_t>(m)] = mel_lo + m * mel_step;
  centre_hz_.resize(static_cast<size_t>(bands));
  for (int b = 0; b < bands; ++b) centre_hz_[static_cast<size_t>(b)] = mel_to_hz(edge[static_cast<size_t>(b + 1)]);

  // Triangle weight of every usable bin for every band; keep each band's non-zero span.
  band_first_.assign(static_cast<size_t>(bands), 0);
  band_len_.assign(static_cast<size_t>(bands), 0);
  band_offset_.assign(static_cast<size_t>(bands), 0);
  for (int b = 0; b < bands; ++b) {
    const double lo = edge[static_cast<size_t>(b)];
    const double peak = edge[static_cast<size_t>(b + 1)];
    const double hi = edge[static_cast<size_t>(b + 2)];
    std::vector<float> w;
    int first = -1;
    for (int k = first_bin_; k <= last_bin_; ++k) {
      const double mel = hz_to_mel(k * bin_hz);
      double v = 0.0;
      if (mel >= lo && mel < peak) v = (mel - lo) / (peak - lo);        // rising side (segment b)
      else if (mel >= peak && mel < hi) v = (hi - mel) / (hi - peak);   // falling side (segment b+1)
      if (v <= 0.0 && first < 0) continue;
      if (first < 0) first = k;
      w.push_back(static_cast<float>(v));
    }
    while (!w.empty() && w.back() == 0.0f) w.pop_back();
    band_first_[static_cast<size_t>(b)] = first < 0 ? first_bin_ : first;
    band_len_[static_cast<size_t>(b)] = static_cast<int>(w.size());
    band_offset_[static_cast<size_t>(b)] = static_cast<int>(weights_.size());
    weights_.insert(weights_.end(), w.begin(), w.end());
  }
}

void MelFilterbank::apply(std::span<const float> power, std::span<float> out) const {
  SENTIO_ASSERT(static_cast<int>(power.size()) == num_bins_);
  SENTIO_ASSERT(static_cast<int>(out.size()) == bands_);
  for (int b = 0; b < bands_; ++b) {
    const float* __restrict p = power.data() + band_first_[static_cast<size_t>(b)];
    const float* __restrict w = weights_.data() + band_offset_[static_cast<size_t>(b)];
    const int n = band_len_[static_cast<size_t>(b)];
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    int i = 0;
    for (; i + 3 < n; i += 4) {
      for (int j = 0; j < 4; ++j) acc[j] += w[i + j] * p[i + j];
    }
    for (; i < n; ++i) acc[0] += w[i] * p[i];
    out[static_cast<size_t>(b)] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  }
}

}  // namespace sentio::features::egemaps
