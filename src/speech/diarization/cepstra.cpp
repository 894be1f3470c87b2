// SPDX-License-Identifier: Apache-2.0
#include "cepstra.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sentio/core/error.hpp"

namespace sentio::speech::diarization {
namespace {

int next_pow2(int n) {
  int p = 2;
  while (p < n) p *= 2;
  return p;
}

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

}  // namespace

CepstralAnalyzer::CepstralAnalyzer(int sample_rate)
    : sample_rate_(sample_rate),
      hop_(sample_rate / 100),
      window_(sample_rate / 40),
      n_fft_(next_pow2(window_)),
      hamming_(static_cast<std::size_t>(window_)),
      dct_(static_cast<std::size_t>(kCepstra * kMelBands)),
      fft_(n_fft_),
      frame_(static_cast<std::size_t>(n_fft_), 0.0f),
      spectrum_(static_cast<std::size_t>(n_fft_ / 2 + 1)),
      power_(static_cast<std::size_t>(n_fft_ / 2 + 1)),
      log_mel_(static_cast<std::size_t>(kMelBands)) {
  SENTIO_ASSERT(sample_rate >= 8000 && hop_ > 0);
  for (int n = 0; n < window_; ++n)
    hamming_[static_cast<std::size_t>(n)] =
        static_cast<float>(0.54 - 0.46 * std::cos(2.0 * std::numbers::pi * n / (window_ - 1)));

  // Triangular filters, equally spaced on the mel scale, peak 1 (the log and the DCT make the scale
  // of each band irrelevant except for an additive constant per cepstrum).
  const double lo = hz_to_mel(kMelLowHz), hi = hz_to_mel(std::min(kMelHighHz, 0.45 * sample_rate));
  std::vector<double> edges(kMelBands + 2);
  for (int m = 0; m < kMelBands + 2; ++m) edges[static_cast<std::size_t>(m)] = mel_to_hz(lo + (hi - lo) * m / (kMelBands + 1));
  const double bin_hz = static_cast<double>(sample_rate) / n_fft_;
  filters_.resize(kMelBands);
  for (int m = 0; m < kMelBands; ++m) {
    const double left = edges[static_cast<std::size_t>(m)], centre = edges[static_cast<std::size_t>(m) + 1],
                 right = edges[static_cast<std::size_t>(m) + 2];
    Filter& f = filters_[static_cast<std::size_t>(m)];
    const int first = static_cast<int>(std::ceil(left / bin_hz));
    const int last = static_cast<int>(std::floor(right / bin_hz));
    f.first_bin = first;
    for (int k = first; k <= last; ++k) {
      const double hz = k * bin_hz;
      const double w = hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
      f.weights.push_back(static_cast<float>(std::max(0.0, w)));
    }
    if (f.weights.empty()) {  // narrower than one bin (low bands at 8 kHz): take the nearest bin
      f.first_bin = static_cast<int>(std::lround(centre / bin_hz));
      f.weights.push_back(1.0f);
    }
  }
  // Orthonormal DCT-II rows 1..kCepstra.
  for (int c = 1; c <= kCepstra; ++c)
    for (int m = 0; m < kMelBands; ++m)
      dct_[static_cast<std::size_t>((c - 1) * kMelBands + m)] = static_cast<float>(
          std::sqrt(2.0 / kMelBands) * std::cos(std::numbers::pi * c * (m + 0.5) / kMelBands));
}

CepstralFrames CepstralAnalyzer::analyze(std::span<const float> samples) {
  CepstralFrames out;
  const auto n = static_cast<int>(samples.size());
  if (n < window_) return out;
  out.count = (n - window_) / hop_ + 1;
  out.cepstra.resize(static_cast<std::size_t>(out.count) * kCepstra);
  out.power_db.resize(static_cast<std::size_t>(out.count));
  // Floor for the band energies: about -100 dBFS per band, so digital silence stays finite.
  const float floor = 1e-10f * static_cast<float>(n_fft_) * static_cast<float>(window_);
  for (int t = 0; t < out.count; ++t) {
    const float* x = samples.data() + static_cast<std::ptrdiff_t>(t) * hop_;
    double energy = 0;
    for (int i = 0; i < window_; ++i) {
      energy += static_cast<double>(x[i]) * x[i];
      const float prev = i > 0 ? x[i - 1] : (t > 0 ? x[-1] : x[0]);
      frame_[static_cast<std::size_t>(i)] = (x[i] - 0.97f * prev) * hamming_[static_cast<std::size_t>(i)];
    }
    out.power_db[static_cast<std::size_t>(t)] = static_cast<float>(10.0 * std::log10(energy / window_ + 1e-12));
    fft_.forward(frame_, spectrum_);
    for (std::size_t k = 0; k < power_.size(); ++k) power_[k] = std::norm(spectrum_[k]);
    for (int m = 0; m < kMelBands; ++m) {
      const Filter& f = filters_[static_cast<std::size_t>(m)];
      float e = floor;
      for (std::size_t j = 0; j < f.weights.size(); ++j) e += f.weights[j] * power_[static_cast<std::size_t>(f.first_bin) + j];
      log_mel_[static_cast<std::size_t>(m)] = std::log(e);
    }
    float* c = out.cepstra.data() + static_cast<std::ptrdiff_t>(t) * kCepstra;
    for (int k = 0; k < kCepstra; ++k) {
      const float* row = dct_.data() + static_cast<std::ptrdiff_t>(k) * kMelBands;
      float acc = 0;
      for (int m = 0; m < kMelBands; ++m) acc += row[m] * log_mel_[static_cast<std::size_t>(m)];
      c[k] = acc;
    }
  }
  return out;
}

}  // namespace sentio::speech::diarization
