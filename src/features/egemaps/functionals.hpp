// SPDX-License-Identifier: Apache-2.0
#pragma once
// The functional types used by eGeMAPS v02 (openSMILE cFunctionals*), applied to one contour.
// Spec: ../shared/docs/EGEMAPS.md section 8.
#include <cstdint>
#include <span>
#include <vector>

namespace sentio::features::egemaps {

// Running arithmetic mean and stddevNorm (population std / signed mean; divisor 1 if the mean is 0;
// 0 if the variance is 0). With skip_zeros, exact 0.0 values are ignored (openSMILE's nonZeroFuncts).
// With nothing added, every output is 0.
class MomentAccumulator {
 public:
  explicit MomentAccumulator(bool skip_zeros = false) : skip_zeros_(skip_zeros) {}
  void add(float x);
  double amean() const;
  double stddev_norm() const;
  std::int64_t count() const { return n_; }

 private:
  bool skip_zeros_;
  std::int64_t n_ = 0;
  // Sums of (x - shift_) and (x - shift_)^2, with shift_ = the first value added: exact zero
  // variance for constant series and no catastrophic cancellation for large means.
  double shift_ = 0;
  double sum_ = 0, sum_sq_ = 0;
};

// percentile with linear interpolation: idx = p*(N-1). `sorted` must be ascending; 0 if empty.
double percentile_sorted(std::span<const float> sorted, double p);

// Peaks2 rising/falling slopes and peak count (relThresh 0.1) over x, in units per second
// (frame_period seconds per sample).
struct SlopeStats {
  double mean_rising = 0, stddev_rising = 0;
  double mean_falling = 0, stddev_falling = 0;
  std::int64_t n_peaks = 0;  // maxima after passes A-C
};
SlopeStats peaks2_slopes(std::span<const float> x, double frame_period);

// The 10 functionals used for F0 and loudness: amean, stddevNorm, percentile 20/50/80,
// pctlrange0-2, mean/stddev rising slope, mean/stddev falling slope, in that order.
// With skip_zeros, exact zeros are removed first (gaps closed up). All 0 if nothing remains.
struct ContourStats {
  double amean = 0, stddev_norm = 0, p20 = 0, p50 = 0, p80 = 0, range20_80 = 0;
  SlopeStats slopes;
};
ContourStats contour_stats(std::span<const float> x, bool skip_zeros, double frame_period);

// Voiced/unvoiced segment statistics (segMinLng 3, pauseMinLng 2, length quirk = frames-1)
// over all frames of a contour (no zero removal). `voiced_segments` selects "nonX" (x != 0)
// segments, otherwise "eqX" (x == 0) segments. Streaming: add every frame, then stats().
struct SegmentStats {
  double per_second = 0;     // segments / (N * frame_period)
  double mean_length_s = 0;
  double stddev_length_s = 0;
};
class SegmentTracker {
 public:
  explicit SegmentTracker(bool voiced_segments) : voiced_(voiced_segments) {}
  void add(float x);
  SegmentStats stats(double frame_period) const;

 private:
  bool voiced_;
  // State machine of section 8 (memory O(1)): state_ 0 = pause, 1 = candidate, 2 = confirmed
  // segment; run_in_/run_out_ count frames of the tracked / opposite kind; seg_start_ is the first
  // frame of the current candidate or segment. Recorded lengths are kept as count and sums (frames).
  std::int64_t n_frames_ = 0;
  int state_ = 0;
  int run_in_ = 0, run_out_ = 0;
  std::int64_t seg_start_ = 0;
  std::int64_t n_segments_ = 0, sum_len_ = 0;
  double sum_len_sq_ = 0;
  void record(std::int64_t length_frames);
};

}  // namespace sentio::features::egemaps
