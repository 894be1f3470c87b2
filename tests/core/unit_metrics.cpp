// SPDX-License-Identifier: Apache-2.0
// Classification metrics against values computed by hand.
#include <gtest/gtest.h>

#include <vector>

#include "sentio/core/metrics.hpp"

namespace {

using sentio::ConfusionMatrix;

// 3 classes, 10 items:
//            pred 0  pred 1  pred 2
//  truth 0      3       1       0      support 4
//  truth 1      1       2       1      support 4
//  truth 2      0       0       2      support 2
// accuracy = 7/10. recall = 3/4, 2/4, 2/2. precision = 3/4, 2/3, 2/3.
// F1_0 = 0.75; F1_1 = 2*(2/3)(1/2)/(2/3+1/2) = (2/3)/(7/6) = 4/7; F1_2 = 2*(2/3)(1)/(5/3) = 4/5.
// macro F1 = (0.75 + 4/7 + 0.8)/3; weighted F1 = (4*0.75 + 4*4/7 + 2*0.8)/10.
ConfusionMatrix example() {
  ConfusionMatrix cm(3);
  const int pairs[][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 2}};
  for (const auto& p : pairs) cm.add(static_cast<std::size_t>(p[0]), static_cast<std::size_t>(p[1]));
  return cm;
}

TEST(Metrics, ConfusionCounts) {
  const ConfusionMatrix cm = example();
  EXPECT_EQ(cm.total(), 10u);
  EXPECT_EQ(cm.count(0, 1), 1u);
  EXPECT_EQ(cm.count(1, 2), 1u);
  EXPECT_EQ(cm.count(2, 0), 0u);
  EXPECT_EQ(cm.support(1), 4u);
  EXPECT_EQ(cm.predicted_count(2), 3u);
}

TEST(Metrics, HandComputedValues) {
  const auto m = sentio::compute_metrics(example());
  EXPECT_EQ(m.n, 10u);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.7);
  EXPECT_DOUBLE_EQ(m.recall[0], 0.75);
  EXPECT_DOUBLE_EQ(m.recall[1], 0.5);
  EXPECT_DOUBLE_EQ(m.recall[2], 1.0);
  EXPECT_DOUBLE_EQ(m.precision[1], 2.0 / 3.0);
  EXPECT_NEAR(m.f1[1], 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(m.f1[2], 0.8, 1e-12);
  EXPECT_NEAR(m.macro_f1, (0.75 + 4.0 / 7.0 + 0.8) / 3.0, 1e-12);
  EXPECT_NEAR(m.weighted_f1, (4 * 0.75 + 4 * 4.0 / 7.0 + 2 * 0.8) / 10.0, 1e-12);
  EXPECT_NEAR(m.balanced_accuracy, (0.75 + 0.5 + 1.0) / 3.0, 1e-12);
}

TEST(Metrics, ClassWithoutSupportIsNotAveraged) {
  // Class 2 never true but predicted once: macro F1 averages classes 0 and 1 only.
  ConfusionMatrix cm(3);
  cm.add(0, 0);
  cm.add(0, 2);
  cm.add(1, 1);
  const auto m = sentio::compute_metrics(cm);
  // F1_0: P = 1, R = 1/2 -> 2/3. F1_1: P = R = 1 -> 1.
  EXPECT_NEAR(m.macro_f1, (2.0 / 3.0 + 1.0) / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(m.f1[2], 0.0);
  EXPECT_EQ(m.support[2], 0u);
  EXPECT_NEAR(m.accuracy, 2.0 / 3.0, 1e-12);
}

TEST(Metrics, EmptyMatrixGivesZeros) {
  const auto m = sentio::compute_metrics(ConfusionMatrix(2));
  EXPECT_EQ(m.n, 0u);
  EXPECT_EQ(m.accuracy, 0.0);
  EXPECT_EQ(m.macro_f1, 0.0);
}

TEST(Metrics, RestrictedArgmax) {
  const std::vector<float> scores = {0.1f, 0.5f, 0.3f, 0.1f};
  const std::vector<std::size_t> all = {0, 1, 2, 3};
  const std::vector<std::size_t> some = {0, 2, 3};
  const std::vector<std::size_t> tie = {3, 0};
  EXPECT_EQ(sentio::restricted_argmax(scores, all), 1u);
  EXPECT_EQ(sentio::restricted_argmax(scores, some), 2u);
  EXPECT_EQ(sentio::restricted_argmax(scores, tie), 0u);  // tie: lowest index
}

}  // namespace
