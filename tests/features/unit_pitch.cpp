// SPDX-License-Identifier: Apache-2.0
// LongFrameAnalyzer (Gaussian spectrum, SHS candidates, frame RMS) and its natural-spline helper
// on synthetic signals (../shared/docs/EGEMAPS.md sections 2.1-2.3).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "egemaps/natural_spline.hpp"
#include "egemaps/pitch.hpp"

namespace sentio::features::egemaps {
namespace {

// One 60-ms frame of sum_h amp_h sin(2 pi h f0 t + phase_h).
std::vector<float> harmonic_frame(double f0, const std::vector<double>& amps) {
  std::vector<float> x(kLongLen);
  for (int n = 0; n < kLongLen; ++n) {
    double v = 0;
    for (std::size_t h = 0; h < amps.size(); ++h) {
      const double k = static_cast<double>(h + 1);
      v += amps[h] * std::sin(2 * std::numbers::pi * k * f0 * n / kSampleRate + 0.3 * k);
    }
    x[n] = static_cast<float>(v);
  }
  return x;
}

double gauss_window(int n) {
  const double half = (kLongLen - 1) / 2.0;
  const double z = (n - half) / (0.4 * half);
  return std::exp(-0.5 * z * z);
}

TEST(EgemapsPitch, PureTonesGiveTheirFrequencyAsVoicedCandidate) {
  LongFrameAnalyzer an;
  std::vector<float> mag(kLongBins);
  for (double f : {90.0, 120.0, 200.0, 330.0, 480.0}) {
    const PitchCandidates c = an.analyze(harmonic_frame(f, {0.3}), mag);
    ASSERT_GE(c.count, 1) << f;
    EXPECT_NEAR(c.freq[0], f, 0.01 * f) << f;  // 1.1% per octave-axis point, interpolated
    EXPECT_GT(c.voicing[0], 0.7f) << f;
  }
}

TEST(EgemapsPitch, HarmonicComplexGivesItsFundamental) {
  LongFrameAnalyzer an;
  std::vector<float> mag(kLongBins);
  for (double f0 : {110.0, 140.0, 230.0}) {
    std::vector<double> amps;
    for (int h = 1; h <= 12; ++h) amps.push_back(0.2 / h);
    const PitchCandidates c = an.analyze(harmonic_frame(f0, amps), mag);
    ASSERT_GE(c.count, 1) << f0;
    EXPECT_NEAR(c.freq[0], f0, 0.005 * f0) << f0;
    EXPECT_GT(c.voicing[0], 0.7f) << f0;
  }
}

TEST(EgemapsPitch, SilenceHasNoCandidate) {
  LongFrameAnalyzer an;
  std::vector<float> mag(kLongBins, -1.0f);
  const std::vector<float> zeros(kLongLen, 0.0f);
  const PitchCandidates c = an.analyze(zeros, mag);
  EXPECT_EQ(c.count, 0);
  EXPECT_EQ(c.rms, 0.0f);
  for (int k = 0; k < kMaxPitchCandidates; ++k) {
    EXPECT_EQ(c.freq[k], 0.0f);
    EXPECT_EQ(c.voicing[k], 0.0f);
  }
  for (float m : mag) EXPECT_EQ(m, 0.0f);
}

TEST(EgemapsPitch, MagnitudeSpectrumAndRmsOfABinCentredTone) {
  // 250 Hz = bin 16 (15.625 Hz spacing). |X[16]| = A/2 * sum(w) up to negligible leakage.
  const double amp = 0.25;
  const std::vector<float> x = harmonic_frame(250.0, {amp});
  LongFrameAnalyzer an;
  std::vector<float> mag(kLongBins);
  const PitchCandidates c = an.analyze(x, mag);
  double sum_w = 0, energy = 0;
  for (int n = 0; n < kLongLen; ++n) {
    const double w = gauss_window(n);
    sum_w += w;
    energy += (w * x[n]) * (w * x[n]);
  }
  int argmax = 0;
  for (int k = 1; k < kLongBins; ++k) {
    if (mag[k] > mag[argmax]) argmax = k;
  }
  EXPECT_EQ(argmax, 16);
  EXPECT_NEAR(mag[16], 0.5 * amp * sum_w, 1e-4 * amp * sum_w);
  EXPECT_NEAR(c.rms, std::sqrt(energy / kLongLen), 1e-6);
  EXPECT_NEAR(c.freq[0], 250.0, 1.25);
}

TEST(EgemapsPitch, CandidatesAreCompactAndInRange) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  LongFrameAnalyzer an;
  std::vector<float> mag(kLongBins);
  std::vector<float> x(kLongLen);
  for (int trial = 0; trial < 20; ++trial) {
    for (float& v : x) v = noise(rng);
    const PitchCandidates c = an.analyze(x, mag);
    ASSERT_GE(c.count, 0);
    ASSERT_LE(c.count, kMaxPitchCandidates);
    for (int k = 0; k < kMaxPitchCandidates; ++k) {
      if (k < c.count) {
        EXPECT_GE(c.freq[k], 55.0f);
        EXPECT_LE(c.freq[k], 1000.0f);
        EXPECT_GE(c.voicing[k], 0.0f);
        EXPECT_LT(c.voicing[k], 1.0f);
      } else {
        EXPECT_EQ(c.freq[k], 0.0f);
        EXPECT_EQ(c.voicing[k], 0.0f);
      }
    }
  }
}

// Reference natural spline: plain Thomas algorithm on the full tridiagonal system.
std::vector<double> reference_spline(const std::vector<double>& x, const std::vector<double>& y,
                                     const std::vector<double>& targets) {
  const std::size_t n = x.size();
  std::vector<double> a(n, 0), b(n, 1), c(n, 0), d(n, 0), m(n, 0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    a[i] = x[i] - x[i - 1];
    b[i] = 2 * (x[i + 1] - x[i - 1]);
    c[i] = x[i + 1] - x[i];
    d[i] = 6 * ((y[i + 1] - y[i]) / (x[i + 1] - x[i]) - (y[i] - y[i - 1]) / (x[i] - x[i - 1]));
  }
  for (std::size_t i = 1; i < n; ++i) {
    const double w = a[i] / b[i - 1];
    b[i] -= w * c[i - 1];
    d[i] -= w * d[i - 1];
  }
  m[n - 1] = d[n - 1] / b[n - 1];
  for (std::size_t i = n - 1; i-- > 0;) m[i] = (d[i] - c[i] * m[i + 1]) / b[i];
  std::vector<double> out;
  for (double t : targets) {
    std::size_t k = 0;
    while (k + 2 < n && x[k + 1] <= t) ++k;
    const double h = x[k + 1] - x[k];
    const double aa = (x[k + 1] - t) / h, bb = (t - x[k]) / h;
    out.push_back(aa * y[k] + bb * y[k + 1] + ((aa * aa * aa - aa) * m[k] + (bb * bb * bb - bb) * m[k + 1]) * h * h / 6);
  }
  return out;
}

TEST(EgemapsPitch, NaturalSplineMatchesDirectSolve) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::size_t n : {3u, 5u, 37u, 513u}) {
    std::vector<double> x(n), y(n);
    double pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
      pos += 0.1 + u(rng);
      x[i] = pos;
      y[i] = u(rng) - 0.5;
    }
    std::vector<double> targets;
    for (int i = 0; i < 200; ++i) targets.push_back(x.front() + (x.back() - x.front()) * i / 199.0);
    NaturalSplineResampler spline(x, targets);
    std::vector<double> work(spline.work_size()), out(targets.size());
    spline.resample(y, work, out);
    const std::vector<double> ref = reference_spline(x, y, targets);
    for (std::size_t t = 0; t < targets.size(); ++t) EXPECT_NEAR(out[t], ref[t], 1e-12) << n << " " << t;
    // A natural spline reproduces straight lines exactly.
    for (std::size_t i = 0; i < n; ++i) y[i] = 2.0 - 0.5 * x[i];
    spline.resample(y, work, out);
    for (std::size_t t = 0; t < targets.size(); ++t) EXPECT_NEAR(out[t], 2.0 - 0.5 * targets[t], 1e-12);
  }
}

}  // namespace
}  // namespace sentio::features::egemaps
