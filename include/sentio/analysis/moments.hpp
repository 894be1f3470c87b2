// SPDX-License-Identifier: Apache-2.0
#pragma once
// Moments: one judgement per person and time. One moment per speech segment (with the words said during
// it and the linked face's expression), one per utterance that no segment covers (words only), and one per
// window of `window_s` seconds and visible person where faces are seen and nobody speaks. Each moment's
// modalities are fused (fusion.hpp), checked for agreement, given a compound label when two basic emotions
// are strong together, and explained (explain.hpp).
#include <optional>
#include <string>
#include <vector>

#include "sentio/analysis/fusion.hpp"
#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

// Compound emotions (C-EXPR-DB / ABAW): a compound's score is 0.5 p(a) + 0.5 p(b) of the fused
// probabilities of its two basic emotions; it is reported when both are among the two most probable core
// labels and each has at least kCompoundMinShare probability. The seven classes: fearfully, happily, sadly,
// disgustedly and angrily surprised; sadly fearful; sadly angry.
inline constexpr float kCompoundMinShare = 0.25f;
std::optional<Compound> compound_of(const EmotionProbs& fused);

struct MomentOptions {
  double window_s = 2.0;  // windows of faces without speech
};

// The moments of a finished recording whose persons are linked (persons.hpp), in time order, fused with
// `model`; fills the persons' summaries. Moments with no modality are not made.
void build_moments(AnalysisResult& result, const FusionModel& model, const MomentOptions& options = {});

}  // namespace sentio::analysis
