// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to egemaps/pitch.cpp (not a public header): the per-frame numeric kernels of the 60-ms
// stream (../shared/docs/EGEMAPS.md sections 0, 2.1, 2.2.1), on plain pointers so that an AVX2
// translation unit (pitch_kernels_avx2.cpp, compiled under a target pragma) can run them on CPUs
// that have it. Every kernel set performs the same float/double operations in the same order per
// element (no FMA, no reassociation), so all paths give bit-identical results.
#include <cstdint>

#include "egemaps/framing.hpp"

namespace sentio::features::egemaps::pitch_detail {

inline constexpr int kShsHarmonics = 15;  // section 2.2
// ls is padded with zeros up to kLongBins + kShsPad, so that SHS reads past the end add +0.
inline constexpr int kShsPad = 320;       // > max shift = floor(ppo log2 15) ~ 240

// The natural spline's precomputed tables (NaturalSplineResampler::Plan, repeated here as plain data).
struct SplineTables {
  int n = 0;       // knots (= kLongBins)
  int len = 0;     // knots per chunk
  int chunks = 0;  // chunks solved side by side
  int targets = 0; // (= kLongBins)
  const double* inv_h = nullptr;            // n-1
  const double* rhs = nullptr;              // n
  const std::uint32_t* slot_knot = nullptr; // len*chunks
  const double* fwd_m = nullptr;            // len*chunks, slot order
  const double* back_c = nullptr;
  const double* fwd_gain = nullptr;
  const double* back_gain = nullptr;
  const int* lo = nullptr;        // targets
  const int* mslot_lo = nullptr;
  const int* mslot_hi = nullptr;
  const double* w[4] = {};        // targets each
  // Per group of 4 targets t..t+3, 16 doubles: (w0, w2) of t, (w0, w2) of t+2, (w1, w3) of t,
  // (w1, w3) of t+2, then the same for t+1 and t+3 (layout of the AVX2 evaluation).
  const double* wq = nullptr;
};

struct FrameTables {
  const float* window = nullptr;  // kLongLen Gaussian window (float)
  SplineTables spline;
  const double* audw = nullptr;   // kLongBins auditory weights
  int shift[kShsHarmonics + 1] = {};    // h = 2..15
  float scale[kShsHarmonics + 1] = {};  // h = 2..15
};

// Doubles of kernel work memory (spline slots + 1, rhs, knot pairs, enhanced spectrum; the slots
// number at most kLongBins + 15).
inline constexpr int kWorkDoubles = 5 * kLongBins + 64;

// Scratch memory of one analyzer (sizes in elements).
struct FrameScratch {
  double* work = nullptr;  // kWorkDoubles
  double* y = nullptr;     // kLongBins (smoothed spectrum)
  float* ls = nullptr;     // kLongBins + kShsPad (weighted octave spectrum); the kernels write only
                           // the first kLongBins, the tail must be zero
};

struct Kernels {
  // win[n] = frame[n] * window[n] (float); returns sum_n double(win[n]^2) summed as four partial
  // sums over n mod 4, combined as ((e0 + e1) + (e2 + e3)). n: multiple of 8.
  double (*window_energy)(const float* frame, const float* window, float* win, int n);
  // mag[k] = sqrtf(re^2 + im^2), spec interleaved (re, im), k < n.
  void (*magnitudes)(const float* spec, float* mag, int n);
  // Sections 2.1.1-2.2.1: mag (kLongBins) -> SS (kLongBins, float, >= 0; ss needs room for
  // kLongBins rounded up to 8). Also flags the strict local maxima of SS (flag[i] = 1 for
  // 0 < i < kLongBins-1; flag needs kLongBins + 7 bytes, the rest is set to 0) and returns the
  // mean of SS, summed in double as eight partial sums over i mod 8 (bin 512 goes to sum 0),
  // combined as (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) / kLongBins (section 2.2.3).
  double (*octave_shs)(const FrameTables& tb, const float* mag, const FrameScratch& s, float* ss,
                       unsigned char* flag);
};

Kernels portable_kernels();
#if defined(__x86_64__) && defined(__GNUC__)
#define SENTIO_PITCH_X86 1
Kernels avx2_kernels();  // call only if the CPU has AVX2
#endif

// The fastest kernel set this CPU runs (chosen once per process).
const Kernels& best_kernels();

}  // namespace sentio::features::egemaps::pitch_detail
