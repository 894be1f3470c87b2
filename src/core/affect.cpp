// SPDX-License-Identifier: Apache-2.0
// Circumplex coordinates of the emotion labels; the table and its source are in affect.hpp.
#include "sentio/core/affect.hpp"

#include <array>
#include <utility>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {
constexpr std::array<std::pair<std::string_view, Affect>, 9> kTable = {{
    {"neutral", {0.00f, 0.00f}},
    {"happiness", {0.85f, 0.35f}},
    {"sadness", {-0.80f, -0.40f}},
    {"anger", {-0.60f, 0.70f}},
    {"fear", {-0.45f, 0.80f}},
    {"disgust", {-0.70f, 0.35f}},
    {"surprise", {0.20f, 0.85f}},
    {"calm", {0.35f, -0.60f}},
    {"boredom", {-0.35f, -0.65f}},
}};
}  // namespace

std::optional<Affect> label_affect(std::string_view canonical_label) {
  for (const auto& [name, affect] : kTable)
    if (name == canonical_label) return affect;
  return std::nullopt;
}

Affect mean_affect(std::span<const std::string> labels, std::span<const float> probabilities) {
  SENTIO_ASSERT(labels.size() == probabilities.size());
  Affect a;
  float total = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::optional<Affect> point = label_affect(labels[i]);
    if (!point) continue;
    a.valence += probabilities[i] * point->valence;
    a.arousal += probabilities[i] * point->arousal;
    total += probabilities[i];
  }
  if (total <= 0) return {};
  a.valence /= total;
  a.arousal /= total;
  return a;
}

}  // namespace sentio
