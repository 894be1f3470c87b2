// SPDX-License-Identifier: Apache-2.0
// The shared L-BFGS minimiser and softmax regression: a quadratic with a known minimum, separable and
// overlapping classes, sample weights, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/core/softmax_regression.hpp"

namespace {

using namespace sentio;

TEST(Lbfgs, FindsTheMinimumOfAnIllConditionedQuadratic) {
  // f = sum_i c_i (x_i - i)^2 with curvatures from 1 to 1000.
  const std::vector<double> c = {1, 10, 100, 1000};
  const Objective f = [&](const std::vector<double>& x, std::vector<double>& g) {
    double v = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double d = x[i] - static_cast<double>(i);
      v += c[i] * d * d;
      g[i] = 2 * c[i] * d;
    }
    return v;
  };
  std::vector<double> x(4, 5.0);
  minimise_lbfgs(f, x, 200, 1e-10);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], static_cast<double>(i), 1e-8);
}

// Rows of one feature: class 0 around -1, class 1 around +1.
struct Data {
  std::vector<double> x;
  std::vector<std::size_t> y;
  std::vector<const double*> rows() const {
    std::vector<const double*> r;
    for (const double& v : x) r.push_back(&v);
    return r;
  }
};

Data two_classes(double spread) {
  Data d;
  for (int i = 0; i < 50; ++i) {
    const double u = spread * (static_cast<double>(i % 10) - 4.5) / 4.5;
    d.x.push_back(-1 + u);
    d.y.push_back(0);
    d.x.push_back(1 + u);
    d.y.push_back(1);
  }
  return d;
}

TEST(SoftmaxRegression, OverlappingClassesGiveASymmetricBoundaryAtZero) {
  const Data d = two_classes(1.5);
  const auto rows = d.rows();
  const std::vector<double> theta = fit_softmax_regression(rows, 1, d.y, {}, 2, {});
  // theta = [w0, w1, b0, b1]: the decision w1 x + b1 - (w0 x + b0) changes sign at x = 0 by symmetry.
  EXPECT_GT(theta[1] - theta[0], 0.5);
  EXPECT_NEAR(theta[3] - theta[2], 0.0, 1e-6);
  // Zero-start L-BFGS over the rows in order: bit-identical on a second run.
  EXPECT_EQ(theta, fit_softmax_regression(rows, 1, d.y, {}, 2, {}));
}

TEST(SoftmaxRegression, WeightsMoveTheBoundaryTowardsTheLighterClass) {
  const Data d = two_classes(1.5);
  const auto rows = d.rows();
  std::vector<double> w(d.y.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = d.y[i] == 1 ? 3.0 : 1.0;
  const std::vector<double> t = fit_softmax_regression(rows, 1, d.y, w, 2, {});
  const double boundary = -(t[3] - t[2]) / (t[1] - t[0]);
  EXPECT_LT(boundary, -0.05);  // class 1 weighs more: more of the line is called class 1
}

TEST(SoftmaxRegression, StrongerL2GivesSmallerWeights) {
  const Data d = two_classes(0.5);  // separable: without L2 the weights would grow without bound
  const auto rows = d.rows();
  SoftmaxFitOptions weak_l2, strong_l2;
  weak_l2.l2 = 1e-3;
  strong_l2.l2 = 1.0;
  const auto weak = fit_softmax_regression(rows, 1, d.y, {}, 2, weak_l2);
  const auto strong = fit_softmax_regression(rows, 1, d.y, {}, 2, strong_l2);
  EXPECT_TRUE(std::isfinite(weak[1] - weak[0]));
  EXPECT_GT(std::fabs(weak[1] - weak[0]), 3 * std::fabs(strong[1] - strong[0]));
}

TEST(SoftmaxRegression, RejectsRowsWithoutWeight) {
  const Data d = two_classes(1.0);
  const auto rows = d.rows();
  const std::vector<double> zero(d.y.size(), 0.0);
  EXPECT_THROW(fit_softmax_regression(rows, 1, d.y, zero, 2, {}), InputError);
}

}  // namespace
