// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the two SER classifiers (softmax regression, MLP) share in training: the class list and each
// training row's class and weight.
#include <cstddef>
#include <vector>

#include "sentio/ser/linear_model.hpp"

namespace sentio::ser::detail {

struct TrainingTargets {
  std::vector<std::size_t> y;    // class index per training row (into model.labels)
  std::vector<double> weight;    // per training row: n / (K n_c) when balanced, else 1
  double weight_sum = 0;
};

// Sets model.labels (the labels present in `rows`, canonical order first) and returns each row's class
// and weight. InputError for fewer than two classes.
TrainingTargets training_targets(const Dataset& data, const std::vector<std::size_t>& rows, bool balanced,
                                 LinearModel& model);

// Trains the one-hidden-layer perceptron of model.options (hidden > 0) into model's weights.
void train_mlp(const Dataset& data, const std::vector<std::size_t>& rows, const TrainingTargets& targets,
               LinearModel& model);

}  // namespace sentio::ser::detail
