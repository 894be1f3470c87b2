// SPDX-License-Identifier: Apache-2.0
// Multinomial logistic regression with L2, full-batch L-BFGS (Nocedal & Wright 2006, algorithm 7.4
// two-loop recursion, backtracking Armijo line search), double precision throughout.
#include "sentio/core/softmax_regression.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {

// Objective over the parameter vector theta = [W (K x D, row-major), b (K)]:
//   L = sum_i w_i * (-log softmax(W x_i + b)[y_i]) / sum_i w_i + lambda/2 * ||W||^2
struct SoftmaxLoss {
  std::span<const double* const> rows;
  std::span<const std::size_t> y;  // class per row
  std::vector<double> sample_w;    // per row
  double weight_sum = 0;
  std::size_t k = 0, d = 0;
  double lambda = 0;

  // Returns L and writes its gradient into grad (same shape as theta).
  double operator()(const std::vector<double>& theta, std::vector<double>& grad) const {
    std::fill(grad.begin(), grad.end(), 0.0);
    const double* w = theta.data();
    const double* b = theta.data() + k * d;
    double* gw = grad.data();
    double* gb = grad.data() + k * d;
    std::vector<double> z(k);
    double loss = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double* x = rows[r];
      double zmax = -INFINITY;
      for (std::size_t c = 0; c < k; ++c) {
        double s = b[c];
        const double* wc = w + c * d;
        for (std::size_t f = 0; f < d; ++f) s += wc[f] * x[f];
        z[c] = s;
        zmax = std::max(zmax, s);
      }
      double sum = 0;
      for (std::size_t c = 0; c < k; ++c) sum += std::exp(z[c] - zmax);
      const double log_norm = zmax + std::log(sum);
      loss += sample_w[r] * (log_norm - z[y[r]]);
      for (std::size_t c = 0; c < k; ++c) {
        // dL_i/dz_c = p_c - [c == y]
        const double g = sample_w[r] * (std::exp(z[c] - log_norm) - (c == y[r] ? 1.0 : 0.0));
        gb[c] += g;
        double* gwc = gw + c * d;
        for (std::size_t f = 0; f < d; ++f) gwc[f] += g * x[f];
      }
    }
    const double inv = 1.0 / weight_sum;
    loss *= inv;
    for (double& g : grad) g *= inv;
    double reg = 0;
    for (std::size_t i = 0; i < k * d; ++i) {
      reg += w[i] * w[i];
      gw[i] += lambda * w[i];
    }
    return loss + 0.5 * lambda * reg;
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const std::vector<double>& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::fabs(v));
  return m;
}

}  // namespace

void minimise_lbfgs(const Objective& f, std::vector<double>& theta, int max_iterations, double tolerance) {
  constexpr std::size_t kMemory = 10;
  constexpr double kArmijo = 1e-4;
  const std::size_t n = theta.size();
  std::vector<double> g(n), g_new(n), dir(n), theta_new(n);
  double fx = f(theta, g);
  std::deque<std::vector<double>> s_hist, y_hist;
  std::deque<double> rho_hist;
  std::vector<double> alpha(kMemory);
  for (int it = 0; it < max_iterations && max_abs(g) > tolerance; ++it) {
    // Two-loop recursion: dir = -H g.
    dir = g;
    for (std::size_t j = s_hist.size(); j-- > 0;) {
      alpha[j] = rho_hist[j] * dot(s_hist[j], dir);
      for (std::size_t i = 0; i < n; ++i) dir[i] -= alpha[j] * y_hist[j][i];
    }
    const double gamma =
        s_hist.empty() ? 1.0 / std::max(1.0, std::sqrt(dot(g, g))) : dot(s_hist.back(), y_hist.back()) / dot(y_hist.back(), y_hist.back());
    for (double& v : dir) v *= gamma;
    for (std::size_t j = 0; j < s_hist.size(); ++j) {
      const double beta = rho_hist[j] * dot(y_hist[j], dir);
      for (std::size_t i = 0; i < n; ++i) dir[i] += s_hist[j][i] * (alpha[j] - beta);
    }
    for (double& v : dir) v = -v;
    double slope = dot(g, dir);
    if (slope >= 0) {  // not a descent direction (numerical trouble): restart with steepest descent
      s_hist.clear(), y_hist.clear(), rho_hist.clear();
      for (std::size_t i = 0; i < n; ++i) dir[i] = -g[i];
      slope = -dot(g, g);
    }
    // Backtracking line search (Armijo condition), step 1 first.
    double step = 1.0, f_new = 0;
    bool accepted = false;
    for (int ls = 0; ls < 40; ++ls, step *= 0.5) {
      for (std::size_t i = 0; i < n; ++i) theta_new[i] = theta[i] + step * dir[i];
      f_new = f(theta_new, g_new);
      if (f_new <= fx + kArmijo * step * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no decrease possible at double precision: converged as far as it goes
    std::vector<double> s(n), yv(n);
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = theta_new[i] - theta[i];
      yv[i] = g_new[i] - g[i];
    }
    const double sy = dot(s, yv);
    if (sy > 1e-12) {  // keep the curvature pair only when it is positive (the objective is convex)
      if (s_hist.size() == kMemory) s_hist.pop_front(), y_hist.pop_front(), rho_hist.pop_front();
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(yv));
      rho_hist.push_back(1.0 / sy);
    }
    const double decrease = fx - f_new;
    theta.swap(theta_new);
    g.swap(g_new);
    fx = f_new;
    if (decrease <= 1e-15 * std::max(1.0, std::fabs(fx))) break;
  }
}

std::vector<double> fit_softmax_regression(std::span<const double* const> rows, std::size_t d,
                                           std::span<const std::size_t> y, std::span<const double> weight,
                                           std::size_t k, const SoftmaxFitOptions& options) {
  SENTIO_ASSERT(options.l2 >= 0 && options.max_iterations >= 0 && k >= 2);
  SENTIO_ASSERT(y.size() == rows.size() && (weight.empty() || weight.size() == rows.size()));
  for (std::size_t c : y) SENTIO_ASSERT(c < k);
  SoftmaxLoss loss{rows, y, {}, 0.0, k, d, options.l2};
  loss.sample_w = weight.empty() ? std::vector<double>(rows.size(), 1.0) : std::vector<double>(weight.begin(), weight.end());
  loss.weight_sum = std::accumulate(loss.sample_w.begin(), loss.sample_w.end(), 0.0);
  if (!(loss.weight_sum > 0)) throw InputError("softmax regression: no training rows with positive weight");
  std::vector<double> theta(k * (d + 1), 0.0);  // zero start: deterministic
  minimise_lbfgs(std::cref(loss), theta, options.max_iterations, options.tolerance);
  return theta;
}

}  // namespace sentio
