// SPDX-License-Identifier: Apache-2.0
#include "dsp/fft.hpp"

#include <kiss_fftr.h>

#include "sentio/core/error.hpp"

namespace sentio::features::dsp {

struct RealFft::Impl {
  kiss_fftr_cfg fwd = nullptr;
  kiss_fftr_cfg inv = nullptr;
  ~Impl() {
    kiss_fftr_free(fwd);
    kiss_fftr_free(inv);
  }
};

static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>));

RealFft::RealFft(int n) : n_(n), impl_(std::make_unique<Impl>()) {
  SENTIO_ASSERT(n >= 2 && n % 2 == 0);
  impl_->fwd = kiss_fftr_alloc(n, 0, nullptr, nullptr);
  impl_->inv = kiss_fftr_alloc(n, 1, nullptr, nullptr);
  SENTIO_ASSERT(impl_->fwd != nullptr && impl_->inv != nullptr);
}

RealFft::~RealFft() = default;
RealFft::RealFft(RealFft&&) noexcept = default;
RealFft& RealFft::operator=(RealFft&&) noexcept = default;

void RealFft::forward(std::span<const float> in, std::span<std::complex<float>> out) {
  SENTIO_ASSERT(static_cast<int>(in.size()) == n_ && static_cast<int>(out.size()) == n_ / 2 + 1);
  kiss_fftr(impl_->fwd, in.data(), reinterpret_cast<kiss_fft_cpx*>(out.data()));
}

void RealFft::inverse(std::span<const std::complex<float>> in, std::span<float> out) {
  SENTIO_ASSERT(static_cast<int>(in.size()) == n_ / 2 + 1 && static_cast<int>(out.size()) == n_);
  kiss_fftri(impl_->inv, reinterpret_cast<const kiss_fft_cpx*>(in.data()), out.data());
}

}  // namespace sentio::features::dsp
