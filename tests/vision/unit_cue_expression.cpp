// SPDX-License-Identifier: Apache-2.0
// The cue expression model: the fusion formula by hand, training on synthetic features, the JSON file
// (round trip, damaged files), and the refusal of training data without every class.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "sentio/core/error.hpp"
#include "sentio/vision/cue_expression.hpp"

namespace {

using namespace sentio::vision;
namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("sentio_unit_cue_" + std::to_string(::getpid()) + "_" + name)).string();
}

// Synthetic faces: class k has base feature k % 12 raised by 2 (plus noise), the rest around 0.
void synthetic(std::size_t per_class, std::vector<std::vector<double>>& x, std::vector<Expression>& y,
               std::uint64_t seed = 7) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.5);
  for (std::size_t k = 0; k < kExpressionCount; ++k)
    for (std::size_t i = 0; i < per_class * (k + 1); ++i) {  // unequal class sizes
      std::vector<double> f(kCueBaseFeatures);
      for (double& v : f) v = noise(rng);
      f[k % kCueBaseFeatures] += 2.0;
      x.push_back(f);
      y.push_back(static_cast<Expression>(k));
    }
}

TEST(CueExpression, FusionIsTheWeightedProductOverThePrior) {
  CueExpressionModel m;
  m.mean.assign(kCueBaseFeatures, 0.0);
  m.scale.assign(kCueBaseFeatures, 1.0);
  m.quadratic = false;
  m.weights.assign(kExpressionCount * kCueBaseFeatures, 0.0);
  m.bias.assign(kExpressionCount, 0.0);
  m.bias[static_cast<std::size_t>(Expression::happiness)] = std::log(4.0);  // q(happiness) = 4 / (6 + 4) = 0.4
  for (auto& p : m.prior) p = 0.1f;
  m.prior[static_cast<std::size_t>(Expression::neutral)] = 0.4f;
  m.fusion_weight = 0.5;
  const std::vector<double> base(kCueBaseFeatures, 0.0);
  const ExpressionProbs q = m.predict(base);
  EXPECT_NEAR(q[static_cast<std::size_t>(Expression::happiness)], 0.4, 1e-6);
  EXPECT_NEAR(q[static_cast<std::size_t>(Expression::neutral)], 0.1, 1e-6);

  ExpressionProbs app{};
  app.fill(0.05f);
  app[static_cast<std::size_t>(Expression::neutral)] = 0.5f;
  app[static_cast<std::size_t>(Expression::happiness)] = 0.25f;
  const ExpressionProbs f = m.fuse(app, base);
  // Unnormalised: a_k * sqrt(q_k / prior_k): neutral 0.5 * sqrt(0.1 / 0.4) = 0.25, happiness
  // 0.25 * sqrt(0.4 / 0.1) = 0.5, the other five 0.05 * sqrt(0.1 / 0.1) = 0.05 each; sum 1.0.
  EXPECT_NEAR(f[static_cast<std::size_t>(Expression::neutral)], 0.25, 1e-5);
  EXPECT_NEAR(f[static_cast<std::size_t>(Expression::happiness)], 0.5, 1e-5);
  EXPECT_NEAR(f[static_cast<std::size_t>(Expression::anger)], 0.05, 1e-5);
  // Weight 0: the appearance unchanged.
  m.fusion_weight = 0;
  const ExpressionProbs same = m.fuse(app, base);
  for (std::size_t k = 0; k < kExpressionCount; ++k) EXPECT_NEAR(same[k], app[k], 1e-6);
}

TEST(CueExpression, TrainsOnSeparableFeaturesAndRecordsThePrior) {
  std::vector<std::vector<double>> x;
  std::vector<Expression> y;
  synthetic(20, x, y);
  CueTrainOptions o;
  o.fusion_weight = 0.3;
  o.trained_on = "synthetic";
  const CueExpressionModel m = train_cue_expression_model(x, y, o);
  EXPECT_EQ(m.n_train, x.size());
  EXPECT_EQ(m.n_features(), kCueBaseFeatures + kCueBaseFeatures * (kCueBaseFeatures + 1) / 2);
  EXPECT_DOUBLE_EQ(m.fusion_weight, 0.3);
  // Class k holds (k + 1) / 28 of the rows.
  for (std::size_t k = 0; k < kExpressionCount; ++k) EXPECT_NEAR(m.prior[k], static_cast<double>(k + 1) / 28.0, 1e-6);
  std::vector<std::vector<double>> test_x;
  std::vector<Expression> test_y;
  synthetic(5, test_x, test_y, 99);
  std::size_t right = 0;
  for (std::size_t i = 0; i < test_x.size(); ++i) {
    const ExpressionProbs p = m.predict(test_x[i]);
    right += static_cast<Expression>(std::max_element(p.begin(), p.end()) - p.begin()) == test_y[i];
  }
  EXPECT_GT(static_cast<double>(right) / static_cast<double>(test_x.size()), 0.9);
}

TEST(CueExpression, RefusesTrainingDataWithoutEveryClass) {
  std::vector<std::vector<double>> x;
  std::vector<Expression> y;
  synthetic(10, x, y);
  std::vector<std::vector<double>> kept;
  std::vector<Expression> kept_y;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (y[i] != Expression::disgust) kept.push_back(x[i]), kept_y.push_back(y[i]);
  try {
    (void)train_cue_expression_model(kept, kept_y, {});
    FAIL() << "expected InputError";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("disgust"), std::string::npos) << e.what();
  }
}

TEST(CueExpression, FileRoundTripAndDamagedFiles) {
  std::vector<std::vector<double>> x;
  std::vector<Expression> y;
  synthetic(10, x, y);
  const CueExpressionModel m = train_cue_expression_model(x, y, {});
  const std::string path = temp_path("model.json");
  save_cue_expression_model(m, path);
  const CueExpressionModel r = load_cue_expression_model(path);
  ExpressionProbs app{};
  app.fill(1.0f / kExpressionCount);
  for (std::size_t i = 0; i < x.size(); i += 17) {
    const ExpressionProbs a = m.fuse(app, x[i]), b = r.fuse(app, x[i]);
    for (std::size_t k = 0; k < kExpressionCount; ++k) EXPECT_NEAR(a[k], b[k], 1e-6);
  }

  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto expect_refused = [&](const std::string& content, const std::string& what) {
    const std::string bad = temp_path("bad.json");
    std::ofstream(bad) << content;
    try {
      (void)load_cue_expression_model(bad);
      ADD_FAILURE() << "accepted: " << what;
    } catch (const sentio::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
    fs::remove(bad);
  };
  expect_refused("", "empty");
  expect_refused(text.substr(0, text.size() / 2), "cut short");
  expect_refused("{\"format\": \"something-else\"}", "another format");
  std::string no_weight = text;
  no_weight.replace(no_weight.find("\"fusion_weight\""), 15, "\"fusion_weigh\"");
  expect_refused(no_weight, "a missing field");
  std::string bad_scale = text;
  const auto at = bad_scale.find("\"scale\": [") + 10;
  bad_scale.insert(at, "-1, ");
  expect_refused(bad_scale, "a scale list of the wrong length");
  EXPECT_THROW((void)load_cue_expression_model(temp_path("missing.json")), sentio::InputError);
  fs::remove(path);
}

TEST(CueExpression, BaseFeaturesNeedAWholeMesh) {
  EXPECT_THROW((void)cue_base_features(std::vector<Point3>(12)), sentio::InputError);
}

}  // namespace
