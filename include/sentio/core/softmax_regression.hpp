// SPDX-License-Identifier: Apache-2.0
#pragma once
// Multinomial logistic regression with L2, fitted by full-batch L-BFGS in double precision, and the
// L-BFGS minimiser itself. Shared by the classifiers that are trained on small dense feature rows (speech
// functionals, facial cues). Deterministic: zero start, rows visited in the order given.
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace sentio {

// f(theta, grad) returns the objective at theta and writes its gradient into grad (same size).
using Objective = std::function<double(const std::vector<double>& theta, std::vector<double>& grad)>;

// Minimises a smooth convex f from theta (in place): L-BFGS with memory 10 (Nocedal & Wright 2006,
// algorithm 7.4) and a backtracking Armijo line search. Stops after max_iterations, when the gradient's
// max-norm is below tolerance, or when no decrease is possible at double precision.
void minimise_lbfgs(const Objective& f, std::vector<double>& theta, int max_iterations, double tolerance);

struct SoftmaxFitOptions {
  double l2 = 1e-2;          // lambda in  sum_i w_i CE_i / sum_i w_i + lambda/2 * ||W||^2 (bias not penalised)
  int max_iterations = 400;  // L-BFGS iterations
  double tolerance = 1e-6;   // on the gradient's max-norm
};

// Fits K classes over D features. rows[i] points at D values, y[i] < K is its class and weight[i] its
// weight in the loss (empty: all 1). Returns theta = [W (K x D, row-major), b (K)].
std::vector<double> fit_softmax_regression(std::span<const double* const> rows, std::size_t d,
                                           std::span<const std::size_t> y, std::span<const double> weight,
                                           std::size_t k, const SoftmaxFitOptions& options);

}  // namespace sentio
