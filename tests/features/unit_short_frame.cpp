// SPDX-License-Identifier: Apache-2.0
// Unit tests of the eGeMAPS 20-ms stream on synthetic frames (docs: ../shared/docs/EGEMAPS.md
// sections 1, 5, 7). Expected values are computed by hand or by naive double-precision formulas.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "egemaps/mel.hpp"
#include "egemaps/short_frame.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr double kPi = std::numbers::pi;

std::vector<float> tone(double hz, double amplitude, double phase = 0.3) {
  std::vector<float> x(kShortLen);
  for (int n = 0; n < kShortLen; ++n) {
    x[static_cast<size_t>(n)] = static_cast<float>(amplitude * std::sin(2.0 * kPi * hz * n / kSampleRate + phase));
  }
  return x;
}

ShortFrameLld run(ShortFrameAnalyzer& an, const std::vector<float>& frame, std::vector<float>& mag) {
  mag.assign(kShortBins, -1.0f);
  return an.analyze(frame, mag);
}

// Section 1 step 3, evaluated independently in double.
double eql(double fc) {
  const double w = 2.0 * kPi * fc;
  const double w2 = w * w;
  return 1e32 * (w2 + 56.8e6) * std::pow(w, 4) /
         (std::pow(w2 + 6.3e6, 2) * (w2 + 0.38e9) * (std::pow(w, 7) + 1.7e31));
}

TEST(ShortFrame, DigitalSilenceGivesTheDocumentedFloors) {
  ShortFrameAnalyzer an;
  std::vector<float> mag;
  const ShortFrameLld l = run(an, std::vector<float>(kShortLen, 0.0f), mag);

  // Loudness floor: mean_b (9.3e-10 * EQL(fc_b))^0.33, about 1.03e-3 (section 1 step 5).
  const MelFilterbank mel(kShortFft, kSampleRate, 26, 20.0, 8000.0);
  double expected = 0;
  for (int b = 0; b < 26; ++b) expected += std::pow(9.3e-10 * eql(mel.centre_hz(b)), 0.33);
  expected /= 26;
  EXPECT_NEAR(l.loudness, expected, 1e-6 * expected);
  EXPECT_NEAR(l.loudness, 1.03e-3, 0.01e-3);

  // S_lo = 0 -> alpha 0; both Hammarberg maxima 0 -> 0 (section 5).
  EXPECT_EQ(l.alpha_ratio, 0.0f);
  EXPECT_EQ(l.hammarberg, 0.0f);
  // All L[k] = -140 dB. With openSMILE's "N = points - 1" quirk the slope of a constant is not 0:
  // slope = 140 * sum(f) / (N sum(f^2) - sum(f)^2).
  //   0-500:    sum f = 31.25*136 = 4250,  sum f^2 = 31.25^2*1496,  N = 16 -> 595000 / 5312500
  //   500-1500: sum f = 31.25*1056 = 33000, sum f^2 = 31.25^2*36784, N = 32 -> 4620000 / 60500000
  EXPECT_NEAR(l.slope0_500, 595000.0 / 5312500.0, 1e-6);
  EXPECT_NEAR(l.slope500_1500, 4620000.0 / 60500000.0, 1e-6);
  // ln(max(0, 1)) = 0 in every band -> all cepstra 0.
  for (float c : l.mfcc) EXPECT_EQ(c, 0.0f);
  EXPECT_EQ(l.energy, 0.0f);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(l.formant_freq[static_cast<size_t>(i)], 0.0f);
    EXPECT_EQ(l.formant_bw[static_cast<size_t>(i)], 0.0f);
  }
  for (float m : mag) EXPECT_EQ(m, 0.0f);
}

TEST(ShortFrame, PureToneMagnitudePeakAndSpectralShape) {
  ShortFrameAnalyzer an;
  std::vector<float> mag;
  // 1000 Hz = bin 32 exactly. Peak |X| ~ A/2 * sum(w), sum of the 320-pt Hamming window =
  // 0.54*320 - 0.46*1 = 172.34 (the cosine sums to 1 over n = 0..N-1).
  const double amp = 0.5;
  const ShortFrameLld l = run(an, tone(1000.0, amp), mag);
  const auto peak = std::max_element(mag.begin(), mag.end()) - mag.begin();
  EXPECT_EQ(peak, 32);
  EXPECT_NEAR(mag[32], amp / 2 * 172.34, 0.01 * amp / 2 * 172.34);
  // Energy of a sine over whole-ish periods: A^2/2 (16 full periods of 1 kHz in 20 ms).
  EXPECT_NEAR(l.energy, amp * amp / 2, 1e-4);
  // All the power sits at 1 kHz: in the high alpha band (>= 1000 Hz) and the low Hammarberg band.
  EXPECT_GT(l.alpha_ratio, 0.0f);
  EXPECT_GT(l.hammarberg, 30.0f);

  // Alpha ratio of a 500 Hz tone: the power is below 1 kHz -> strongly negative.
  const ShortFrameLld low = run(an, tone(500.0, amp), mag);
  EXPECT_LT(low.alpha_ratio, -30.0f);
  // A 3 kHz tone: Hammarberg (low max / high max) strongly negative.
  const ShortFrameLld high = run(an, tone(3000.0, amp), mag);
  EXPECT_LT(high.hammarberg, -30.0f);
}

TEST(ShortFrame, AlphaRatioMatchesDirectSums) {
  ShortFrameAnalyzer an;
  std::vector<float> mag;
  std::vector<float> x(kShortLen);
  for (int n = 0; n < kShortLen; ++n) {
    x[static_cast<size_t>(n)] = static_cast<float>(0.3 * std::sin(0.11 * n) + 0.2 * std::sin(1.3 * n + 0.5) +
                                                   0.05 * std::cos(2.2 * n));
  }
  const ShortFrameLld l = run(an, x, mag);
  double lo = 0, hi = 0, max_lo = 0, max_hi = 0;
  for (int k = 0; k <= 160; ++k) {
    const double p = static_cast<double>(mag[static_cast<size_t>(k)]) * mag[static_cast<size_t>(k)];
    if (k < 32) lo += p;
    else hi += p;
    if (k < 64) max_lo = std::max(max_lo, p);
    else max_hi = std::max(max_hi, p);
  }
  EXPECT_NEAR(l.alpha_ratio, 10 * std::log10(hi / lo), 1e-4);
  EXPECT_NEAR(l.hammarberg, 10 * std::log10(max_lo / max_hi), 1e-4);
}

TEST(ShortFrame, LoudnessGrowsWithAmplitudeAsPowerToThe033) {
  ShortFrameAnalyzer an;
  std::vector<float> mag;
  // A loud 1 kHz tone: the bands around 1 kHz dominate the mean, so doubling the amplitude
  // (x4 power) multiplies the loudness by about 4^0.33 = 1.580.
  const float l1 = run(an, tone(1000.0, 0.1), mag).loudness;
  const float l2 = run(an, tone(1000.0, 0.2), mag).loudness;
  EXPECT_GT(l1, 0.1f);
  EXPECT_NEAR(l2 / l1, std::pow(4.0, 0.33), 0.01);
}

TEST(ShortFrame, MfccMatchesNaiveDoubleComputation) {
  ShortFrameAnalyzer an;
  std::vector<float> mag;
  const std::vector<float> x = tone(440.0, 0.05, 1.0);
  const ShortFrameLld l = run(an, x, mag);

  // Naive mel filterbank straight from section 1 step 2, in double.
  const auto mel = [](double f) { return 1127.0 * std::log(1.0 + f / 700.0); };
  const double lo = mel(20.0), hi = mel(8000.0);
  std::vector<double> edge(28);
  for (int m = 0; m < 28; ++m) edge[static_cast<size_t>(m)] = lo + m * (hi - lo) / 27.0;
  std::vector<double> band(26, 0.0);
  for (int k = 2; k <= 255; ++k) {
    const double mk = mel(k * 31.25);
    const double p = static_cast<double>(mag[static_cast<size_t>(k)]) * mag[static_cast<size_t>(k)];
    for (int b = 0; b < 26; ++b) {
      const double a = edge[static_cast<size_t>(b)], c = edge[static_cast<size_t>(b + 1)], e = edge[static_cast<size_t>(b + 2)];
      double w = 0;
      if (mk >= a && mk < c) w = (mk - a) / (c - a);
      else if (mk >= c && mk < e) w = (e - mk) / (e - c);
      band[static_cast<size_t>(b)] += w * p;
    }
  }
  for (int i = 1; i <= 4; ++i) {
    double c = 0;
    for (int m = 0; m < 26; ++m) {
      c += std::log(std::max(band[static_cast<size_t>(m)] * 32767.0 * 32767.0, 1.0)) *
           std::cos(kPi * i * (m + 0.5) / 26.0);
    }
    c *= std::sqrt(2.0 / 26.0) * (1.0 + 11.0 * std::sin(kPi * i / 22.0));
    EXPECT_NEAR(l.mfcc[static_cast<size_t>(i - 1)], c, 1e-4 * (1.0 + std::fabs(c))) << "mfcc" << i;
  }
}

TEST(ShortFrame, EnergyIsMeanSquareOfTheUnwindowedFrame) {
  ShortFrameAnalyzer an;
  std::vector<float> mag;
  std::vector<float> x(kShortLen);
  double sum = 0;
  for (int n = 0; n < kShortLen; ++n) {
    x[static_cast<size_t>(n)] = static_cast<float>((n % 7) - 3) * 0.01f;
    sum += static_cast<double>(x[static_cast<size_t>(n)]) * x[static_cast<size_t>(n)];
  }
  EXPECT_NEAR(run(an, x, mag).energy, sum / kShortLen, 1e-9);
}

TEST(ShortFrame, SpectralFlux) {
  std::vector<float> a(kShortBins), b(kShortBins);
  for (int k = 0; k < kShortBins; ++k) a[static_cast<size_t>(k)] = static_cast<float>(k % 13);
  EXPECT_EQ(spectral_flux({}, a), 0.0f);   // first frame
  EXPECT_EQ(spectral_flux(a, a), 0.0f);    // identical frames
  // +0.5 on every bin: sqrt(mean of 0.25 over bins 0..159) = 0.5; bins >= 160 must not count.
  for (int k = 0; k < kShortBins; ++k) b[static_cast<size_t>(k)] = a[static_cast<size_t>(k)] + (k < 160 ? 0.5f : 100.0f);
  EXPECT_NEAR(spectral_flux(a, b), 0.5f, 1e-6f);
  // A single bin changed by 4: sqrt(16/160).
  b = a;
  b[10] += 4.0f;
  EXPECT_NEAR(spectral_flux(a, b), std::sqrt(16.0f / 160.0f), 1e-6f);
}

TEST(ShortFrame, AnalyzersAreIndependentAndRepeatable) {
  ShortFrameAnalyzer a, b;
  std::vector<float> m1, m2;
  const std::vector<float> x = tone(700.0, 0.2);
  const ShortFrameLld l1 = run(a, x, m1);
  run(b, tone(2500.0, 0.1), m2);  // different history in b
  const ShortFrameLld l2 = run(b, x, m2);
  EXPECT_EQ(l1.loudness, l2.loudness);
  EXPECT_EQ(l1.mfcc, l2.mfcc);
  EXPECT_EQ(l1.formant_freq, l2.formant_freq);
  EXPECT_EQ(m1, m2);
}

}  // namespace
}  // namespace sentio::features::egemaps
