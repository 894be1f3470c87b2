// SPDX-License-Identifier: Apache-2.0
// Moments, percentiles and the 10-functional contour summary (openSMILE cFunctionalMoments,
// cFunctionalPercentiles, cFunctionals with nonZeroFuncts). Spec: ../shared/docs/EGEMAPS.md section 8.
// Peaks2 slopes live in peaks.cpp, the segment state machine in segments.cpp.
#include <algorithm>
#include <cmath>

#include "egemaps/functionals.hpp"
#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

// ---- MomentAccumulator (section 8: amean, stddevNorm; double accumulators) -------------------

void MomentAccumulator::add(float x) {
  if (skip_zeros_ && x == 0.0f) return;  // nonZeroFuncts: exact zeros only
  const double v = static_cast<double>(x);
  if (n_ == 0) shift_ = v;
  const double d = v - shift_;
  sum_ += d;
  sum_sq_ += d * d;
  ++n_;
}

double MomentAccumulator::amean() const {
  if (n_ == 0) return 0.0;
  return shift_ + sum_ / static_cast<double>(n_);
}

// Population standard deviation divided by the signed mean (openSMILE stddevNorm = 2, no ratio
// limit): divisor 1 if the mean is 0; 0 if the variance is not positive or nothing was added.
double MomentAccumulator::stddev_norm() const {
  if (n_ == 0) return 0.0;
  const double n = static_cast<double>(n_);
  const double mean_d = sum_ / n;                   // mean - shift_
  const double var = sum_sq_ / n - mean_d * mean_d;  // population variance
  if (!(var > 0.0)) return 0.0;
  // openSMILE hands the functionals a float mean; its zero test and divisor use that float.
  const double mean = static_cast<double>(static_cast<float>(amean()));
  return std::sqrt(var) / (mean == 0.0 ? 1.0 : mean);
}

// ---- Percentiles (section 8: idx = p*(N-1), linear interpolation) -----------------------------

double percentile_sorted(std::span<const float> sorted, double p) {
  SENTIO_ASSERT(p >= 0.0 && p <= 1.0);
  const std::size_t n = sorted.size();
  if (n == 0) return 0.0;
  const double idx = p * static_cast<double>(n - 1);
  const auto i1 = static_cast<std::size_t>(std::floor(idx));
  const auto i2 = std::min(static_cast<std::size_t>(std::ceil(idx)), n - 1);
  if (i1 == i2) return sorted[i1];
  return static_cast<double>(sorted[i1]) * (static_cast<double>(i2) - idx) +
         static_cast<double>(sorted[i2]) * (idx - static_cast<double>(i1));
}

namespace {

// Same value as percentile_sorted() on a sorted copy of v, by selection: O(N) per call.
// Reorders v (its multiset of values is unchanged).
double percentile_select(std::vector<float>& v, double p) {
  const std::size_t n = v.size();
  if (n == 0) return 0.0;
  const double idx = p * static_cast<double>(n - 1);
  const auto i1 = static_cast<std::size_t>(std::floor(idx));
  const auto i2 = std::min(static_cast<std::size_t>(std::ceil(idx)), n - 1);
  const auto k1 = static_cast<std::ptrdiff_t>(i1);
  std::nth_element(v.begin(), v.begin() + k1, v.end());
  const double lo = v[i1];
  if (i1 == i2) return lo;
  // After nth_element everything right of i1 is >= v[i1]; the next order statistic is their min.
  const double hi = *std::min_element(v.begin() + k1 + 1, v.end());
  return lo * (static_cast<double>(i2) - idx) + hi * (idx - static_cast<double>(i1));
}

}  // namespace

// ---- contour_stats (section 8 table rows 1-20) ------------------------------------------------

ContourStats contour_stats(std::span<const float> x, bool skip_zeros, double frame_period) {
  ContourStats out;
  // nonZeroFuncts: remove exact zeros and close the gaps (the slopes see the compacted series).
  std::vector<float> values;
  values.reserve(x.size());
  MomentAccumulator moments(false);
  for (const float v : x) {
    if (skip_zeros && v == 0.0f) continue;
    values.push_back(v);
    moments.add(v);
  }
  if (values.empty()) return out;  // every output 0

  out.amean = moments.amean();
  out.stddev_norm = moments.stddev_norm();
  out.slopes = peaks2_slopes(values, frame_period);  // before the selection below reorders
  out.p80 = percentile_select(values, 0.8);
  out.p50 = percentile_select(values, 0.5);
  out.p20 = percentile_select(values, 0.2);
  out.range20_80 = std::fabs(out.p80 - out.p20);
  return out;
}

}  // namespace sentio::features::egemaps
