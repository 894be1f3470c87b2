// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sentio/core/error.hpp"

namespace sentio {

std::vector<double> log_softmax(std::span<const float> logits, double temperature) {
  SENTIO_ASSERT(!logits.empty() && temperature > 0);
  std::vector<double> out(logits.size());
  double mx = -std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < logits.size(); ++c) mx = std::max(mx, logits[c] / temperature);
  double s = 0;
  for (std::size_t c = 0; c < logits.size(); ++c) s += std::exp(logits[c] / temperature - mx);
  const double lse = mx + std::log(s);
  for (std::size_t c = 0; c < logits.size(); ++c) out[c] = logits[c] / temperature - lse;
  return out;
}

std::vector<float> softmax(std::span<const float> logits, double temperature) {
  const std::vector<double> l = log_softmax(logits, temperature);
  std::vector<float> p(l.size());
  for (std::size_t c = 0; c < l.size(); ++c) p[c] = static_cast<float>(std::exp(l[c]));
  return p;
}

}  // namespace sentio
