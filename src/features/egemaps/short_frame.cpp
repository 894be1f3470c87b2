// SPDX-License-Identifier: Apache-2.0
// The 20-ms eGeMAPS stream. Spec: ../shared/docs/EGEMAPS.md sections 0, 1, 5, 6, 7.
#include "egemaps/short_frame.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "egemaps/formants.hpp"
#include "egemaps/mel.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

namespace {

constexpr int kPadBefore = (kShortFft - kShortLen) / 2;  // 96 zeros, then 320 samples, then 96 zeros
constexpr double kBinHz = static_cast<double>(kSampleRate) / kShortFft;  // 31.25 Hz
constexpr int kMelBands = 26;
constexpr int kNumMfcc = 4;
constexpr float kLogFloorDb = -140.0f;      // section 5: L[k] for P <= 1e-14
constexpr float kPowerFloor = 1e-14f;
constexpr float kLoudnessBandFloor = 9.3e-10f;  // section 1 step 3
constexpr float kLoudnessExponent = 0.33f;      // section 1 step 4
constexpr double kPcmScale = 32767.0;           // section 5 MFCC "HTK compatible" band scaling

// Section 1 step 3: equal-loudness weight at the band centre fc (Hz), omega = 2 pi fc.
double equal_loudness(double fc) {
  const double w = 2.0 * std::numbers::pi * fc;
  const double w2 = w * w;
  const double w4 = w2 * w2;
  const double w7 = w4 * w2 * w;
  return 1e32 * (w2 + 56.8e6) * w4 / ((w2 + 6.3e6) * (w2 + 6.3e6) * (w2 + 0.38e9) * (w7 + 1.7e31));
}

// Sum / maximum of p[first..last] with four interleaved partial results (independent dependency
// chains, SIMD-friendly). The summation order differs from a plain loop only at float rounding level.
float sum_range(const float* p, int first, int last) {
  float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int k = first;
  for (; k + 3 <= last; k += 4) {
    for (int j = 0; j < 4; ++j) acc[j] += p[k + j];
  }
  for (; k <= last; ++k) acc[0] += p[k];
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

float max_range(const float* p, int first, int last) {
  float acc[4] = {p[first], p[first], p[first], p[first]};
  int k = first;
  for (; k + 3 <= last; k += 4) {
    for (int j = 0; j < 4; ++j) acc[j] = acc[j] < p[k + j] ? p[k + j] : acc[j];
  }
  for (; k <= last; ++k) acc[0] = acc[0] < p[k] ? p[k] : acc[0];
  return std::max(std::max(acc[0], acc[1]), std::max(acc[2], acc[3]));
}

// Least-squares slope of L[first..last] against f = k * kBinHz (dB/Hz), section 5, with openSMILE's
// "N = last - first" (one less than the number of points) and double accumulation.
float spectral_slope(const float* log_power, int first, int last) {
  double sum_f = 0, sum_f2 = 0, sum_l = 0, sum_fl = 0;
  for (int k = first; k <= last; ++k) {
    const double f = k * kBinHz;
    const double l = log_power[k];
    sum_f += f;
    sum_f2 += f * f;
    sum_l += l;
    sum_fl += f * l;
  }
  const double n = last - first;
  const double den = n * sum_f2 - sum_f * sum_f;
  if (den == 0.0) return 0.0f;
  return static_cast<float>((n * sum_fl - sum_f * sum_l) / den);
}

}  // namespace

struct ShortFrameAnalyzer::Tables {
  MelFilterbank mel{kShortFft, kSampleRate, kMelBands, 20.0, 8000.0};
  std::array<float, kMelBands> eql{};                        // section 1 step 3
  std::array<std::array<float, kMelBands>, kNumMfcc> dct{};  // sqrt(2/26) cos(pi i (m+0.5)/26) * lifter_i
  std::array<float, kShortLen> window{};                     // Hamming, N = 320

  Tables() {
    for (int b = 0; b < kMelBands; ++b) eql[static_cast<size_t>(b)] = static_cast<float>(equal_loudness(mel.centre_hz(b)));
    const double norm = std::sqrt(2.0 / kMelBands);
    for (int i = 1; i <= kNumMfcc; ++i) {
      const double lifter = 1.0 + 11.0 * std::sin(std::numbers::pi * i / 22.0);  // cepLifter 22
      for (int m = 0; m < kMelBands; ++m) {
        dct[static_cast<size_t>(i - 1)][static_cast<size_t>(m)] = static_cast<float>(
            norm * std::cos(std::numbers::pi * i * (m + 0.5) / kMelBands) * lifter);
      }
    }
    for (int n = 0; n < kShortLen; ++n) {
      window[static_cast<size_t>(n)] =
          static_cast<float>(0.54 - 0.46 * std::cos(2.0 * std::numbers::pi * n / (kShortLen - 1)));
    }
  }
};

ShortFrameAnalyzer::ShortFrameAnalyzer()
    : fft_(kShortFft),
      padded_(kShortFft, 0.0f),
      spectrum_(kShortBins),
      power_(kShortBins),
      tables_(shared()) {
  window_.assign(tables_->window.begin(), tables_->window.end());
}

std::shared_ptr<const ShortFrameAnalyzer::Tables> ShortFrameAnalyzer::shared() {
  // Built once per process (thread-safe static initialisation), shared by every analyzer.
  static const std::shared_ptr<const Tables> tables = std::make_shared<const Tables>();
  return tables;
}

ShortFrameLld ShortFrameAnalyzer::analyze(std::span<const float> frame, std::span<float> mag_out) {
  SENTIO_ASSERT(frame.size() == static_cast<size_t>(kShortLen));
  SENTIO_ASSERT(mag_out.size() == static_cast<size_t>(kShortBins));
  const Tables& t = *tables_;
  ShortFrameLld out;

  // Section 7: mean square of the unwindowed frame.
  {
    double acc[4] = {0.0, 0.0, 0.0, 0.0};  // four chains: the loop is otherwise latency-bound
    const float* f = frame.data();
    for (int n = 0; n < kShortLen; n += 4) {
      for (int j = 0; j < 4; ++j) acc[j] += static_cast<double>(f[n + j]) * f[n + j];
    }
    out.energy = static_cast<float>(((acc[0] + acc[1]) + (acc[2] + acc[3])) / kShortLen);
  }

  // Hamming window into the middle of the zero-padded buffer (the pads stay zero), then FFT.
  float* __restrict mid = padded_.data() + kPadBefore;
  const float* __restrict win = window_.data();
  for (int n = 0; n < kShortLen; ++n) mid[n] = frame[static_cast<size_t>(n)] * win[n];
  fft_.forward(padded_, spectrum_);

  // |X[k]| and P[k] = |X[k]|^2 (openSMILE squares the float magnitude).
  {
    // std::complex<float> is layout-compatible with float[2] ([complex.numbers.general]).
    const float* __restrict ri = reinterpret_cast<const float*>(spectrum_.data());
    float* __restrict m = mag_out.data();
    float* __restrict pw = power_.data();
    for (int k = 0; k < kShortBins; ++k) {
      const float re = ri[2 * k];
      const float im = ri[2 * k + 1];
      const float mag = std::sqrt(re * re + im * im);
      m[k] = mag;
      pw[k] = mag * mag;
    }
  }
  const float* p = power_.data();

  // Sections 1 and 5: mel bands -> loudness and MFCC 1-4.
  std::array<float, kMelBands> band{};
  t.mel.apply(power_, band);
  float loud_sum = 0.0f;
  std::array<float, kMelBands> log_band{};
  const float htk_scale = static_cast<float>(kPcmScale * kPcmScale);
  for (int b = 0; b < kMelBands; ++b) {
    const float v = band[static_cast<size_t>(b)];
    const float e = std::max(v, kLoudnessBandFloor) * t.eql[static_cast<size_t>(b)];
    loud_sum += std::pow(e, kLoudnessExponent);
    log_band[static_cast<size_t>(b)] = std::log(std::max(v * htk_scale, 1.0f));
  }
  out.loudness = loud_sum / kMelBands;
  for (int i = 0; i < kNumMfcc; ++i) {
    float c = 0.0f;
    for (int m = 0; m < kMelBands; ++m) c += log_band[static_cast<size_t>(m)] * t.dct[static_cast<size_t>(i)][static_cast<size_t>(m)];
    out.mfcc[static_cast<size_t>(i)] = c;
  }

  // Section 5: alpha ratio (bins 0..31 vs 32..160), Hammarberg (0..63 vs 64..160).
  const float s_lo = sum_range(p, 0, 31);
  const float s_hi = sum_range(p, 32, 160);
  if (s_lo != 0.0f) {
    out.alpha_ratio = 10.0f * std::log10(std::max(s_hi, kPowerFloor) / s_lo);
  }
  const float max_lo = max_range(p, 0, 63);
  const float max_hi = max_range(p, 64, 160);
  if (max_hi != 0.0f) {
    // openSMILE would print -inf if the low band were all zero; floor the ratio at -140 dB instead.
    out.hammarberg = 10.0f * std::log10(std::max(max_lo / max_hi, kPowerFloor));
  }

  // Section 5: spectral slopes on L[k] = 10 log10 P[k] (floored at -140 dB), bins 0..48.
  std::array<float, 49> log_power{};
  for (int k = 0; k <= 48; ++k) {
    log_power[static_cast<size_t>(k)] = p[k] > kPowerFloor ? 10.0f * std::log10(p[k]) : kLogFloorDb;
  }
  out.slope0_500 = spectral_slope(log_power.data(), 0, 16);
  out.slope500_1500 = spectral_slope(log_power.data(), 16, 48);

  // Section 6: LPC formants.
  const FormantSet fs = formants_.estimate(spectrum_);
  out.formant_freq = fs.freq;
  out.formant_bw = fs.bw;
  return out;
}

float spectral_flux(std::span<const float> prev_mag, std::span<const float> mag) {
  if (prev_mag.empty()) return 0.0f;
  constexpr size_t kFluxBins = 160;  // f_k < 5000 Hz
  SENTIO_ASSERT(prev_mag.size() == mag.size() && mag.size() >= kFluxBins);
  double sum = 0.0;
  for (size_t k = 0; k < kFluxBins; ++k) {
    const double d = static_cast<double>(mag[k]) - prev_mag[k];
    sum += d * d;
  }
  return static_cast<float>(std::sqrt(sum / kFluxBins));
}

}  // namespace sentio::features::egemaps
