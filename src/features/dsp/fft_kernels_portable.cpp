// SPDX-License-Identifier: Apache-2.0
// Portable real-FFT kernels: one-lane scalar C++ (any CPU) and SSE2 (baseline of every x86-64 CPU).
// The algorithm is in fft_kernels_impl.inc; this file only supplies the vector primitives.
#include "dsp/fft_kernels.hpp"

#if defined(SENTIO_FFT_X86)
#include <emmintrin.h>
#endif

namespace sentio::features::dsp::fft_detail {

namespace {
namespace scalar_isa {

using V = float;
constexpr int kW = 1;

SENTIO_FFT_INLINE V vload(const float* p) { return *p; }
SENTIO_FFT_INLINE void vstore(float* p, V v) { *p = v; }
SENTIO_FFT_INLINE V vset1(float x) { return x; }
SENTIO_FFT_INLINE V vmul_add(V a, V b, V c) { return a * b + c; }
SENTIO_FFT_INLINE V vmul_sub(V a, V b, V c) { return a * b - c; }
SENTIO_FFT_INLINE void vload_deinterleave(const float* p, V& re, V& im) {
  re = p[0];
  im = p[1];
}
SENTIO_FFT_INLINE void vstore_interleave(float* p, V re, V im) {
  p[0] = re;
  p[1] = im;
}
SENTIO_FFT_INLINE void vload_deinterleave_first(const float* p, V& re, V& im) {
  vload_deinterleave(p, re, im);
}
SENTIO_FFT_INLINE V vreverse(V v) { return v; }
SENTIO_FFT_INLINE void vtranspose_store8(float* dst, const V* rows) {
  SENTIO_FFT_UNROLL
  for (int k = 0; k < 8; ++k) dst[k] = rows[k];
}

#include "dsp/fft_kernels_impl.inc"

}  // namespace scalar_isa
}  // namespace

Kernels scalar_kernels() { return {&scalar_isa::forward_impl, &scalar_isa::inverse_impl, 16}; }

#if defined(SENTIO_FFT_X86)
namespace {
namespace sse2_isa {

using V = __m128;
constexpr int kW = 4;

SENTIO_FFT_INLINE V vload(const float* p) { return _mm_loadu_ps(p); }
SENTIO_FFT_INLINE void vstore(float* p, V v) { _mm_storeu_ps(p, v); }
SENTIO_FFT_INLINE V vset1(float x) { return _mm_set1_ps(x); }
SENTIO_FFT_INLINE V vmul_add(V a, V b, V c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
SENTIO_FFT_INLINE V vmul_sub(V a, V b, V c) { return _mm_sub_ps(_mm_mul_ps(a, b), c); }
SENTIO_FFT_INLINE void vload_deinterleave(const float* p, V& re, V& im) {
  const V a = _mm_loadu_ps(p);      // r0 i0 r1 i1
  const V b = _mm_loadu_ps(p + 4);  // r2 i2 r3 i3
  re = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  im = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
}
SENTIO_FFT_INLINE void vstore_interleave(float* p, V re, V im) {
  _mm_storeu_ps(p, _mm_unpacklo_ps(re, im));
  _mm_storeu_ps(p + 4, _mm_unpackhi_ps(re, im));
}
SENTIO_FFT_INLINE void vload_deinterleave_first(const float* p, V& re, V& im) {
  vload_deinterleave(p, re, im);  // natural lane order
}
SENTIO_FFT_INLINE V vreverse(V v) { return _mm_shuffle_ps(v, v, _MM_SHUFFLE(0, 1, 2, 3)); }
// Two 4x4 transposes: rows k = 0..3 -> dst[8 l + 0..3], rows 4..7 -> dst[8 l + 4..7].
SENTIO_FFT_INLINE void vtranspose_store8(float* dst, const V* rows) {
  SENTIO_FFT_UNROLL
  for (int g = 0; g < 2; ++g) {
    const V* r = rows + 4 * g;
    const V t0 = _mm_unpacklo_ps(r[0], r[1]);  // r0l0 r1l0 r0l1 r1l1
    const V t1 = _mm_unpacklo_ps(r[2], r[3]);
    const V t2 = _mm_unpackhi_ps(r[0], r[1]);  // lanes 2, 3
    const V t3 = _mm_unpackhi_ps(r[2], r[3]);
    _mm_storeu_ps(dst + 4 * g, _mm_movelh_ps(t0, t1));
    _mm_storeu_ps(dst + 8 + 4 * g, _mm_movehl_ps(t1, t0));
    _mm_storeu_ps(dst + 16 + 4 * g, _mm_movelh_ps(t2, t3));
    _mm_storeu_ps(dst + 24 + 4 * g, _mm_movehl_ps(t3, t2));
  }
}

#include "dsp/fft_kernels_impl.inc"

}  // namespace sse2_isa
}  // namespace

Kernels sse2_kernels() { return {&sse2_isa::forward_impl, &sse2_isa::inverse_impl, 32}; }
#endif

}  // namespace sentio::features::dsp::fft_detail
