// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runtime choice of the SIMD kernels. Every kernel set gives bit-identical results (no FMA), so
// this only changes speed.

namespace sentio::features::dsp {

// True when the CPU supports AVX2 and the environment variable SENTIO_NO_AVX2 is unset or empty
// (set it to run the portable SSE2/scalar kernels, e.g. to compare paths or to rule them out).
// Read once per process.
bool use_avx2_kernels();

}  // namespace sentio::features::dsp
