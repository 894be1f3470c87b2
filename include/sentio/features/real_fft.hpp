// SPDX-License-Identifier: Apache-2.0
#pragma once
// Real-input FFT, unnormalised in both directions:
//   forward: X[k] = sum_n x[n] e^{-2 pi i k n / N},  k = 0..N/2
//   inverse: x[n] = sum_k X[k] e^{+2 pi i k n / N}   (so inverse(forward(x)) = N x)
// Sizes: N must be a power of two >= 2 (anything else is a programmer error: SENTIO_ASSERT).
// Output bins 0 and N/2 have an imaginary part of exactly 0.
// Own implementation (fft.cpp, fft_kernels*.{hpp,cpp,inc}): half-length complex Stockham FFT plus
// the real post-processing, float32 throughout with twiddles rounded from double. AVX2 kernels are
// chosen at run time when the CPU has AVX2, SSE2 otherwise (scalar C++ off x86-64); all of them
// give bit-identical results (no FMA). Accuracy is on par with KissFFT (max error ~5e-7 ||x||_2
// on noise). About 0.3 us (512) / 0.7 us (1024) per forward transform with AVX2.
// The constructor builds the tables; forward/inverse never allocate.
// One instance per thread: it owns scratch state.
#include <complex>
#include <memory>
#include <span>

namespace sentio::features::dsp {

class RealFft {
 public:
  explicit RealFft(int n);  // requires: n a power of two, n >= 2
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;
  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;

  int size() const { return n_; }
  // in: n samples; out: n/2 + 1 bins.
  void forward(std::span<const float> in, std::span<std::complex<float>> out);
  // in: n/2 + 1 bins (imaginary parts of bin 0 and n/2 ignored); out: n samples.
  void inverse(std::span<const std::complex<float>> in, std::span<float> out);

 private:
  struct Impl;
  int n_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::features::dsp
