// SPDX-License-Identifier: Apache-2.0
// Explanations: one speaker's eight segments at their usual level and pitch, one of them 10 dB louder and
// 4 semitones higher; that one gets loudness and pitch cues and an explanation saying so, the others none.
// The baselines' spread; words' cues; an explanation without cues.
#include <gtest/gtest.h>

#include <cmath>

#include "sentio/analysis/explain.hpp"
#include "sentio/analysis/moments.hpp"

namespace sentio::analysis {
namespace {

AnalysisResult one_speaker(std::size_t changed) {
  // Usual values wobble a little, as a real speaker's do.
  const double level[] = {62.1, 61.2, 63.0, 62.5, 61.6, 62.8, 61.9, 62.4};
  const double pitch[] = {20.3, 20.9, 19.8, 20.5, 20.1, 20.7, 20.0, 20.6};
  AnalysisResult r;
  SpeechResult speech;
  for (std::size_t i = 0; i < 8; ++i) {
    SpeechSegment s;
    s.start = 4.0 * static_cast<double>(i);
    s.end = s.start + 3.0;
    s.speaker = "S1";
    s.person = "P1";
    s.vad_confidence = 0.9f;
    s.canonical.label = "neutral";
    s.canonical.probabilities.assign(kEmotionCount, 0.05f);
    s.canonical.probabilities[0] = 0.7f;
    s.measures.level_db = static_cast<float>(level[i] + (i == changed ? 10.0 : 0.0));
    s.measures.pitch_st = static_cast<float>(pitch[i] + (i == changed ? 4.0 : 0.0));
    s.measures.speech_rate = 4.0f;
    speech.segments.push_back(s);
  }
  r.speech = speech;
  Person p;
  p.id = "P1";
  p.speaker = "S1";
  r.persons = {p};
  return r;
}

const Cue* find_cue(const Moment& m, const std::string& name) {
  for (const Cue& c : m.cues)
    if (c.name == name) return &c;
  return nullptr;
}

TEST(Explain, LouderAndHigherVoiceIsFlaggedAndSaid) {
  AnalysisResult r = one_speaker(5);
  build_moments(r, FusionModel{});
  ASSERT_EQ(r.moments.size(), 8u);
  for (std::size_t i = 0; i < r.moments.size(); ++i) {
    const Moment& m = r.moments[i];
    const Cue* loud = find_cue(m, "loudness");
    const Cue* pitch = find_cue(m, "pitch");
    if (i == 5) {
      ASSERT_NE(loud, nullptr);
      ASSERT_NE(pitch, nullptr);
      EXPECT_GE(loud->z, kCueMinZ);
      EXPECT_GE(pitch->z, kCueMinZ);
      EXPECT_EQ(loud->direction, "higher");
      EXPECT_NEAR(loud->value - loud->baseline, 10.0, 1.0);
      EXPECT_NEAR(pitch->value - pitch->baseline, 4.0, 0.5);
      EXPECT_NE(m.explanation.find("louder (+"), std::string::npos) << m.explanation;
      EXPECT_NE(m.explanation.find("higher (+"), std::string::npos) << m.explanation;
      EXPECT_EQ(m.explanation.rfind("P1 sounds ", 0), 0u) << m.explanation;
    } else {
      EXPECT_EQ(loud, nullptr) << "moment " << i << ": " << m.explanation;
      EXPECT_EQ(pitch, nullptr) << "moment " << i << ": " << m.explanation;
      EXPECT_EQ(m.explanation.find("than usual"), std::string::npos) << m.explanation;
    }
    EXPECT_EQ(find_cue(m, "speech_rate"), nullptr);  // constant: never a cue
  }
}

TEST(Explain, BaselineSpreadIsThePredictionSpread) {
  PersonBaselines b;
  for (double v : {1.0, 2.0, 3.0}) b.add("P1", {{"voice.pitch", v}});
  double mean = 0, spread = 0;
  ASSERT_TRUE(b.get("P1", "voice.pitch", mean, spread));
  EXPECT_DOUBLE_EQ(mean, 2.0);
  EXPECT_NEAR(spread, std::sqrt(1.0 * (1.0 + 1.0 / 3.0)), 1e-12);  // sample sd 1, n = 3
  b.remove("P1", {{"voice.pitch", 3.0}});
  b.remove("P1", {{"voice.pitch", 2.0}});
  EXPECT_FALSE(b.get("P1", "voice.pitch", mean, spread));  // one value: no spread
  EXPECT_FALSE(b.get("P2", "voice.pitch", mean, spread));
}

TEST(Explain, NoCuesGivesTheCallAlone) {
  Moment m;
  m.fused.label = "sadness";
  ModalityCall voice;
  voice.label = "sadness";
  m.voice = voice;
  EXPECT_EQ(explain_moment(m, "Mark"), "Mark sounds sad.");
  EXPECT_EQ(explain_moment(m, "Mark", "I lost it"), "Mark sounds sad: they say \"I lost it\".");
}

}  // namespace
}  // namespace sentio::analysis
