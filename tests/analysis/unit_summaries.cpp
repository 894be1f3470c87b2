// SPDX-License-Identifier: Apache-2.0
// Timeline merging, per-speaker summaries and segment decisions against hand-computed values.
#include <gtest/gtest.h>

#include "sentio/analysis/summaries.hpp"

namespace sentio::analysis {
namespace {

const std::vector<std::string> kLabels = {"neutral", "happiness", "anger"};

SpeechSegment seg(double start, double end, const std::string& speaker, std::vector<float> probs) {
  SpeechSegment s;
  s.start = start;
  s.end = end;
  s.speaker = speaker;
  s.probabilities = std::move(probs);
  decide_segment(s, kLabels);
  return s;
}

TEST(DecideSegment, TopLabelConfidenceAndCircumplexCoordinates) {
  const SpeechSegment s = seg(0, 1, "S1", {0.5f, 0.5f, 0.0f});
  // Ties go to the first class; valence/arousal = 0.5 * neutral (0, 0) + 0.5 * happiness (0.85, 0.35).
  EXPECT_EQ(s.label, "neutral");
  EXPECT_FLOAT_EQ(s.confidence, 0.5f);
  EXPECT_NEAR(s.valence, 0.425f, 1e-6);
  EXPECT_NEAR(s.arousal, 0.175f, 1e-6);
  const SpeechSegment a = seg(0, 1, "S1", {0.1f, 0.2f, 0.7f});
  EXPECT_EQ(a.label, "anger");
  EXPECT_NEAR(a.valence, 0.2f * 0.85f + 0.7f * -0.60f, 1e-6);
  EXPECT_NEAR(a.arousal, 0.2f * 0.35f + 0.7f * 0.70f, 1e-6);
}

TEST(Timeline, MergesEachSpeakersConsecutiveSameLabelSegmentsAcrossOtherTurns) {
  const std::vector<SpeechSegment> segments = {
      seg(0.0, 2.0, "S1", {0.1f, 0.1f, 0.8f}),   // 0 S1 anger
      seg(2.5, 3.5, "S2", {0.9f, 0.05f, 0.05f}),  // 1 S2 neutral
      seg(4.0, 5.0, "S1", {0.2f, 0.2f, 0.6f}),   // 2 S1 anger (merges with 0 across S2's turn)
      seg(5.5, 6.0, "S2", {0.1f, 0.8f, 0.1f}),   // 3 S2 happiness
      seg(6.5, 7.5, "S1", {0.7f, 0.2f, 0.1f}),   // 4 S1 neutral
  };
  const std::vector<TimelineEntry> t = build_timeline(segments);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].speaker, "S1");
  EXPECT_EQ(t[0].label, "anger");
  EXPECT_DOUBLE_EQ(t[0].start, 0.0);
  EXPECT_DOUBLE_EQ(t[0].end, 5.0);
  EXPECT_EQ(t[0].first_segment, 0u);
  EXPECT_EQ(t[0].last_segment, 2u);
  // Duration-weighted over the speaker's own segments: (2 * 0.8 + 1 * 0.6) / 3.
  EXPECT_NEAR(t[0].mean_confidence, (2 * 0.8f + 0.6f) / 3, 1e-6);
  EXPECT_EQ(t[1].speaker, "S2");
  EXPECT_EQ(t[1].label, "neutral");
  EXPECT_EQ(t[2].label, "happiness");
  EXPECT_EQ(t[3].label, "neutral");
  EXPECT_DOUBLE_EQ(t[3].start, 6.5);
  EXPECT_TRUE(build_timeline({}).empty());
}

TEST(Uncertain, LeftOutOfTheTimelineAndCountedApartInSummaries) {
  std::vector<SpeechSegment> segments = {
      seg(0.0, 2.0, "S1", {0.1f, 0.1f, 0.8f}),  // anger
      seg(2.0, 3.0, "S1", {0.3f, 0.3f, 0.4f}),  // uncertain
      seg(3.0, 4.0, "S1", {0.1f, 0.1f, 0.8f}),  // anger again: a new entry, not one across the doubt
  };
  segments[1].uncertain = true;
  const std::vector<TimelineEntry> t = build_timeline(segments);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].last_segment, 0u);
  EXPECT_EQ(t[1].first_segment, 2u);
  const std::vector<SpeakerSummary> s = summarise_speakers(segments, kLabels);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].n_segments, 3u);
  EXPECT_EQ(s[0].n_uncertain, 1u);
  EXPECT_DOUBLE_EQ(s[0].uncertain_s, 1.0);
  EXPECT_DOUBLE_EQ(s[0].label_seconds[2], 3.0);
  EXPECT_NEAR(s[0].mean_probabilities[2], 0.8f, 1e-6);  // over the certain segments only
  EXPECT_EQ(s[0].dominant_label, "anger");
  segments = {segments[1]};
  EXPECT_TRUE(build_timeline(segments).empty());
  EXPECT_EQ(summarise_speakers(segments, kLabels)[0].dominant_label, "");  // no call at all
}

TEST(SpeakerSummary, DurationWeightedMeansAndLabelTime) {
  const std::vector<SpeechSegment> segments = {
      seg(0.0, 3.0, "S2", {0.0f, 1.0f, 0.0f}),
      seg(3.0, 4.0, "S1", {1.0f, 0.0f, 0.0f}),
      seg(4.0, 5.0, "S2", {0.0f, 0.0f, 1.0f}),
  };
  const std::vector<SpeakerSummary> s = summarise_speakers(segments, kLabels);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].speaker, "S2");  // first appearance
  EXPECT_EQ(s[0].n_segments, 2u);
  EXPECT_DOUBLE_EQ(s[0].speech_s, 4.0);
  EXPECT_NEAR(s[0].mean_probabilities[1], 0.75f, 1e-6);
  EXPECT_NEAR(s[0].mean_probabilities[2], 0.25f, 1e-6);
  EXPECT_EQ(s[0].dominant_label, "happiness");
  EXPECT_DOUBLE_EQ(s[0].label_seconds[1], 3.0);
  EXPECT_DOUBLE_EQ(s[0].label_seconds[2], 1.0);
  EXPECT_NEAR(s[0].mean_valence, 0.75f * 0.85f + 0.25f * -0.60f, 1e-6);
  EXPECT_EQ(s[1].dominant_label, "neutral");
  EXPECT_FLOAT_EQ(s[1].mean_arousal, 0.0f);
}

}  // namespace
}  // namespace sentio::analysis
