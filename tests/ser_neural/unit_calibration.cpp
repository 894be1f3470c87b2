// SPDX-License-Identifier: Apache-2.0
// Ensemble calibration math on hand-computed numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "sentio/ser_neural/calibration.hpp"
#include "sentio/ser_neural/models.hpp"

namespace {

using namespace sentio::ser;

const float kLn3 = static_cast<float>(std::log(3.0));

TEST(Calibration, LogSoftmaxAndNll) {
  const std::vector<float> z = {0.0f, kLn3};
  const std::vector<double> l = log_softmax(z, 1.0);
  EXPECT_NEAR(std::exp(l[0]), 0.25, 1e-7);
  EXPECT_NEAR(std::exp(l[1]), 0.75, 1e-7);
  // T = 2 halves the logits: p1 = sqrt(3) / (1 + sqrt(3)).
  EXPECT_NEAR(std::exp(log_softmax(z, 2.0)[1]), std::sqrt(3.0) / (1 + std::sqrt(3.0)), 1e-7);
  const std::vector<float> two = {0.0f, kLn3, 0.0f, kLn3};
  const std::vector<std::size_t> truth = {1, 0};
  EXPECT_NEAR(mean_nll(two, 2, truth, 1.0), -(std::log(0.75) + std::log(0.25)) / 2, 1e-7);
}

TEST(Calibration, TemperatureHasTheClosedFormOptimum) {
  // Logits (2, 0) on every row, class 0 true on 80 % of the rows: the NLL is minimal where
  // sigmoid(2 / T) = 0.8, i.e. T = 2 / ln 4 = 1.4427.
  std::vector<float> z;
  std::vector<std::size_t> truth;
  for (int i = 0; i < 10; ++i) {
    z.insert(z.end(), {2.0f, 0.0f});
    truth.push_back(i < 8 ? 0 : 1);
  }
  EXPECT_NEAR(fit_temperature(z, 2, truth), 2.0 / std::log(4.0), 1e-3);
  // Always right and over-confident logits: T goes to the lower end (sharper is better).
  EXPECT_NEAR(fit_temperature(std::vector<float>{1.0f, 0.0f}, 2, std::vector<std::size_t>{0}), 0.05, 1e-3);
}

TEST(Calibration, CombineIsTheWeightedLogProbabilityMean) {
  const std::vector<float> a = {0.0f, kLn3}, b = {kLn3, 0.0f};
  auto p = combine(a, 1.0, b, 1.0, 0.5);
  EXPECT_NEAR(p[0], 0.5, 1e-6);
  EXPECT_NEAR(p[1], 0.5, 1e-6);
  p = combine(a, 1.0, b, 1.0, 1.0);
  EXPECT_NEAR(p[1], 0.75, 1e-6);
  p = combine(a, 1.0, b, 1.0, 0.0);
  EXPECT_NEAR(p[0], 0.75, 1e-6);
  // w = 0.25: log p ~ 0.25 (ln .25, ln .75) + 0.75 (ln .75, ln .25) -> p0 / p1 = 3^0.5.
  p = combine(a, 1.0, b, 1.0, 0.25);
  EXPECT_NEAR(p[0] / p[1], std::sqrt(3.0), 1e-5);
}

TEST(Calibration, WeightIsChosenByHeldOutRecall) {
  // Linear right on all four rows, neural wrong on all: any weight above 0.5 gives UA 1; the NLL
  // tie-break then prefers w = 1 (the neural logits only add error).
  const std::vector<float> lin = {2, 0, 0, 2, 2, 0, 0, 2}, neu = {0, 1, 1, 0, 0, 1, 1, 0};
  const std::vector<std::size_t> truth = {0, 1, 0, 1};
  const EnsembleWeight w = choose_weight(lin, 1.0, neu, 1.0, 2, truth);
  EXPECT_DOUBLE_EQ(w.linear_weight, 1.0);
  EXPECT_DOUBLE_EQ(w.ua, 1.0);
  EXPECT_DOUBLE_EQ(unweighted_recall(neu, 2, truth), 0.0);
  // UA over the classes present: class 0 3/3 right, class 1 0/1 -> 0.5.
  EXPECT_DOUBLE_EQ(unweighted_recall(std::vector<float>{1, 0, 1, 0, 1, 0, 1, 0}, 2, std::vector<std::size_t>{0, 0, 0, 1}), 0.5);
}

TEST(Calibration, ConcordanceCorrelation) {
  const std::vector<double> x = {1, 2, 3};
  EXPECT_DOUBLE_EQ(concordance_ccc(x, x), 1.0);
  // y = x + 1: var 2/3 each, cov 2/3, mean gap 1 -> 2 (2/3) / (4/3 + 1) = 4/7.
  EXPECT_NEAR(concordance_ccc(x, std::vector<double>{2, 3, 4}), 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(concordance_ccc(x, std::vector<double>{3, 2, 1}), -1.0, 1e-12);
}

}  // namespace
