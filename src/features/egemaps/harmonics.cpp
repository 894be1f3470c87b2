// SPDX-License-Identifier: Apache-2.0
// Harmonics-based LLDs of eGeMAPS v02 on the 60-ms Gaussian magnitude spectrum
// (docs: ../shared/docs/EGEMAPS.md section 4): HNR from the autocorrelation (4.1), harmonic peak
// search (4.2), the H1-H2 / H1-A3 level differences (4.3) and the F1..F3 amplitudes (4.4).
// Conventions follow openSMILE's cHarmonics: harmonic index 0 is the fundamental, levels are in dB
// relative to the raw magnitude of the fundamental's peak bin.
#include <algorithm>
#include <cmath>

#include "egemaps/voice_quality.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

namespace {

constexpr int kNumHarmonics = 100;  // nHarmonics, including the fundamental (index 0)
constexpr double kBinHz = static_cast<double>(kSampleRate) / kLongFft;  // 15.625 Hz per bin
constexpr int kLastBin = kLongBins - 1;                                  // 512 (8000 Hz)
constexpr float kFloorUnvoiced = -201.0f;  // logRelValueFloorUnvoiced / missing-harmonic level
constexpr float kLevelFloor = -200.0f;     // floor of a found harmonic's relative level (dB)
constexpr double kHnrMaxRatio = 10e10;     // HNR ratio clip (openSMILE's 10e10 / 10e-10 limits)
constexpr double kHnrMinRatio = 10e-10;
constexpr double kPi = 3.14159265358979323846;

double bin_hz(int k) { return kBinHz * k; }

// openSMILE's freqToBin: the first bin b >= start_bin whose frequency exceeds `freq`, or b-1 if
// that one is strictly closer; 0 if no bin lies above `freq` (at or past 8000 Hz).
int freq_to_bin(float freq, int start_bin) {
  const double f = freq;
  if (!(f >= 0.0) || f >= bin_hz(kLastBin)) return 0;  // (negative: never reached with F0 > 0)
  // First bin with bin_hz(b) > f (truncation = floor for f >= 0). The product may round across
  // an integer when f sits on a bin frequency; b is then off by one, which the nearest-bin
  // comparison below absorbs.
  const int b = std::max(static_cast<int>(f * (1.0 / kBinHz)) + 1, std::max(start_bin, 1));
  if (b > kLastBin) return 0;
  return (bin_hz(b) - f > f - bin_hz(b - 1)) ? b - 1 : b;
}

// Strict local maximum test with openSMILE's edge rules (bin 0: above bin 1; last bin: above its
// left neighbour; outside the array: never). `at(i)` returns element i of an array of `size`.
template <class At>
bool is_peak(const At& at, long size, long n) {
  if (n < 0 || n >= size) return false;
  if (n + 1 < size) {
    if (n > 0) return at(n) > at(n - 1) && at(n) > at(n + 1);
    return at(0) > at(1);
  }
  return n > 0 && at(n) > at(n - 1);
}

bool is_peak(std::span<const float> x, long n) {
  return is_peak([&](long i) { return x[i]; }, static_cast<long>(x.size()), n);
}

// openSMILE's getClosestPeak: idx itself if it is a peak, else the nearest interior peak at
// distance 1, 2, ... (left checked before right); edge fallbacks when there is none.
template <class At>
long closest_peak(const At& at, long size, long idx) {
  if (is_peak(at, size, idx)) return idx;
  for (long o = 1; idx - o > 0 || idx + o < size - 1; ++o) {
    if (idx - o > 0 && is_peak(at, size, idx - o)) return idx - o;
    if (idx + o < size - 1 && is_peak(at, size, idx + o)) return idx + o;
  }
  const float first = at(0);
  const float last = at(size - 1);
  const float here = at(idx);
  if (first > here && last <= here) return 0;
  if (first <= here && last > here) return size - 1;
  if (first > here && last > here) return idx < size / 2 ? 0 : size - 1;
  return idx;
}

}  // namespace

HarmonicsAnalyzer::HarmonicsAnalyzer()
    : ifft_(kLongFft),
      power_(static_cast<std::size_t>(kLongBins)),
      acf_(static_cast<std::size_t>(kLongFft)),
      power_f_(static_cast<std::size_t>(kLongBins)),
      cos_table_(static_cast<std::size_t>(kLongFft)),
      acf_stamp_(static_cast<std::size_t>(kLongBins), 0) {
  for (int j = 0; j < kLongFft; ++j) cos_table_[j] = std::cos(2.0 * kPi * j / kLongFft);
}

// One value of section 4.1's autocorrelation: |0.5 P0 + 0.5 P512 (-1)^lag + sum_{k=1}^{511} P_k
// cos(2 pi k lag / 1024)| / 513 (openSMILE's inverse real FFT is half the plain inverse DFT).
// Evaluated directly when only a few lags are needed, from one inverse FFT otherwise.
float HarmonicsAnalyzer::acf_at(long lag) {
  if (acf_stamp_[lag] == acf_generation_) return acf_[lag];
  if (++acf_direct_count_ > kMaxDirectLags) {
    // The peak search wandered: compute every lag at once.
    for (int k = 0; k < kLongBins; ++k) power_[k] = {power_f_[k], 0.0f};
    ifft_.inverse(power_, acf_);
    for (int i = 0; i < kLongBins; ++i) {
      acf_[i] = std::fabs(acf_[i] * 0.5f) / static_cast<float>(kLongBins);
      acf_stamp_[i] = acf_generation_;
    }
    acf_full_ = true;
    return acf_[lag];
  }
  const float* p = power_f_.data();
  if (lag == 0) {  // all cosines are 1
    double t0 = 0.5 * (static_cast<double>(p[0]) + static_cast<double>(p[kLastBin]));
    double t1 = 0, t2 = 0, t3 = 0;
    int k = 1;
    for (; k + 4 <= kLastBin; k += 4) {
      t0 += p[k];
      t1 += p[k + 1];
      t2 += p[k + 2];
      t3 += p[k + 3];
    }
    for (; k < kLastBin; ++k) t0 += p[k];
    acf_[0] = static_cast<float>(std::fabs((t0 + t1) + (t2 + t3))) / static_cast<float>(kLongBins);
    acf_stamp_[0] = acf_generation_;
    return acf_[0];
  }
  const double* cs = cos_table_.data();
  const unsigned step = static_cast<unsigned>(lag) & (kLongFft - 1u);
  double s0 = 0.5 * (static_cast<double>(p[0]) +
                     ((lag & 1) != 0 ? -static_cast<double>(p[kLastBin]) : static_cast<double>(p[kLastBin])));
  double s1 = 0, s2 = 0, s3 = 0;
  unsigned j = step;
  int k = 1;
  for (; k + 4 <= kLastBin; k += 4) {
    s0 += p[k] * cs[j & (kLongFft - 1u)];
    s1 += p[k + 1] * cs[(j + step) & (kLongFft - 1u)];
    s2 += p[k + 2] * cs[(j + 2 * step) & (kLongFft - 1u)];
    s3 += p[k + 3] * cs[(j + 3 * step) & (kLongFft - 1u)];
    j += 4 * step;
  }
  for (; k < kLastBin; ++k, j += step) s0 += p[k] * cs[j & (kLongFft - 1u)];
  const float v = static_cast<float>(std::fabs((s0 + s1) + (s2 + s3))) / static_cast<float>(kLongBins);
  acf_[lag] = v;
  acf_stamp_[lag] = acf_generation_;
  return v;
}

float HarmonicsAnalyzer::hnr_db(std::span<const float> mag, float f0_hz) {
  // Section 4.1: power spectrum (float, as openSMILE), T0 = floor(fs / F0) lags, moved to the
  // closest ACF peak; HNR = 10 log10(acf[T0] / (acf[0] - acf[T0])).
  const long lag0 = static_cast<long>(std::floor(2.0 * bin_hz(kLastBin) / f0_hz));
  if (lag0 <= 0) return 0.0f;
  for (int k = 0; k < kLongBins; ++k) power_f_[k] = mag[k] * mag[k];
  ++acf_generation_;
  acf_direct_count_ = 0;
  acf_full_ = false;
  acf_at(0);  // the zero-lag energy is needed in any case
  const auto at = [this](long i) { return acf_at(i); };
  const long start = std::min(lag0, static_cast<long>(kLastBin));
  long lag = closest_peak(at, kLongBins, start);
  // If the search switched to the inverse FFT midway, redo it on those (consistent) values.
  if (acf_full_) lag = closest_peak(at, kLongBins, start);
  if (lag <= 0) return 0.0f;
  const float a0 = acf_at(0);
  const float a_lag = acf_at(lag);
  const double noise = static_cast<double>(a0) - static_cast<double>(a_lag);
  double ratio = noise == 0.0 ? kHnrMaxRatio : static_cast<double>(a_lag) / noise;
  ratio = std::clamp(ratio, kHnrMinRatio, kHnrMaxRatio);
  return static_cast<float>(10.0 * std::log10(ratio));
}

void HarmonicsAnalyzer::find_harmonics(std::span<const float> mag, float f0, int count) {
  // Section 4.2 (openSMILE's search on a spectrum with a frequency axis), for harmonics
  // 0 .. count-1. Harmonic h's result depends only on harmonics before it, so stopping early
  // leaves the computed ones exact.
  int last_bin = freq_to_bin(0.5f * f0, 1);
  // (>= 1 guards the parabola's left neighbour; it only binds for F0 >= 16 kHz.)
  const int first_bin = std::max(freq_to_bin(0.5f * f0, last_bin), 1);
  for (int h = 0; h < count; ++h) {
    Harmonic& hm = harmonics_[h];
    const int cand = freq_to_bin(static_cast<float>(h + 1) * f0, last_bin);
    int peak = -1;
    if (is_peak(mag, cand)) {
      peak = cand;
    } else {
      const int lower = freq_to_bin((static_cast<float>(h) + 0.5f) * f0, last_bin);
      const int upper = freq_to_bin((static_cast<float>(h) + 1.5f) * f0, cand);
      int left = cand - 1;
      int right = cand + 1;
      while (left >= lower || right <= upper) {  // right side first, then left
        if (right <= upper) {
          if (is_peak(mag, right)) {
            peak = right;
            break;
          }
          ++right;
        }
        if (left >= lower) {
          if (is_peak(mag, left)) {
            peak = left;
            break;
          }
          --left;
        }
      }
    }
    hm.discarded = false;
    if (peak >= first_bin && peak < kLastBin) {
      hm.bin = peak;
      hm.magnitude = mag[peak];
      // Parabola through the peak and its neighbours over (Hz, |X|).
      const double y0 = mag[peak - 1];
      const double y1 = mag[peak];
      const double y2 = mag[peak + 1];
      const double inv_curvature = 1.0 / (y0 - 2.0 * y1 + y2);  // < 0: strict peak
      const double slope = y0 - y2;
      hm.freq_interp = static_cast<float>(bin_hz(peak) + kBinHz * 0.5 * slope * inv_curvature);
      hm.mag_interp = static_cast<float>(y1 - 0.125 * slope * slope * inv_curvature);
    } else {
      hm.bin = cand;
      hm.magnitude = 0.0f;
      hm.freq_interp = 0.0f;
      hm.mag_interp = 0.0f;
    }
    // A harmonic on the same bin as the previous one (after that one's own check) is discarded.
    if (h > 0 && hm.bin == harmonics_[h - 1].bin) {
      hm.bin = 0;
      hm.magnitude = 0.0f;
      hm.freq_interp = 0.0f;
      hm.mag_interp = 0.0f;
      hm.discarded = true;
    }
    last_bin = cand;
  }
  ref_magnitude_ = harmonics_[0].magnitude;
  ref_log_ = ref_magnitude_ != 0.0f ? std::log10(ref_magnitude_) : 0.0f;
}

float HarmonicsAnalyzer::level(int h) const {
  // Section 4.2: dB relative to the fundamental's raw peak magnitude, floored at -200; -201 for
  // discarded harmonics or when the fundamental was not found.
  if (h == 0) return 0.0f;
  const Harmonic& hm = harmonics_[h];
  if (hm.discarded || ref_magnitude_ == 0.0f) return kFloorUnvoiced;
  if (!(hm.mag_interp > 0.0f)) return kLevelFloor;
  const double lg = std::log10(hm.mag_interp);  // float log10, as openSMILE
  return std::max(static_cast<float>(20.0 * (lg - static_cast<double>(ref_log_))), kLevelFloor);
}

int HarmonicsAnalyzer::formant_harmonic(float formant_hz, int count) const {
  // Sections 4.3/4.4: the harmonic with the largest raw magnitude whose interpolated frequency
  // lies in [0.8 F, 1.2 F]; -1 if none.
  const float lo = 0.8f * formant_hz;
  const float hi = 1.2f * formant_hz;
  int best = -1;
  float best_mag = 0.0f;
  for (int h = 0; h < count; ++h) {
    const Harmonic& hm = harmonics_[h];
    if (hm.freq_interp >= lo && hm.freq_interp <= hi && hm.magnitude > best_mag) {
      best = h;
      best_mag = hm.magnitude;
    }
  }
  return best;
}

HarmonicsLld HarmonicsAnalyzer::analyze(std::span<const float> mag, float f0_hz,
                                        std::span<const float, 3> formant_freq) {
  SENTIO_ASSERT(static_cast<int>(mag.size()) == kLongBins);
  HarmonicsLld out{};
  if (!(f0_hz > 0.0f)) return out;  // unvoiced: 0, 0, 0 and -201 x 3

  out.hnr_db = hnr_db(mag, f0_hz);

  // Only harmonics that can fall into some formant range [0.8 F, 1.2 F] matter (plus indices 1
  // and 2 for H1-H2). Harmonic h's peak lies at or above bin((h + 0.5) F0) - 1 bin, so stop once
  // that exceeds 1.2 * max(F) (two bins of margin).
  const float f_max = std::max({formant_freq[0], formant_freq[1], formant_freq[2]});
  const double reach = 1.2 * static_cast<double>(f_max) + 2.0 * kBinHz;
  int count = 3;
  while (count < kNumHarmonics && (count + 0.5) * static_cast<double>(f0_hz) - kBinHz <= reach) ++count;
  find_harmonics(mag, f0_hz, count);

  // "H1-H2" with H0 = fundamental: level(2 F0) - level(3 F0), clipped to +-201 dB.
  const float l1 = level(1);
  out.h1_h2 = std::clamp(l1 - level(2), -201.0f, 201.0f);
  std::array<int, 3> idx{};
  for (int f = 0; f < 3; ++f) idx[f] = formant_harmonic(formant_freq[f], count);
  // "H1-A3": A3 = the formant-3 harmonic; without one, L1 - 201 (both clipped to +-201).
  out.h1_a3 = std::clamp(l1 - (idx[2] >= 0 ? level(idx[2]) : 201.0f), -201.0f, 201.0f);
  for (int f = 0; f < 3; ++f) out.formant_amp[f] = idx[f] >= 0 ? level(idx[f]) : 0.0f;
  return out;
}

}  // namespace sentio::features::egemaps
