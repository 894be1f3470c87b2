// SPDX-License-Identifier: Apache-2.0
#include "frame_features.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sentio/core/error.hpp"

namespace sentio::speech {
namespace {

int next_pow2(int n) {
  int p = 2;
  while (p < n) p *= 2;
  return p;
}

int bin_of(double hz, int n_fft, int sample_rate) {
  return static_cast<int>(std::lround(hz * n_fft / sample_rate));
}

}  // namespace

FrameAnalyzer::FrameAnalyzer(int sample_rate)
    : hop_(sample_rate / 100),
      window_(4 * hop_),
      // room for the window plus the longest lag, so the circular autocorrelation does not wrap
      n_fft_(next_pow2(window_ + sample_rate / 70 + 1)),
      power_lo_(bin_of(200.0, n_fft_, sample_rate)),
      power_hi_(std::min(bin_of(4000.0, n_fft_, sample_rate) + 1, n_fft_ / 2)),  // below Nyquist at 8 kHz
      flat_lo_(bin_of(250.0, n_fft_, sample_rate)),
      flat_hi_(std::min(bin_of(4000.0, n_fft_, sample_rate) + 1, n_fft_ / 2)),
      ac_hi_(bin_of(1500.0, n_fft_, sample_rate) + 1),
      lag_min_(sample_rate / 400),
      lag_max_(sample_rate / 70),
      power_scale_(0),
      hann_(static_cast<std::size_t>(window_)),
      window_ac_(static_cast<std::size_t>(lag_max_ + 1)),
      fft_(n_fft_),
      padded_(static_cast<std::size_t>(n_fft_), 0.0f),
      autocorr_(static_cast<std::size_t>(n_fft_)),
      spectrum_(static_cast<std::size_t>(n_fft_ / 2 + 1)) {
  SENTIO_ASSERT(hop_ > 0 && power_hi_ <= n_fft_ / 2 && lag_max_ < n_fft_ - window_);
  double sum_w2 = 0;
  for (int n = 0; n < window_; ++n) {
    // periodic Hann: w[n] = 0.5 (1 - cos(2 pi (n + 0.5) / N)), symmetric about the frame centre
    const double w = 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * (n + 0.5) / window_));
    hann_[static_cast<std::size_t>(n)] = static_cast<float>(w);
    sum_w2 += w * w;
  }
  // Parseval for a one-sided spectrum: sum_n (w x)^2 = (2 / N) sum_{k} |X_k|^2 (k inside (0, N/2)).
  // Dividing by sum w^2 gives the (window-weighted) mean square of x in the band.
  power_scale_ = 2.0 / (static_cast<double>(n_fft_) * sum_w2);
  for (int lag = 0; lag <= lag_max_; ++lag) {
    double acc = 0;
    for (int n = 0; n + lag < window_; ++n)
      acc += static_cast<double>(hann_[static_cast<std::size_t>(n)]) * hann_[static_cast<std::size_t>(n + lag)];
    window_ac_[static_cast<std::size_t>(lag)] = static_cast<float>(acc / sum_w2);
  }
}

FrameFeatures FrameAnalyzer::analyze(std::span<const float> frame) {
  SENTIO_ASSERT(static_cast<int>(frame.size()) == window_);
  for (int n = 0; n < window_; ++n)
    padded_[static_cast<std::size_t>(n)] = frame[static_cast<std::size_t>(n)] * hann_[static_cast<std::size_t>(n)];
  // padded_[window_ .. n_fft_) stays 0
  fft_.forward(padded_, spectrum_);

  FrameFeatures out;
  double band = 0;
  for (int k = power_lo_; k < power_hi_; ++k) band += std::norm(spectrum_[static_cast<std::size_t>(k)]);
  const double mean_square = band * power_scale_;
  out.power_db = static_cast<float>(10.0 * std::log10(mean_square + 1e-12));  // floor: -120 dBFS

  // Spectral flatness over 250-4000 Hz: exp(mean ln P_k) / mean P_k. A tiny additive floor keeps
  // digital silence finite (it then reads as perfectly flat = 1).
  double log_sum = 0, lin_sum = 0;
  const double eps = 1e-10;
  for (int k = flat_lo_; k < flat_hi_; ++k) {
    const double p = std::norm(spectrum_[static_cast<std::size_t>(k)]) + eps;
    log_sum += std::log(p);
    lin_sum += p;
  }
  const double count = flat_hi_ - flat_lo_;
  out.flatness = static_cast<float>(std::clamp(std::exp(log_sum / count) / (lin_sum / count), 0.0, 1.0));

  // Voicing: autocorrelation (Wiener-Khinchin) of the spectrum low-passed at 1.5 kHz, where the
  // harmonics of the voice carry most energy and broadband noise little; each lag is divided by the
  // window's own autocorrelation (Boersma 1993) so a periodic signal scores ~1 at its period.
  for (std::size_t k = 0; k < spectrum_.size(); ++k) {
    const float p = static_cast<int>(k) < ac_hi_ ? std::norm(spectrum_[k]) : 0.0f;
    spectrum_[k] = {p, 0.0f};
  }
  spectrum_[0] = {0.0f, 0.0f};  // remove DC
  fft_.inverse(spectrum_, autocorr_);
  const float r0 = autocorr_[0];
  if (r0 > 1e-9f && mean_square > 1e-10) {
    float best = 0;
    for (int lag = lag_min_; lag <= lag_max_; ++lag) {
      const float r = autocorr_[static_cast<std::size_t>(lag)] / (r0 * window_ac_[static_cast<std::size_t>(lag)]);
      // only local maxima count (the low-pass makes short lags trivially correlated)
      if (r > best && autocorr_[static_cast<std::size_t>(lag)] >= autocorr_[static_cast<std::size_t>(lag - 1)] &&
          autocorr_[static_cast<std::size_t>(lag)] >= autocorr_[static_cast<std::size_t>(lag + 1)])
        best = r;
    }
    out.voicing = std::min(best, 1.0f);
  }
  return out;
}

}  // namespace sentio::speech
