// SPDX-License-Identifier: Apache-2.0
// Unit tests of the LPC formant chain (docs: ../shared/docs/EGEMAPS.md section 6): spectral
// resampler, autocorrelation, Levinson-Durbin, polynomial roots, root -> formant mapping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "sentio/features/real_fft.hpp"
#include "egemaps/formants.hpp"
#include "egemaps/framing.hpp"

namespace sentio::features::egemaps {
namespace {

using cd = std::complex<double>;
constexpr double kPi = std::numbers::pi;

// Monic polynomial with the given roots, ascending coefficients c[0..n] (c[n] = 1).
std::vector<double> poly_from_roots(const std::vector<cd>& roots) {
  std::vector<cd> c{1.0};
  for (const cd& r : roots) {
    std::vector<cd> next(c.size() + 1, 0.0);
    for (size_t i = 0; i < c.size(); ++i) {
      next[i + 1] += c[i];
      next[i] -= r * c[i];
    }
    c = next;
  }
  std::vector<double> out(c.size());
  for (size_t i = 0; i < c.size(); ++i) out[i] = c[i].real();
  return out;
}

cd pole(double hz, double bw_hz, double fs) { return std::polar(std::exp(-kPi * bw_hz / fs), 2 * kPi * hz / fs); }

// Every expected root must have a found root within tol, and vice versa (multiset match).
void expect_same_roots(std::vector<cd> expected, std::vector<cd> found, double tol) {
  ASSERT_EQ(expected.size(), found.size());
  for (const cd& e : expected) {
    auto best = std::min_element(found.begin(), found.end(),
                                 [&](const cd& a, const cd& b) { return std::abs(a - e) < std::abs(b - e); });
    ASSERT_NE(best, found.end());
    EXPECT_LT(std::abs(*best - e), tol) << "expected root " << e << " closest " << *best;
    found.erase(best);
  }
}

TEST(Formants, PolynomialRootsOfAnLpcLikePolynomial) {
  const double fs = kLpcRate;
  std::vector<cd> roots;
  for (auto [f, bw] : {std::pair{500.0, 80.0}, {1500.0, 120.0}, {2500.0, 200.0}, {3500.0, 300.0}, {4700.0, 600.0}}) {
    roots.push_back(pole(f, bw, fs));
    roots.push_back(std::conj(pole(f, bw, fs)));
  }
  roots.push_back(-0.4);
  const std::vector<double> c = poly_from_roots(roots);
  std::vector<cd> found(11);
  polynomial_roots(c, found);
  expect_same_roots(roots, found, 1e-10);
  // Real roots exactly real; complex roots in exact conjugate pairs.
  int real_count = 0;
  for (const cd& z : found) {
    if (z.imag() == 0.0) {
      ++real_count;
      continue;
    }
    EXPECT_NE(std::find(found.begin(), found.end(), std::conj(z)), found.end()) << z;
  }
  EXPECT_EQ(real_count, 1);
}

TEST(Formants, PolynomialRootsEdgeCases) {
  {  // several real roots, one outside the unit circle, plus a zero root
    const std::vector<cd> roots{0.0, 0.5, -0.25, 3.0, cd(0.2, 0.9), cd(0.2, -0.9)};
    std::vector<cd> found(roots.size());
    polynomial_roots(poly_from_roots(roots), found);
    expect_same_roots(roots, found, 1e-10);
  }
  {  // z^3: triple root at 0
    std::vector<cd> found(3);
    polynomial_roots(std::vector<double>{0, 0, 0, 1}, found);
    for (const cd& z : found) EXPECT_EQ(std::abs(z), 0.0);
  }
  {  // linear and quadratic (complex pair) directly
    std::vector<cd> one(1);
    polynomial_roots(std::vector<double>{-3, 2}, one);
    EXPECT_DOUBLE_EQ(one[0].real(), 1.5);
    std::vector<cd> two(2);
    polynomial_roots(std::vector<double>{5, -2, 1}, two);  // (z - 1)^2 + 4
    expect_same_roots({cd(1, 2), cd(1, -2)}, two, 1e-12);
  }
}

TEST(Formants, PolynomialRootsRandomLpcStress) {
  // Random stable AR(11) models from reflection coefficients (step-up recursion), plus
  // openSMILE's negated variant: the roots, multiplied back out, must reproduce the polynomial.
  std::mt19937 rng(1234);
  std::uniform_real_distribution<double> refl(-0.995, 0.995);
  for (int trial = 0; trial < 1000; ++trial) {
    std::vector<double> a{1.0};
    for (int m = 1; m <= kLpcOrder; ++m) {
      const double k = refl(rng);
      std::vector<double> next(a.size() + 1, 0.0);
      for (size_t i = 0; i < a.size(); ++i) next[i] += a[i];
      for (size_t i = 0; i < a.size(); ++i) next[a.size() - i] += k * a[i];
      a = next;
    }
    for (double sign : {1.0, -1.0}) {
      std::vector<double> c(kLpcOrder + 1);  // ascending: c[11] = 1, c[11-i] = sign * a_i
      c[kLpcOrder] = 1.0;
      for (int i = 1; i <= kLpcOrder; ++i) c[static_cast<size_t>(kLpcOrder - i)] = sign * a[static_cast<size_t>(i)];
      std::vector<cd> roots(kLpcOrder);
      polynomial_roots(c, roots);
      const std::vector<double> back = poly_from_roots(roots);
      double scale = 0;
      for (double v : c) scale = std::max(scale, std::fabs(v));
      for (size_t i = 0; i < c.size(); ++i) {
        ASSERT_NEAR(back[i], c[i], 1e-8 * scale) << "trial " << trial << " sign " << sign << " coefficient " << i;
      }
    }
  }
}

TEST(Formants, LevinsonDurbinRecoversAnAr2Model) {
  // A(z) = 1 - 1.2 z^-1 + 0.5 z^-2. Normalised ACF: rho1 = 1.2 / 1.5 = 0.8,
  // rho_k = 1.2 rho_{k-1} - 0.5 rho_{k-2}.
  std::vector<float> r(kLpcOrder + 1);
  std::vector<double> rho(kLpcOrder + 1);
  rho[0] = 1.0;
  rho[1] = 0.8;
  for (int k = 2; k <= kLpcOrder; ++k) rho[static_cast<size_t>(k)] = 1.2 * rho[static_cast<size_t>(k - 1)] - 0.5 * rho[static_cast<size_t>(k - 2)];
  for (int k = 0; k <= kLpcOrder; ++k) r[static_cast<size_t>(k)] = static_cast<float>(3.0 * rho[static_cast<size_t>(k)]);
  std::vector<float> a(kLpcOrder);
  ASSERT_TRUE(levinson_durbin(r, a));
  EXPECT_NEAR(a[0], -1.2f, 1e-5f);
  EXPECT_NEAR(a[1], 0.5f, 1e-5f);
  for (int i = 2; i < kLpcOrder; ++i) EXPECT_NEAR(a[static_cast<size_t>(i)], 0.0f, 1e-5f) << i;

  // Zero energy: no model, all-zero coefficients.
  std::vector<float> zero(kLpcOrder + 1, 0.0f);
  std::fill(a.begin(), a.end(), 7.0f);
  EXPECT_FALSE(levinson_durbin(zero, a));
  for (float v : a) EXPECT_EQ(v, 0.0f);
}

TEST(Formants, AutocorrelationFastPathIsBitExact) {
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 0.01f);
  std::vector<float> x(kLpcLen);
  for (float& v : x) v = nd(rng);
  std::vector<float> fast(kLpcOrder + 1);
  autocorrelation(x, fast);
  for (int l = 0; l <= kLpcOrder; ++l) {
    float sum = 0.0f;  // the plain ascending float loop (openSMILE's order)
    for (int i = l; i < kLpcLen; ++i) sum += x[static_cast<size_t>(i)] * x[static_cast<size_t>(i - l)];
    EXPECT_EQ(fast[static_cast<size_t>(l)], sum) << "lag " << l;
  }
  // Generic path (other sizes) agrees too.
  std::vector<float> generic(5);
  autocorrelation(std::span<const float>(x.data(), 100), generic);
  for (int l = 0; l < 5; ++l) {
    float sum = 0.0f;
    for (int i = l; i < 100; ++i) sum += x[static_cast<size_t>(i)] * x[static_cast<size_t>(i - l)];
    EXPECT_EQ(generic[static_cast<size_t>(l)], sum);
  }
}

TEST(Formants, ResamplerMatchesTheDirectFormula) {
  std::mt19937 rng(11);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<std::complex<float>> x(kShortBins);
  for (auto& v : x) v = {nd(rng), nd(rng)};
  std::vector<float> out(kLpcLen);
  SpectralResampler::shared()->apply(x, out);
  double peak = 0;
  std::vector<double> ref(kLpcLen);
  for (int i = 0; i < kLpcLen; ++i) {
    double s = x[0].real();  // DC once; Nyquist and bins > 109 are not used
    for (int k = 1; k <= kResampleMaxBin; ++k) {
      const double t = 2 * kPi * k * i / kResamplePeriod;
      s += x[static_cast<size_t>(k)].real() * std::cos(t) - x[static_cast<size_t>(k)].imag() * std::sin(t);
    }
    ref[static_cast<size_t>(i)] = s / 256.0;
    peak = std::max(peak, std::fabs(ref[static_cast<size_t>(i)]));
  }
  for (int i = 0; i < kLpcLen; ++i) EXPECT_NEAR(out[static_cast<size_t>(i)], ref[static_cast<size_t>(i)], 1e-6 * peak) << i;
}

TEST(Formants, ResamplerTurnsABinIntoAToneAt11kHz) {
  // X_20 = 256 (real) -> out[i] = cos(2 pi 20 i / 352) = cos(2 pi 625 Hz * i / 11 kHz).
  std::vector<std::complex<float>> x(kShortBins, 0.0f);
  x[20] = 256.0f;
  std::vector<float> out(kLpcLen);
  SpectralResampler::shared()->apply(x, out);
  for (int i = 0; i < kLpcLen; ++i) EXPECT_NEAR(out[static_cast<size_t>(i)], std::cos(2 * kPi * 625.0 * i / 11000.0), 1e-5) << i;
  // Bins above 109 (3406 Hz) are cut off by the anti-alias rule.
  std::fill(x.begin(), x.end(), 0.0f);
  x[110] = 256.0f;
  SpectralResampler::shared()->apply(x, out);
  for (float v : out) EXPECT_EQ(v, 0.0f);
}

TEST(Formants, FormantsFromLpcUseOpenSmilesNegatedPolynomial) {
  // openSMILE's cFormantLpc builds the polynomial z^p - sum a_i z^(p-i) (it copies -a). Pick the
  // roots we want that polynomial to have, and set a_i = -q_i where q are its monic coefficients.
  const double fs = kLpcRate;
  std::vector<cd> roots{pole(30.0, 50.0, fs),   pole(480.0, 90.0, fs),   pole(1520.0, 150.0, fs),
                        pole(2600.0, 250.0, fs)};
  // A pole outside the unit circle at 3900 Hz: reflected, bandwidth ln|z| fs/pi.
  const cd outside = std::polar(1.0 / 0.93, 2 * kPi * 3900.0 / fs);
  roots.push_back(outside);
  std::vector<cd> all;
  for (const cd& r : roots) {
    all.push_back(r);
    all.push_back(std::conj(r));
  }
  all.push_back(-0.6);  // real root: f = 5500 Hz > 5450, ignored
  ASSERT_EQ(all.size(), static_cast<size_t>(kLpcOrder));
  const std::vector<double> q = poly_from_roots(all);
  std::vector<float> a(kLpcOrder);
  for (int i = 1; i <= kLpcOrder; ++i) a[static_cast<size_t>(i - 1)] = static_cast<float>(-q[static_cast<size_t>(kLpcOrder - i)]);

  const FormantSet f = formants_from_lpc(a, fs);
  EXPECT_EQ(f.count, 4);  // 30 Hz is below 50 Hz; 480, 1520, 2600, 3900 are kept
  // Tolerances reflect the float32 coefficients.
  EXPECT_NEAR(f.freq[0], 480.0f, 0.5f);
  EXPECT_NEAR(f.bw[0], 90.0f, 1.0f);
  EXPECT_NEAR(f.freq[1], 1520.0f, 0.5f);
  EXPECT_NEAR(f.bw[1], 150.0f, 1.0f);
  EXPECT_NEAR(f.freq[2], 2600.0f, 0.5f);
  EXPECT_NEAR(f.bw[2], 250.0f, 1.0f);

  // With the textbook sign (A(z) = 1 + sum a_i z^-i) the same coefficients would give other roots,
  // so the test above fails if the negation is dropped.
  std::vector<float> neg(a.size());
  for (size_t i = 0; i < a.size(); ++i) neg[i] = -a[i];
  const FormantSet g = formants_from_lpc(neg, fs);
  EXPECT_GT(std::fabs(g.freq[0] - 480.0f) + std::fabs(g.freq[1] - 1520.0f), 10.0f);

  // All-zero coefficients (silent frame): nothing found.
  const FormantSet none = formants_from_lpc(std::vector<float>(kLpcOrder, 0.0f), fs);
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.freq[0], 0.0f);
}

TEST(Formants, OutsideRootIsReflected) {
  const double fs = kLpcRate;
  const cd z = std::polar(1.0 / 0.9, 2 * kPi * 1000.0 / fs);
  std::vector<cd> all{z, std::conj(z)};
  for (int i = 0; i < kLpcOrder - 2; ++i) all.push_back(0.1 * (i % 2 == 0 ? 1.0 : -1.0) + 0.01 * i);
  const std::vector<double> q = poly_from_roots(all);
  std::vector<float> a(kLpcOrder);
  for (int i = 1; i <= kLpcOrder; ++i) a[static_cast<size_t>(i - 1)] = static_cast<float>(-q[static_cast<size_t>(kLpcOrder - i)]);
  const FormantSet f = formants_from_lpc(a, fs);
  ASSERT_EQ(f.count, 1);
  EXPECT_NEAR(f.freq[0], 1000.0f, 0.5f);
  EXPECT_NEAR(f.bw[0], -std::log(0.9) * fs / kPi, 0.5);
}

// The resampler + autocorrelation + Levinson chain, checked on an all-pole signal with known
// resonances by rooting the textbook A(z) (the estimator itself uses openSMILE's negated polynomial,
// whose roots are not the resonances, so this checks everything up to that last step).
TEST(Formants, LpcChainFindsTheResonancesOfAnAllPoleSignal) {
  const double fs = kSampleRate;
  const std::vector<std::pair<double, double>> res{{500.0, 60.0}, {1500.0, 90.0}, {2500.0, 120.0}};
  // Cascade of 2-pole resonators, excited by a 100 Hz impulse train.
  std::vector<double> x(4000, 0.0);
  for (size_t n = 0; n < x.size(); n += 160) x[n] = 1.0;
  for (auto [f, bw] : res) {
    const double r = std::exp(-kPi * bw / fs);
    const double c1 = 2 * r * std::cos(2 * kPi * f / fs), c2 = -r * r;
    double y1 = 0, y2 = 0;
    for (double& v : x) {
      const double y = v + c1 * y1 + c2 * y2;
      y2 = y1;
      y1 = y;
      v = y;
    }
  }
  double peak = 0;
  for (double v : x) peak = std::max(peak, std::fabs(v));
  // One 20-ms frame in the steady part: Hamming window, 96 | 320 | 96 zero padding, FFT.
  std::vector<float> padded(kShortFft, 0.0f);
  for (int n = 0; n < kShortLen; ++n) {
    const double w = 0.54 - 0.46 * std::cos(2 * kPi * n / (kShortLen - 1));
    padded[static_cast<size_t>(96 + n)] = static_cast<float>(0.3 * x[static_cast<size_t>(3000 + n)] / peak * w);
  }
  dsp::RealFft fft(kShortFft);
  std::vector<std::complex<float>> spec(kShortBins);
  fft.forward(padded, spec);
  std::vector<float> y(kLpcLen);
  SpectralResampler::shared()->apply(spec, y);
  std::vector<float> r(kLpcOrder + 1), a(kLpcOrder);
  autocorrelation(y, r);
  ASSERT_TRUE(levinson_durbin(r, a));
  std::vector<double> c(kLpcOrder + 1);
  c[kLpcOrder] = 1.0;
  for (int i = 1; i <= kLpcOrder; ++i) c[static_cast<size_t>(kLpcOrder - i)] = a[static_cast<size_t>(i - 1)];
  std::vector<cd> roots(kLpcOrder);
  polynomial_roots(c, roots);
  for (auto [f, bw] : res) {
    double best = 1e9;
    for (const cd& z : roots) {
      if (z.imag() <= 0) continue;
      best = std::min(best, std::fabs(std::arg(z) * kLpcRate / (2 * kPi) - f));
    }
    EXPECT_LT(best, 0.05 * f) << "resonance " << f << " Hz";
  }

  // The full estimator runs on the same spectrum and reports sorted, in-range values.
  FormantEstimator est;
  const FormantSet fsest = est.estimate(spec);
  ASSERT_GE(fsest.count, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(fsest.freq[static_cast<size_t>(i)], kFormantMinHz);
    EXPECT_LE(fsest.freq[static_cast<size_t>(i)], kFormantMaxHz);
    EXPECT_GT(fsest.bw[static_cast<size_t>(i)], 0.0f);
    if (i > 0) {
      EXPECT_GE(fsest.freq[static_cast<size_t>(i)], fsest.freq[static_cast<size_t>(i - 1)]);
    }
  }
}

}  // namespace
}  // namespace sentio::features::egemaps
