// SPDX-License-Identifier: Apache-2.0
// The speech classifiers' logits and the softmax regression's training (sentio/core/softmax_regression.hpp).
#include <algorithm>
#include <map>
#include <numeric>

#include "sentio/core/error.hpp"
#include "sentio/core/softmax_regression.hpp"
#include "sentio/ser/linear_model.hpp"
#include "training_targets.hpp"

namespace sentio::ser {

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
  std::vector<const double*> x;
  x.reserve(rows.size());
  for (std::size_t r : rows) x.push_back(data.row(r));
  const std::vector<double> theta = fit_softmax_regression(x, d, targets.y, targets.weight, k,
                                                           {options.l2, options.max_iterations, options.tolerance});
  model.weights.assign(theta.begin(), theta.begin() + static_cast<std::ptrdiff_t>(k * d));
  model.bias.assign(theta.begin() + static_cast<std::ptrdiff_t>(k * d), theta.end());
  return model;
}

}  // namespace sentio::ser
