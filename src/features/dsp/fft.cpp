// SPDX-License-Identifier: Apache-2.0
// Real FFT: plan construction, kernel dispatch, and small sizes (N < 32) via zero-stuffing.
//
// Maths (textbook real-FFT via a half-length complex FFT). With M = N/2, z[m] = x[2m] + i x[2m+1],
// Z = DFT_M(z) and W = e^{-2 pi i / N}, the even/odd sub-spectra are
//   Ze[k] = (Z[k] + conj Z[M-k]) / 2,  Zo[k] = -i (Z[k] - conj Z[M-k]) / 2,
// and X[k] = Ze[k] + W^k Zo[k] for k = 0..M (Z[M] = Z[0]). The inverse runs the same identities
// backwards (fft_kernels_impl.inc). DFT_M is a Stockham radix-8/4/2 FFT (fft_kernels.hpp).
#include "sentio/features/real_fft.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <vector>

#include "dsp/cpu.hpp"
#include "dsp/fft_kernels.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::dsp {

using fft_detail::FftPath;
using fft_detail::Kernels;
using fft_detail::Plan;

namespace {

std::atomic<FftPath> g_forced_path{FftPath::automatic};

bool cpu_has_avx2() { return use_avx2_kernels(); }

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

// Smallest transform the kernels run (the scalar kernels need M >= 16); smaller N are computed
// through it by zero-stuffing.
constexpr int kMinPlanN = 32;

// Kernel set for complex length m (>= 16) under the forced path.
Kernels choose_kernels(int m) {
  FftPath want = g_forced_path.load(std::memory_order_relaxed);
  if (want == FftPath::automatic) want = FftPath::avx2;
  Kernels k{};
#if defined(SENTIO_FFT_X86)
  if (want == FftPath::avx2 && cpu_has_avx2()) {
    k = fft_detail::avx2_kernels();
    if (m >= k.min_m) return k;
  }
  if (want == FftPath::avx2 || want == FftPath::sse2) {
    k = fft_detail::sse2_kernels();
    if (m >= k.min_m) return k;
  }
#endif
  k = fft_detail::scalar_kernels();
  SENTIO_ASSERT(m >= k.min_m);
  return k;
}

// exp(-2 pi i num / den) rounded to float, with num reduced mod den first (exact integer phase).
void twiddle(long num, long den, float& re, float& im) {
  const double a = -2.0 * std::numbers::pi * static_cast<double>(num % den) / static_cast<double>(den);
  re = static_cast<float>(std::cos(a));
  im = static_cast<float>(std::sin(a));
}

}  // namespace

namespace fft_detail {

void force_fft_path(FftPath path) { g_forced_path.store(path, std::memory_order_relaxed); }

bool fft_path_supported(FftPath path) {
  switch (path) {
    case FftPath::automatic:
    case FftPath::scalar:
      return true;
#if defined(SENTIO_FFT_X86)
    case FftPath::sse2:
      return true;
    case FftPath::avx2:
      return cpu_has_avx2();
#else
    default:
      return false;
#endif
  }
  return false;
}

}  // namespace fft_detail

struct RealFft::Impl {
  Kernels kernels{};
  Plan plan{};                // for max(N, 32) points
  std::vector<float> tables;  // pass twiddles and post-processing twiddles (plan points into it)
  std::vector<float> work;    // 4 M floats of scratch
  int stuff = 1;              // N < 32 only: zero-stuffing factor S = 32 / N, see forward()
  std::vector<float> small_time;                // N < 32 only: 32 samples
  std::vector<std::complex<float>> small_spec;  // N < 32 only: 17 bins
};

namespace {

// Radix schedule after the first radix-8 pass, for the remaining length rem = M/8 (a power of two):
// as many radix-8 passes as possible, the leftover factor 2 or 4 (or 16 as 4 x 4).
int schedule(int rem, int* radices) {
  int log2rem = 0;
  while ((1 << log2rem) < rem) ++log2rem;
  int count = 0;
  int eights = log2rem / 3;
  const int left = log2rem % 3;
  if (left == 1 && eights > 0) {
    --eights;
    radices[count++] = 4;
    radices[count++] = 4;
  } else if (left == 1) {
    radices[count++] = 2;
  } else if (left == 2) {
    radices[count++] = 4;
  }
  for (int i = 0; i < eights; ++i) radices[count++] = 8;
  return count;
}

void build_plan(int n, const Kernels& kernels, Plan& plan, std::vector<float>& tables,
                std::vector<float>& work) {
  const int m = n / 2;
  plan.m = m;
  int radices[fft_detail::kMaxPasses] = {};
  const int extra = schedule(m / 8, radices + 1);
  radices[0] = 8;
  plan.num_passes = 1 + extra;
  SENTIO_ASSERT(plan.num_passes >= 2 && plan.num_passes <= fft_detail::kMaxPasses);

  // Table sizes: pass i needs (r - 1) * (len / r) entries per component (none for the last pass),
  // then M/2 + 1 post-processing twiddles.
  std::size_t total = 0;
  {
    int len = m;
    for (int i = 0; i < plan.num_passes; ++i) {
      if (i + 1 < plan.num_passes) total += 2 * static_cast<std::size_t>((radices[i] - 1) * (len / radices[i]));
      len /= radices[i];
    }
    total += 2 * static_cast<std::size_t>(m / 2 + 1);
  }
  tables.assign(total, 0.0f);
  float* t = tables.data();

  int len = m;
  int stride = 1;
  for (int i = 0; i < plan.num_passes; ++i) {
    const int r = radices[i];
    fft_detail::Pass& ps = plan.passes[i];
    ps.radix = r;
    ps.n = len;
    ps.stride = stride;
    if (i + 1 < plan.num_passes) {
      const int nr = len / r;
      ps.tw_re = t;
      ps.tw_im = t + (r - 1) * nr;
      for (int k = 1; k < r; ++k) {
        for (int p = 0; p < nr; ++p) {
          const int idx = (k - 1) * nr + p;
          int pp = p;  // butterfly handled at slot p
          if (i == 0 && kernels.first_pass_order != nullptr) {
            pp = p - p % kernels.lanes + kernels.first_pass_order[p % kernels.lanes];
          }
          twiddle(static_cast<long>(k) * pp, len, t[idx], t[(r - 1) * nr + idx]);
        }
      }
      t += 2 * (r - 1) * nr;
    }
    len /= r;
    stride *= r;
  }
  SENTIO_ASSERT(len == 1 && stride == m);
  plan.post_re = t;
  plan.post_im = t + (m / 2 + 1);
  for (int k = 0; k <= m / 2; ++k) twiddle(k, n, t[k], t[m / 2 + 1 + k]);
  work.assign(4 * static_cast<std::size_t>(m), 0.0f);
}

}  // namespace

RealFft::RealFft(int n) : n_(n), impl_(std::make_unique<Impl>()) {
  SENTIO_ASSERT(n >= 2 && is_power_of_two(n));
  Impl& im = *impl_;
  const int plan_n = std::max(n, kMinPlanN);
  im.stuff = plan_n / n;
  im.kernels = choose_kernels(plan_n / 2);
  SENTIO_ASSERT(im.kernels.forward != nullptr && im.kernels.inverse != nullptr);
  build_plan(plan_n, im.kernels, im.plan, im.tables, im.work);
  if (im.stuff > 1) {
    im.small_time.assign(kMinPlanN, 0.0f);
    im.small_spec.assign(kMinPlanN / 2 + 1, std::complex<float>{});
  }
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

// std::complex<float> arrays may be accessed as interleaved float pairs ([complex.numbers.general]).
void RealFft::forward(std::span<const float> in, std::span<std::complex<float>> out) {
  SENTIO_ASSERT(static_cast<int>(in.size()) == n_ && static_cast<int>(out.size()) == n_ / 2 + 1);
  Impl& im = *impl_;
  if (im.stuff == 1) {
    im.kernels.forward(im.plan, in.data(), reinterpret_cast<float*>(out.data()), im.work.data());
    return;
  }
  // N < 32: the 32-point DFT of x zero-stuffed by S = 32/N (x'[S j] = x[j]) is X'[k] = X[k mod N].
  std::fill(im.small_time.begin(), im.small_time.end(), 0.0f);
  for (int j = 0; j < n_; ++j) im.small_time[j * im.stuff] = in[j];
  im.kernels.forward(im.plan, im.small_time.data(), reinterpret_cast<float*>(im.small_spec.data()),
                     im.work.data());
  for (int k = 0; k <= n_ / 2; ++k) out[k] = im.small_spec[k];
  out[n_ / 2].imag(0.0f);  // an interior bin of the 32-point transform; exactly 0 for real x
}

void RealFft::inverse(std::span<const std::complex<float>> in, std::span<float> out) {
  SENTIO_ASSERT(static_cast<int>(in.size()) == n_ / 2 + 1 && static_cast<int>(out.size()) == n_);
  Impl& im = *impl_;
  if (im.stuff == 1) {
    im.kernels.inverse(im.plan, reinterpret_cast<const float*>(in.data()), out.data(), im.work.data());
    return;
  }
  // N < 32: inverse 32-point transform of the N-periodic Hermitian spectrum X'[k] = X[k mod N]
  // (edge bins made real); its samples at S j are S * (N-point inverse)[j], S = 32/N.
  const int half = n_ / 2;
  for (int k = 0; k <= kMinPlanN / 2; ++k) {
    const int r = k % n_;
    std::complex<float> v;
    if (r == 0) {
      v = {in[0].real(), 0.0f};
    } else if (r == half) {
      v = {in[half].real(), 0.0f};
    } else if (r < half) {
      v = in[r];
    } else {
      v = std::conj(in[n_ - r]);
    }
    im.small_spec[k] = v;
  }
  im.kernels.inverse(im.plan, reinterpret_cast<const float*>(im.small_spec.data()), im.small_time.data(),
                     im.work.data());
  const float scale = 1.0f / static_cast<float>(im.stuff);  // power of two: exact
  for (int j = 0; j < n_; ++j) out[j] = im.small_time[j * im.stuff] * scale;
}

}  // namespace sentio::features::dsp
