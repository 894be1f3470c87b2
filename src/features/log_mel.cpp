// SPDX-License-Identifier: Apache-2.0
// Log-mel spectrogram (see log_mel.hpp for the method).
#include "sentio/features/log_mel.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "sentio/core/error.hpp"
#include "sentio/features/real_fft.hpp"

namespace sentio::features {

namespace {

double hz_to_mel(double f) { return 2595.0 * std::log10(1.0 + f / 700.0); }
double mel_to_hz(double m) { return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0); }

}  // namespace

struct LogMel::Impl {
  explicit Impl(int n_fft) : fft(n_fft), frame(static_cast<std::size_t>(n_fft)), spectrum(static_cast<std::size_t>(n_fft / 2 + 1)),
                             power(static_cast<std::size_t>(n_fft / 2 + 1)) {}
  dsp::RealFft fft;
  std::vector<float> frame;
  std::vector<std::complex<float>> spectrum;
  std::vector<float> power;
  // Per band: first and one-past-last FFT bin with a non-zero weight (the triangles are sparse).
  std::vector<std::size_t> first, last;
};

LogMel::LogMel(const LogMelOptions& o) : options_(o) {
  SENTIO_ASSERT(o.sample_rate > 0 && o.win_length > 0 && o.hop_length > 0 && o.n_mels > 0);
  SENTIO_ASSERT(o.n_fft >= o.win_length && (o.n_fft & (o.n_fft - 1)) == 0);
  SENTIO_ASSERT(o.fmin >= 0 && o.fmax > o.fmin && o.fmax <= o.sample_rate / 2.0 && o.floor > 0);
  window_.resize(static_cast<std::size_t>(o.win_length));
  for (std::size_t i = 0; i < window_.size(); ++i)
    window_[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / o.win_length));
  const std::size_t n_bins = static_cast<std::size_t>(o.n_fft / 2 + 1);
  const std::size_t n_mels = static_cast<std::size_t>(o.n_mels);
  std::vector<double> points(n_mels + 2);
  const double m0 = hz_to_mel(o.fmin), m1 = hz_to_mel(o.fmax);
  for (std::size_t i = 0; i < points.size(); ++i)
    points[i] = mel_to_hz(m0 + (m1 - m0) * static_cast<double>(i) / static_cast<double>(n_mels + 1));
  filters_.assign(n_mels * n_bins, 0.0f);
  impl_ = std::make_unique<Impl>(o.n_fft);
  impl_->first.assign(n_mels, n_bins);
  impl_->last.assign(n_mels, 0);
  for (std::size_t m = 0; m < n_mels; ++m) {
    const double lo = points[m], mid = points[m + 1], hi = points[m + 2];
    for (std::size_t k = 0; k < n_bins; ++k) {
      const double f = static_cast<double>(k) * o.sample_rate / o.n_fft;
      double w = 0;
      if (f > lo && f <= mid)
        w = (f - lo) / (mid - lo);
      else if (f > mid && f < hi)
        w = (hi - f) / (hi - mid);
      if (w <= 0) continue;
      filters_[m * n_bins + k] = static_cast<float>(w);
      impl_->first[m] = std::min(impl_->first[m], k);
      impl_->last[m] = k + 1;
    }
    if (impl_->first[m] > impl_->last[m]) impl_->first[m] = impl_->last[m];  // empty band (too narrow)
  }
}

LogMel::~LogMel() = default;
LogMel::LogMel(LogMel&&) noexcept = default;
LogMel& LogMel::operator=(LogMel&&) noexcept = default;

std::size_t LogMel::n_frames(std::size_t n) const {
  const auto win = static_cast<std::size_t>(options_.win_length);
  return n < win ? 0 : 1 + (n - win) / static_cast<std::size_t>(options_.hop_length);
}

std::vector<float> LogMel::compute(std::span<const float> samples) {
  const std::size_t frames = n_frames(samples.size());
  const std::size_t n_mels = static_cast<std::size_t>(options_.n_mels);
  const std::size_t n_bins = impl_->power.size();
  const auto win = static_cast<std::size_t>(options_.win_length);
  const auto hop = static_cast<std::size_t>(options_.hop_length);
  const float log_floor = static_cast<float>(std::log(options_.floor));
  std::vector<float> out(frames * n_mels);
  auto& frame = impl_->frame;
  std::fill(frame.begin(), frame.end(), 0.0f);  // the padding stays zero
  for (std::size_t t = 0; t < frames; ++t) {
    const float* x = samples.data() + t * hop;
    for (std::size_t i = 0; i < win; ++i) frame[i] = x[i] * window_[i];
    impl_->fft.forward(frame, impl_->spectrum);
    for (std::size_t k = 0; k < n_bins; ++k) impl_->power[k] = std::norm(impl_->spectrum[k]);
    for (std::size_t m = 0; m < n_mels; ++m) {
      double e = 0;  // double accumulation: the sum spans up to ~80 bins of very different sizes
      const float* w = filters_.data() + m * n_bins;
      for (std::size_t k = impl_->first[m]; k < impl_->last[m]; ++k) e += static_cast<double>(w[k]) * impl_->power[k];
      out[t * n_mels + m] = e > options_.floor ? static_cast<float>(std::log(e)) : log_floor;
    }
  }
  return out;
}

}  // namespace sentio::features
