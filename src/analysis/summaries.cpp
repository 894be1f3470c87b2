// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/summaries.hpp"

#include <algorithm>
#include <map>

#include "sentio/core/affect.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/labels.hpp"

namespace sentio::analysis {

Decision decide(const std::vector<std::string>& labels, const std::vector<float>& probabilities) {
  SENTIO_ASSERT(probabilities.size() == labels.size() && !labels.empty());
  const auto best = std::max_element(probabilities.begin(), probabilities.end());
  const Affect affect = mean_affect(labels, probabilities);
  return {labels[static_cast<std::size_t>(best - probabilities.begin())], *best, affect.valence, affect.arousal};
}

void decide_segment(SpeechSegment& segment, const std::vector<std::string>& labels) {
  const Decision d = decide(labels, segment.probabilities);
  segment.label = d.label;
  segment.confidence = d.confidence;
  segment.valence = d.valence;
  segment.arousal = d.arousal;
  segment.canonical = canonical_call(labels, segment.probabilities);
}

CanonicalCall canonical_call(const std::vector<std::string>& labels, const std::vector<float>& probabilities) {
  CanonicalCall c;
  const CanonicalMap map(labels);
  if (!map.maps_any()) return c;
  const EmotionProbs p = map.canonical(probabilities);
  c.probabilities.assign(p.begin(), p.end());
  const auto top = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
  if (p[top] > 0) c.label = std::string(kEmotionNames[top]);
  return c;
}

std::vector<TimelineEntry> build_timeline(const std::vector<SpeechSegment>& segments) {
  std::vector<TimelineEntry> entries;
  std::map<std::string, std::size_t> open;  // speaker -> index of the speaker's latest entry
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const SpeechSegment& s = segments[i];
    if (s.uncertain) {  // no emotion call: no entry, and the speaker's entry does not run across it
      open.erase(s.speaker);
      continue;
    }
    auto it = open.find(s.speaker);
    if (it != open.end() && entries[it->second].label == s.label) {
      TimelineEntry& e = entries[it->second];
      e.end = std::max(e.end, s.end);
      e.last_segment = i;
      continue;
    }
    TimelineEntry e;
    e.start = s.start;
    e.end = s.end;
    e.speaker = s.speaker;
    e.label = s.label;
    e.first_segment = e.last_segment = i;
    open[s.speaker] = entries.size();
    entries.push_back(std::move(e));
  }
  // Duration-weighted confidence over each entry's own segments.
  for (TimelineEntry& e : entries) {
    double weight = 0, sum = 0;
    for (std::size_t i = e.first_segment; i <= e.last_segment; ++i) {
      if (segments[i].speaker != e.speaker) continue;
      const double d = segments[i].end - segments[i].start;
      weight += d;
      sum += d * segments[i].confidence;
    }
    e.mean_confidence = weight > 0 ? static_cast<float>(sum / weight) : 0.0f;
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.start < b.start; });
  return entries;
}

std::vector<SpeakerSummary> summarise_speakers(const std::vector<SpeechSegment>& segments,
                                               const std::vector<std::string>& labels) {
  std::vector<SpeakerSummary> out;
  std::map<std::string, std::size_t> index;
  for (const SpeechSegment& s : segments) {
    auto [it, inserted] = index.try_emplace(s.speaker, out.size());
    if (inserted) {
      SpeakerSummary summary;
      summary.speaker = s.speaker;
      summary.mean_probabilities.assign(labels.size(), 0.0f);
      summary.label_seconds.assign(labels.size(), 0.0);
      out.push_back(std::move(summary));
    }
    SpeakerSummary& summary = out[it->second];
    const double d = s.end - s.start;
    ++summary.n_segments;
    summary.speech_s += d;
    if (s.uncertain) {
      ++summary.n_uncertain;
      summary.uncertain_s += d;
      continue;
    }
    for (std::size_t k = 0; k < labels.size(); ++k) {
      summary.mean_probabilities[k] += static_cast<float>(d) * s.probabilities[k];
      if (labels[k] == s.label) summary.label_seconds[k] += d;
    }
  }
  for (SpeakerSummary& summary : out) {
    const double certain_s = summary.speech_s - summary.uncertain_s;
    if (summary.n_uncertain == summary.n_segments) continue;  // no call: dominant_label stays ""
    if (certain_s > 0)
      for (float& p : summary.mean_probabilities) p /= static_cast<float>(certain_s);
    // The mean of the per-segment coordinates equals the coordinates of the mean probabilities,
    // since both are linear in the probabilities.
    const Decision d = decide(labels, summary.mean_probabilities);
    summary.dominant_label = d.label;
    summary.mean_valence = d.valence;
    summary.mean_arousal = d.arousal;
  }
  return out;
}

}  // namespace sentio::analysis
