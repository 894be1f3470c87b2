// SPDX-License-Identifier: Apache-2.0
// AVX2 real-FFT kernels, compiled for that target by a pragma (no -march flag in the build)
// and selected at run time only on CPUs that support both (see fft.cpp). The algorithm is in
// fft_kernels_impl.inc; this file only supplies the eight-lane vector primitives.
// ODR safety: nothing after the pragma may instantiate inline library code, so the only includes
// are the plain-data plan header and the intrinsics header, both before the pragma.
#include "dsp/fft_kernels.hpp"

#if defined(SENTIO_FFT_X86)
#include <immintrin.h>

#include "dsp/avx2_begin.inc"

namespace sentio::features::dsp::fft_detail {
namespace {
namespace avx2_isa {

using V = __m256;
constexpr int kW = 8;

SENTIO_FFT_INLINE V vload(const float* p) { return _mm256_loadu_ps(p); }
SENTIO_FFT_INLINE void vstore(float* p, V v) { _mm256_storeu_ps(p, v); }
SENTIO_FFT_INLINE V vset1(float x) { return _mm256_set1_ps(x); }
// Deliberately not fused: with separate roundings every path (AVX2, SSE2, scalar) computes
// bit-identical results, so features do not depend on the CPU the product runs on.
SENTIO_FFT_INLINE V vmul_add(V a, V b, V c) { return _mm256_add_ps(_mm256_mul_ps(a, b), c); }
SENTIO_FFT_INLINE V vmul_sub(V a, V b, V c) { return _mm256_sub_ps(_mm256_mul_ps(a, b), c); }
SENTIO_FFT_INLINE void vload_deinterleave(const float* p, V& re, V& im) {
  const V a = _mm256_loadu_ps(p);      // r0 i0 r1 i1 | r2 i2 r3 i3
  const V b = _mm256_loadu_ps(p + 8);  // r4 i4 r5 i5 | r6 i6 r7 i7
  // Per 128-bit half: (r0 r1 r4 r5 | r2 r3 r6 r7); then reorder the 64-bit pairs 0, 2, 1, 3.
  const V r = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  const V i = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
  re = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(r), _MM_SHUFFLE(3, 1, 2, 0)));
  im = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(i), _MM_SHUFFLE(3, 1, 2, 0)));
}
// First pass only: deinterleave without the cross-lane fix-up, leaving complex values in the lane
// order kFirstPassOrder (lane l holds value kFirstPassOrder[l]); its twiddle table is stored in
// the same order and vtranspose_store8 undoes it for free by choosing the store addresses.
constexpr int kFirstPassOrder[8] = {0, 1, 4, 5, 2, 3, 6, 7};
SENTIO_FFT_INLINE void vload_deinterleave_first(const float* p, V& re, V& im) {
  const V a = _mm256_loadu_ps(p);
  const V b = _mm256_loadu_ps(p + 8);
  re = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  im = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
SENTIO_FFT_INLINE void vstore_interleave(float* p, V re, V im) {
  const V lo = _mm256_unpacklo_ps(re, im);  // r0 i0 r1 i1 | r4 i4 r5 i5
  const V hi = _mm256_unpackhi_ps(re, im);  // r2 i2 r3 i3 | r6 i6 r7 i7
  _mm256_storeu_ps(p, _mm256_permute2f128_ps(lo, hi, 0x20));
  _mm256_storeu_ps(p + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
}
SENTIO_FFT_INLINE V vreverse(V v) {
  return _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0));
}
// 8x8 transpose: dst[8 kFirstPassOrder[l] + k] = rows[k][l].
SENTIO_FFT_INLINE void vtranspose_store8(float* dst, const V* rows) {
  const V t0 = _mm256_unpacklo_ps(rows[0], rows[1]);  // 00 10 01 11 | 04 14 05 15
  const V t1 = _mm256_unpackhi_ps(rows[0], rows[1]);  // 02 12 03 13 | 06 16 07 17
  const V t2 = _mm256_unpacklo_ps(rows[2], rows[3]);
  const V t3 = _mm256_unpackhi_ps(rows[2], rows[3]);
  const V t4 = _mm256_unpacklo_ps(rows[4], rows[5]);
  const V t5 = _mm256_unpackhi_ps(rows[4], rows[5]);
  const V t6 = _mm256_unpacklo_ps(rows[6], rows[7]);
  const V t7 = _mm256_unpackhi_ps(rows[6], rows[7]);
  const V u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));  // 00 10 20 30 | 04 ..
  const V u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));  // 01 11 21 31 | 05 ..
  const V u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));  // 02 .. | 06 ..
  const V u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));  // 03 .. | 07 ..
  const V u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));  // 40 50 60 70 | 44 ..
  const V u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const V u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const V u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[0], _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[1], _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[2], _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[3], _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[4], _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[5], _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[6], _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(dst + 8 * kFirstPassOrder[7], _mm256_permute2f128_ps(u3, u7, 0x31));
}

#include "dsp/fft_kernels_impl.inc"

}  // namespace avx2_isa
}  // namespace

// Defined under the pragma as well; it only takes addresses.
Kernels avx2_kernels() {
  return {&avx2_isa::forward_impl, &avx2_isa::inverse_impl, 64, avx2_isa::kW, avx2_isa::kFirstPassOrder};
}

}  // namespace sentio::features::dsp::fft_detail

#include "dsp/avx2_end.inc"

#endif  // SENTIO_FFT_X86
