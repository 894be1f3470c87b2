// SPDX-License-Identifier: Apache-2.0
// Multinomial logistic regression with L2, full-batch L-BFGS (Nocedal & Wright 2006, algorithm 7.4
// two-loop recursion, backtracking Armijo line search), double precision throughout.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <numeric>

#include "sentio/core/error.hpp"
#include "sentio/ser/linear_model.hpp"
#include "training_targets.hpp"

namespace sentio::ser {

namespace {

// Objective over the parameter vector theta = [W (K x D, row-major), b (K)]:
//   L = sum_i w_i * (-log softmax(W x_i + b)[y_i]) / sum_i w_i + lambda/2 * ||W||^2
struct Objective {
  const Dataset& data;
  const std::vector<std::size_t>& rows;
  std::vector<std::size_t> y;       // class per selected row
  std::vector<double> sample_w;     // per selected row
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
      const double* x = data.row(rows[r]);
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

// Minimises f from theta (in place) with L-BFGS, memory m.
void lbfgs(const Objective& f, std::vector<double>& theta, int max_iterations, double tolerance) {
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

}  // namespace

std::vector<double> LinearModel::logits(const double* row) const {
  const std::size_t k = labels.size(), h = hidden_units();
  std::vector<double> hidden_out;
  std::size_t d = n_features;
  if (h > 0) {
    hidden_out.resize(h);
    for (std::size_t u = 0; u < h; ++u) {
      double s = hidden_bias[u];
      const double* vu = hidden_weights.data() + u * n_features;
      for (std::size_t f = 0; f < n_features; ++f) s += vu[f] * row[f];
      hidden_out[u] = std::max(0.0, s);
    }
    row = hidden_out.data();
    d = h;
  }
  std::vector<double> z(k);
  for (std::size_t c = 0; c < k; ++c) {
    double s = bias[c];
    const double* wc = weights.data() + c * d;
    for (std::size_t f = 0; f < d; ++f) s += wc[f] * row[f];
    z[c] = s;
  }
  return z;
}

namespace detail {

TrainingTargets training_targets(const Dataset& data, const std::vector<std::size_t>& rows, bool balanced,
                                 LinearModel& model) {
  std::map<std::string, std::size_t> counts;
  for (std::size_t r : rows) {
    SENTIO_ASSERT(r < data.size());
    ++counts[data.labels[r]];
  }
  model.labels.clear();
  for (const auto& label : canonical_labels())
    if (counts.count(label)) model.labels.push_back(label);
  for (const auto& [label, count] : counts)  // labels outside the canonical list (not produced by the reader)
    if (std::find(model.labels.begin(), model.labels.end(), label) == model.labels.end()) model.labels.push_back(label);
  if (model.labels.size() < 2)
    throw InputError("training data has " + std::to_string(model.labels.size()) +
                     " class(es); a classifier needs at least 2");
  const std::size_t k = model.labels.size();
  TrainingTargets t;
  t.y.reserve(rows.size());
  t.weight.reserve(rows.size());
  for (std::size_t r : rows) {
    const auto it = std::find(model.labels.begin(), model.labels.end(), data.labels[r]);
    t.y.push_back(static_cast<std::size_t>(it - model.labels.begin()));
    // Balanced: n / (K n_c), so each class carries the same total weight.
    t.weight.push_back(balanced ? static_cast<double>(rows.size()) /
                                      (static_cast<double>(k) * static_cast<double>(counts[data.labels[r]]))
                                : 1.0);
  }
  t.weight_sum = std::accumulate(t.weight.begin(), t.weight.end(), 0.0);
  return t;
}

}  // namespace detail

LinearModel train_linear(const Dataset& data, const std::vector<std::size_t>& rows, const TrainOptions& options) {
  SENTIO_ASSERT(options.l2 >= 0 && options.max_iterations >= 0 && options.hidden >= 0);
  LinearModel model;
  model.n_features = data.n_features;
  model.options = options;
  model.n_train = rows.size();
  const detail::TrainingTargets targets = detail::training_targets(data, rows, options.balanced, model);
  if (options.hidden > 0) {
    detail::train_mlp(data, rows, targets, model);
    return model;
  }
  const std::size_t k = model.labels.size(), d = data.n_features;
  const Objective obj{data, rows, targets.y, targets.weight, targets.weight_sum, k, d, options.l2};
  std::vector<double> theta(k * (d + 1), 0.0);  // zero start: deterministic
  lbfgs(obj, theta, options.max_iterations, options.tolerance);
  model.weights.assign(theta.begin(), theta.begin() + static_cast<std::ptrdiff_t>(k * d));
  model.bias.assign(theta.begin() + static_cast<std::ptrdiff_t>(k * d), theta.end());
  return model;
}

}  // namespace sentio::ser
