// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to egemaps/formants.cpp (not a public header): the AVX2 variant of the spectral
// resampler (../shared/docs/EGEMAPS.md section 6 step 1), in its own translation unit compiled
// under a target pragma, on plain pointers. It performs the same float operations in the same
// order per output as SpectralResampler::apply (no FMA), so both paths are bit-identical.

namespace sentio::features::egemaps::formant_detail {

#if defined(__x86_64__) && defined(__GNUC__)
#define SENTIO_FORMANTS_X86 1
// spec: interleaved (re, im) bins 0..109. tw_re/tw_im: [110][12] twiddles; dft_cos/dft_sin:
// [32][20] inner-DFT tables; out: 220 samples. Call only if the CPU has AVX2.
void resample_avx2(const float* spec, const float* tw_re, const float* tw_im, const float* dft_cos,
                   const float* dft_sin, float* out);
#endif

// True if the AVX2 kernels may run on this CPU (checked once).
bool use_avx2();

}  // namespace sentio::features::egemaps::formant_detail
