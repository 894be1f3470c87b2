// SPDX-License-Identifier: Apache-2.0
// Persons on hand-made recordings: which face track is the voice of each speech segment (mouth movement
// against the voice's energy, relative to each face's resting movement and to the other faces), speakers
// linked to faces one to one, off-screen voices left without a face, names from the transcript.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <tuple>
#include <vector>

#include "sentio/analysis/persons.hpp"
#include "sentio/analysis/visual_turns.hpp"

namespace sentio::analysis {
namespace {

constexpr double kFps = 5.0;       // analysed frames per second, as `sentio analyze` by default
constexpr double kSyllable = 0.6;  // s: the period of the voice's loud-quiet alternation

// The voice during [start, end): loud (-20 dB) in the first half of every syllable period, quiet (-45 dB) in
// the second, as 20-ms frames.
std::vector<float> voice_energy(double start, double end) {
  std::vector<float> e;
  for (double t = start; t < end; t += 0.02) e.push_back(std::fmod(t, kSyllable) < kSyllable / 2 ? -20.0f : -45.0f);
  return e;
}

SpeechSegment segment(double start, double end, const std::string& speaker) {
  SpeechSegment s;
  s.start = start;
  s.end = end;
  s.speaker = speaker;
  s.energy_db = voice_energy(start, end);
  return s;
}

// How a face's mouth moves at time t (mouth_opening, ratio to the eye distance).
enum class Mouth {
  still,      // at rest: a little landmark noise
  talking,    // opens with the voice's loud half-periods
  mouthing,   // moves a lot, at its own pace, not with the voice
};

// What a face does over [start, end); the first act that covers a time wins.
struct Act {
  double start, end;
  Mouth mouth;
};

float opening(const std::vector<Act>& acts, double t, int frame) {
  const float noise = 0.002f * static_cast<float>((frame * 7919) % 5 - 2);  // deterministic, +-0.004
  for (const Act& a : acts) {
    if (t < a.start || t >= a.end) continue;
    if (a.mouth == Mouth::talking) return (std::fmod(t, kSyllable) < kSyllable / 2 ? 0.12f : 0.03f) + noise;
    if (a.mouth == Mouth::mouthing) return 0.07f + 0.06f * static_cast<float>(std::sin(2 * std::numbers::pi * t / 0.45)) + noise;
  }
  return 0.02f + noise;
}

FaceTrackResult track(int id, double duration, const std::vector<Act>& acts) {
  FaceTrackResult t;
  t.id = id;
  int frame = 0;
  for (double time = 0; time < duration; time += 1.0 / kFps, ++frame) {
    FaceObservation o;
    o.time = time;
    o.frame = frame;
    o.x0 = static_cast<float>(100 * id);
    o.x1 = o.x0 + 80;
    o.y1 = 100;
    FaceCues c;
    c.mouth_opening = opening(acts, time, frame + 13 * id);
    o.cues = c;
    t.observations.push_back(o);
  }
  t.first_time = 0;
  t.last_time = duration;
  return t;
}

FacesResult faces(std::vector<FaceTrackResult> tracks) {
  FacesResult f;
  f.sampled_fps = kFps;
  f.tracks = std::move(tracks);
  return f;
}

SpeechResult speech(std::vector<SpeechSegment> segments) {
  SpeechResult s;
  s.segments = std::move(segments);
  return s;
}

// Two people take turns: S1 (face 1) speaks in [0, 3) and [8, 11), S2 (face 2) in [4, 7) and [12, 15).
TEST(Persons, EachTurnGetsTheFaceWhoseMouthFollowsTheVoice) {
  const SpeechResult sp = speech({segment(0, 3, "S1"), segment(4, 7, "S2"), segment(8, 11, "S1"), segment(12, 15, "S2")});
  const FacesResult fa = faces({track(1, 16, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}}),
                                track(2, 16, {{4, 7, Mouth::talking}, {12, 15, Mouth::talking}})});
  const PersonLinks links = link_persons(&sp, &fa, nullptr);
  EXPECT_EQ(links.segment_track, (std::vector<int>{1, 2, 1, 2}));
  for (float c : links.segment_confidence) EXPECT_GT(c, 0.5f);
  ASSERT_EQ(links.persons.size(), 2u);
  EXPECT_EQ(links.persons[0].speaker, "S1");
  EXPECT_EQ(links.persons[0].face_tracks, std::vector<int>{1});
  EXPECT_GT(links.persons[0].link_confidence, 0.5f);
  EXPECT_EQ(links.persons[1].speaker, "S2");
  EXPECT_EQ(links.persons[1].face_tracks, std::vector<int>{2});
}

// The speech part gave both people one label: each segment still gets the face that speaks in it, and the
// label is linked to one of the two faces (the other face remains a person of its own).
TEST(Persons, OneLabelForTwoPeopleStillGetsEachSegmentsFace) {
  const SpeechResult sp = speech({segment(0, 3, "S1"), segment(4, 7, "S1"), segment(8, 11, "S1")});
  const FacesResult fa = faces({track(1, 12, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}}),
                                track(2, 12, {{4, 7, Mouth::talking}})});
  const PersonLinks links = link_persons(&sp, &fa, nullptr);
  EXPECT_EQ(links.segment_track, (std::vector<int>{1, 2, 1}));
  ASSERT_EQ(links.persons.size(), 2u);
  EXPECT_EQ(links.persons[0].face_tracks, std::vector<int>{1});
  EXPECT_EQ(links.persons[1].speaker, "");
  EXPECT_EQ(links.persons[1].face_tracks, std::vector<int>{2});
}

// A voice nobody on screen speaks: every face is at rest during it, so the segment has no face, and the
// off-screen speaker is linked to none.
TEST(Persons, AnOffScreenVoiceGetsNoFace) {
  const SpeechResult sp = speech({segment(0, 3, "S1"), segment(4, 7, "S2"), segment(8, 11, "S1"), segment(12, 15, "S2")});
  const FacesResult fa = faces({track(1, 16, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}}), track(2, 16, {})});
  const PersonLinks links = link_persons(&sp, &fa, nullptr);
  EXPECT_EQ(links.segment_track, (std::vector<int>{1, -1, 1, -1}));
  EXPECT_EQ(links.segment_confidence[1], 0.0f);
  ASSERT_EQ(links.persons.size(), 3u);
  EXPECT_EQ(links.persons[0].speaker, "S1");
  EXPECT_EQ(links.persons[0].face_tracks, std::vector<int>{1});
  // Face 2 (first seen at 0 s) before S2 (first heard at 4 s).
  EXPECT_EQ(links.persons[1].speaker, "");
  EXPECT_EQ(links.persons[1].face_tracks, std::vector<int>{2});
  EXPECT_EQ(links.persons[2].speaker, "S2");
  EXPECT_TRUE(links.persons[2].face_tracks.empty());
  EXPECT_EQ(links.persons[2].link_confidence, 0.0f);
}

// A listener who moves their lips all the time, more than the speaker and not with the voice, is not taken
// for the speaker: against their own resting movement they do nothing new, and they do not follow the voice.
TEST(Persons, AListenerWhoMouthsSilentlyIsNotTheSpeaker) {
  const SpeechResult sp = speech({segment(0, 3, "S1"), segment(4, 7, "S2"), segment(8, 11, "S1"), segment(12, 15, "S2")});
  FaceTrackResult quiet_speaker = track(2, 16, {{4, 7, Mouth::talking}, {12, 15, Mouth::talking}});
  for (FaceObservation& o : quiet_speaker.observations) o.cues->mouth_opening = 0.02f + 0.4f * (o.cues->mouth_opening - 0.02f);
  const FacesResult fa = faces({track(1, 16, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}, {0, 16, Mouth::mouthing}}),
                                quiet_speaker});
  const PersonLinks links = link_persons(&sp, &fa, nullptr);
  EXPECT_EQ(links.segment_track, (std::vector<int>{1, 2, 1, 2}));
}

// One label for two people, with a transcript: each name goes to the person with the face that speaks
// during its lines (the second person has no voice label of their own, but a face and now a name).
TEST(Persons, NamesFollowTheFacesWhenOneLabelMergesTwoPeople) {
  const SpeechResult sp = speech({segment(0, 3, "S1"), segment(4, 7, "S1"), segment(8, 11, "S1")});
  const FacesResult fa = faces({track(1, 12, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}}),
                                track(2, 12, {{4, 7, Mouth::talking}})});
  TextResult text;
  for (const auto& [start, end, name] : std::vector<std::tuple<double, double, std::string>>{
           {0.2, 2.8, "Alice"}, {4.1, 6.9, "Bruno"}, {8.3, 10.5, "Alice"}}) {
    TextUtterance u;
    u.start = start;
    u.end = end;
    u.speaker = name;
    text.utterances.push_back(u);
  }
  const PersonLinks links = link_persons(&sp, &fa, &text);
  ASSERT_EQ(links.persons.size(), 2u);
  EXPECT_EQ(links.persons[0].speaker, "S1");
  EXPECT_EQ(links.persons[0].face_tracks, std::vector<int>{1});
  EXPECT_EQ(links.persons[0].name, "Alice");
  EXPECT_EQ(links.persons[1].speaker, "");
  EXPECT_EQ(links.persons[1].face_tracks, std::vector<int>{2});
  EXPECT_EQ(links.persons[1].name, "Bruno");
  EXPECT_TRUE(links.warnings.empty());
}

TEST(Persons, WithoutFacesSpeakersArePersonsWithoutLinks) {
  const SpeechResult sp = speech({segment(0, 3, "S1"), segment(4, 7, "S2")});
  const PersonLinks links = link_persons(&sp, nullptr, nullptr);
  EXPECT_EQ(links.segment_track, (std::vector<int>{-1, -1}));
  ASSERT_EQ(links.persons.size(), 2u);
  EXPECT_TRUE(links.persons[0].face_tracks.empty());
  EXPECT_EQ(links.persons[0].id, "P1");
  EXPECT_EQ(links.persons[1].id, "P2");
}

TEST(Persons, WithoutSpeechFacesArePersons) {
  const FacesResult fa = faces({track(1, 4, {}), track(2, 4, {})});
  const PersonLinks links = link_persons(nullptr, &fa, nullptr);
  EXPECT_TRUE(links.segment_track.empty());
  ASSERT_EQ(links.persons.size(), 2u);
  EXPECT_EQ(links.persons[0].face_tracks, std::vector<int>{1});
  EXPECT_EQ(links.persons[1].face_tracks, std::vector<int>{2});
}

// Faces without cues (no landmarks) give no evidence: no face for any segment, never a guess.
TEST(Persons, FacesWithoutCuesGiveNoLink) {
  const SpeechResult sp = speech({segment(0, 3, "S1")});
  FacesResult fa = faces({track(1, 4, {{0, 3, Mouth::talking}})});
  for (FaceObservation& o : fa.tracks[0].observations) o.cues.reset();
  const PersonLinks links = link_persons(&sp, &fa, nullptr);
  EXPECT_EQ(links.segment_track, std::vector<int>{-1});
  ASSERT_EQ(links.persons.size(), 2u);
  EXPECT_TRUE(links.persons[0].face_tracks.empty());
}

TEST(Persons, TranscriptNamesGoToTheVoiceTheyOverlapAndApplyWritesTheLinks) {
  AnalysisResult r;
  r.speech = speech({segment(0, 3, "S1"), segment(4, 7, "S2"), segment(8, 11, "S1"), segment(12, 15, "S2")});
  r.faces = faces({track(1, 16, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}}),
                   track(2, 16, {{4, 7, Mouth::talking}, {12, 15, Mouth::talking}})});
  TextResult text;
  for (const auto& [start, end, name] : std::vector<std::tuple<double, double, std::string>>{
           {0.2, 2.8, "Alice"}, {4.1, 6.9, "Bruno"}, {8.3, 10.5, "Alice"}, {20, 21, "Chloe"}}) {
    TextUtterance u;
    u.start = start;
    u.end = end;
    u.speaker = name;
    text.utterances.push_back(u);
  }
  r.text = text;
  const PersonLinks links = link_persons(&*r.speech, &*r.faces, &*r.text);
  ASSERT_EQ(links.persons.size(), 3u);
  EXPECT_EQ(links.persons[0].name, "Alice");
  EXPECT_EQ(links.persons[0].face_tracks, std::vector<int>{1});
  EXPECT_EQ(links.persons[1].name, "Bruno");
  EXPECT_EQ(links.persons[1].face_tracks, std::vector<int>{2});
  EXPECT_EQ(links.persons[2].name, "Chloe");  // a name with no voice: a person of its own, and a warning
  EXPECT_TRUE(links.persons[2].speaker.empty());
  ASSERT_EQ(links.warnings.size(), 1u);
  EXPECT_NE(links.warnings[0].find("Chloe"), std::string::npos);

  apply_person_links(links, r);
  EXPECT_EQ(r.speech->segments[1].face_track, 2);
  EXPECT_EQ(r.speech->segments[1].person, "P2");
  EXPECT_EQ(r.faces->tracks[0].person, "P1");
  EXPECT_EQ(r.text->utterances[0].person, "P1");
  EXPECT_EQ(r.text->utterances[3].person, "P3");
}

// Visual turns: one segment over two people's turns (no pause between them) is cut where the mouth that
// moves changes, near the true change; a segment one person speaks throughout is not cut.
TEST(VisualTurns, ASegmentOverTwoTurnsIsCutWhereTheSpeakingFaceChanges) {
  const std::vector<FaceTrackResult> tracks = {track(1, 20, {{4, 7, Mouth::talking}, {13, 16, Mouth::talking}}),
                                               track(2, 20, {{7, 10, Mouth::talking}})};
  const std::vector<double> cuts = visual_turn_cuts(tracks, 4, 10);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_NEAR(cuts[0], 7.0, 0.4);
  const std::vector<double> three = visual_turn_cuts(tracks, 4, 16);
  ASSERT_EQ(three.size(), 2u);
  EXPECT_NEAR(three[0], 7.0, 0.4);
  EXPECT_NEAR(three[1], 11.5, 1.6);  // the pause [10, 13) lies between the turns: cut somewhere inside it
  EXPECT_TRUE(visual_turn_cuts(tracks, 13, 16).empty());  // one speaker
}

TEST(VisualTurns, NoCutWithoutTwoFacesOrForShortSegments) {
  const FaceTrackResult a = track(1, 12, {{0, 3, Mouth::talking}});
  const FaceTrackResult b = track(2, 12, {{3, 6, Mouth::talking}});
  EXPECT_TRUE(visual_turn_cuts({a}, 0, 6).empty());
  EXPECT_TRUE(visual_turn_cuts({}, 0, 6).empty());
  EXPECT_TRUE(visual_turn_cuts({a, b}, 2.5, 4.2).empty());  // shorter than two minimum parts
  FaceTrackResult no_cues = b;
  for (FaceObservation& o : no_cues.observations) o.cues.reset();
  EXPECT_TRUE(visual_turn_cuts({a, no_cues}, 0, 6).empty());
  ASSERT_EQ(visual_turn_cuts({a, b}, 0, 6).size(), 1u);
}

// A segment whose face is not its speaker's face (one label for two people) belongs to the face's person.
TEST(Persons, ASegmentBelongsToThePersonWhoseFaceSpeaks) {
  AnalysisResult r;
  r.speech = speech({segment(0, 3, "S1"), segment(4, 7, "S1"), segment(8, 11, "S1")});
  r.faces = faces({track(1, 12, {{0, 3, Mouth::talking}, {8, 11, Mouth::talking}}), track(2, 12, {{4, 7, Mouth::talking}})});
  apply_person_links(link_persons(&*r.speech, &*r.faces, nullptr), r);
  ASSERT_EQ(r.persons.size(), 2u);
  EXPECT_EQ(r.speech->segments[0].person, r.persons[0].id);
  EXPECT_EQ(r.speech->segments[1].person, r.persons[1].id);
  EXPECT_EQ(r.speech->segments[1].face_track, 2);
  EXPECT_EQ(r.speech->segments[2].person, r.persons[0].id);
}

}  // namespace
}  // namespace sentio::analysis
