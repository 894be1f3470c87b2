// SPDX-License-Identifier: Apache-2.0
// Functionals on tiny hand-computed series (docs: EGEMAPS.md section 8).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "egemaps/functionals.hpp"

namespace sentio::features::egemaps {
namespace {

constexpr double kT = 0.01;  // frame period, s

TEST(Moments, MeanAndStddevNorm) {
  // {1,2,3,4}: mean 2.5, population var = (2.25+0.25+0.25+2.25)/4 = 1.25, std = 1.1180340,
  // stddevNorm = 1.1180340/2.5 = 0.4472136
  MomentAccumulator m;
  for (const float v : {1.f, 2.f, 3.f, 4.f}) m.add(v);
  EXPECT_EQ(m.count(), 4);
  EXPECT_NEAR(m.amean(), 2.5, 1e-12);
  EXPECT_NEAR(m.stddev_norm(), 0.4472135955, 1e-9);
}

TEST(Moments, NonZeroVariantSkipsExactZeros) {
  MomentAccumulator m(true);
  for (const float v : {0.f, 1.f, 0.f, 2.f, 3.f, 4.f, 0.f}) m.add(v);
  EXPECT_EQ(m.count(), 4);
  EXPECT_NEAR(m.amean(), 2.5, 1e-12);
  EXPECT_NEAR(m.stddev_norm(), 0.4472135955, 1e-9);
  // without skipping: 7 values, mean 10/7 = 1.4285714, E[x^2] = 30/7, var = 30/7 - 100/49 = 110/49,
  // std = 1.4982983, stddevNorm = 1.4982983/1.4285714 = 1.0488088
  MomentAccumulator all(false);
  for (const float v : {0.f, 1.f, 0.f, 2.f, 3.f, 4.f, 0.f}) all.add(v);
  EXPECT_NEAR(all.amean(), 10.0 / 7.0, 1e-12);
  // (the divisor is the mean rounded to float32, as in openSMILE: relative error <= 6e-8)
  EXPECT_NEAR(all.stddev_norm(), 1.0488088482, 1e-7);
}

TEST(Moments, SignedMeanZeroMeanAndDegenerateCases) {
  MomentAccumulator neg;  // {-1,-3}: mean -2, std 1 -> -0.5 (signed divisor)
  neg.add(-1);
  neg.add(-3);
  EXPECT_NEAR(neg.stddev_norm(), -0.5, 1e-12);
  MomentAccumulator zero_mean;  // {-1,1}: mean 0 -> divisor 1 -> std 1
  zero_mean.add(-1);
  zero_mean.add(1);
  EXPECT_NEAR(zero_mean.stddev_norm(), 1.0, 1e-12);
  MomentAccumulator constant;  // variance 0 -> 0
  for (int i = 0; i < 5; ++i) constant.add(1234.567f);
  EXPECT_EQ(constant.stddev_norm(), 0.0);
  EXPECT_NEAR(constant.amean(), 1234.567f, 1e-9);
  MomentAccumulator empty(true);  // nothing added (or only zeros) -> 0, no NaN
  empty.add(0);
  EXPECT_EQ(empty.count(), 0);
  EXPECT_EQ(empty.amean(), 0.0);
  EXPECT_EQ(empty.stddev_norm(), 0.0);
}

TEST(Percentiles, LinearInterpolation) {
  const std::vector<float> s{1, 2, 3, 4, 5};
  EXPECT_NEAR(percentile_sorted(s, 0.2), 1.8, 1e-12);  // idx 0.8: 1*0.2 + 2*0.8
  EXPECT_NEAR(percentile_sorted(s, 0.5), 3.0, 1e-12);  // idx 2
  EXPECT_NEAR(percentile_sorted(s, 0.8), 4.2, 1e-12);  // idx 3.2
  EXPECT_NEAR(percentile_sorted(s, 1.0), 5.0, 1e-12);
  EXPECT_EQ(percentile_sorted(std::vector<float>{}, 0.5), 0.0);
  EXPECT_EQ(percentile_sorted(std::vector<float>{7}, 0.2), 7.0);
  // {10, 20}: p20 -> idx 0.2 -> 12
  EXPECT_NEAR(percentile_sorted(std::vector<float>{10, 20}, 0.2), 12.0, 1e-12);
}

TEST(Peaks2, OneMaximumThenTrailingFall) {
  // x = {0,0,0,10,0,0,0}: one maximum at 3; thresh = 0.1*10 = 1.
  // rising (10-0)/(3*0.01) = 333.33; trailing falling (x6-10)/(3*0.01) = -333.33 (keeps its sign)
  const std::vector<float> x{0, 0, 0, 10, 0, 0, 0};
  const SlopeStats s = peaks2_slopes(x, kT);
  EXPECT_EQ(s.n_peaks, 1);
  EXPECT_NEAR(s.mean_rising, 1000.0 / 3.0, 1e-3);
  EXPECT_NEAR(s.stddev_rising, 0.0, 1e-3);
  EXPECT_NEAR(s.mean_falling, -1000.0 / 3.0, 1e-3);
  EXPECT_EQ(s.stddev_falling, 0.0);  // the trailing slope is not in the deviation sum
}

TEST(Peaks2, TrailingRisingSlopeCountsInMeanNotInStddev) {
  // x = {0,1,4,2,0,3,5,5}: max@2 (4), min@4 (0); range 5, thresh 0.5; both survive.
  // rising: (4-0)/(2*0.01) = 200; falling: (4-0)/(2*0.01) = 200;
  // trailing rising: (x7 - 0)/(3*0.01) = 166.667.
  // mean rising = (200+166.667)/2 = 183.333; stddev rising = sqrt((200-183.333)^2 / 2) = 11.785
  const std::vector<float> x{0, 1, 4, 2, 0, 3, 5, 5};
  const SlopeStats s = peaks2_slopes(x, kT);
  EXPECT_EQ(s.n_peaks, 1);
  EXPECT_NEAR(s.mean_rising, 183.3333, 1e-3);
  EXPECT_NEAR(s.stddev_rising, 11.7851, 1e-3);
  EXPECT_NEAR(s.mean_falling, 200.0, 1e-3);
  EXPECT_NEAR(s.stddev_falling, 0.0, 1e-3);
}

TEST(Peaks2, PassesDropSmallExtrema) {
  // x = {0,0,5,0,0,10,9.5,9.8,0,0}: candidates max@2 (5), max@5 (10), min@6 (9.5), max@7 (9.8).
  // thresh 1. Pass A: max@7 is within 1 of the previous element (9.5), is not 5% above 10 and the
  // last accepted extremum was a maximum -> dropped. Pass B: min@6 is only 0.5 below 10 -> dropped.
  // Pass C: max@2 and max@5 are consecutive -> keep 10.
  // rising (10-0)/(5*0.01) = 200; trailing falling (0-10)/(4*0.01) = -250.
  const std::vector<float> x{0, 0, 5, 0, 0, 10, 9.5f, 9.8f, 0, 0};
  const SlopeStats s = peaks2_slopes(x, kT);
  EXPECT_EQ(s.n_peaks, 1);
  EXPECT_NEAR(s.mean_rising, 200.0, 1e-3);
  EXPECT_NEAR(s.mean_falling, -250.0, 1e-3);
  EXPECT_NEAR(s.stddev_rising, 0.0, 1e-3);
  EXPECT_NEAR(s.stddev_falling, 0.0, 1e-3);
}

TEST(Peaks2, NearMaximumFivePercentHigherReplacesKeptOne) {
  // x = {0,0,5,4.8,5.3,0,0}: max@2 (5), min@3 (4.8), max@4 (5.3); range 5.3, thresh 0.53.
  // Pass A: min@3 is within thresh of 5 (not accepted); max@4 is within thresh of 4.8 and
  // 5.3 > 1.05*5 = 5.25 -> it replaces max@2. Pass B: min@3 vs lastMax = x0 = 0 -> dropped.
  // rising (5.3-0)/(4*0.01) = 132.5; trailing falling (0-5.3)/(2*0.01) = -265.
  const std::vector<float> x{0, 0, 5, 4.8f, 5.3f, 0, 0};
  const SlopeStats s = peaks2_slopes(x, kT);
  EXPECT_EQ(s.n_peaks, 1);
  EXPECT_NEAR(s.mean_rising, 132.5, 1e-3);
  EXPECT_NEAR(s.mean_falling, -265.0, 1e-3);
}

TEST(Peaks2, NoExtremaUsesEndToEndSlopeDividedByN) {
  // {1,2,3,4}: no candidates (indices 2..N-3 is empty): (4-1)/4 = 0.75, not divided by T.
  const SlopeStats up = peaks2_slopes(std::vector<float>{1, 2, 3, 4}, kT);
  EXPECT_NEAR(up.mean_rising, 0.75, 1e-6);
  EXPECT_EQ(up.mean_falling, 0.0);
  EXPECT_EQ(up.n_peaks, 0);
  const SlopeStats down = peaks2_slopes(std::vector<float>{4, 3, 2, 1}, kT);
  EXPECT_NEAR(down.mean_falling, -0.75, 1e-6);  // negative, as a "falling" slope
  EXPECT_EQ(down.mean_rising, 0.0);
  const SlopeStats flat = peaks2_slopes(std::vector<float>{2, 2, 2, 2, 2, 2}, kT);
  EXPECT_EQ(flat.mean_rising, 0.0);
  EXPECT_EQ(flat.mean_falling, 0.0);
  const SlopeStats none = peaks2_slopes(std::vector<float>{}, kT);
  EXPECT_EQ(none.n_peaks, 0);
  EXPECT_EQ(none.mean_rising, 0.0);
}

TEST(ContourStats, NonZeroCompaction) {
  // {0,0,20,22,0,24,0} with skip_zeros -> {20,22,24}: mean 22, std sqrt(8/3) = 1.6329932,
  // stddevNorm 0.0742270; p20 idx 0.4 -> 20.8; p50 22; p80 idx 1.6 -> 23.2; range 2.4;
  // N = 3 has no extrema -> rising slope (24-20)/3 = 1.3333.
  const std::vector<float> x{0, 0, 20, 22, 0, 24, 0};
  const ContourStats c = contour_stats(x, true, kT);
  EXPECT_NEAR(c.amean, 22.0, 1e-9);
  EXPECT_NEAR(c.stddev_norm, 0.0742270, 1e-6);
  EXPECT_NEAR(c.p20, 20.8, 1e-6);
  EXPECT_NEAR(c.p50, 22.0, 1e-6);
  EXPECT_NEAR(c.p80, 23.2, 1e-6);
  EXPECT_NEAR(c.range20_80, 2.4, 1e-6);
  EXPECT_NEAR(c.slopes.mean_rising, 4.0 / 3.0, 1e-6);
  // without skipping, the zeros count: 7 values, sorted {0,0,0,0,20,22,24}: p20 idx 1.2 -> 0,
  // p50 idx 3 -> 0, p80 idx 4.8 -> 20*0.2 + 22*0.8 = 21.6
  const ContourStats all = contour_stats(x, false, kT);
  EXPECT_NEAR(all.amean, 66.0 / 7.0, 1e-9);
  EXPECT_NEAR(all.p20, 0.0, 1e-9);
  EXPECT_NEAR(all.p50, 0.0, 1e-9);
  EXPECT_NEAR(all.p80, 21.6, 1e-5);
  // nothing left -> all zero
  const ContourStats empty = contour_stats(std::vector<float>{0, 0, 0}, true, kT);
  EXPECT_EQ(empty.amean, 0.0);
  EXPECT_EQ(empty.p80, 0.0);
  EXPECT_EQ(empty.slopes.mean_rising, 0.0);
}

TEST(ContourStats, SelectionPercentilesEqualSortedPercentiles) {
  std::vector<float> x;
  unsigned state = 777u;
  for (int i = 0; i < 1001; ++i) {
    state = state * 1664525u + 1013904223u;
    x.push_back(static_cast<float>((state >> 8) % 10000) / 100.0f);
  }
  for (const std::size_t n : {1u, 2u, 3u, 5u, 10u, 99u, 1001u}) {
    std::vector<float> part(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
    const ContourStats c = contour_stats(part, false, kT);
    std::sort(part.begin(), part.end());
    EXPECT_DOUBLE_EQ(c.p20, percentile_sorted(part, 0.2)) << n;
    EXPECT_DOUBLE_EQ(c.p50, percentile_sorted(part, 0.5)) << n;
    EXPECT_DOUBLE_EQ(c.p80, percentile_sorted(part, 0.8)) << n;
  }
}

SegmentStats segments_of(const std::vector<float>& x, bool voiced) {
  SegmentTracker t(voiced);
  for (const float v : x) t.add(v);
  return t.stats(kT);
}

TEST(Segments, VoicedStateMachine) {
  // idx: 0 1 2 3 4 5 6 7 8 9 10 11 12
  //      0 1 1 1 0 0 1 1 0 1 1  1  1
  // Segment A: frames 1..3, confirmed at 3, ended by the two zeros at 4,5 -> length 3-1 = 2.
  // Segment B: starts at 6; the single zero at 8 neither breaks it nor counts, frame 9 confirms;
  // open at the end -> closed at 12 -> length 12-6 = 6.
  // per second 2/(13*0.01) = 15.3846; mean (2+6)/2 = 4 frames = 0.04 s; std 2 frames = 0.02 s.
  const std::vector<float> x{0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1};
  const SegmentStats v = segments_of(x, true);
  EXPECT_NEAR(v.per_second, 2.0 / 0.13, 1e-9);
  EXPECT_NEAR(v.mean_length_s, 0.04, 1e-12);
  EXPECT_NEAR(v.stddev_length_s, 0.02, 1e-12);
  // Unvoiced ("eqX") on the same series: candidates at 0, 4-5, 8 never reach 3 frames -> none.
  const SegmentStats u = segments_of(x, false);
  EXPECT_EQ(u.per_second, 0.0);
  EXPECT_EQ(u.mean_length_s, 0.0);
  EXPECT_EQ(u.stddev_length_s, 0.0);
}

TEST(Segments, UnvoicedSingleSegmentAndTrailingOppositeFrame) {
  // zeros at 0..3, a single 1 at 4 (does not break), zeros 5..7, then 1,1 ends it:
  // length 7-0 = 7 frames = 0.07 s; one segment -> std 0; per second 1/(10*0.01) = 10.
  const SegmentStats u = segments_of({0, 0, 0, 0, 1, 0, 0, 0, 1, 1}, false);
  EXPECT_NEAR(u.per_second, 10.0, 1e-9);
  EXPECT_NEAR(u.mean_length_s, 0.07, 1e-12);
  EXPECT_EQ(u.stddev_length_s, 0.0);
  // voiced 0..3 then one zero at the end: closed at its last voiced frame 3 -> length 3
  const SegmentStats v = segments_of({1, 1, 1, 1, 0}, true);
  EXPECT_NEAR(v.per_second, 1.0 / 0.05, 1e-9);
  EXPECT_NEAR(v.mean_length_s, 0.03, 1e-12);
  // an unconfirmed candidate at the end is not a segment
  EXPECT_EQ(segments_of({0, 0, 1, 1}, true).per_second, 0.0);
  // no frames at all
  EXPECT_EQ(SegmentTracker(true).stats(kT).per_second, 0.0);
}

TEST(Segments, StatsIsRepeatableMidStream) {
  SegmentTracker t(true);
  for (const float v : {1.f, 1.f, 1.f, 1.f}) t.add(v);
  const SegmentStats a = t.stats(kT);  // open segment closed virtually: length 3
  EXPECT_NEAR(a.mean_length_s, 0.03, 1e-12);
  t.add(0);
  t.add(0);
  t.add(1);
  t.add(1);
  t.add(1);  // second segment 7..8: length 2 -> mean 2.5 frames
  const SegmentStats b = t.stats(kT);
  EXPECT_NEAR(b.per_second, 2.0 / 0.09, 1e-9);
  EXPECT_NEAR(b.mean_length_s, 0.025, 1e-12);
  EXPECT_NEAR(b.stddev_length_s, 0.005, 1e-12);
}

TEST(Segments, CountIsCappedAtOneThousand) {
  // 1500 repetitions of {1,1,1,0,0}: 1500 segments of length 2, but openSMILE records at most 1000.
  SegmentTracker t(true);
  for (int r = 0; r < 1500; ++r) {
    for (const float v : {1.f, 1.f, 1.f, 0.f, 0.f}) t.add(v);
  }
  const SegmentStats s = t.stats(kT);
  EXPECT_NEAR(s.per_second, 1000.0 / (7500 * 0.01), 1e-9);
  EXPECT_NEAR(s.mean_length_s, 0.02, 1e-12);
  EXPECT_EQ(s.stddev_length_s, 0.0);
}

}  // namespace
}  // namespace sentio::features::egemaps
