// SPDX-License-Identifier: Apache-2.0
#pragma once
// Real-input FFT (KissFFT underneath), unnormalised in both directions:
//   forward: X[k] = sum_n x[n] e^{-2 pi i k n / N},  k = 0..N/2
//   inverse: x[n] = sum_k X[k] e^{+2 pi i k n / N}   (so inverse(forward(x)) = N x)
// One instance per thread: it owns scratch state.
#include <complex>
#include <memory>
#include <span>

namespace sentio::features::dsp {

class RealFft {
 public:
  explicit RealFft(int n);  // requires: n even, n >= 2
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
