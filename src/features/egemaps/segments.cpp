// SPDX-License-Identifier: Apache-2.0
// Voiced / unvoiced segment statistics (openSMILE cFunctionalSegments, algorithms "nonX" and
// "eqX" with X = 0, segMinLng 3, pauseMinLng 2, maxNumSeg 1000, norm = seconds).
// Spec: ../shared/docs/EGEMAPS.md section 8, "Segments".
#include <cmath>

#include "egemaps/functionals.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr int kSegMinLng = 3;    // frames of its kind that confirm a segment
constexpr int kPauseMinLng = 2;  // consecutive opposite frames that end a candidate or segment
// openSMILE stops recording after maxNumSeg = 1000 segments (growDynSegBuffer is off in the
// eGeMAPS config); the count then stays at 1000 and later lengths are ignored. Confirmed on the
// 10-minute reference: VoicedSegmentsPerSec = 1000 / 599.92 s.
constexpr std::int64_t kMaxSegments = 1000;

enum State : int { kPause = 0, kCandidate = 1, kSegment = 2 };

}  // namespace

void SegmentTracker::record(std::int64_t length_frames) {
  if (n_segments_ >= kMaxSegments) return;
  ++n_segments_;
  sum_len_ += length_frames;
  sum_len_sq_ += static_cast<double>(length_frames) * static_cast<double>(length_frames);
}

// One frame. "In kind" is x != 0 for voiced ("nonX") segments and x == 0 for unvoiced ("eqX").
// A segment starts at the first frame of its kind; kSegMinLng frames of its kind confirm it (a
// single opposite frame in between neither breaks nor counts); kPauseMinLng consecutive opposite
// frames end a candidate (discarded) or a segment (recorded with length last - first, i.e.
// frames - 1, openSMILE's quirk).
void SegmentTracker::add(float x) {
  const bool in_kind = voiced_ ? (x != 0.0f) : (x == 0.0f);
  const std::int64_t i = n_frames_++;
  if (in_kind) {
    if (state_ == kPause) {
      ++run_in_;
      seg_start_ = i;
      state_ = kCandidate;
    } else if (state_ == kCandidate) {
      run_out_ = 0;
      if (++run_in_ >= kSegMinLng) {
        run_in_ = 0;
        state_ = kSegment;
      }
    } else {
      run_out_ = 0;
    }
    return;
  }
  if (state_ == kSegment) {
    run_in_ = 0;
    if (++run_out_ >= kPauseMinLng) {
      // last in-kind frame = i - run_out_
      record(i - run_out_ - seg_start_);
      state_ = kPause;
      run_out_ = 0;
    }
  } else if (state_ == kCandidate) {
    if (++run_out_ >= kPauseMinLng) {
      state_ = kPause;
      run_out_ = 0;
      run_in_ = 0;
    }
  }
}

SegmentStats SegmentTracker::stats(double frame_period) const {
  SegmentStats out;
  if (n_frames_ == 0) return out;
  std::int64_t n = n_segments_, sum = sum_len_;
  double sum_sq = sum_len_sq_;
  // A confirmed segment still open at the end is closed at its last in-kind frame
  // (N - 1 - trailing opposite frames).
  if (state_ == kSegment && n < kMaxSegments) {
    const std::int64_t len = n_frames_ - 1 - run_out_ - seg_start_;
    ++n;
    sum += len;
    sum_sq += static_cast<double>(len) * static_cast<double>(len);
  }
  out.per_second = static_cast<double>(n) / (static_cast<double>(n_frames_) * frame_period);
  if (n == 0) return out;
  const double mean = static_cast<double>(sum) / static_cast<double>(n);  // frames
  out.mean_length_s = mean * frame_period;
  if (n > 1) {
    const double var = sum_sq / static_cast<double>(n) - mean * mean;
    out.stddev_length_s = var > 0.0 ? std::sqrt(var) * frame_period : 0.0;
  }
  return out;
}

}  // namespace sentio::features::egemaps
