// SPDX-License-Identifier: Apache-2.0
// sma3 / sma3nz / Sma3Stream on tiny hand-computed series (docs: EGEMAPS.md section 0).
#include <gtest/gtest.h>

#include <vector>

#include "egemaps/smoothing.hpp"

namespace sentio::features::egemaps {
namespace {

std::vector<float> run_stream(const std::vector<float>& x, bool no_zero) {
  Sma3Stream s(no_zero);
  std::vector<float> y;
  for (const float v : x) {
    if (auto out = s.push(v)) y.push_back(*out);
  }
  if (auto out = s.finish()) y.push_back(*out);
  return y;
}

TEST(Sma3, EdgeReplicatedMovingAverage) {
  // y0 = (3+3+6)/3 = 4, y1 = (3+6+9)/3 = 6, y2 = (6+9+12)/3 = 9, y3 = (9+12+12)/3 = 11
  const std::vector<float> x{3, 6, 9, 12};
  const std::vector<float> y = sma3(x);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_FLOAT_EQ(y[0], 4.0f);
  EXPECT_FLOAT_EQ(y[1], 6.0f);
  EXPECT_FLOAT_EQ(y[2], 9.0f);
  EXPECT_FLOAT_EQ(y[3], 11.0f);
}

TEST(Sma3, ShortSeries) {
  EXPECT_TRUE(sma3(std::vector<float>{}).empty());
  // N = 1: both neighbours are the frame itself -> (5+5+5)/3 = 5
  const std::vector<float> one = sma3(std::vector<float>{5});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_FLOAT_EQ(one[0], 5.0f);
  // N = 2: y0 = (3+3+6)/3 = 4, y1 = (3+6+6)/3 = 5
  const std::vector<float> two = sma3(std::vector<float>{3, 6});
  EXPECT_FLOAT_EQ(two[0], 4.0f);
  EXPECT_FLOAT_EQ(two[1], 5.0f);
  // zeros are ordinary values for sma3: (0+0+3)/3 = 1, (0+3+0)/3 = 1, (3+0+0)/3 = 1
  const std::vector<float> z = sma3(std::vector<float>{0, 3, 0});
  EXPECT_FLOAT_EQ(z[0], 1.0f);
  EXPECT_FLOAT_EQ(z[1], 1.0f);
  EXPECT_FLOAT_EQ(z[2], 1.0f);
}

TEST(Sma3nz, ZerosStayAndAreExcluded) {
  // index: 0  1  2  3  4  5  6  7  8
  const std::vector<float> x{0, 3, 6, 0, 9, 0, 0, 3, 6};
  const std::vector<float> y = sma3nz(x);
  ASSERT_EQ(y.size(), x.size());
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_FLOAT_EQ(y[1], 4.5f);  // (3+6)/2, left neighbour is 0
  EXPECT_FLOAT_EQ(y[2], 4.5f);  // (6+3)/2, right neighbour is 0
  EXPECT_EQ(y[3], 0.0f);
  EXPECT_FLOAT_EQ(y[4], 9.0f);  // isolated
  EXPECT_EQ(y[5], 0.0f);
  EXPECT_EQ(y[6], 0.0f);
  EXPECT_FLOAT_EQ(y[7], 4.5f);  // (3+6)/2
  EXPECT_FLOAT_EQ(y[8], 5.0f);  // last frame, replicated edge counts: (6+3+6)/3
}

TEST(Sma3nz, LeftEdgeCountsTheFrameTwice) {
  // y0 = (3+3+6)/3 = 4 (replicated x0 is non-zero), y1 = (6+3)/2 = 4.5, y2 = 0
  const std::vector<float> y = sma3nz(std::vector<float>{3, 6, 0});
  EXPECT_FLOAT_EQ(y[0], 4.0f);
  EXPECT_FLOAT_EQ(y[1], 4.5f);
  EXPECT_EQ(y[2], 0.0f);
  // y0 = (3+3)/2 = 3 when the right neighbour is 0
  const std::vector<float> y2 = sma3nz(std::vector<float>{3, 0});
  EXPECT_FLOAT_EQ(y2[0], 3.0f);
  EXPECT_EQ(y2[1], 0.0f);
  const std::vector<float> y1 = sma3nz(std::vector<float>{0});
  EXPECT_EQ(y1[0], 0.0f);
}

TEST(Sma3Stream, DelayOfOneFrame) {
  Sma3Stream s(false);
  EXPECT_FALSE(s.finish().has_value());  // nothing pushed
  EXPECT_FALSE(s.push(3).has_value());   // y_{-1} does not exist
  auto y0 = s.push(6);                    // y0 = (3+3+6)/3
  ASSERT_TRUE(y0.has_value());
  EXPECT_FLOAT_EQ(*y0, 4.0f);
  auto y1 = s.finish();  // y1 = (3+6+6)/3
  ASSERT_TRUE(y1.has_value());
  EXPECT_FLOAT_EQ(*y1, 5.0f);
  EXPECT_FALSE(s.finish().has_value());  // already flushed
  // reusable after finish(): a fresh series with its own left edge
  EXPECT_FALSE(s.push(9).has_value());
  EXPECT_FLOAT_EQ(*s.finish(), 9.0f);
}

TEST(Sma3Stream, MatchesWholeSeriesBitForBit) {
  // A deterministic pseudo-random series with runs of exact zeros, every length 0..40.
  std::vector<float> base;
  unsigned state = 12345u;
  for (int i = 0; i < 40; ++i) {
    state = state * 1103515245u + 12345u;
    const unsigned r = (state >> 16) & 0x7fffu;
    base.push_back(r % 4 == 0 ? 0.0f : static_cast<float>(r) / 997.0f - 11.3f);
  }
  for (std::size_t n = 0; n <= base.size(); ++n) {
    const std::vector<float> x(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n));
    for (const bool nz : {false, true}) {
      const std::vector<float> whole = nz ? sma3nz(x) : sma3(x);
      const std::vector<float> streamed = run_stream(x, nz);
      ASSERT_EQ(whole.size(), streamed.size()) << "n=" << n;
      for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(whole[i], streamed[i]) << "n=" << n << " i=" << i;
    }
  }
}

TEST(Sma3Stream, CopiesAreIndependent) {
  Sma3Stream a(true);
  (void)a.push(2);
  Sma3Stream b = a;  // the integrator keeps smoothers in vectors
  EXPECT_FLOAT_EQ(*a.push(4), 8.0f / 3.0f);  // (2+2+4)/3
  EXPECT_FLOAT_EQ(*b.push(0), 2.0f);         // (2+2)/2, zero neighbour excluded
}

}  // namespace
}  // namespace sentio::features::egemaps
