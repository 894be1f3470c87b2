// SPDX-License-Identifier: Apache-2.0
// Ensemble calibration math on hand-computed numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "sentio/core/error.hpp"

#include "sentio/ser_neural/calibration.hpp"
#include "sentio/ser_neural/models.hpp"
#include "test_support.hpp"

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

TEST(Calibration, OutputTemperatureFromHeldOutCorpusPredictions) {
  // Four clips predicted (0.9, 0.1), three of them class 0: the calibrated top probability is 0.75, so
  // 9^(1/T) = 3 and T = 2. Rows of other components and of classes the model lacks are ignored.
  LinearModel m;
  m.labels = {"neutral", "anger"};
  m.n_features = 1;
  m.weights = {0.0, 1.0};
  m.bias = {0.0, 0.0};
  LinearEmotionModel model(m);
  const auto path = sentio::test::temp_dir() / "calibration_predictions.csv";
  std::ofstream(path) << "path,corpus,speaker,fold,component,truth,neutral,anger,calm\n"
                         "a.wav,x,s1,0,linear,neutral,0.9,0.1,\n"
                         "b.wav,x,s1,0,linear,neutral,0.9,0.1,\n"
                         "c.wav,y,s2,1,linear,neutral,0.9,0.1,\n"
                         "d.wav,y,s2,1,linear,anger,0.9,0.1,\n"
                         "d.wav,y,s2,1,neural,anger,0.1,0.9,\n"
                         "e.wav,y,s2,1,linear,calm,0.9,0.1,\n";
  const std::string said = calibrate_on_predictions(model, path.string());
  EXPECT_NEAR(model.model().output_temperature, 2.0, 1e-3);
  EXPECT_NE(said.find("4 clips (x, y)"), std::string::npos) << said;
  std::ofstream(path) << "path,corpus,speaker,fold,truth,neutral,anger\n";  // no component column
  EXPECT_THROW(calibrate_on_predictions(model, path.string()), sentio::InputError);
  EXPECT_THROW(calibrate_on_predictions(model, (path.string() + ".missing")), sentio::InputError);
}

TEST(Calibration, ConcordanceCorrelation) {
  const std::vector<double> x = {1, 2, 3};
  EXPECT_DOUBLE_EQ(concordance_ccc(x, x), 1.0);
  // y = x + 1: var 2/3 each, cov 2/3, mean gap 1 -> 2 (2/3) / (4/3 + 1) = 4/7.
  EXPECT_NEAR(concordance_ccc(x, std::vector<double>{2, 3, 4}), 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(concordance_ccc(x, std::vector<double>{3, 2, 1}), -1.0, 1e-12);
}

}  // namespace
