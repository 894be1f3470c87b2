// SPDX-License-Identifier: Apache-2.0
#pragma once
// LPC formant estimation of the eGeMAPS v02 20-ms stream (docs: ../shared/docs/EGEMAPS.md section 6):
//   512-pt spectrum -> band-limited resampling to 11 kHz (220 samples) -> autocorrelation (float32)
//   -> order-11 Levinson-Durbin (float32) -> polynomial roots (double) -> F1..F3 frequency/bandwidth.
// Note: the float32 Levinson-Durbin on this band-limited signal is ill-conditioned; ulp-level input
// differences move some frames' formants by percent (see formants_from_lpc and the data test).
#include <array>
#include <complex>
#include <memory>
#include <span>

namespace sentio::features::egemaps {

inline constexpr int kLpcOrder = 11;
inline constexpr double kLpcRate = 11000.0;   // Hz
inline constexpr int kLpcLen = 220;            // samples at 11 kHz (= the first 20 ms of the padded buffer)
inline constexpr int kResampleMaxBin = 109;    // highest input bin used (kMax = min(512, 220) -> 218/2)
inline constexpr int kResamplePeriod = 352;    // 512 * 11000 / 16000: the DFT period on the 11-kHz grid
inline constexpr int kMaxFormants = 3;
inline constexpr double kFormantMinHz = 50.0;
inline constexpr double kFormantMaxHz = 5450.0;

// Section 6 step 1: out[i] = (X0 + sum_{k=1..109} (Re X_k cos(2 pi k i/352) - Im X_k sin(2 pi k i/352))) / 256,
// i = 0..219, where X is the unnormalised forward FFT with the e^{-j...} convention (dsp::RealFft).
// (openSMILE's Ooura FFT stores -Im, hence the "+ Im sin" in the spec's formula.)
// Evaluated with a 352 = 32 x 11 Cooley-Tukey split: 110 x 11 complex products, then for each of the
// 11 residues r a 32-point real-output DFT at 20 points (~20k multiply-adds instead of the direct
// 220 x 218 = 48k). The tables are immutable and shared.
class SpectralResampler {
 public:
  // The process-wide instance (tables built once, thread-safe initialisation).
  static std::shared_ptr<const SpectralResampler> shared();
  SpectralResampler();

  // spectrum: at least kResampleMaxBin + 1 bins; out: kLpcLen samples.
  void apply(std::span<const std::complex<float>> spectrum, std::span<float> out) const;

 private:
  static constexpr int kResidues = 11;                    // 352 / 32
  static constexpr int kResiduesPadded = 12;              // SIMD-friendly row length
  static constexpr int kInner = 32;                       // 352 / 11
  static constexpr int kPerResidue = kLpcLen / kResidues; // 20 outputs per residue
  // twiddle_[k][r] = exp(+2 pi j k r / 352), k = 0..109, r = 0..11 (r = 11 is padding).
  std::array<std::array<float, kResiduesPadded>, kResampleMaxBin + 1> tw_re_{}, tw_im_{};
  // dft_[k1][m] = cos / sin(2 pi k1 m / 32), k1 = 0..31, m = 0..19.
  std::array<std::array<float, kPerResidue>, kInner> dft_cos_{}, dft_sin_{};
};

// r[l] = sum_{i=l}^{n-1} x[i] x[i-l], l = 0..acf.size()-1, accumulated in float in ascending i.
void autocorrelation(std::span<const float> x, std::span<float> acf);

// Levinson-Durbin recursion in float32 (section 6 step 2). acf: order+1 values; a: order values with
// A(z) = 1 + sum_i a[i-1] z^-i. Returns false (and all-zero a) when acf[0] == 0.
bool levinson_durbin(std::span<const float> acf, std::span<float> a);

// All roots of the real polynomial sum_{i=0}^{n} c[i] z^i (c[n] != 0), n = roots.size() = c.size()-1.
// Laguerre's method with deflation (conjugate pairs deflated together), then one Newton step per
// root on the undeflated polynomial. Real roots are returned with an imaginary part of exactly 0
// and complex roots as exact conjugate pairs.
// guesses: optional starting points for the successive Laguerre searches (default: 0). They only
// change the speed, not the roots (beyond rounding).
void polynomial_roots(std::span<const double> c, std::span<std::complex<double>> roots,
                      std::span<const std::complex<double>> guesses = {});

struct FormantSet {
  std::array<float, kMaxFormants> freq{};  // Hz, ascending, 0 = not found
  std::array<float, kMaxFormants> bw{};    // Hz, 0 = not found
  int count = 0;                           // valid formants found (may exceed kMaxFormants, up to 5)
};

// Section 6 step 3, as openSMILE 3.0.2 actually does it: a holds the Levinson coefficients
// (A(z) = 1 + sum a_i z^-i), but cFormantLpc copies -a_i into the polynomial, so the roots taken
// are those of z^p - sum_i a_i z^(p-i), NOT of z^p A(z). (The spec text says A(z); the reference
// CSVs only match with the negation: median F1 error 3e-5 vs 8e-2.) Roots with |z| > 1 are
// reflected; roots with Im >= 0 and kFormantMinHz <= f <= kFormantMaxHz are kept (at most 5),
// sorted by frequency; f = |arg z| fs / (2 pi), bw = -ln|z| fs / pi.
FormantSet formants_from_lpc(std::span<const float> a, double fs);

// Whole section 6 pipeline with its own scratch. Not thread-safe: one per thread.
class FormantEstimator {
 public:
  FormantEstimator();
  // spectrum: the 257-bin FFT of the Hamming-windowed, symmetrically zero-padded 20-ms frame.
  FormantSet estimate(std::span<const std::complex<float>> spectrum);
  // Forgets the previous frame's roots, so that results do not depend on which frames a thread
  // processed before (the extractor calls it at fixed frame-group boundaries).
  void reset_warm_start() { guess_count_ = 0; }

 private:
  std::shared_ptr<const SpectralResampler> resampler_;
  std::array<float, kLpcLen> resampled_{};
  // Previous frame's roots (Im >= 0, ascending |z|): warm starts for the root search.
  std::array<std::complex<double>, kLpcOrder> guesses_{};
  size_t guess_count_ = 0;
};

}  // namespace sentio::features::egemaps
