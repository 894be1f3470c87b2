// SPDX-License-Identifier: Apache-2.0
// Jitter and shimmer, period by period on the raw waveform (docs: ../shared/docs/EGEMAPS.md section 3).
//
// Per 60-ms frame a block of raw samples is read from a read pointer carried over from the previous
// frame. Inside the block, candidate periods are located by normalised cross-correlation of two
// adjacent windows; each accepted period adds one period length (jitter) and one pair of
// peak-to-peak amplitudes (shimmer). The block bookkeeping (read pointer, "leftover" sample count,
// previous period, previous outputs) follows openSMILE's cPitchJitter so that the same periods are
// found: searchRangeRel 0.1, minNumPeriods 2, minCC 0.5, correlation-peak period lengths,
// peak-to-peak amplitudes.
#include <algorithm>
#include <cmath>
#include <limits>

#include "egemaps/voice_quality.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

namespace {

constexpr double kSearchRangeRel = 0.10;  // relative period search range (section 3)
constexpr long kMinNumPeriods = 2;        // periods that must fit into the block
constexpr double kMinCorrelation = 0.5;   // minCC: interpolated correlation needed to count a period
constexpr double kSamplePeriod = 1.0 / kSampleRate;  // seconds per sample

// Vertex of the parabola through (-1, y0), (0, y1), (1, y2): offset t in [-1, 1] and height.
// The caller guarantees a strict peak at 0 (y1 > y0, y1 > y2), so the curvature is negative.
struct Vertex {
  double offset;
  double height;
};
Vertex parabola_vertex(double y0, double y1, double y2) {
  const double curvature = y0 - 2.0 * y1 + y2;  // < 0 for a strict peak
  const double slope = y0 - y2;
  return {slope / (2.0 * curvature), y1 - slope * slope / (8.0 * curvature)};
}

// Peak-to-peak amplitude of w[1 .. n-2] (openSMILE skips the first and last sample of the window).
float peak_to_peak(const float* w, long n) {
  float hi = w[1];
  float lo = w[1];
  for (long i = 1; i < n - 1; ++i) {
    hi = std::max(hi, w[i]);
    lo = std::min(lo, w[i]);
  }
  return hi - lo;
}

// Sum of w[i] * w[i + lag] for i in [0, n), exact float products accumulated in double.
double lagged_dot(const float* w, long lag, long n) {
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  const float* v = w + lag;
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    a0 += static_cast<double>(w[i]) * v[i];
    a1 += static_cast<double>(w[i + 1]) * v[i + 1];
    a2 += static_cast<double>(w[i + 2]) * v[i + 2];
    a3 += static_cast<double>(w[i + 3]) * v[i + 3];
  }
  for (; i < n; ++i) a0 += static_cast<double>(w[i]) * v[i];
  return (a0 + a1) + (a2 + a3);
}

// The same sum in float with eight accumulators (vectorises to two SIMD lanes of four): a fast
// screen whose error is bounded well below kScreenTieTolerance (see best_period()).
float lagged_dot_fast(const float* w, long lag, long n) {
  float a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const float* v = w + lag;
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) a[j] += w[i + j] * v[i + j];
  }
  for (; i < n; ++i) a[0] += w[i] * v[i];
  return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

// Correlation values closer than this (in the float screen) are treated as possible ties, and
// the whole curve is then recomputed in double. The float screen's error is below 1e-5 for the
// window lengths used here (<= ~330 samples) when the windows are not dominated by DC, which is
// checked separately (kMaxDcEnergyRatio).
constexpr double kScreenTieTolerance = 1e-4;
constexpr double kMaxDcEnergyRatio = 100.0;  // (sum x^2 * sum y^2) / (var_x * var_y), per lag

}  // namespace

// Pearson correlation of x[start, start+P) with x[start+P, start+2P), P = period_min + k, from
// the prefix sums and a cross term `sxy`; NaN when either window has no variance (as 0/0 would
// be in openSMILE's two-pass version).
double JitterShimmerTracker::correlation(long start, long p, double sxy) const {
  const double len = static_cast<double>(p);
  const double sx = prefix_[start + p] - prefix_[start];
  const double sxx = prefix_sq_[start + p] - prefix_sq_[start];
  const double sy = prefix_[start + 2 * p] - prefix_[start + p];
  const double syy = prefix_sq_[start + 2 * p] - prefix_sq_[start + p];
  const double vx = sxx - sx * sx / len;
  const double vy = syy - sy * sy / len;
  const double cov = sxy - sx * sy / len;
  return (vx > 0.0 && vy > 0.0) ? cov / (std::sqrt(vx) * std::sqrt(vy))
                                : std::numeric_limits<double>::quiet_NaN();
}

// Index k (into corr_) of the highest strict interior local maximum of the correlation curve
// over indices 1 .. n_lags-3 (the first wins exact ties), or -1. corr_[k-1 .. k+1] hold double
// values afterwards. The curve is screened in float; the result is exactly that of an all-double
// evaluation unless the screen sees a near-tie (adjacent values or the two best maxima within
// kScreenTieTolerance) or DC-dominated windows, in which case it is recomputed in double.
long JitterShimmerTracker::best_period(const float* x, long start, long period_min, long n_lags) {
  auto search = [n_lags](const std::vector<double>& c) {
    long best = -1;
    for (long k = 1; k < n_lags - 2; ++k) {
      if (c[k - 1] < c[k] && c[k] > c[k + 1] && (best == -1 || c[k] > c[best])) best = k;
    }
    return best;
  };
  // Float screen: cross terms in float, means and energies from the (double) prefix sums.
  bool exact_needed = false;
  const double* ps = prefix_.data() + start;
  const double* pq = prefix_sq_.data() + start;
  for (long k = 0; k < n_lags; ++k) {
    const long p = period_min + k;
    const double inv_len = 1.0 / static_cast<double>(p);
    const double sx = ps[p] - ps[0];
    const double sxx = pq[p] - pq[0];
    const double sy = ps[2 * p] - ps[p];
    const double syy = pq[2 * p] - pq[p];
    const double vx = sxx - sx * sx * inv_len;
    const double vy = syy - sy * sy * inv_len;
    const double cov = static_cast<double>(lagged_dot_fast(x + start, p, p)) - sx * sy * inv_len;
    const double vxy = vx * vy;
    corr_fast_[k] = (vx > 0.0 && vy > 0.0) ? cov / std::sqrt(vxy)
                                           : std::numeric_limits<double>::quiet_NaN();
    exact_needed = exact_needed || (sxx * syy > kMaxDcEnergyRatio * vxy);
  }
  long best = -1;
  if (!exact_needed) {
    // Pairs that decide the local-maximum status of indices 1 .. n_lags-3.
    for (long k = 0; k + 2 < n_lags; ++k) {
      if (std::fabs(corr_fast_[k + 1] - corr_fast_[k]) <= kScreenTieTolerance) exact_needed = true;
    }
    best = search(corr_fast_);
    if (!exact_needed && best >= 0) {
      for (long k = 1; k < n_lags - 2; ++k) {
        if (k != best && corr_fast_[k - 1] < corr_fast_[k] && corr_fast_[k] > corr_fast_[k + 1] &&
            corr_fast_[k] >= corr_fast_[best] - kScreenTieTolerance) {
          exact_needed = true;
        }
      }
    }
  }
  if (exact_needed) {
    for (long k = 0; k < n_lags; ++k) {
      const long p = period_min + k;
      corr_[k] = correlation(start, p, lagged_dot(x + start, p, p));
    }
    return search(corr_);
  }
  if (best >= 0) {
    for (long k = best - 1; k <= best + 1; ++k) {
      const long p = period_min + k;
      corr_[k] = correlation(start, p, lagged_dot(x + start, p, p));
    }
  }
  return best;
}

JitterShimmer JitterShimmerTracker::process(std::int64_t frame_index, float f0_hz,
                                            const WaveView& wave) {
  SENTIO_ASSERT(frame_index >= 0);
  const std::int64_t frame_start = static_cast<std::int64_t>(kHop) * frame_index;  // samples
  const std::int64_t wave_end = wave.begin + static_cast<std::int64_t>(wave.data.size());
  const bool voiced = f0_hz > 0.0f;

  // Samples that must be consumed to keep pace with the 10-ms frame rate.
  const long to_read0 = kHop + leftover_;
  long to_read = to_read0;
  long period_round = 0;  // T0f: expected period in samples, rounded
  long period_min = 0;    // T0minF = floor(0.9 * T0)
  long period_max = 0;    // T0maxF = ceil(1.1 * T0)
  if (voiced) {
    const double period_s = 1.0 / static_cast<double>(f0_hz);
    // (Clamped so that absurd F0 values cannot overflow; any period above ~2000 samples gives
    // the same block length, capped below, and no measurable period.)
    const double period_samples = std::min(period_s / kSamplePeriod, 1e6);
    period_round = std::lround(period_samples);
    period_min = static_cast<long>(std::floor((1.0 - kSearchRangeRel) * period_samples));
    period_max = static_cast<long>(std::ceil((1.0 + kSearchRangeRel) * period_samples));
    const long two_periods = kMinNumPeriods * period_max + kMinNumPeriods;
    to_read = std::max(to_read, two_periods);
  }
  to_read = std::min(to_read, static_cast<long>(leftover_) + kLongLen);  // never past the frame end

  // The pointer normally trails the frame start by the leftover; otherwise restart at the frame
  // (openSMILE's "discontinuity" branch; also taken if the caller's view no longer reaches back).
  if (frame_start - leftover_ != read_pos_ || read_pos_ < wave.begin) {
    read_pos_ = frame_start;
    to_read = std::min(to_read, static_cast<long>(kLongLen));
  }
  // Never read past the samples the caller has (the end of the audio).
  const long available = static_cast<long>(std::max<std::int64_t>(0, wave_end - read_pos_));
  const long n = std::min(to_read, available);

  if (!voiced) {
    read_pos_ += to_read0;
    leftover_ = 0;
    last_period_ = 0.0f;
    last_jitter_ = 0.0f;
    last_shimmer_ = 0.0f;
    return {};
  }

  SENTIO_ASSERT(read_pos_ >= wave.begin);
  // Periods shorter than 2 samples (F0 > 8 kHz) cannot be measured; the loop below would not
  // advance. The Viterbi never produces such F0 values (<= 1000 Hz).
  const bool measurable = period_min >= 2;
  const float* x = wave.data.data() + (read_pos_ - wave.begin);

  // Prefix sums of x and x^2 over the block (window means and energies), in double.
  prefix_.resize(static_cast<std::size_t>(n) + 1);
  prefix_sq_.resize(static_cast<std::size_t>(n) + 1);
  prefix_[0] = 0.0;
  prefix_sq_[0] = 0.0;
  double run = 0.0;
  double run_sq = 0.0;
  for (long i = 0; i < n; ++i) {
    const double v = x[i];
    run += v;
    run_sq += v * v;
    prefix_[i + 1] = run;
    prefix_sq_[i + 1] = run_sq;
  }
  const long n_lags = period_max - period_min + 1;
  corr_.resize(static_cast<std::size_t>(std::max(n_lags, 1L)));
  corr_fast_.resize(corr_.size());

  // Accumulators (float, as openSMILE's FLOAT_DMEM).
  float n_periods = 0;
  float n_diffs = 0;
  float sum_period = 0;
  float sum_diff = 0;
  float sum_amp = 0;
  float sum_amp_diff = 0;

  long start = 0;
  long last_start = 0;  // last period start found before sample to_read0 - 1
  while (measurable && start < n - 2 * period_max - 1) {
    const long best = best_period(x, start, period_min, n_lags);
    if (best >= 0) {
      const long period = period_min + best;
      const long first = start;
      start += period;
      const float amp0 = peak_to_peak(x + first, period);
      const float amp1 = peak_to_peak(x + start, period);
      const Vertex v = parabola_vertex(corr_[best - 1], corr_[best], corr_[best + 1]);
      if (v.height > kMinCorrelation) {
        // Period length in seconds from the interpolated correlation peak.
        const float period_len = static_cast<float>(
            std::fabs(static_cast<double>(period_min) + (static_cast<double>(best) + v.offset)) *
            kSamplePeriod);
        sum_period += period_len;
        n_periods += 1.0f;
        if (last_period_ > 0.0f) {
          sum_diff += std::fabs(last_period_ - period_len);
          n_diffs += 1.0f;
        }
        last_period_ = period_len;
        sum_amp += (amp0 + amp1) / 2.0f;
        sum_amp_diff += std::fabs(amp0 - amp1);
      }
    } else {
      start += period_round;
    }
    if (start < to_read0 - 1) last_start = start;
  }
  leftover_ = static_cast<int>(to_read0 - last_start);
  read_pos_ += last_start;

  JitterShimmer out{};
  // Jitter: mean absolute period difference over mean period, capped at 1; repeated from the
  // previous frame if no period was accepted; 0 if periods exist but no difference yet.
  if (n_periods > 0.0f && n_diffs > 0.0f) {
    last_jitter_ = (sum_diff / n_diffs) / (sum_period / n_periods);
    last_jitter_ = std::min(last_jitter_, 1.0f);
    out.jitter_local = last_jitter_;
  } else if (n_periods == 0.0f) {
    last_jitter_ = std::min(last_jitter_, 1.0f);
    out.jitter_local = last_jitter_;
  }
  // Shimmer: sum |A0 - A1| over sum (A0 + A1)/2, capped at 1, in dB as 20*log10(1 + s).
  if (n_periods > 0.0f) last_shimmer_ = sum_amp > 0.0f ? sum_amp_diff / sum_amp : 0.0f;
  last_shimmer_ = std::min(last_shimmer_, 1.0f);
  out.shimmer_local_db =
      static_cast<float>(20.0 * std::log10(static_cast<double>(last_shimmer_) + 1.0));
  return out;
}

}  // namespace sentio::features::egemaps
