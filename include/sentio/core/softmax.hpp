// SPDX-License-Identifier: Apache-2.0
#pragma once
// Softmax of a row of logits, computed stably (the maximum is subtracted before exponentiating).
#include <span>
#include <vector>

namespace sentio {

// log softmax(logits / temperature) of one row; logits non-empty, temperature > 0.
std::vector<double> log_softmax(std::span<const float> logits, double temperature = 1.0);

// softmax(logits / temperature) of one row, as floats summing to 1.
std::vector<float> softmax(std::span<const float> logits, double temperature = 1.0);

}  // namespace sentio
