// SPDX-License-Identifier: Apache-2.0
#include "egemaps/formants.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "dsp/cpu.hpp"
#include "egemaps/formants_kernels.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

bool formant_detail::use_avx2() {
#if defined(SENTIO_FORMANTS_X86)
  return dsp::use_avx2_kernels();
#else
  return false;
#endif
}

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Spectral resampler (section 6 step 1)
//
// With Y_0 = X_0 and Y_k = X_k (k = 1..109) and w = exp(2 pi j / 352), the target is
//   out[n] = Re sum_k Y_k w^{k n} / 256,  n = 0..219.
// Write k = k1 + 32 k2 (k1 < 32, k2 < 4) and n = r + 11 m (r < 11, m < 20). Since w^{352} = 1,
//   w^{k n} = w^{k r} * exp(2 pi j k1 m / 32), so
//   out[r + 11 m] = Re sum_{k1} W[k1][r] exp(2 pi j k1 m / 32) / 256,  W[k1][r] = sum_{k2} Y_k w^{k r}.
// ---------------------------------------------------------------------------------------------

std::shared_ptr<const SpectralResampler> SpectralResampler::shared() {
  static const std::shared_ptr<const SpectralResampler> instance =
      std::make_shared<const SpectralResampler>();
  return instance;
}

SpectralResampler::SpectralResampler() {
  for (int k = 0; k <= kResampleMaxBin; ++k) {
    for (int r = 0; r < kResidues; ++r) {
      const double phase = kTwoPi * static_cast<double>((k * r) % kResamplePeriod) / kResamplePeriod;
      tw_re_[static_cast<size_t>(k)][static_cast<size_t>(r)] = static_cast<float>(std::cos(phase));
      tw_im_[static_cast<size_t>(k)][static_cast<size_t>(r)] = static_cast<float>(std::sin(phase));
    }
  }
  for (int k1 = 0; k1 < kInner; ++k1) {
    for (int m = 0; m < kPerResidue; ++m) {
      const double phase = kTwoPi * static_cast<double>((k1 * m) % kInner) / kInner;
      dft_cos_[static_cast<size_t>(k1)][static_cast<size_t>(m)] = static_cast<float>(std::cos(phase));
      dft_sin_[static_cast<size_t>(k1)][static_cast<size_t>(m)] = static_cast<float>(std::sin(phase));
    }
  }
}

void SpectralResampler::apply(std::span<const std::complex<float>> spectrum,
                              std::span<float> out) const {
  SENTIO_ASSERT(spectrum.size() > static_cast<size_t>(kResampleMaxBin));
  SENTIO_ASSERT(out.size() == static_cast<size_t>(kLpcLen));
#if defined(SENTIO_FORMANTS_X86)
  if (formant_detail::use_avx2()) {  // same operations, eight lanes (formants_kernels_avx2.cpp)
    static_assert(sizeof(std::complex<float>) == 2 * sizeof(float));
    formant_detail::resample_avx2(reinterpret_cast<const float*>(spectrum.data()), tw_re_[0].data(),
                                  tw_im_[0].data(), dft_cos_[0].data(), dft_sin_[0].data(), out.data());
    return;
  }
#endif

  // Stage 1: W[k1][r] (complex), rows padded to kResiduesPadded for vectorisation.
  alignas(64) float w_re[kInner][kResiduesPadded] = {};
  alignas(64) float w_im[kInner][kResiduesPadded] = {};
  for (int k = 0; k <= kResampleMaxBin; ++k) {
    const float a = spectrum[static_cast<size_t>(k)].real();
    // Bin 0 contributes its real part only (the DC term of the spec's formula).
    const float b = k == 0 ? 0.0f : spectrum[static_cast<size_t>(k)].imag();
    const float* __restrict c = tw_re_[static_cast<size_t>(k)].data();
    const float* __restrict s = tw_im_[static_cast<size_t>(k)].data();
    float* __restrict wr = w_re[k % kInner];
    float* __restrict wi = w_im[k % kInner];
    for (int r = 0; r < kResiduesPadded; ++r) {
      wr[r] += a * c[r] - b * s[r];
      wi[r] += a * s[r] + b * c[r];
    }
  }

  // Stage 2: for each residue r, the real part of a 32-point inverse DFT at m = 0..19, as a small
  // matrix-vector product vectorised over m (measured faster than a radix-2 FFT at this size).
  for (int r = 0; r < kResidues; ++r) {
    alignas(64) float acc[kPerResidue] = {};
    for (int k1 = 0; k1 < kInner; ++k1) {
      const float a = w_re[k1][r];
      const float b = w_im[k1][r];
      const float* __restrict c = dft_cos_[static_cast<size_t>(k1)].data();
      const float* __restrict s = dft_sin_[static_cast<size_t>(k1)].data();
      for (int m = 0; m < kPerResidue; ++m) acc[m] += a * c[m] - b * s[m];
    }
    for (int m = 0; m < kPerResidue; ++m) {
      out[static_cast<size_t>(r + kResidues * m)] = acc[m] * (1.0f / 256.0f);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Autocorrelation and Levinson-Durbin (section 6 step 2), float32 like openSMILE
// ---------------------------------------------------------------------------------------------

void autocorrelation(std::span<const float> x, std::span<float> acf) {
  const size_t n = x.size();
  const size_t lags = acf.size();
  for (float& v : acf) v = 0.0f;
  if (lags == 0) return;
  if (lags == static_cast<size_t>(kLpcOrder + 1) && n == static_cast<size_t>(kLpcLen)) {
    // Fast path: lag-vectorised. rev holds x reversed followed by zeros, so that
    // x[i - l] = rev[kN - 1 - i + l] for l = 0..kLags-1 (zero when i < l). Each acf[l] still sums
    // in ascending i; the extra terms are exact zeros, so the result equals the plain loop bit for bit.
    constexpr size_t kLags = kLpcOrder + 1;
    constexpr size_t kN = kLpcLen;
    alignas(64) float rev[kN + kLags] = {};
    for (size_t j = 0; j < kN; ++j) rev[j] = x[kN - 1 - j];
#if defined(__GNUC__)
    // Three 4-lane accumulators (GCC/Clang vector extension; lane-wise, so no reassociation).
    typedef float V4 __attribute__((vector_size(16)));
    static_assert(kLags == 12);
    V4 acc0{}, acc1{}, acc2{};
    for (size_t i = 0; i < kN; ++i) {
      const V4 xi = V4{} + x[i];
      const float* src = rev + (kN - 1 - i);
      V4 s0, s1, s2;
      std::memcpy(&s0, src, sizeof(V4));
      std::memcpy(&s1, src + 4, sizeof(V4));
      std::memcpy(&s2, src + 8, sizeof(V4));
      acc0 += xi * s0;
      acc1 += xi * s1;
      acc2 += xi * s2;
    }
    for (size_t l = 0; l < 4; ++l) {
      acf[l] = acc0[l];
      acf[l + 4] = acc1[l];
      acf[l + 8] = acc2[l];
    }
#else
    float acc[kLags] = {};
    for (size_t i = 0; i < kN; ++i) {
      const float xi = x[i];
      const float* src = rev + (kN - 1 - i);
      for (size_t l = 0; l < kLags; ++l) acc[l] += xi * src[l];
    }
    for (size_t l = 0; l < kLags; ++l) acf[l] = acc[l];
#endif
    return;
  }
  for (size_t l = 0; l < lags; ++l) {
    float sum = 0.0f;
    for (size_t i = l; i < n; ++i) sum += x[i] * x[i - l];
    acf[l] = sum;
  }
}

bool levinson_durbin(std::span<const float> acf, std::span<float> a) {
  const size_t p = a.size();
  SENTIO_ASSERT(acf.size() == p + 1);
  for (float& v : a) v = 0.0f;
  if (acf[0] == 0.0f) return false;
  float err = acf[0];
  for (size_t m = 1; m <= p; ++m) {
    // Reflection coefficient k_m = -(r[m] + sum_{i<m} a_i r[m-i]) / err.
    float sum = acf[m];
    for (size_t i = 1; i < m; ++i) sum += a[i - 1] * acf[m - i];
    const float k = (-1.0f / err) * sum;
    a[m - 1] = k;
    // Symmetric in-place update a_i += k a_{m-i} (pairs updated together, the middle one once).
    for (size_t i = 1; i <= m / 2; ++i) {
      const float lo = a[i - 1];
      a[i - 1] += k * a[m - i - 1];
      if (i < m / 2 || (m & 1U) == 1U) a[m - i - 1] += k * lo;
    }
    err *= 1.0f - k * k;
    if (err == 0.0f) {
      for (size_t i = m; i < p; ++i) a[i] = 0.0f;
      break;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Polynomial roots (section 6 step 3): Laguerre + deflation + polishing, in double
// ---------------------------------------------------------------------------------------------

namespace {

struct Cx {
  double re = 0;
  double im = 0;
};

inline Cx operator+(Cx a, Cx b) { return {a.re + b.re, a.im + b.im}; }
inline Cx operator-(Cx a, Cx b) { return {a.re - b.re, a.im - b.im}; }
inline Cx operator*(Cx a, Cx b) { return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }
inline Cx operator*(double s, Cx a) { return {s * a.re, s * a.im}; }
inline double cabs(Cx a) { return std::sqrt(a.re * a.re + a.im * a.im); }
// Cheap magnitude bound within a factor sqrt(2) of |a| (for error bounds and comparisons).
inline double cabs1(Cx a) { return std::fabs(a.re) + std::fabs(a.im); }
// Smith's division, no overflow for the magnitudes met here.
inline Cx operator/(Cx a, Cx b) {
  if (std::fabs(b.re) >= std::fabs(b.im)) {
    const double t = b.im / b.re;
    const double d = b.re + b.im * t;
    return {(a.re + a.im * t) / d, (a.im - a.re * t) / d};
  }
  const double t = b.re / b.im;
  const double d = b.re * t + b.im;
  return {(a.re * t + a.im) / d, (a.im * t - a.re) / d};
}
inline double norm2(Cx a) { return a.re * a.re + a.im * a.im; }
// 1/a with a single real division; |a| is far from the double range limits here.
inline Cx reciprocal(Cx a) {
  const double inv = 1.0 / norm2(a);
  return {a.re * inv, -a.im * inv};
}
inline Cx csqrt(Cx a) {
  if (a.re == 0.0 && a.im == 0.0) return {};
  const double r = cabs(a);
  const double w = std::sqrt(0.5 * (r + std::fabs(a.re)));
  if (a.re >= 0.0) return {w, a.im / (2.0 * w)};
  return {std::fabs(a.im) / (2.0 * w), a.im >= 0.0 ? w : -w};
}

constexpr int kLaguerreMaxIter = 80;
constexpr double kEps = 2.220446049250313e-16;  // double epsilon

// A converged root with a relative imaginary part below 1e-8 is taken as real. Erring this way is
// safe: deflating a near-real pair member by a linear factor leaves a tiny remainder, whereas
// deflating a real root by a quadratic would remove a root that does not exist.
inline bool effectively_real(Cx z) { return std::fabs(z.im) <= 1e-8 * std::fabs(z.re) + 1e-12; }

// One root of the real polynomial b[0..m] (b[m] = leading), starting at x.
// Laguerre converges cubically near a simple root, so once a step is below kStepTol relative to
// |x| the new iterate is accurate to far beyond double precision needs; we stop there instead of
// paying for a confirming iteration. Iterates that are almost but not exactly real keep going to
// full convergence so that real roots come out with Im == 0 (the caller deflates them singly).
Cx laguerre(const double* b, int m, Cx x) {
  // Fractional steps every 10 iterations break rare limit cycles.
  static constexpr double kFrac[] = {0.5, 0.25, 0.75, 0.13, 0.38, 0.62, 0.88, 1.0};
  constexpr double kStepTol = 1e-8;
  const double dm = m;
  for (int iter = 1; iter <= kLaguerreMaxIter; ++iter) {
    Cx p{b[m], 0.0};
    Cx dp{};
    Cx d2p{};  // p''/2
    const double ax = cabs1(x);
    double bound = std::fabs(b[m]);  // Horner rounding-error bound (in units of epsilon)
    for (int j = m - 1; j >= 0; --j) {
      d2p = d2p * x + dp;
      dp = dp * x + p;
      p = p * x + Cx{b[j], 0.0};
      bound = bound * ax + cabs1(p);
    }
    if (cabs1(p) <= bound * kEps) return x;  // |p(x)| is rounding noise: x is a root
    const Cx inv_p = reciprocal(p);
    const Cx g = dp * inv_p;
    const Cx g2 = g * g;
    const Cx h = g2 - 2.0 * (d2p * inv_p);
    const Cx sq = csqrt((dm - 1.0) * (dm * h - g2));
    Cx gp = g + sq;
    const Cx gm = g - sq;
    if (norm2(gp) < norm2(gm)) gp = gm;
    Cx dx;
    if (norm2(gp) > 0.0) {
      dx = dm * reciprocal(gp);
    } else {
      const double s = 1.0 + ax;
      dx = {s * std::cos(iter), s * std::sin(iter)};
    }
    const Cx x1 = x - dx;
    if (x1.re == x.re && x1.im == x.im) return x;
    if (cabs1(dx) <= kStepTol * (cabs1(x1) + 1e-3) &&
        (x1.im == 0.0 || std::fabs(x1.im) > 1e-6 * std::fabs(x1.re))) {
      return x1;
    }
    if (iter % 10 != 0) {
      x = x1;
    } else {
      x = x - kFrac[(iter / 10 - 1) % 8] * dx;
    }
  }
  return x;
}

}  // namespace

void polynomial_roots(std::span<const double> c, std::span<std::complex<double>> roots,
                      std::span<const std::complex<double>> guesses) {
  const int n = static_cast<int>(roots.size());
  SENTIO_ASSERT(n >= 1 && c.size() == roots.size() + 1 && c[static_cast<size_t>(n)] != 0.0);
  constexpr int kMaxDegree = 32;
  SENTIO_ASSERT(n <= kMaxDegree);

  double work[kMaxDegree + 1];
  for (int i = 0; i <= n; ++i) work[i] = c[static_cast<size_t>(i)];
  // Each found root and whether it stands for a conjugate pair.
  Cx found[kMaxDegree];
  int count = 0;

  int m = n;
  size_t stage = 0;  // index of the next Laguerre search (for the optional starting guesses)
  while (m >= 1) {
    if (m == 1) {
      found[count++] = {-work[0] / work[1], 0.0};
      break;
    }
    if (m == 2) {
      const double a2 = work[2], a1 = work[1], a0 = work[0];
      const double disc = a1 * a1 - 4.0 * a2 * a0;
      if (disc < 0.0) {
        const Cx z{-a1 / (2.0 * a2), std::sqrt(-disc) / (2.0 * std::fabs(a2))};
        found[count++] = z;
        found[count++] = {z.re, -z.im};
      } else {
        const double q = -0.5 * (a1 + std::copysign(std::sqrt(disc), a1));
        const double z1 = q / a2;
        const double z2 = q != 0.0 ? a0 / q : 0.0;
        found[count++] = {z1, 0.0};
        found[count++] = {z2, 0.0};
      }
      break;
    }
    const Cx start = stage < guesses.size() ? Cx{guesses[stage].real(), guesses[stage].imag()} : Cx{};
    ++stage;
    Cx z = laguerre(work, m, start);
    if (effectively_real(z)) {
      // Deflate by (x - z), top-down.
      const double x = z.re;
      double carry = work[m];
      for (int j = m - 1; j >= 0; --j) {
        const double next = work[j] + x * carry;
        work[j] = carry;
        carry = next;
      }
      // work[0..m-1] now holds the quotient; carry is the remainder (~0).
      found[count++] = {x, 0.0};
      m -= 1;
    } else {
      // Deflate by z^2 - 2 Re(z) z + |z|^2 (real quadratic), top-down.
      const double s = 2.0 * z.re;
      const double t = z.re * z.re + z.im * z.im;
      double q[kMaxDegree + 1];
      q[m - 2] = work[m];
      if (m - 3 >= 0) q[m - 3] = work[m - 1] + s * q[m - 2];
      for (int j = m - 4; j >= 0; --j) q[j] = work[j + 2] + s * q[j + 1] - t * q[j + 2];
      for (int j = 0; j <= m - 2; ++j) work[j] = q[j];
      const Cx upper{z.re, std::fabs(z.im)};
      found[count++] = upper;
      found[count++] = {upper.re, -upper.im};
      m -= 2;
    }
  }
  SENTIO_ASSERT(count == n);

  // One Newton step per root on the undeflated polynomial removes the small error that deflation
  // accumulates. Real roots stay real and pairs stay exactly conjugate (the step is only taken when
  // it is small, so it can never jump to a different root).
  for (int i = 0; i < n; ++i) {
    Cx z = found[i];
    if (z.im < 0.0) {
      z = {found[i - 1].re, -found[i - 1].im};  // lower member of a pair: mirror the polished upper one
    } else {
      Cx p{c[static_cast<size_t>(n)], 0.0};
      Cx dp{};
      for (int j = n - 1; j >= 0; --j) {
        dp = dp * z + p;
        p = p * z + Cx{c[static_cast<size_t>(j)], 0.0};
      }
      if (cabs1(dp) > 0.0) {
        const Cx step = p / dp;
        if (cabs1(step) < 1e-6 * (1.0 + cabs1(z))) {
          z = z - step;
          if (found[i].im == 0.0) z.im = 0.0;
          if (found[i].im > 0.0) z.im = std::fabs(z.im);
        }
      }
    }
    found[i] = z;
    roots[static_cast<size_t>(i)] = {z.re, z.im};
  }
}

// ---------------------------------------------------------------------------------------------
// Formants from LPC (section 6 step 3)
// ---------------------------------------------------------------------------------------------

namespace {

// z^p - sum_i a_i z^{p-i} in ascending order (c[p] = 1): openSMILE's cFormantLpc copies -a into
// the polynomial, so this, not z^p A(z), is the polynomial whose roots become formants. Returns
// false for all-zero coefficients (silent frame: every root at 0, no formant).
bool lpc_polynomial(std::span<const float> a, double* coeffs) {
  const size_t p = a.size();
  bool all_zero = true;
  coeffs[p] = 1.0;
  for (size_t i = 1; i <= p; ++i) {
    coeffs[p - i] = -static_cast<double>(a[i - 1]);
    all_zero = all_zero && a[i - 1] == 0.0f;
  }
  return !all_zero;
}

FormantSet formants_from_roots(const std::complex<double>* roots, size_t p, double fs) {
  FormantSet out;
  constexpr int kMaxKept = 5;  // openSMILE keeps at most nFormants = 5 candidates, in root order
  double freq[kMaxKept];
  double bw[kMaxKept];
  int kept = 0;
  for (size_t i = 0; i < p && kept < kMaxKept; ++i) {
    const double re = roots[i].real();
    const double im = roots[i].imag();
    // Reflecting z -> 1/conj(z) = z/|z|^2 keeps the argument and the sign of Im(z), and maps
    // -ln|z| to +ln|z|; so the bandwidth is |ln|z|| * fs/pi either way.
    if (im < 0.0) continue;
    const double f = std::fabs(std::atan2(im, re)) * fs / kTwoPi;
    if (!(f >= kFormantMinHz && f <= kFormantMaxHz)) continue;  // also drops NaN
    freq[kept] = f;
    bw[kept] = std::fabs(0.5 * std::log(re * re + im * im)) * fs / std::numbers::pi;
    ++kept;
  }
  // Insertion sort by frequency.
  for (int i = 1; i < kept; ++i) {
    for (int j = i; j > 0 && freq[j] < freq[j - 1]; --j) {
      std::swap(freq[j], freq[j - 1]);
      std::swap(bw[j], bw[j - 1]);
    }
  }
  out.count = kept;
  for (int i = 0; i < std::min(kept, kMaxFormants); ++i) {
    out.freq[static_cast<size_t>(i)] = static_cast<float>(freq[i]);
    out.bw[static_cast<size_t>(i)] = static_cast<float>(bw[i]);
  }
  return out;
}

}  // namespace

FormantSet formants_from_lpc(std::span<const float> a, double fs) {
  const size_t p = a.size();
  SENTIO_ASSERT(p >= 1 && p <= 32);
  double coeffs[33];
  if (!lpc_polynomial(a, coeffs)) return {};
  std::complex<double> roots[32];
  polynomial_roots(std::span<const double>(coeffs, p + 1), std::span<std::complex<double>>(roots, p));
  return formants_from_roots(roots, p, fs);
}

FormantEstimator::FormantEstimator() : resampler_(SpectralResampler::shared()) {}

FormantSet FormantEstimator::estimate(std::span<const std::complex<float>> spectrum) {
  resampler_->apply(spectrum, resampled_);
  std::array<float, kLpcOrder + 1> acf{};
  autocorrelation(resampled_, acf);
  std::array<float, kLpcOrder> lpc{};
  double coeffs[kLpcOrder + 1];
  if (!levinson_durbin(acf, lpc) || !lpc_polynomial(lpc, coeffs)) {
    guess_count_ = 0;
    return {};
  }
  std::array<std::complex<double>, kLpcOrder> roots;
  polynomial_roots(coeffs, roots, std::span<const std::complex<double>>(guesses_.data(), guess_count_));
  // Next frame's starting points: this frame's roots in deflation order (smallest first), one per
  // conjugate pair. Only the speed depends on them, not the result (beyond rounding).
  guess_count_ = 0;
  for (const auto& z : roots) {
    if (z.imag() >= 0.0) guesses_[guess_count_++] = z;
  }
  std::sort(guesses_.begin(), guesses_.begin() + static_cast<std::ptrdiff_t>(guess_count_),
            [](const std::complex<double>& x, const std::complex<double>& y) { return std::norm(x) < std::norm(y); });
  return formants_from_roots(roots.data(), kLpcOrder, kLpcRate);
}

}  // namespace sentio::features::egemaps
