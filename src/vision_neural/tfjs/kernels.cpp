// SPDX-License-Identifier: Apache-2.0
// Separable-block kernels (see kernels.hpp). Method: for each output row, the depthwise 3x3 result of
// that row (out_w x channels floats, a few KB) is computed into a scratch row, then the pointwise
// convolution runs on it as a small matrix product with the bias, residual and activation applied
// before the store. The AVX2 path tiles the product 4 pixels x 24 output channels (12 accumulators),
// broadcasting one input value per pixel and loading one weight vector per 8 channels per input channel.
// Summation: each output is sum_k x_k w_k (k ascending) + bias + residual, like the reference order of
// conv -> BiasAdd -> Add; FMA roundings differ from ATen's by ~1e-7 relative.
#include "tfjs/kernels.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#define SENTIO_TFJS_X86 1
#include <immintrin.h>
#endif

namespace sentio::vision::tfjs {

namespace {

inline float activate(float v, BlockAct act, float alpha) {
  switch (act) {
    case BlockAct::none: return v;
    case BlockAct::relu: return v > 0.0f ? v : 0.0f;
    case BlockAct::prelu: return v > 0.0f ? v : alpha * v;
  }
  return v;
}

// Valid kernel taps [lo, hi) of output position `o` along one axis.
inline void tap_range(std::int64_t o, int stride, int pad, std::int64_t in, int& lo, int& hi) {
  const std::int64_t first = o * stride - pad;
  lo = static_cast<int>(std::max<std::int64_t>(0, -first));
  hi = static_cast<int>(std::min<std::int64_t>(3, in - first));
}

// ---- portable -------------------------------------------------------------------------------------

void dw_row_portable(const SeparableBlock& b, const float* img, std::int64_t y, float* row) {
  const std::int64_t c_n = b.channels;
  int ky0 = 0, ky1 = 0;
  tap_range(y, b.stride, b.pad_top, b.in_h, ky0, ky1);
  for (std::int64_t x = 0; x < b.out_w; ++x) {
    float* r = row + x * c_n;
    std::fill(r, r + c_n, 0.0f);
    int kx0 = 0, kx1 = 0;
    tap_range(x, b.stride, b.pad_left, b.in_w, kx0, kx1);
    for (int ky = ky0; ky < ky1; ++ky) {
      const std::int64_t iy = y * b.stride - b.pad_top + ky;
      for (int kx = kx0; kx < kx1; ++kx) {
        const std::int64_t ix = x * b.stride - b.pad_left + kx;
        const float* src = img + (iy * b.in_w + ix) * c_n;
        const float* w = b.dw_weights + (ky * 3 + kx) * c_n;
        for (std::int64_t c = 0; c < c_n; ++c) r[c] += src[c] * w[c];
      }
    }
  }
}

void pw_rows_portable(const SeparableBlock& b, const float* src, std::int64_t pixels, const float* res, float* out) {
  const std::int64_t k_n = b.channels, n_n = b.out_channels;
  for (std::int64_t p = 0; p < pixels; ++p) {
    float* o = out + p * n_n;
    std::fill(o, o + n_n, 0.0f);
    for (std::int64_t k = 0; k < k_n; ++k) {
      const float xk = src[p * k_n + k];
      const float* w = b.pw_weights + k * n_n;
      for (std::int64_t n = 0; n < n_n; ++n) o[n] += xk * w[n];
    }
    for (std::int64_t n = 0; n < n_n; ++n) {
      float v = o[n] + b.bias[n];
      if (res) v += res[p * n_n + n];
      o[n] = activate(v, b.act, b.alpha ? b.alpha[n] : 0.0f);
    }
  }
}

// ---- AVX2 + FMA -----------------------------------------------------------------------------------

#if defined(SENTIO_TFJS_X86)
#define SENTIO_AVX2 __attribute__((target("avx2,fma")))

SENTIO_AVX2 void dw_row_avx2(const SeparableBlock& b, const float* img, std::int64_t y, float* row) {
  const std::int64_t c_n = b.channels;  // multiple of 8
  int ky0 = 0, ky1 = 0;
  tap_range(y, b.stride, b.pad_top, b.in_h, ky0, ky1);
  for (std::int64_t x = 0; x < b.out_w; ++x) {
    int kx0 = 0, kx1 = 0;
    tap_range(x, b.stride, b.pad_left, b.in_w, kx0, kx1);
    // Pixel index of tap (0, 0); may lie outside the image, only valid taps form pointers.
    const std::int64_t origin = (y * b.stride - b.pad_top) * b.in_w + (x * b.stride - b.pad_left);
    for (std::int64_t c = 0; c < c_n; c += 8) {
      __m256 acc = _mm256_setzero_ps();
      for (int ky = ky0; ky < ky1; ++ky)
        for (int kx = kx0; kx < kx1; ++kx)
          acc = _mm256_fmadd_ps(_mm256_loadu_ps(img + (origin + ky * b.in_w + kx) * c_n + c),
                                _mm256_loadu_ps(b.dw_weights + (ky * 3 + kx) * c_n + c), acc);
      _mm256_storeu_ps(row + x * c_n + c, acc);
    }
  }
}

// Bias, residual, activation and store of one 8-channel vector.
SENTIO_AVX2 inline void finish8(__m256 acc, const SeparableBlock& b, std::int64_t n, const float* res, float* out) {
  acc = _mm256_add_ps(acc, _mm256_loadu_ps(b.bias + n));
  if (res) acc = _mm256_add_ps(acc, _mm256_loadu_ps(res + n));
  if (b.act == BlockAct::relu) {
    acc = _mm256_max_ps(acc, _mm256_setzero_ps());
  } else if (b.act == BlockAct::prelu) {
    const __m256 neg = _mm256_mul_ps(_mm256_min_ps(acc, _mm256_setzero_ps()), _mm256_loadu_ps(b.alpha + n));
    acc = _mm256_add_ps(_mm256_max_ps(acc, _mm256_setzero_ps()), neg);
  }
  _mm256_storeu_ps(out + n, acc);
}

// P pixels x V vectors of output channels starting at n0.
template <int P, int V>
SENTIO_AVX2 inline void pw_tile(const SeparableBlock& b, const float* src, std::int64_t n0, const float* res,
                                float* out) {
  const std::int64_t k_n = b.channels, n_n = b.out_channels;
  __m256 acc[P][V];
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < V; ++v) acc[p][v] = _mm256_setzero_ps();
  const float* w = b.pw_weights + n0;
  for (std::int64_t k = 0; k < k_n; ++k, w += n_n) {
    __m256 wv[V];
    for (int v = 0; v < V; ++v) wv[v] = _mm256_loadu_ps(w + 8 * v);
    for (int p = 0; p < P; ++p) {
      const __m256 xb = _mm256_broadcast_ss(src + p * k_n + k);
      for (int v = 0; v < V; ++v) acc[p][v] = _mm256_fmadd_ps(xb, wv[v], acc[p][v]);
    }
  }
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < V; ++v)
      finish8(acc[p][v], b, n0 + 8 * v, res ? res + p * n_n : nullptr, out + p * n_n);
}

template <int P>
SENTIO_AVX2 void pw_pixels(const SeparableBlock& b, const float* src, const float* res, float* out) {
  const std::int64_t n_n = b.out_channels;
  std::int64_t n = 0;
  for (; n + 24 <= n_n; n += 24) pw_tile<P, 3>(b, src, n, res, out);
  if (n + 16 <= n_n) {
    pw_tile<P, 2>(b, src, n, res, out);
    n += 16;
  }
  if (n + 8 <= n_n) {
    pw_tile<P, 1>(b, src, n, res, out);
    n += 8;
  }
  // Tail channels (n_n not a multiple of 8): scalar.
  for (int p = 0; p < P; ++p)
    for (std::int64_t m = n; m < n_n; ++m) {
      float v = 0.0f;
      for (std::int64_t k = 0; k < b.channels; ++k) v += src[p * b.channels + k] * b.pw_weights[k * n_n + m];
      v += b.bias[m];
      if (res) v += res[p * n_n + m];
      out[p * n_n + m] = activate(v, b.act, b.alpha ? b.alpha[m] : 0.0f);
    }
}

SENTIO_AVX2 void pw_rows_avx2(const SeparableBlock& b, const float* src, std::int64_t pixels, const float* res,
                              float* out) {
  const std::int64_t k_n = b.channels, n_n = b.out_channels;
  std::int64_t p = 0;
  for (; p + 4 <= pixels; p += 4) pw_pixels<4>(b, src + p * k_n, res ? res + p * n_n : nullptr, out + p * n_n);
  for (; p < pixels; ++p) pw_pixels<1>(b, src + p * k_n, res ? res + p * n_n : nullptr, out + p * n_n);
}

bool cpu_has_avx2_fma() {
  static const bool ok = [] {
    const char* off = std::getenv("SENTIO_NO_AVX2");
    if (off != nullptr && *off != '\0') return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return ok;
}
#else
bool cpu_has_avx2_fma() { return false; }
#endif

}  // namespace

bool separable_block_uses_avx2() { return cpu_has_avx2_fma(); }

std::int64_t separable_block_max_pointwise_weights() {
#if defined(SENTIO_TFJS_X86)
  static const bool avx512 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return cpu_has_avx2_fma() && avx512 ? 64 * 64 : 0;
#else
  return 0;
#endif
}

void run_separable_block(const SeparableBlock& b, const float* input, float* out, std::int64_t first_row,
                         std::int64_t end_row) {
  const bool avx2 = cpu_has_avx2_fma();
  const std::int64_t row_px = b.out_w;
  std::vector<float> scratch(b.depthwise ? static_cast<std::size_t>(row_px * b.channels) : 0);
  const std::int64_t in_image = b.in_h * b.in_w * b.channels;
  const std::int64_t out_image = b.out_h * b.out_w * b.out_channels;
  for (std::int64_t r = first_row; r < end_row; ++r) {
    const std::int64_t n = r / b.out_h;
    const std::int64_t y = r % b.out_h;
    const float* img = input + n * in_image;
    const std::int64_t o = n * out_image + y * row_px * b.out_channels;
    const float* src = img + y * row_px * b.channels;  // pointwise only: out == in geometry
    if (b.depthwise) {
#if defined(SENTIO_TFJS_X86)
      if (avx2 && b.channels % 8 == 0)
        dw_row_avx2(b, img, y, scratch.data());
      else
#endif
        dw_row_portable(b, img, y, scratch.data());
      src = scratch.data();
    }
    const float* res = b.residual ? b.residual + o : nullptr;
#if defined(SENTIO_TFJS_X86)
    if (avx2) {
      pw_rows_avx2(b, src, row_px, res, out + o);
      continue;
    }
#endif
    pw_rows_portable(b, src, row_px, res, out + o);
  }
}

}  // namespace sentio::vision::tfjs
