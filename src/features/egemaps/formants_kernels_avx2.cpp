// SPDX-License-Identifier: Apache-2.0
// AVX2 spectral resampler (see formants_kernels.hpp and SpectralResampler in formants.cpp for the
// maths), compiled for that target by a pragma and selected at run time. No FMA: bit-identical to
// the portable path. ODR safety: nothing after the pragma instantiates inline library code.
#include "egemaps/formants_kernels.hpp"

#if defined(SENTIO_FORMANTS_X86)
#include <immintrin.h>

#include "dsp/avx2_begin.inc"

namespace sentio::features::egemaps::formant_detail {

namespace {
constexpr int kBins = 110;     // input bins 0..109
constexpr int kRes = 11;       // residues r
constexpr int kResPad = 12;    // twiddle row length
constexpr int kInner = 32;     // k1
constexpr int kPerRes = 20;    // outputs per residue
}  // namespace

void resample_avx2(const float* spec, const float* tw_re, const float* tw_im, const float* dft_cos,
                   const float* dft_sin, float* out) {
  // Stage 1: W[k1][r] += a c - b s, W'[k1][r] += a s + b c over k = k1 + 32 k2 (ascending k).
  // Rows of 12 = one 8-lane and one 4-lane vector.
  alignas(32) float w_re[kInner][kResPad];
  alignas(32) float w_im[kInner][kResPad];
  for (int k1 = 0; k1 < kInner; ++k1) {
    __m256 re8 = _mm256_setzero_ps(), im8 = _mm256_setzero_ps();
    __m128 re4 = _mm_setzero_ps(), im4 = _mm_setzero_ps();
    for (int k = k1; k < kBins; k += kInner) {
      const float a = spec[2 * k];
      const float b = k == 0 ? 0.0f : spec[2 * k + 1];  // bin 0: real part only
      const __m256 a8 = _mm256_set1_ps(a), b8 = _mm256_set1_ps(b);
      const __m256 c8 = _mm256_loadu_ps(tw_re + k * kResPad), s8 = _mm256_loadu_ps(tw_im + k * kResPad);
      re8 = _mm256_add_ps(re8, _mm256_sub_ps(_mm256_mul_ps(a8, c8), _mm256_mul_ps(b8, s8)));
      im8 = _mm256_add_ps(im8, _mm256_add_ps(_mm256_mul_ps(a8, s8), _mm256_mul_ps(b8, c8)));
      const __m128 a4 = _mm_set1_ps(a), b4 = _mm_set1_ps(b);
      const __m128 c4 = _mm_loadu_ps(tw_re + k * kResPad + 8), s4 = _mm_loadu_ps(tw_im + k * kResPad + 8);
      re4 = _mm_add_ps(re4, _mm_sub_ps(_mm_mul_ps(a4, c4), _mm_mul_ps(b4, s4)));
      im4 = _mm_add_ps(im4, _mm_add_ps(_mm_mul_ps(a4, s4), _mm_mul_ps(b4, c4)));
    }
    _mm256_storeu_ps(w_re[k1], re8);
    _mm256_storeu_ps(w_im[k1], im8);
    _mm_storeu_ps(w_re[k1] + 8, re4);
    _mm_storeu_ps(w_im[k1] + 8, im4);
  }
  // Stage 2: per residue, acc[m] += a cos - b sin over k1 ascending, m = 0..19 in registers.
  const __m256 scale8 = _mm256_set1_ps(1.0f / 256.0f);
  for (int r = 0; r < kRes; ++r) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 acc2 = _mm_setzero_ps();
    for (int k1 = 0; k1 < kInner; ++k1) {
      const __m256 a8 = _mm256_set1_ps(w_re[k1][r]), b8 = _mm256_set1_ps(w_im[k1][r]);
      const float* c = dft_cos + k1 * kPerRes;
      const float* s = dft_sin + k1 * kPerRes;
      acc0 = _mm256_add_ps(acc0, _mm256_sub_ps(_mm256_mul_ps(a8, _mm256_loadu_ps(c)), _mm256_mul_ps(b8, _mm256_loadu_ps(s))));
      acc1 = _mm256_add_ps(acc1, _mm256_sub_ps(_mm256_mul_ps(a8, _mm256_loadu_ps(c + 8)), _mm256_mul_ps(b8, _mm256_loadu_ps(s + 8))));
      acc2 = _mm_add_ps(acc2, _mm_sub_ps(_mm_mul_ps(_mm256_castps256_ps128(a8), _mm_loadu_ps(c + 16)),
                                         _mm_mul_ps(_mm256_castps256_ps128(b8), _mm_loadu_ps(s + 16))));
    }
    alignas(32) float acc[24];
    _mm256_store_ps(acc, _mm256_mul_ps(acc0, scale8));
    _mm256_store_ps(acc + 8, _mm256_mul_ps(acc1, scale8));
    _mm_store_ps(acc + 16, _mm_mul_ps(acc2, _mm256_castps256_ps128(scale8)));
    for (int m = 0; m < kPerRes; ++m) out[r + kRes * m] = acc[m];
  }
}

}  // namespace sentio::features::egemaps::formant_detail

#include "dsp/avx2_end.inc"

#endif  // SENTIO_FORMANTS_X86
