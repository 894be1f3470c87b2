// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to dsp/fft.cpp (not a public header): the plan of the real FFT and its per-ISA kernels.
//
// Algorithm (textbook, see fft.cpp for the maths): a real N-point transform is computed through one
// complex FFT of size M = N/2 on z[m] = x[2m] + i x[2m+1], followed by the standard real
// post-processing. The complex FFT is a Stockham autosort FFT, decimation in frequency, working on
// split arrays (re[M], im[M]): a first radix-8 pass of stride 1 (vectorised across butterflies and
// transposed on store), then radix-8/4/2 passes of stride >= 8 (vectorised across the stride).
// All kernel sets perform the same float operations in the same order (no FMA), so their results
// are bit-identical. The kernels only see plain pointers: the AVX2 translation unit is compiled under a target pragma
// and must not instantiate any inline library code (ODR safety on CPUs without AVX2).

#if defined(__GNUC__)
#define SENTIO_FFT_INLINE inline __attribute__((always_inline))
// Fully unrolls the fixed-count (<= 8) butterfly loops, so V arrays stay in registers at -O2.
#define SENTIO_FFT_UNROLL _Pragma("GCC unroll 8")
#else
#define SENTIO_FFT_INLINE inline
#define SENTIO_FFT_UNROLL
#endif

namespace sentio::features::dsp::fft_detail {

inline constexpr int kMaxPasses = 12;

// One Stockham pass: y[q + s(r p + k)] = w_n^{k p} * DFT_r(j -> x[q + s(p + j n/r)])[k],
// for p < n/r, q < s, where w_n = e^{-2 pi i / n}.
struct Pass {
  int radix = 0;                   // 2, 4 or 8
  int n = 0;                       // sub-transform length at this pass
  int stride = 0;                  // s
  const float* tw_re = nullptr;    // [(k - 1) * (n / r) + p] = cos(-2 pi k p / n), k = 1..r-1
  const float* tw_im = nullptr;    // same layout, sin(-2 pi k p / n)
                                   // (passes[0]: p permuted per Kernels::first_pass_order)
};

struct Plan {
  int m = 0;                       // complex length M = N / 2
  int num_passes = 0;              // passes[0] is the radix-8, stride-1 pass
  Pass passes[kMaxPasses];
  const float* post_re = nullptr;  // cos(-2 pi k / N), k = 0..M/2 (real post-/pre-processing)
  const float* post_im = nullptr;  // sin(-2 pi k / N)
};

// forward: in = N real samples, out = 2 (M + 1) floats (interleaved re, im of bins 0..M).
// inverse: in = 2 (M + 1) floats (interleaved bins 0..M), out = N real samples.
// work: 4 M floats of scratch. Neither in nor out may alias work.
using TransformFn = void (*)(const Plan& plan, const float* in, float* out, float* work);

struct Kernels {
  TransformFn forward = nullptr;
  TransformFn inverse = nullptr;
  int min_m = 0;  // smallest M the kernels accept (M must also be a power of two)
  // Lane order of the first pass: within each block of `lanes` butterflies p0..p0+lanes-1, lane l
  // handles p0 + first_pass_order[l]; passes[0]'s twiddle table must be stored in that order.
  // nullptr = natural order.
  int lanes = 1;
  const int* first_pass_order = nullptr;
};

Kernels scalar_kernels();  // portable C++, one lane; min_m = 16
#if defined(__x86_64__) && defined(__GNUC__)
#define SENTIO_FFT_X86 1
Kernels sse2_kernels();    // SSE2 (x86-64 baseline), four lanes; min_m = 32
Kernels avx2_kernels();    // AVX2, eight lanes; min_m = 64; call only if the CPU has AVX2
#endif

// ---- test hook -------------------------------------------------------------------------------
// Which kernel set a RealFft uses. `automatic` = the fastest one the CPU supports. Sizes below a
// kernel's min_m use the next narrower kernel (and N <= 16 a direct DFT in double), whatever is set.
enum class FftPath { automatic, scalar, sse2, avx2 };
// Forces the path for RealFft objects constructed afterwards (process-wide; for tests and timing).
void force_fft_path(FftPath path);
// True if `path` can run on this build and CPU.
bool fft_path_supported(FftPath path);

}  // namespace sentio::features::dsp::fft_detail
