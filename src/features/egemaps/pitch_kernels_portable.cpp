// SPDX-License-Identifier: Apache-2.0
// Portable (baseline x86-64 = SSE2, or plain C++) pitch kernels and the run-time choice of the
// kernel set. See pitch_kernels.hpp.
#include <cmath>

#include "dsp/cpu.hpp"
#include "egemaps/pitch_kernels.hpp"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sentio::features::egemaps::pitch_detail {
namespace {
namespace portable_isa {

#if defined(__GNUC__)
#define SENTIO_PITCH_INLINE inline __attribute__((always_inline))
#else
#define SENTIO_PITCH_INLINE inline
#endif

SENTIO_PITCH_INLINE bool rhs_to_slots(const SplineTables&, const double*, double*) { return false; }
SENTIO_PITCH_INLINE int eval_weight(const SplineTables&, const double*, const double*, const double*, double*,
                                    float*) {
  return 0;
}

#include "egemaps/pitch_kernels_impl.inc"

double window_energy(const float* frame, const float* window, float* win, int n) {
  double e0 = 0, e1 = 0, e2 = 0, e3 = 0;
  for (int i = 0; i < n; i += 4) {
    const float w0 = frame[i] * window[i];
    const float w1 = frame[i + 1] * window[i + 1];
    const float w2 = frame[i + 2] * window[i + 2];
    const float w3 = frame[i + 3] * window[i + 3];
    win[i] = w0;
    win[i + 1] = w1;
    win[i + 2] = w2;
    win[i + 3] = w3;
    e0 += static_cast<double>(w0 * w0);
    e1 += static_cast<double>(w1 * w1);
    e2 += static_cast<double>(w2 * w2);
    e3 += static_cast<double>(w3 * w3);
  }
  return (e0 + e1) + (e2 + e3);
}

// std::sqrt keeps its errno path (no -fno-math-errno), which stops compilers from vectorising;
// the SSE version gives bit-identical results 4 bins at a time.
void magnitudes(const float* spec, float* mag, int n) {
  int k = 0;
#if defined(__SSE2__)
  for (; k + 4 <= n; k += 4) {
    const __m128 a = _mm_loadu_ps(spec + 2 * k);      // re0 im0 re1 im1
    const __m128 b = _mm_loadu_ps(spec + 2 * k + 4);  // re2 im2 re3 im3
    const __m128 re = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m128 im = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    _mm_storeu_ps(mag + k, _mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(re, re), _mm_mul_ps(im, im))));
  }
#endif
  for (; k < n; ++k) {
    const float re = spec[2 * k];
    const float im = spec[2 * k + 1];
    mag[k] = std::sqrt(re * re + im * im);
  }
}

}  // namespace portable_isa

bool cpu_has_avx2() { return sentio::features::dsp::use_avx2_kernels(); }

}  // namespace

Kernels portable_kernels() {
  return {&portable_isa::window_energy, &portable_isa::magnitudes, &portable_isa::octave_shs_impl};
}

const Kernels& best_kernels() {
#if defined(SENTIO_PITCH_X86)
  static const Kernels chosen = cpu_has_avx2() ? avx2_kernels() : portable_kernels();
#else
  static const Kernels chosen = portable_kernels();
#endif
  return chosen;
}

}  // namespace sentio::features::egemaps::pitch_detail
