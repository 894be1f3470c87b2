// SPDX-License-Identifier: Apache-2.0
// AVX2 pitch kernels, compiled for that target by a pragma (no -march flag in the build) and
// selected at run time only on CPUs that support it (pitch_kernels_portable.cpp). FMA is NOT
// enabled: separate roundings keep every path bit-identical. The shared algorithm is in
// pitch_kernels_impl.inc; this file adds the eight-lane window/energy and magnitude loops.
// ODR safety: nothing after the pragma may instantiate inline library code, so the only includes
// are the plain-data kernel header and the intrinsics header, both before the pragma.
#include "egemaps/pitch_kernels.hpp"

#if defined(SENTIO_PITCH_X86)
#include <immintrin.h>

#include "dsp/avx2_begin.inc"

namespace sentio::features::egemaps::pitch_detail {
namespace {
namespace avx2_isa {

#define SENTIO_PITCH_INLINE inline __attribute__((always_inline))

// Right-hand side from natural order to the transposed slot layout (slot t * 16 + c holds knot
// 1 + c * len + t), by 4 x 4 register transposes. Handles the layout where the slots cover knots
// 1..n-1 exactly (n - 1 = 16 len, len a multiple of 4), as for the 513-bin spectrum.
SENTIO_PITCH_INLINE bool rhs_to_slots(const SplineTables& sp, const double* r, double* mm) {
  constexpr int C = 16;
  const int len = sp.len;
  if (sp.chunks != C || len * C != sp.n - 1 || len % 4 != 0) return false;
  for (int c0 = 0; c0 < C; c0 += 4) {
    for (int t0 = 0; t0 < len; t0 += 4) {
      const double* src = r + 1 + c0 * len + t0;
      const __m256d r0 = _mm256_loadu_pd(src);
      const __m256d r1 = _mm256_loadu_pd(src + len);
      const __m256d r2 = _mm256_loadu_pd(src + 2 * len);
      const __m256d r3 = _mm256_loadu_pd(src + 3 * len);
      const __m256d a0 = _mm256_unpacklo_pd(r0, r1);  // r0[0] r1[0] | r0[2] r1[2]
      const __m256d a1 = _mm256_unpackhi_pd(r0, r1);  // r0[1] r1[1] | r0[3] r1[3]
      const __m256d a2 = _mm256_unpacklo_pd(r2, r3);
      const __m256d a3 = _mm256_unpackhi_pd(r2, r3);
      double* dst = mm + t0 * C + c0;
      _mm256_storeu_pd(dst, _mm256_permute2f128_pd(a0, a2, 0x20));
      _mm256_storeu_pd(dst + C, _mm256_permute2f128_pd(a1, a3, 0x20));
      _mm256_storeu_pd(dst + 2 * C, _mm256_permute2f128_pd(a0, a2, 0x31));
      _mm256_storeu_pd(dst + 3 * C, _mm256_permute2f128_pd(a1, a3, 0x31));
    }
  }
  return true;
}

// Four targets at a time; same operations and order as eval_weight_one:
//   s = (w0 y[k] + w1 y[k+1]) + (w2 M[k] + w3 M[k+1]).
// M is first put back into natural order, interleaved with y (q[2i] = y[i], q[2i+1] = M[i]), so
// that each target needs two 16-byte loads and no gather (gathers are slow on CPUs with the
// gather-data-sampling mitigation) and few shuffles (one port on most x86 cores).
SENTIO_PITCH_INLINE int eval_weight(const SplineTables& sp, const double* audw, const double* y,
                                    const double* mm, double* q, float* ls) {
  constexpr int C = 16;
  const int n = sp.n;
  const int len = sp.len;
  if (sp.chunks != C || len * C != n - 1 || len % 4 != 0 || sp.wq == nullptr) return 0;
  for (int c0 = 0; c0 < C; c0 += 4) {
    for (int t0 = 0; t0 < len; t0 += 4) {
      const double* src = mm + t0 * C + c0;  // s_j[l] = M of chunk c0 + l, step t0 + j
      const __m256d s0 = _mm256_loadu_pd(src);
      const __m256d s1 = _mm256_loadu_pd(src + C);
      const __m256d s2 = _mm256_loadu_pd(src + 2 * C);
      const __m256d s3 = _mm256_loadu_pd(src + 3 * C);
      const __m256d a0 = _mm256_unpacklo_pd(s0, s1);
      const __m256d a1 = _mm256_unpackhi_pd(s0, s1);
      const __m256d a2 = _mm256_unpacklo_pd(s2, s3);
      const __m256d a3 = _mm256_unpackhi_pd(s2, s3);
      const __m256d col[4] = {_mm256_permute2f128_pd(a0, a2, 0x20), _mm256_permute2f128_pd(a1, a3, 0x20),
                              _mm256_permute2f128_pd(a0, a2, 0x31), _mm256_permute2f128_pd(a1, a3, 0x31)};
      for (int l = 0; l < 4; ++l) {  // knots b..b+3 of chunk c0 + l
        const int b = 1 + (c0 + l) * len + t0;
        const __m256d yv = _mm256_loadu_pd(y + b);
        const __m256d lo = _mm256_unpacklo_pd(yv, col[l]);  // y_b M_b | y_b+2 M_b+2
        const __m256d hi = _mm256_unpackhi_pd(yv, col[l]);  // y_b+1 M_b+1 | y_b+3 M_b+3
        double* dst = q + 2 * b;
        _mm_storeu_pd(dst, _mm256_castpd256_pd128(lo));
        _mm_storeu_pd(dst + 2, _mm256_castpd256_pd128(hi));
        _mm_storeu_pd(dst + 4, _mm256_extractf128_pd(lo, 1));
        _mm_storeu_pd(dst + 6, _mm256_extractf128_pd(hi, 1));
      }
    }
  }
  q[0] = y[0];
  q[1] = 0.0;                // natural end: M[0] = 0
  q[2 * (n - 1) + 1] = 0.0;  // M[n-1] = 0

  const int m4 = sp.targets / 4 * 4;
  const __m128 zero = _mm_setzero_ps();
  const int* lo = sp.lo;
  for (int t = 0; t < m4; t += 4) {
    const double* w = sp.wq + 4 * t;
    // For targets i = t..t+3 write a_i = w0 y[k], b_i = w1 y[k+1], c_i = w2 M[k], d_i = w3 M[k+1].
    const double* q0 = q + 2 * lo[t];
    const double* q1 = q + 2 * lo[t + 1];
    const double* q2 = q + 2 * lo[t + 2];
    const double* q3 = q + 2 * lo[t + 3];
    const __m256d k02 = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(q0)), _mm_loadu_pd(q2), 1);
    const __m256d k02n = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(q0 + 2)), _mm_loadu_pd(q2 + 2), 1);
    const __m256d k13 = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(q1)), _mm_loadu_pd(q3), 1);
    const __m256d k13n = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(q1 + 2)), _mm_loadu_pd(q3 + 2), 1);
    // (a0 + b0, c0 + d0 | a2 + b2, c2 + d2) and the same for targets 1 and 3.
    const __m256d x02 = _mm256_add_pd(_mm256_mul_pd(k02, _mm256_loadu_pd(w)), _mm256_mul_pd(k02n, _mm256_loadu_pd(w + 4)));
    const __m256d x13 = _mm256_add_pd(_mm256_mul_pd(k13, _mm256_loadu_pd(w + 8)), _mm256_mul_pd(k13n, _mm256_loadu_pd(w + 12)));
    // hadd: ((a + b) + (c + d)) for targets t, t+1, t+2, t+3 in order.
    const __m128 v = _mm256_cvtpd_ps(_mm256_hadd_pd(x02, x13));
    const __m128 weighted = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(v), _mm256_loadu_pd(audw + t)));
    _mm_storeu_ps(ls + t, _mm_and_ps(_mm_cmpgt_ps(v, zero), weighted));
  }
  return m4;
}

#include "egemaps/pitch_kernels_impl.inc"

// Lane l of the double accumulator holds the partial sum over samples i = l (mod 4), each lane
// adding its terms in ascending i: the same sums as the portable four-accumulator loop.
double window_energy(const float* frame, const float* window, float* win, int n) {
  __m256d acc = _mm256_setzero_pd();
  for (int i = 0; i < n; i += 8) {
    const __m256 w = _mm256_mul_ps(_mm256_loadu_ps(frame + i), _mm256_loadu_ps(window + i));
    _mm256_storeu_ps(win + i, w);
    const __m256 sq = _mm256_mul_ps(w, w);
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(sq)));
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(sq, 1)));
  }
  alignas(32) double e[4];
  _mm256_store_pd(e, acc);
  return (e[0] + e[1]) + (e[2] + e[3]);
}

void magnitudes(const float* spec, float* mag, int n) {
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m256 a = _mm256_loadu_ps(spec + 2 * k);      // r0 i0 r1 i1 | r2 i2 r3 i3
    const __m256 b = _mm256_loadu_ps(spec + 2 * k + 8);  // r4 i4 r5 i5 | r6 i6 r7 i7
    // Per 128-bit half: (r0 r1 r4 r5 | r2 r3 r6 r7); then reorder the 64-bit pairs 0, 2, 1, 3.
    const __m256 re = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 im = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    const __m256 p = _mm256_sqrt_ps(_mm256_add_ps(_mm256_mul_ps(re, re), _mm256_mul_ps(im, im)));
    _mm256_storeu_ps(mag + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(p), _MM_SHUFFLE(3, 1, 2, 0))));
  }
  for (; k < n; ++k) {
    const float re = spec[2 * k];
    const float im = spec[2 * k + 1];
    _mm_store_ss(mag + k, _mm_sqrt_ss(_mm_set_ss(re * re + im * im)));
  }
}

}  // namespace avx2_isa
}  // namespace

// Defined under the pragma as well; it only takes addresses.
Kernels avx2_kernels() {
  return {&avx2_isa::window_energy, &avx2_isa::magnitudes, &avx2_isa::octave_shs_impl};
}

}  // namespace sentio::features::egemaps::pitch_detail

#include "dsp/avx2_end.inc"

#endif  // SENTIO_PITCH_X86
