// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private: scoring of precomputed probabilities (evaluation.cpp), shared by evaluate() and the dev-set
// tuning inside TextModel::train.
#include <string>
#include <vector>

#include "sentio/text/text_model.hpp"

namespace sentio::text::detail {

// `probs[i]` are the model's probabilities for data.items[i] (model label order).
TextEvalResult score_probabilities(const std::vector<std::string>& model_labels, bool model_multi,
                                   const std::vector<float>& thresholds,
                                   const std::vector<std::vector<float>>& probs, const Corpus& data);

}  // namespace sentio::text::detail
