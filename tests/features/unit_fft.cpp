// SPDX-License-Identifier: Apache-2.0
// dsp::RealFft against a direct double-precision DFT, on synthetic signals, for every kernel path
// (scalar, SSE2, AVX2 where the CPU has it) and every power-of-two size 2..4096. Runs in ~0.1 s.
//
// Error bounds (float32 FFT; rounding error grows ~ sqrt(log2 N) on average, ~log2 N worst case):
//   max_k |X[k] - X_ref[k]| <= 2e-7 * log2(N) * ||x||_2        (forward)
//   max_j |x[j] - x_ref[j]| <= 2e-7 * log2(N) * ||X||_2 * sqrt(2) (inverse, ||X|| over bins 0..N/2)
// Measured worst cases (uniform noise, all paths) are ~4x below these bounds; KissFFT is the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "sentio/features/real_fft.hpp"
#include "dsp/fft_kernels.hpp"

namespace sentio::features::dsp {
namespace {

using fft_detail::FftPath;
using cf = std::complex<float>;
using cd = std::complex<double>;

constexpr double kBoundPerStage = 2e-7;

// Sets the forced path for the lifetime of the object, then restores automatic dispatch.
class ScopedPath {
 public:
  explicit ScopedPath(FftPath p) { fft_detail::force_fft_path(p); }
  ~ScopedPath() { fft_detail::force_fft_path(FftPath::automatic); }
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;
};

std::vector<FftPath> supported_paths() {
  std::vector<FftPath> out;
  for (FftPath p : {FftPath::scalar, FftPath::sse2, FftPath::avx2}) {
    if (fft_detail::fft_path_supported(p)) out.push_back(p);
  }
  return out;
}

const char* path_name(FftPath p) {
  switch (p) {
    case FftPath::scalar: return "scalar";
    case FftPath::sse2: return "sse2";
    case FftPath::avx2: return "avx2";
    default: return "automatic";
  }
}

double log2_of(int n) { return std::log2(static_cast<double>(n)); }

// Direct DFT, bins 0..N/2, in double with an exact integer phase index.
std::vector<cd> dft_ref(const std::vector<float>& x) {
  const int n = static_cast<int>(x.size());
  std::vector<double> c(n), s(n);
  for (int j = 0; j < n; ++j) {
    c[j] = std::cos(2 * std::numbers::pi * j / n);
    s[j] = std::sin(2 * std::numbers::pi * j / n);
  }
  std::vector<cd> out(n / 2 + 1);
  for (int k = 0; k <= n / 2; ++k) {
    double re = 0, im = 0;
    for (int j = 0; j < n; ++j) {
      const int idx = static_cast<int>((static_cast<long>(k) * j) % n);
      re += x[j] * c[idx];
      im -= x[j] * s[idx];
    }
    out[k] = {re, im};
  }
  return out;
}

// Direct inverse of a half spectrum (imaginary parts of bins 0 and N/2 ignored), in double.
std::vector<double> idft_ref(const std::vector<cf>& spec, int n) {
  std::vector<double> c(n), s(n);
  for (int j = 0; j < n; ++j) {
    c[j] = std::cos(2 * std::numbers::pi * j / n);
    s[j] = std::sin(2 * std::numbers::pi * j / n);
  }
  std::vector<double> out(n);
  for (int j = 0; j < n; ++j) {
    double acc = spec[0].real() + ((j % 2 == 0) ? 1.0 : -1.0) * spec[n / 2].real();
    for (int k = 1; k < n / 2; ++k) {
      const int idx = static_cast<int>((static_cast<long>(k) * j) % n);
      acc += 2.0 * (spec[k].real() * c[idx] - spec[k].imag() * s[idx]);
    }
    out[j] = acc;
  }
  return out;
}

std::vector<float> random_signal(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(n);
  for (float& v : x) v = u(rng);
  return x;
}

double norm2(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += static_cast<double>(v) * v;
  return std::sqrt(s);
}

std::vector<cf> forward(int n, const std::vector<float>& x) {
  RealFft fft(n);
  std::vector<cf> out(n / 2 + 1, cf(1e30f, 1e30f));
  fft.forward(x, out);
  return out;
}

TEST(RealFft, ForwardMatchesDoubleDftForAllSizesAndPaths) {
  for (int n = 2; n <= 4096; n *= 2) {
    const std::vector<float> x = random_signal(n, 1234u + static_cast<unsigned>(n));
    const std::vector<cd> ref = dft_ref(x);
    const double bound = kBoundPerStage * std::max(1.0, log2_of(n)) * norm2(x);
    for (FftPath p : supported_paths()) {
      ScopedPath scoped(p);
      const std::vector<cf> got = forward(n, x);
      double err = 0;
      for (int k = 0; k <= n / 2; ++k) err = std::max(err, std::abs(cd(got[k]) - ref[k]));
      EXPECT_LE(err, bound) << "n=" << n << " path=" << path_name(p);
    }
  }
}

TEST(RealFft, InverseMatchesDoubleIdftAndIgnoresEdgeImaginaryParts) {
  for (int n = 2; n <= 4096; n *= 2) {
    std::mt19937 rng(99u + static_cast<unsigned>(n));
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<cf> spec(n / 2 + 1);
    double ss = 0;
    for (cf& v : spec) {
      v = {u(rng), u(rng)};
      ss += std::norm(cd(v));
    }
    spec[0].imag(0.5f);      // must be ignored
    spec[n / 2].imag(-0.25f);  // must be ignored
    const std::vector<double> ref = idft_ref(spec, n);
    const double bound = kBoundPerStage * std::max(1.0, log2_of(n)) * std::sqrt(2.0 * ss) * std::sqrt(2.0);
    for (FftPath p : supported_paths()) {
      ScopedPath scoped(p);
      RealFft fft(n);
      std::vector<float> got(n, 1e30f);
      fft.inverse(spec, got);
      double err = 0;
      for (int j = 0; j < n; ++j) err = std::max(err, std::abs(got[j] - ref[j]));
      EXPECT_LE(err, bound) << "n=" << n << " path=" << path_name(p);
    }
  }
}

TEST(RealFft, InverseOfForwardIsNTimesInput) {
  for (int n = 2; n <= 4096; n *= 2) {
    const std::vector<float> x = random_signal(n, 7u + static_cast<unsigned>(n));
    const double bound = 2 * kBoundPerStage * std::max(1.0, log2_of(n)) * norm2(x) * std::sqrt(n);
    for (FftPath p : supported_paths()) {
      ScopedPath scoped(p);
      RealFft fft(n);
      std::vector<cf> spec(n / 2 + 1);
      std::vector<float> back(n);
      fft.forward(x, spec);
      fft.inverse(spec, back);
      double err = 0;
      for (int j = 0; j < n; ++j) err = std::max(err, std::abs(back[j] - static_cast<double>(n) * x[j]));
      EXPECT_LE(err, bound) << "n=" << n << " path=" << path_name(p);
    }
  }
}

TEST(RealFft, EdgeBinsHaveExactlyZeroImaginaryPart) {
  for (int n = 2; n <= 4096; n *= 2) {
    const std::vector<float> x = random_signal(n, 5u);
    for (FftPath p : supported_paths()) {
      ScopedPath scoped(p);
      const std::vector<cf> got = forward(n, x);
      EXPECT_EQ(got[0].imag(), 0.0f) << n;
      EXPECT_EQ(got[n / 2].imag(), 0.0f) << n;
    }
  }
}

TEST(RealFft, ImpulseAndConstantGiveExactBins) {
  for (int n : {4, 8, 16, 32, 64, 128, 512, 1024}) {
    for (FftPath p : supported_paths()) {
      ScopedPath scoped(p);
      std::vector<float> x(n, 0.0f);
      x[0] = 1.0f;  // delta at 0: X[k] = 1 exactly
      std::vector<cf> got = forward(n, x);
      for (int k = 0; k <= n / 2; ++k) ASSERT_EQ(got[k], cf(1.0f, 0.0f)) << n << " " << k;
      std::fill(x.begin(), x.end(), 1.0f);  // constant: X[0] = N, X[k>0] = 0 exactly
      got = forward(n, x);
      ASSERT_EQ(got[0], cf(static_cast<float>(n), 0.0f)) << n;
      for (int k = 1; k <= n / 2; ++k) ASSERT_EQ(got[k], cf(0.0f, 0.0f)) << n << " " << k;
      // Delta at j0: X[k] = e^{-2 pi i k j0 / N} (twiddle rounding only).
      const int j0 = n / 4 + 1;
      std::fill(x.begin(), x.end(), 0.0f);
      x[j0] = 1.0f;
      got = forward(n, x);
      for (int k = 0; k <= n / 2; ++k) {
        const double a = -2 * std::numbers::pi * static_cast<double>((static_cast<long>(k) * j0) % n) / n;
        EXPECT_NEAR(got[k].real(), std::cos(a), 1e-6) << n << " " << k;
        EXPECT_NEAR(got[k].imag(), std::sin(a), 1e-6) << n << " " << k;
      }
    }
  }
}

TEST(RealFft, PureCosineGivesHalfNAtItsBinOnly) {
  for (int n : {16, 64, 512, 1024, 4096}) {
    for (int b : {1, 3, n / 4, n / 2 - 1}) {
      std::vector<float> x(n);
      for (int j = 0; j < n; ++j) {
        x[j] = static_cast<float>(std::cos(2 * std::numbers::pi * static_cast<double>((static_cast<long>(b) * j) % n) / n));
      }
      for (FftPath p : supported_paths()) {
        ScopedPath scoped(p);
        const std::vector<cf> got = forward(n, x);
        const double tol = 1e-6 * n;
        for (int k = 0; k <= n / 2; ++k) {
          const double want = (k == b) ? n / 2.0 : 0.0;
          ASSERT_NEAR(got[k].real(), want, tol) << n << " " << b << " " << k;
          ASSERT_NEAR(got[k].imag(), 0.0, tol) << n << " " << b << " " << k;
        }
      }
    }
  }
}

// The kernels do the same float operations in the same order (no FMA), so on x86-64 builds without
// FMA code generation (the project's flags) the paths agree bit for bit; elsewhere within 1e-6.
TEST(RealFft, AllPathsAgree) {
#if defined(SENTIO_FFT_X86) && !defined(__FMA__)
  constexpr double kRel = 0.0;
#else
  constexpr double kRel = 1e-6;
#endif
  const std::vector<FftPath> paths = supported_paths();
  for (int n = 2; n <= 4096; n *= 2) {
    const std::vector<float> x = random_signal(n, 31u);
    std::vector<std::vector<cf>> fwd;
    std::vector<std::vector<float>> inv;
    for (FftPath p : paths) {
      ScopedPath scoped(p);
      RealFft fft(n);
      fwd.emplace_back(n / 2 + 1);
      fft.forward(x, fwd.back());
      inv.emplace_back(n);
      fft.inverse(fwd.front(), inv.back());
    }
    double peak = 0, peak_inv = 0;
    for (const cf& v : fwd[0]) peak = std::max(peak, static_cast<double>(std::abs(v)));
    for (float v : inv[0]) peak_inv = std::max(peak_inv, static_cast<double>(std::abs(v)));
    for (std::size_t i = 1; i < paths.size(); ++i) {
      double d = 0, di = 0;
      for (int k = 0; k <= n / 2; ++k) d = std::max(d, static_cast<double>(std::abs(fwd[i][k] - fwd[0][k])));
      for (int j = 0; j < n; ++j) di = std::max(di, static_cast<double>(std::abs(inv[i][j] - inv[0][j])));
      EXPECT_LE(d, kRel * peak) << "n=" << n << " " << path_name(paths[i]) << " vs scalar";
      EXPECT_LE(di, kRel * peak_inv) << "n=" << n << " " << path_name(paths[i]) << " vs scalar";
    }
  }
}

TEST(RealFft, MovedInstanceStillWorksAndReportsSize) {
  RealFft a(256);
  RealFft b = std::move(a);
  EXPECT_EQ(b.size(), 256);
  std::vector<float> x(256, 0.0f);
  x[0] = 2.0f;
  std::vector<cf> out(129);
  b.forward(x, out);
  EXPECT_EQ(out[77], cf(2.0f, 0.0f));
}

TEST(RealFftDeathTest, NonPowerOfTwoSizeIsAProgrammerError) {
  EXPECT_DEATH(RealFft(12), "");
  EXPECT_DEATH(RealFft(1), "");
}

}  // namespace
}  // namespace sentio::features::dsp
