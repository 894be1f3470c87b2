// SPDX-License-Identifier: Apache-2.0
// The eGeMAPS 60-ms stream up to the pitch candidates (../shared/docs/EGEMAPS.md sections 0, 2.1-2.3):
// Gaussian window, 1024-point magnitude spectrum, SHS peak enhancement and smoothing, natural
// cubic spline onto an octave axis, auditory weighting, sub-harmonic summation and greedy
// candidate picking. Float32 where openSMILE stores data as float, double where it computes in double.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "egemaps/natural_spline.hpp"
#include "egemaps/pitch.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr int kPad = (kLongFft - kLongLen) / 2;  // 32 zeros before and after the frame
constexpr double kBinHz = static_cast<double>(kSampleRate) / kLongFft;  // 15.625 Hz
constexpr double kGaussSigma = 0.4;
constexpr double kTargetMinHz = 25.0;  // lowest point of the octave axis (section 2.1.3)
constexpr int kShsHarmonics = 15;      // section 2.2
constexpr float kShsCompression = 0.85f;
constexpr double kMinPitchHz = 55.0;    // candidate range (section 2.2.4), inclusive
constexpr double kMaxPitchHz = 1000.0;

}  // namespace

// Everything that depends only on the geometry; shared by all analyzers of the process.
struct LongFrameAnalyzer::Tables {
  std::array<float, kLongLen> window{};  // Gaussian window, float as applied by openSMILE
  NaturalSplineResampler spline;         // 513 linear bins -> 513 octave-axis points
  std::array<double, kLongBins> audw{};  // auditory weighting per octave-axis point
  std::array<int, kShsHarmonics + 1> shift{};    // SHS offset of harmonic h (points), h = 2..15
  std::array<float, kShsHarmonics + 1> scale{};  // 0.85^(h-1) as successive float products
  float axis_min = 0;   // log2(25) as float (octave-axis origin, openSMILE level metadata)
  float axis_step = 0;  // (log2(fmax) - log2(25)) / 512 in float

  Tables() {
    // Gaussian window, section 0: w[n] = exp(-0.5 ((n - (N-1)/2) / (sigma (N-1)/2))^2).
    const double half = (kLongLen - 1) / 2.0;
    for (int n = 0; n < kLongLen; ++n) {
      const double z = (n - half) / (kGaussSigma * half);
      window[n] = static_cast<float>(std::exp(-0.5 * z * z));
    }

    // Source abscissae: log2 of the bin frequencies; bin 0 extrapolated linearly (section 2.1.3).
    std::array<double, kLongBins> knots{};
    for (int k = 1; k < kLongBins; ++k) knots[k] = std::log2(k * kBinHz);
    knots[0] = 2.0 * knots[1] - knots[2];
    const double max_hz = kBinHz * (kLongBins - 1);  // 8000 Hz
    const double t_min = std::log2(kTargetMinHz);
    const double t_max = std::log2(max_hz);
    const double t_step = (t_max - t_min) / (kLongBins - 1);
    std::array<double, kLongBins> targets{};
    for (int i = 0; i < kLongBins; ++i) targets[i] = t_min + i * t_step;
    targets[kLongBins - 1] = std::min(targets[kLongBins - 1], knots[kLongBins - 1]);
    spline = NaturalSplineResampler(knots, targets);

    // Auditory weighting, section 2.1.4 (double, as in openSMILE).
    const double n_octaves = std::log2(max_hz / kTargetMinHz);
    const double ppo = kLongBins / n_octaves;  // points per octave, ~61.644
    const double atan_s = ppo * std::log2(65.0 / 50.0) - 1.0;
    for (int i = 0; i < kLongBins; ++i) {
      audw[i] = 0.5 + std::atan(3.0 * (i + 1 - atan_s) / ppo) / std::numbers::pi;
    }

    // SHS tables, section 2.2.1. openSMILE passes ppo and the axis ends as float metadata.
    const float ppo_f = static_cast<float>(ppo);
    float s = kShsCompression;
    for (int h = 2; h <= kShsHarmonics; ++h) {
      shift[h] = static_cast<int>(std::floor(static_cast<double>(ppo_f) * std::log2(static_cast<double>(h))));
      scale[h] = s;
      s *= kShsCompression;
    }
    axis_min = static_cast<float>(t_min);
    const float axis_max = static_cast<float>(t_max);
    axis_step = (axis_max - axis_min) / static_cast<float>(kLongBins - 1);
  }
};

namespace {

// |X[k]| = sqrt(re^2 + im^2) in float. std::sqrt keeps its errno path (no -fno-math-errno), which
// stops compilers from vectorising; the SSE version gives bit-identical results 4 bins at a time.
void magnitudes(const std::complex<float>* spec, float* mag, int n) {
  int k = 0;
#if defined(__SSE__)
  const float* f = reinterpret_cast<const float*>(spec);
  for (; k + 4 <= n; k += 4) {
    const __m128 a = _mm_loadu_ps(f + 2 * k);      // re0 im0 re1 im1
    const __m128 b = _mm_loadu_ps(f + 2 * k + 4);  // re2 im2 re3 im3
    const __m128 re = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    const __m128 im = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    const __m128 p = _mm_add_ps(_mm_mul_ps(re, re), _mm_mul_ps(im, im));
    _mm_storeu_ps(mag + k, _mm_sqrt_ps(p));
  }
#endif
  for (; k < n; ++k) {
    const float re = spec[k].real();
    const float im = spec[k].imag();
    mag[k] = std::sqrt(re * re + im * im);
  }
}

// Section 2.1.1: zero the valleys between consecutive local maxima (keeping 2 bins either side
// of each maximum). With exactly one maximum openSMILE reads a zero index and zeroes bins 3..n-1.
// Branch-free formulation (the maxima of a noisy spectrum are unpredictable): with at least two
// maxima, bin j is zeroed iff no maximum lies in [j-2, j+2], one lies before j-2 and one after
// j+2. mag: the float magnitudes (the comparisons are exact, as for their double copies);
// out: mag as double with the valleys zeroed.
void enhance_peaks(const float* mag, double* out) {
  constexpr int n = kLongBins;
  // is_max[j + 2] flags bin j; two zero guards on each side for the [j-2, j+2] window.
  std::array<std::uint8_t, n + 4> is_max{};
  is_max[2] = mag[0] > mag[1];
  for (int i = 1; i < n - 1; ++i) {
    is_max[i + 2] = static_cast<std::uint8_t>((mag[i] > mag[i - 1]) & (mag[i] >= mag[i + 1]));
  }
  is_max[n + 1] = mag[n - 1] > mag[n - 2];
  int first = 0;
  while (first < n && !is_max[first + 2]) ++first;
  int last = n - 1;
  while (last >= 0 && !is_max[last + 2]) --last;
  if (first >= n) {  // no maximum: nothing to do
    for (int j = 0; j < n; ++j) out[j] = mag[j];
    return;
  }
  if (first == last) {  // exactly one maximum (openSMILE quirk)
    for (int j = 0; j < n; ++j) out[j] = j < 3 ? static_cast<double>(mag[j]) : 0.0;
    return;
  }
  for (int j = 0; j < n; ++j) {
    const int near = is_max[j] | is_max[j + 1] | is_max[j + 2] | is_max[j + 3] | is_max[j + 4];
    const int zero = (near == 0) & (j - 3 >= first) & (j + 3 <= last);
    out[j] = static_cast<double>(mag[j]) * static_cast<double>(1 - zero);  // mag finite, >= 0
  }
}

// Section 2.1.2: out[i] = (a[i-1] + 2 a[i] + a[i+1]) / 4 for i = 0..n-2 (a[-1] = 0), out[n-1] = a[n-1].
void smooth_spectrum(const double* a, double* out, int n) {
  out[0] = (0.0 + 2.0 * a[0] + a[1]) / 4.0;
  for (int i = 1; i < n - 1; ++i) out[i] = (a[i - 1] + 2.0 * a[i] + a[i + 1]) / 4.0;
  out[n - 1] = a[n - 1];
}

// Vertex of the parabola through (x1,y1), (x2,y2), (x3,y3). Returns false if it degenerates
// (then the caller falls back to the middle point, which is the strict maximum).
bool parabola_vertex(double x1, double y1, double x2, double y2, double x3, double y3, double& xv,
                     double& yv) {
  // Work relative to x2 for accuracy: y = A t^2 + B t + y2, t = x - x2.
  const double d1 = x1 - x2;
  const double d3 = x3 - x2;
  const double e1 = y1 - y2;
  const double e3 = y3 - y2;
  const double den = d1 * d3 * (d1 - d3);
  if (den == 0.0) return false;
  const double a = (e1 * d3 - e3 * d1) / den;
  const double b = (e3 * d1 * d1 - e1 * d3 * d3) / den;
  if (a == 0.0) return false;
  const double t = -b / (2.0 * a);
  xv = x2 + t;
  yv = y2 + b * t + a * t * t;
  return true;
}

}  // namespace

LongFrameAnalyzer::LongFrameAnalyzer()
    : fft_(kLongFft),
      padded_(kLongFft, 0.0f),
      spectrum_(kLongBins),
      scratch_a_(kLongBins),
      scratch_b_(kLongBins),
      log_spec_(kLongBins),
      shs_(kLongBins) {
  // Built once per process (thread-safe static initialisation), shared read-only afterwards.
  static const std::shared_ptr<const Tables> tables = std::make_shared<const Tables>();
  tables_ = tables;
  scratch_a_.resize(std::max<std::size_t>(kLongBins, tables_->spline.work_size()));
}

PitchCandidates LongFrameAnalyzer::analyze(std::span<const float> frame, std::span<float> mag_out) {
  SENTIO_ASSERT(static_cast<int>(frame.size()) == kLongLen);
  SENTIO_ASSERT(static_cast<int>(mag_out.size()) == kLongBins);
  const Tables& tb = *tables_;
  PitchCandidates out;

  // Window (float, as openSMILE's windower) and frame energy (section 2.3: double sum of float
  // squares of the windowed samples, divided by the full 960). Four partial sums for speed.
  float* win = padded_.data() + kPad;
  double e0 = 0, e1 = 0, e2 = 0, e3 = 0;
  for (int n = 0; n < kLongLen; n += 4) {
    const float w0 = frame[n] * tb.window[n];
    const float w1 = frame[n + 1] * tb.window[n + 1];
    const float w2 = frame[n + 2] * tb.window[n + 2];
    const float w3 = frame[n + 3] * tb.window[n + 3];
    win[n] = w0;
    win[n + 1] = w1;
    win[n + 2] = w2;
    win[n + 3] = w3;
    e0 += static_cast<double>(w0 * w0);
    e1 += static_cast<double>(w1 * w1);
    e2 += static_cast<double>(w2 * w2);
    e3 += static_cast<double>(w3 * w3);
  }
  out.rms = static_cast<float>(std::sqrt(((e0 + e1) + (e2 + e3)) / static_cast<double>(kLongLen)));

  // Magnitude spectrum (unnormalised FFT), section 0.
  fft_.forward(padded_, spectrum_);
  magnitudes(spectrum_.data(), mag_out.data(), kLongBins);

  // Section 2.1: peak enhancement, smoothing, spline onto the octave axis, auditory weighting.
  enhance_peaks(mag_out.data(), scratch_a_.data());
  smooth_spectrum(scratch_a_.data(), scratch_b_.data(), kLongBins);
  // The spline output is stored as float; then weighted in double, negatives become 0.
  float* ls = log_spec_.data();
  tb.spline.resample_each(scratch_b_, scratch_a_, [&](std::size_t i, double s) {
    const float v = static_cast<float>(s);
    const float weighted = static_cast<float>(static_cast<double>(v) * tb.audw[i]);
    ls[i] = v > 0.0f ? weighted : 0.0f;
  });

  // Section 2.2.1: sub-harmonic summation in float, harmonics added in order h = 2..15.
  float* ss = shs_.data();
  std::copy(ls, ls + kLongBins, ss);
  for (int h = 2; h <= kShsHarmonics; ++h) {
    const int sh = tb.shift[h];
    const float sc = tb.scale[h];
    for (int j = sh; j < kLongBins; ++j) ss[j - sh] += ls[j] * sc;
  }
  for (int j = 0; j < kLongBins; ++j) {
    ss[j] /= static_cast<float>(kShsHarmonics);
    if (ss[j] < 0.0f) ss[j] = 0.0f;
  }

  // Section 2.2.2: strict local maxima (collected branch-free), then greedy insertion into 6
  // slots: a peak goes before the first slot that is free or holds a lower SS value.
  // SS is smooth, so peaks are sparse: flag them (vectorisable), then skip empty 8-flag words.
  std::array<std::uint8_t, kLongBins + 7> flag{};
  for (int i = 1; i < kLongBins - 1; ++i) {
    flag[i] = static_cast<std::uint8_t>((ss[i - 1] < ss[i]) & (ss[i] > ss[i + 1]));
  }
  std::array<int, kLongBins> peaks;
  int n_peaks = 0;
  for (int w = 0; w < kLongBins; w += 8) {
    std::uint64_t word;
    std::memcpy(&word, &flag[w], sizeof word);
    if (word == 0) continue;
    for (int i = w; i < w + 8; ++i) {
      peaks[n_peaks] = i;
      n_peaks += flag[i];
    }
  }
  std::array<int, kMaxPitchCandidates> idx{};
  std::array<float, kMaxPitchCandidates> peak{};  // SS at the peak; 0 = free slot
  int n_cand = 0;
  for (int q = 0; q < n_peaks; ++q) {
    const int i = peaks[q];
    const float v = ss[i];
    if (n_cand == kMaxPitchCandidates && !(peak[kMaxPitchCandidates - 1] < v)) continue;
    for (int j = 0; j < kMaxPitchCandidates; ++j) {
      if (peak[j] == 0.0f || peak[j] < v) {
        for (int jj = kMaxPitchCandidates - 1; jj > j; --jj) {
          peak[jj] = peak[jj - 1];
          idx[jj] = idx[jj - 1];
        }
        peak[j] = v;
        idx[j] = i;
        n_cand = std::min(n_cand + 1, kMaxPitchCandidates);
        break;
      }
    }
  }
  // Mean of SS over all points, accumulated in double (four partial sums).
  std::array<double, 8> part{};
  int j8 = 0;
  for (; j8 + 8 <= kLongBins; j8 += 8) {
    for (int q = 0; q < 8; ++q) part[q] += static_cast<double>(ss[j8 + q]);
  }
  for (; j8 < kLongBins; ++j8) part[0] += static_cast<double>(ss[j8]);
  const double ss_mean =
      (((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]))) / kLongBins;

  // Section 2.2.3: parabolic refinement on the (float) octave axis, voicing from the SS mean.
  std::array<float, kMaxPitchCandidates> freq{}, voicing{}, score{};
  for (int c = 0; c < n_cand; ++c) {
    const int i = idx[c];
    const float fi = static_cast<float>(i);
    const float x1 = (fi - 1.0f) * tb.axis_step + tb.axis_min;
    const float x2 = fi * tb.axis_step + tb.axis_min;
    const float x3 = (fi + 1.0f) * tb.axis_step + tb.axis_min;
    double xv = x2, yv = ss[i];
    if (!parabola_vertex(x1, ss[i - 1], x2, ss[i], x3, ss[i + 1], xv, yv)) {
      xv = x2;
      yv = ss[i];
    }
    freq[c] = static_cast<float>(std::exp(xv * std::numbers::ln2));
    score[c] = static_cast<float>(yv);
    voicing[c] = (yv > 0.0 && yv > ss_mean) ? static_cast<float>(1.0 - ss_mean / yv) : 0.0f;
  }

  // Section 2.2.4: keep candidates in [55, 1000] Hz (order preserved), then swap the best score
  // into slot 0 (first maximum wins ties).
  int kept = 0;
  for (int c = 0; c < n_cand; ++c) {
    if (freq[c] > kMaxPitchHz || freq[c] < kMinPitchHz) continue;
    freq[kept] = freq[c];
    voicing[kept] = voicing[c];
    score[kept] = score[c];
    ++kept;
  }
  for (int c = kept; c < kMaxPitchCandidates; ++c) freq[c] = voicing[c] = score[c] = 0.0f;
  int best = 0;
  for (int c = 1; c < kMaxPitchCandidates; ++c) {
    if (score[c] > score[best]) best = c;
  }
  if (best > 0) {
    std::swap(freq[0], freq[best]);
    std::swap(voicing[0], voicing[best]);
    std::swap(score[0], score[best]);
  }
  out.freq = freq;
  out.voicing = voicing;
  out.count = kept;
  return out;
}

}  // namespace sentio::features::egemaps
