// SPDX-License-Identifier: Apache-2.0
// Moments on a hand-made recording: one per speech segment (with the words said during it and the linked
// face), one per utterance no segment covers, one per silent window and visible person; fused calls,
// agreement, compounds; the persons' summaries.
#include <gtest/gtest.h>

#include "sentio/analysis/moments.hpp"
#include "sentio/analysis/persons.hpp"

namespace sentio::analysis {
namespace {

std::vector<float> one_hot(Emotion e, float p) {
  std::vector<float> v(kEmotionCount, (1.0f - p) / static_cast<float>(kEmotionCount - 1));
  v[static_cast<std::size_t>(e)] = p;
  return v;
}

CanonicalCall canonical(Emotion e, float p) {
  CanonicalCall c;
  c.probabilities = one_hot(e, p);
  c.label = std::string(emotion_name(e));
  return c;
}

SpeechSegment segment(double start, double end, const std::string& speaker, Emotion e) {
  SpeechSegment s;
  s.start = start;
  s.end = end;
  s.speaker = speaker;
  s.vad_confidence = 0.9f;
  s.canonical = canonical(e, 0.7f);
  return s;
}

FaceObservation observation(double t, Emotion e) {
  FaceObservation o;
  o.time = t;
  o.x0 = 100;
  o.y0 = 100;
  o.x1 = 200;
  o.y1 = 220;
  o.probabilities = one_hot(e, 0.8f);
  o.label = std::string(emotion_name(e));
  return o;
}

TextUtterance utterance(double start, double end, const std::string& text, Emotion e) {
  TextUtterance u;
  u.start = start;
  u.end = end;
  u.text = text;
  u.label = std::string(emotion_name(e));
  u.canonical = canonical(e, 0.75f);
  return u;
}

// S1 speaks (happy voice, happy face on track 1) from 0 to 3 s, S2 (angry voice, no face, angry words) from
// 3.5 to 5 s; nobody speaks from 6 to 8 s while track 1 looks sad; an untimed line of words at the end.
AnalysisResult recording() {
  AnalysisResult r;
  SpeechResult speech;
  speech.segments = {segment(0.0, 3.0, "S1", Emotion::happiness), segment(3.5, 5.0, "S2", Emotion::anger)};
  r.speech = speech;
  FacesResult faces;
  faces.sampled_fps = 5;
  FaceTrackResult t;
  t.id = 1;
  for (int k = 0; k <= 15; ++k) t.observations.push_back(observation(0.2 * k, Emotion::happiness));
  for (int k = 30; k < 40; ++k) t.observations.push_back(observation(0.2 * k, Emotion::sadness));
  faces.tracks = {t};
  for (int w = 0; w < 4; ++w) {
    GroupView g;
    g.start = 2.0 * w;
    g.end = g.start + 2.0;
    faces.group_windows.push_back(g);
  }
  r.faces = faces;
  TextResult text;
  text.utterances = {utterance(3.6, 4.9, "this is outrageous", Emotion::anger),
                     utterance(-1, -1, "and that was that", Emotion::neutral)};
  r.text = text;
  PersonLinks links;
  links.segment_track = {1, -1};
  links.segment_confidence = {0.9f, 0.0f};
  Person p1, p2;
  p1.id = "P1";
  p1.speaker = "S1";
  p1.face_tracks = {1};
  p1.link_confidence = 0.9f;
  p2.id = "P2";
  p2.speaker = "S2";
  links.persons = {p1, p2};
  apply_person_links(links, r);
  return r;
}

TEST(Compound, BothPartsStrongAndTopTwo) {
  EmotionProbs p{};
  p[static_cast<std::size_t>(Emotion::happiness)] = 0.45f;
  p[static_cast<std::size_t>(Emotion::surprise)] = 0.35f;
  p[static_cast<std::size_t>(Emotion::neutral)] = 0.2f;
  const auto c = compound_of(p);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->label, "happily surprised");
  EXPECT_EQ(c->components.first, "happiness");
  EXPECT_EQ(c->components.second, "surprise");
  EXPECT_NEAR(c->score, 0.4f, 1e-6);
  // The second part too weak: none.
  p[static_cast<std::size_t>(Emotion::surprise)] = 0.2f;
  p[static_cast<std::size_t>(Emotion::neutral)] = 0.35f;
  EXPECT_FALSE(compound_of(p));
  // Strong together but not a compound class (happiness + anger): none.
  EmotionProbs q{};
  q[static_cast<std::size_t>(Emotion::happiness)] = 0.5f;
  q[static_cast<std::size_t>(Emotion::anger)] = 0.5f;
  EXPECT_FALSE(compound_of(q));
  EmotionProbs r{};
  r[static_cast<std::size_t>(Emotion::sadness)] = 0.4f;
  r[static_cast<std::size_t>(Emotion::anger)] = 0.4f;
  r[static_cast<std::size_t>(Emotion::fear)] = 0.2f;
  ASSERT_TRUE(compound_of(r));
  EXPECT_EQ(compound_of(r)->label, "sadly angry");
}

TEST(Moments, SegmentsUncoveredWordsAndSilentFaceWindows) {
  AnalysisResult r = recording();
  build_moments(r, FusionModel{});
  ASSERT_EQ(r.moments.size(), 4u);
  // 1: S1's segment: voice and the linked face, both happy.
  const Moment& a = r.moments[0];
  EXPECT_EQ(a.person, "P1");
  EXPECT_EQ(a.segment, 0);
  ASSERT_TRUE(a.voice && a.face);
  EXPECT_FALSE(a.words);
  EXPECT_EQ(a.fused.label, "happiness");
  EXPECT_TRUE(a.agreement);
  EXPECT_FALSE(a.explanation.empty());
  // 2: S2's segment: angry voice and angry words, no face (S2 has none).
  const Moment& b = r.moments[1];
  EXPECT_EQ(b.person, "P2");
  ASSERT_TRUE(b.voice && b.words);
  EXPECT_FALSE(b.face);
  EXPECT_EQ(b.fused.label, "anger");
  EXPECT_EQ(b.utterances, std::vector<int>{0});
  // 3: the silent window 6-8 s: the face alone, sad; its fused call is the face's.
  const Moment& c = r.moments[2];
  EXPECT_DOUBLE_EQ(c.start, 6.0);
  EXPECT_EQ(c.person, "P1");
  ASSERT_TRUE(c.face);
  EXPECT_FALSE(c.voice || c.words);
  EXPECT_EQ(c.fused.label, c.face->label);
  EXPECT_EQ(c.fused.label, "sadness");
  // 4: the untimed words last.
  const Moment& d = r.moments[3];
  EXPECT_LT(d.start, 0);
  ASSERT_TRUE(d.words);
  EXPECT_EQ(d.fused.label, "neutral");
  // Summaries.
  ASSERT_EQ(r.persons.size(), 2u);
  EXPECT_DOUBLE_EQ(r.persons[0].speaking_s, 3.0);
  EXPECT_DOUBLE_EQ(r.persons[1].speaking_s, 1.5);
  EXPECT_EQ(r.persons[0].mean_probabilities.size(), kEmotionCount);
  int p1_moments = 0;
  for (const auto& [label, n] : r.persons[0].label_counts) p1_moments += n;
  EXPECT_EQ(p1_moments, 2);
}

TEST(Moments, DisagreementNamesTheOddModality) {
  AnalysisResult r = recording();
  // S2's words become happy: voice angry, words happy -> one of them disagrees with the fused call.
  r.text->utterances[0].canonical = canonical(Emotion::happiness, 0.75f);
  FusionModel model;
  model.reliability = {3.0, 1.0, 1.0};  // the voice weighs most
  build_moments(r, model);
  const Moment& b = r.moments[1];
  EXPECT_EQ(b.fused.label, "anger");
  EXPECT_FALSE(b.agreement);
  EXPECT_EQ(b.disagreeing, std::vector<std::string>{"words"});
}

TEST(Moments, AnUncertainVoiceAloneMakesNoCall) {
  AnalysisResult r = recording();
  r.speech->segments[0].uncertain = true;  // S1: the face is there too, so the moment still has a call
  r.speech->segments[1].uncertain = true;  // S2: voice and words
  r.text->utterances.clear();              // now S2's voice is alone
  r.text->utterances.push_back(utterance(-1, -1, "and that was that", Emotion::neutral));
  build_moments(r, FusionModel{});
  ASSERT_GE(r.moments.size(), 2u);
  EXPECT_FALSE(r.moments[0].uncertain);
  const Moment& b = r.moments[1];
  EXPECT_EQ(b.person, "P2");
  EXPECT_TRUE(b.uncertain);
  EXPECT_NE(b.explanation.find("too unclear"), std::string::npos) << b.explanation;
  // P2's summary leaves the moment out: no call, but the time spoken still counts.
  EXPECT_EQ(r.persons[1].uncertain_moments, 1);
  EXPECT_TRUE(r.persons[1].label_counts.empty());
  EXPECT_TRUE(r.persons[1].mean_probabilities.empty());
  EXPECT_DOUBLE_EQ(r.persons[1].speaking_s, 1.5);
}

TEST(Moments, NothingPresentGivesNoMoments) {
  AnalysisResult r;
  build_moments(r, FusionModel{});
  EXPECT_TRUE(r.moments.empty());
  r.speech = SpeechResult{};
  r.speech->status = "no_speech";
  build_moments(r, FusionModel{});
  EXPECT_TRUE(r.moments.empty());
}

}  // namespace
}  // namespace sentio::analysis
