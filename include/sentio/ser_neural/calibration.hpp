// SPDX-License-Identifier: Apache-2.0
#pragma once
// Calibrated ensemble of two classifiers (docs/SER.md):
//   s_c = w * log_softmax(z_lin / T_lin)_c + (1 - w) * log_softmax(z_neu / T_neu)_c,
//   p = softmax(s / T_out).
// T_out is 1 unless the model was calibrated on held-out corpora (`sentio train ser --calibration`).
// T_lin and T_neu (temperature scaling, Guo et al. 2017) minimise the negative log-likelihood of the
// held-out-speaker predictions of each component; w is chosen on the same held-out speakers (highest
// UA, ties to the lowest NLL). Logit matrices are n x k, row-major.
#include <cstddef>
#include <span>
#include <vector>

#include "sentio/core/softmax.hpp"

namespace sentio::ser {

using sentio::log_softmax;
// Mean negative log-likelihood of `truth` (class indices) under softmax(logits / temperature).
double mean_nll(std::span<const float> logits, std::size_t k, std::span<const std::size_t> truth, double temperature);
// Temperature in [0.05, 20] minimising mean_nll: a log-spaced grid of 121 values, then golden-section
// refinement around the best (deterministic).
double fit_temperature(std::span<const float> logits, std::size_t k, std::span<const std::size_t> truth);
// Probabilities of one utterance from the two components.
std::vector<float> combine(std::span<const float> linear_logits, double linear_temperature,
                           std::span<const float> neural_logits, double neural_temperature, double linear_weight,
                           double output_temperature = 1.0);
// Unweighted average recall of argmax decisions over the classes present in truth.
double unweighted_recall(std::span<const float> scores, std::size_t k, std::span<const std::size_t> truth);

struct EnsembleWeight {
  double linear_weight = 0.5;
  double ua = 0, nll = 0;  // of the chosen weight on the held-out data
};
// Best w on the grid 0, 0.05, ..., 1.
EnsembleWeight choose_weight(std::span<const float> linear_logits, double linear_temperature,
                             std::span<const float> neural_logits, double neural_temperature, std::size_t k,
                             std::span<const std::size_t> truth);

}  // namespace sentio::ser
