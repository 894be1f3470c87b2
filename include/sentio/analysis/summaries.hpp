// SPDX-License-Identifier: Apache-2.0
#pragma once
// Recording-level views of the per-segment calls: the emotion timeline and the per-speaker summary.
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

// The call of a probability vector: most probable label (ties: the first), its probability, and the
// probability-weighted circumplex coordinates (sentio/core/affect.hpp).
struct Decision {
  std::string label;
  float confidence = 0;
  float valence = 0, arousal = 0;
};
Decision decide(const std::vector<std::string>& labels, const std::vector<float>& probabilities);

// Fills label/confidence/valence/arousal of a segment from its probabilities (labels: class order), and
// its call in the core labels.
void decide_segment(SpeechSegment& segment, const std::vector<std::string>& labels);

// The call of `probabilities` over `labels` in the seven core labels.
CanonicalCall canonical_call(const std::vector<std::string>& labels, const std::vector<float>& probabilities);

// Timeline: for each speaker, consecutive segments (in that speaker's own sequence, ignoring the
// other speakers' turns in between) with the same top label are merged into one entry spanning them.
// Entries are sorted by start time. `segments` must be in time order.
std::vector<TimelineEntry> build_timeline(const std::vector<SpeechSegment>& segments);

// One summary per speaker, in order of first appearance; averages are weighted by segment duration.
std::vector<SpeakerSummary> summarise_speakers(const std::vector<SpeechSegment>& segments,
                                               const std::vector<std::string>& labels);

}  // namespace sentio::analysis
