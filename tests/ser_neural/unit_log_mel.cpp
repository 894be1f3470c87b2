// SPDX-License-Identifier: Apache-2.0
// Log-mel front end against a direct double-precision computation (naive DFT, independent filters).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "frontend.hpp"
#include "sentio/features/log_mel.hpp"

namespace {

using sentio::features::LogMel;
using sentio::features::LogMelOptions;

double mel(double f) { return 2595.0 * std::log10(1.0 + f / 700.0); }
double hz(double m) { return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0); }

// Direct log-mel of frame t: windowed naive DFT, power, HTK triangles computed here from the formula.
std::vector<double> direct(const std::vector<float>& x, std::size_t t, const LogMelOptions& o) {
  const int n = o.n_fft;
  std::vector<double> frame(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < o.win_length; ++i)
    frame[static_cast<std::size_t>(i)] =
        x[t * static_cast<std::size_t>(o.hop_length) + static_cast<std::size_t>(i)] *
        (0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / o.win_length));
  std::vector<double> power(static_cast<std::size_t>(n / 2 + 1));
  for (int k = 0; k <= n / 2; ++k) {
    double re = 0, im = 0;
    for (int i = 0; i < n; ++i) {
      re += frame[static_cast<std::size_t>(i)] * std::cos(2 * std::numbers::pi * k * i / n);
      im -= frame[static_cast<std::size_t>(i)] * std::sin(2 * std::numbers::pi * k * i / n);
    }
    power[static_cast<std::size_t>(k)] = re * re + im * im;
  }
  std::vector<double> out(static_cast<std::size_t>(o.n_mels));
  const double m0 = mel(o.fmin), m1 = mel(o.fmax);
  for (int m = 0; m < o.n_mels; ++m) {
    const double lo = hz(m0 + (m1 - m0) * m / (o.n_mels + 1)), mid = hz(m0 + (m1 - m0) * (m + 1) / (o.n_mels + 1)),
                 hi = hz(m0 + (m1 - m0) * (m + 2) / (o.n_mels + 1));
    double e = 0;
    for (int k = 0; k <= n / 2; ++k) {
      const double f = static_cast<double>(k) * o.sample_rate / n;
      const double w = f > lo && f <= mid ? (f - lo) / (mid - lo) : f > mid && f < hi ? (hi - f) / (hi - mid) : 0.0;
      e += w * power[static_cast<std::size_t>(k)];
    }
    out[static_cast<std::size_t>(m)] = std::log(std::max(e, o.floor));
  }
  return out;
}

TEST(LogMel, MatchesDirectComputation) {
  LogMelOptions o;
  LogMel lm(o);
  std::mt19937 rng(7);
  std::normal_distribution<float> g(0.0f, 0.1f);
  std::vector<float> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = g(rng) + 0.3f * static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 * static_cast<double>(i) / 16000));
  const std::vector<float> y = lm.compute(x);
  ASSERT_EQ(lm.n_frames(x.size()), 4u);  // 1 + (1000 - 400) / 160
  ASSERT_EQ(y.size(), 4u * 64u);
  double worst = 0;
  for (std::size_t t = 0; t < 4; ++t) {
    const std::vector<double> d = direct(x, t, o);
    for (std::size_t m = 0; m < 64; ++m) worst = std::max(worst, std::fabs(d[m] - y[t * 64 + m]));
  }
  EXPECT_LT(worst, 1e-3);  // float32 FFT vs double DFT, in natural-log units
}

TEST(LogMel, FrameCountsSilenceFloorAndToneBand) {
  LogMel lm;
  EXPECT_EQ(lm.n_frames(399), 0u);
  EXPECT_EQ(lm.n_frames(400), 1u);
  EXPECT_EQ(lm.n_frames(559), 1u);
  EXPECT_EQ(lm.n_frames(560), 2u);
  EXPECT_TRUE(lm.compute(std::vector<float>(399, 0.5f)).empty());
  const std::vector<float> silent = lm.compute(std::vector<float>(1600, 0.0f));
  for (float v : silent) EXPECT_FLOAT_EQ(v, static_cast<float>(std::log(1e-10)));
  // A 1 kHz tone: the loudest band is the one whose centre is nearest to 1 kHz.
  std::vector<float> tone(1600);
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 16000));
  const std::vector<float> y = lm.compute(tone);
  std::size_t best = 0;
  for (std::size_t m = 1; m < 64; ++m)
    if (y[m] > y[best]) best = m;
  const double m0 = mel(50), m1 = mel(8000);
  std::size_t nearest = 0;
  for (std::size_t m = 1; m < 64; ++m)
    if (std::fabs(hz(m0 + (m1 - m0) * static_cast<double>(m + 1) / 65) - 1000) <
        std::fabs(hz(m0 + (m1 - m0) * static_cast<double>(nearest + 1) / 65) - 1000))
      nearest = m;
  EXPECT_EQ(best, nearest);
}

TEST(NeuralFrontend, TrimsSilenceAndNormalises) {
  LogMel lm;
  std::vector<float> x(16000, 0.0f);  // 1 s: near-silence (-70 dB noise), 0.5 s tone + noise, near-silence
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 1e-4f);
  for (float& v : x) v = noise(rng);
  for (std::size_t i = 4000; i < 12000; ++i)
    x[i] += 0.3f * static_cast<float>(std::sin(2 * std::numbers::pi * 300.0 * static_cast<double>(i) / 16000)) + 100 * noise(rng);
  const std::vector<float> all = lm.compute(x);
  const auto [first, last] = sentio::ser::voiced_frame_range(all, 64, 40.0);
  // The tone spans frames whose window overlaps [4000, 12000): frame t covers [160 t, 160 t + 400).
  EXPECT_NEAR(static_cast<double>(first), 4000.0 / 160 - 2, 1.0);
  EXPECT_NEAR(static_cast<double>(last), 12000.0 / 160, 1.0);
  const std::vector<float> f = sentio::ser::neural_frontend(lm, x, 40.0);
  EXPECT_EQ(f.size(), (last - first) * 64);
  double mean = 0, ss = 0;
  for (float v : f) mean += v;
  mean /= static_cast<double>(f.size());
  for (float v : f) ss += (v - mean) * (v - mean);
  EXPECT_NEAR(mean, 0.0, 1e-4);
  EXPECT_NEAR(std::sqrt(ss / static_cast<double>(f.size())), 1.0, 1e-3);
  // Gain invariance: a 20 dB louder copy gives the same normalised frames.
  std::vector<float> loud = x;
  for (float& v : loud) v *= 10.0f;
  const std::vector<float> g = sentio::ser::neural_frontend(lm, loud, 40.0);
  ASSERT_EQ(g.size(), f.size());
  for (std::size_t i = 0; i < f.size(); i += 97) EXPECT_NEAR(g[i], f[i], 2e-3);
}

}  // namespace
