// SPDX-License-Identifier: Apache-2.0
// Circumplex coordinates of the emotion labels; the table and its source are in affect.hpp.
#include "sentio/core/affect.hpp"

#include <array>
#include <utility>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {
// The core labels, in Emotion order.
constexpr std::array<Affect, kEmotionCount> kCore = {{
    {0.00f, 0.00f},    // neutral
    {0.85f, 0.35f},    // happiness
    {-0.80f, -0.40f},  // sadness
    {-0.60f, 0.70f},   // anger
    {-0.45f, 0.80f},   // fear
    {-0.70f, 0.35f},   // disgust
    {0.20f, 0.85f},    // surprise
}};
// Extras of the label space with a point of their own (standard names of labels.hpp).
constexpr std::array<std::pair<std::string_view, Affect>, 2> kExtras = {{
    {"calm", {0.35f, -0.60f}},
    {"boredom", {-0.35f, -0.65f}},
}};
}  // namespace

Affect emotion_affect(Emotion e) {
  const auto i = static_cast<std::size_t>(e);
  SENTIO_ASSERT(i < kCore.size());
  return kCore[i];
}

std::optional<Affect> label_affect(std::string_view standard_name) {
  if (const std::optional<Emotion> e = emotion_from_name(standard_name)) return emotion_affect(*e);
  for (const auto& [name, affect] : kExtras)
    if (name == standard_name) return affect;
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
