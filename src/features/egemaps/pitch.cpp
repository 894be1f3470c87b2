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

#include "egemaps/natural_spline.hpp"
#include "egemaps/pitch.hpp"
#include "egemaps/pitch_kernels.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr int kPad = (kLongFft - kLongLen) / 2;  // 32 zeros before and after the frame
constexpr double kBinHz = static_cast<double>(kSampleRate) / kLongFft;  // 15.625 Hz
constexpr double kGaussSigma = 0.4;
constexpr double kTargetMinHz = 25.0;  // lowest point of the octave axis (section 2.1.3)
using pitch_detail::kShsHarmonics;     // section 2.2
constexpr float kShsCompression = 0.85f;
constexpr double kMinPitchHz = 55.0;    // candidate range (section 2.2.4), inclusive
constexpr double kMaxPitchHz = 1000.0;
constexpr int kShsStride = (kLongBins + 7) / 8 * 8 + 8;  // SS part of shs_ (the kernel writes 8 at a time)

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
  std::array<double, 4 * kLongBins> spline_wq{};  // spline weights grouped for the AVX2 kernel
  pitch_detail::FrameTables kernel_tables;  // plain view of the above for the per-frame kernels

  Tables(const Tables&) = delete;  // kernel_tables points into this object
  Tables& operator=(const Tables&) = delete;
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

    pitch_detail::FrameTables& kt = kernel_tables;
    kt.window = window.data();
    const NaturalSplineResampler::Plan sp = spline.plan();
    SENTIO_ASSERT(sp.chunks == 16 && sp.n == kLongBins && sp.targets == kLongBins);
    kt.spline = {sp.n, sp.len, sp.chunks, sp.targets, sp.inv_h, sp.rhs, sp.slot_knot, sp.fwd_m,
                 sp.back_c, sp.fwd_gain, sp.back_gain, sp.lo, sp.mslot_lo, sp.mslot_hi,
                 {sp.w[0], sp.w[1], sp.w[2], sp.w[3]}, nullptr};
    // Grouped weights (layout documented in pitch_kernels.hpp): per 4 targets, 16 doubles.
    for (int g = 0; g + 4 <= sp.targets; g += 4) {
      double* dst = &spline_wq[4 * static_cast<std::size_t>(g)];
      for (int pair = 0; pair < 2; ++pair) {  // targets (g, g+2), then (g+1, g+3)
        const int ta = g + pair;
        const int tb2 = g + pair + 2;
        const double block[8] = {sp.w[0][ta], sp.w[2][ta], sp.w[0][tb2], sp.w[2][tb2],
                                 sp.w[1][ta], sp.w[3][ta], sp.w[1][tb2], sp.w[3][tb2]};
        std::copy(block, block + 8, dst + 8 * pair);
      }
    }
    kt.spline.wq = spline_wq.data();
    kt.audw = audw.data();
    for (int h = 2; h <= kShsHarmonics; ++h) {
      SENTIO_ASSERT(shift[h] > 0 && shift[h] < pitch_detail::kShsPad);
      kt.shift[h] = shift[h];
      kt.scale[h] = scale[h];
    }
  }
};

namespace {

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
  SENTIO_ASSERT(tables_->spline.work_size() + 3 * kLongBins + 4 <= pitch_detail::kWorkDoubles);
  scratch_a_.assign(pitch_detail::kWorkDoubles, 0.0);
  // log_spec_: zero tail read by the blocked SHS; shs_: SS, rounded up to 8 values.
  log_spec_.assign(kLongBins + pitch_detail::kShsPad, 0.0f);
  shs_.assign(kShsStride, 0.0f);
}

PitchCandidates LongFrameAnalyzer::analyze(std::span<const float> frame, std::span<float> mag_out) {
  SENTIO_ASSERT(static_cast<int>(frame.size()) == kLongLen);
  SENTIO_ASSERT(static_cast<int>(mag_out.size()) == kLongBins);
  const Tables& tb = *tables_;
  PitchCandidates out;

  const pitch_detail::Kernels& kern = pitch_detail::best_kernels();

  // Window (float, as openSMILE's windower) and frame energy (section 2.3: double sum of float
  // squares of the windowed samples, divided by the full 960; four partial sums over n mod 4).
  const double energy = kern.window_energy(frame.data(), tb.window.data(), padded_.data() + kPad, kLongLen);
  out.rms = static_cast<float>(std::sqrt(energy / static_cast<double>(kLongLen)));

  // Magnitude spectrum (unnormalised FFT), section 0.
  fft_.forward(padded_, spectrum_);
  kern.magnitudes(reinterpret_cast<const float*>(spectrum_.data()), mag_out.data(), kLongBins);

  // Sections 2.1-2.2.1: peak enhancement, smoothing, spline onto the octave axis, auditory
  // weighting (spline output stored as float, weighted in double, negatives become 0), then
  // sub-harmonic summation in float.
  float* ss = shs_.data();
  const pitch_detail::FrameScratch scratch{scratch_a_.data(), scratch_b_.data(), log_spec_.data()};
  std::array<std::uint8_t, kLongBins + 7> flag;  // strict local maxima of SS (section 2.2.2)
  const double ss_mean = kern.octave_shs(tb.kernel_tables, mag_out.data(), scratch, ss, flag.data());

  // Section 2.2.2: strict local maxima (collected branch-free), then greedy insertion into 6
  // slots: a peak goes before the first slot that is free or holds a lower SS value.
  // SS is smooth, so peaks are sparse: skip empty 8-flag words.
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
