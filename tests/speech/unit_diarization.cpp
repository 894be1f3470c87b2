// SPDX-License-Identifier: Apache-2.0
// Speaker diarization on synthetic speech: espeak-ng voices that differ in voice variant and pitch
// stand in for different people. Covers the split point of a two-speaker segment, no split inside
// one speaker, clustering of alternating turns with the count estimated or given, a single speaker,
// empty and silent input, option errors, determinism, and the DER scorer on hand-made turns.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/speech/diarization.hpp"
#include "sentio/speech/diarization_error.hpp"
#include "test_support.hpp"

namespace {

using sentio::speech::cluster_speakers;
using sentio::speech::DiarizationOptions;
using sentio::speech::Segment;
using sentio::speech::SpeakerPiece;
using sentio::speech::SpeakerTurn;
using sentio::speech::split_speaker_changes;

constexpr int kRate = 16000;

struct Voice {
  const char* name;  // espeak-ng voice+variant
  int pitch;         // espeak-ng -p (0-99)
};
// Three clearly different synthetic speakers: low male, high female, mid male with another variant.
const Voice kVoices[] = {{"en-us+m3", 25}, {"en-gb+f4", 75}, {"en+m7", 50}};

const char* const kTexts[] = {
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Please call me back tomorrow morning about the delivery of the new chairs.",
    "I was not expecting the bill to be that high this month, to be honest.",
    "We could meet at the station at half past nine and take the early train.",
    "The weather has been rather cold and windy for most of the week.",
    "Could you tell me how long the repair of my washing machine will take?",
};

bool have_espeak() {
  static const bool ok = sentio::test::run_command("espeak-ng --version && sox --version").status == 0;
  return ok;
}

// Synthesised, trimmed to its loud part (so that concatenations have known speaker boundaries).
const std::vector<float>& utterance(int voice, int text) {
  static std::map<std::pair<int, int>, std::vector<float>> cache;
  const auto key = std::make_pair(voice, text);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const auto dir = sentio::test::temp_dir();
  const auto raw = dir / ("v" + std::to_string(voice) + "_" + std::to_string(text) + ".raw.wav");
  const auto wav = dir / ("v" + std::to_string(voice) + "_" + std::to_string(text) + ".wav");
  const Voice& v = kVoices[voice];
  const auto r = sentio::test::run_command("espeak-ng -v " + std::string(v.name) + " -p " + std::to_string(v.pitch) +
                                           " -w '" + raw.string() + "' \"" + kTexts[text] + "\" && sox '" +
                                           raw.string() + "' -r 16000 -c 1 -b 16 '" + wav.string() + "'");
  if (r.status != 0) throw std::runtime_error("espeak-ng failed: " + r.output);
  const std::vector<short> pcm = sentio::test::load_pcm16_via_sox(wav);
  std::size_t a = 0, b = pcm.size();
  while (a < b && std::abs(pcm[a]) < 300) ++a;
  while (b > a && std::abs(pcm[b - 1]) < 300) --b;
  std::vector<float> x;
  for (std::size_t i = a; i < b; ++i) x.push_back(static_cast<float>(pcm[i]) / 32768.0f);
  return cache.emplace(key, std::move(x)).first->second;
}

void append(std::vector<float>& out, const std::vector<float>& x, double pause_s = 0.0) {
  out.resize(out.size() + static_cast<std::size_t>(pause_s * kRate), 0.0f);
  out.insert(out.end(), x.begin(), x.end());
}

// Each utterance of `turns` (voice, text) as its own segment, separated by 0.5 s.
std::vector<SpeakerPiece> pieces_of_turns(const std::vector<std::pair<int, int>>& turns, const DiarizationOptions& o = {}) {
  std::vector<SpeakerPiece> pieces;
  double t = 0;
  for (const auto& [voice, text] : turns) {
    const std::vector<float>& x = utterance(voice, text);
    const double d = static_cast<double>(x.size()) / kRate;
    for (auto& p : split_speaker_changes(Segment{t, t + d, 1.0f}, x, kRate, o)) pieces.push_back(std::move(p));
    t += d + 0.5;
  }
  return pieces;
}

TEST(Diarization, TwoVoicesInOneSegmentAreSplitAtTheChange) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  std::vector<float> x;
  append(x, utterance(0, 0));
  append(x, utterance(0, 1), 0.1);
  const double change_s = static_cast<double>(x.size()) / kRate + 0.05;
  append(x, utterance(1, 2), 0.1);
  append(x, utterance(1, 3), 0.1);
  const Segment seg{10.0, 10.0 + static_cast<double>(x.size()) / kRate, 0.9f};
  const auto pieces = split_speaker_changes(seg, x, kRate);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_DOUBLE_EQ(pieces.front().segment.start, seg.start);
  EXPECT_DOUBLE_EQ(pieces.back().segment.end, seg.end);
  EXPECT_DOUBLE_EQ(pieces[0].segment.end, pieces[1].segment.start);
  EXPECT_NEAR(pieces[0].segment.end, seg.start + change_s, 0.25);
  EXPECT_FLOAT_EQ(pieces[0].segment.confidence, 0.9f);
  for (const auto& p : pieces) EXPECT_EQ(p.embedding.size(), sentio::speech::speaker_embedding_size());
  // ... and the two pieces are two speakers.
  const auto labels = cluster_speakers(pieces);
  EXPECT_EQ(labels, (std::vector<int>{0, 1}));
}

TEST(Diarization, OneVoiceIsNotSplit) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  for (int voice = 0; voice < 3; ++voice) {
    std::vector<float> x;
    for (int t = 0; t < 3; ++t) append(x, utterance(voice, t), 0.1);
    const auto pieces = split_speaker_changes(Segment{0.0, static_cast<double>(x.size()) / kRate, 1.0f}, x, kRate);
    EXPECT_EQ(pieces.size(), 1u) << "voice " << voice;
  }
}

TEST(Diarization, MinimumPieceLengthIsHonoured) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  std::vector<float> x;
  append(x, utterance(0, 0));
  append(x, utterance(1, 2), 0.1);
  const double duration = static_cast<double>(x.size()) / kRate;
  DiarizationOptions o;
  o.min_piece_s = duration;  // no room for two pieces of this length
  EXPECT_EQ(split_speaker_changes(Segment{0.0, duration, 1.0f}, x, kRate, o).size(), 1u);
}

TEST(Diarization, AlternatingTurnsOfTwoVoicesGiveTwoSpeakers) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  const std::vector<std::pair<int, int>> turns = {{0, 0}, {1, 1}, {0, 2}, {1, 3}, {1, 4}, {0, 5}};
  const auto pieces = pieces_of_turns(turns);
  ASSERT_EQ(pieces.size(), turns.size());
  EXPECT_EQ(cluster_speakers(pieces), (std::vector<int>{0, 1, 0, 1, 1, 0}));
}

TEST(Diarization, ThreeVoicesEstimatedAndGiven) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  const std::vector<std::pair<int, int>> turns = {{2, 0}, {0, 1}, {1, 2}, {2, 3}, {0, 4},
                                                  {1, 5}, {2, 1}, {1, 0}, {0, 3}};
  const auto pieces = pieces_of_turns(turns);
  ASSERT_EQ(pieces.size(), turns.size());
  const std::vector<int> truth = {0, 1, 2, 0, 1, 2, 0, 2, 1};
  EXPECT_EQ(cluster_speakers(pieces), truth);
  DiarizationOptions o;
  o.n_speakers = 3;
  EXPECT_EQ(cluster_speakers(pieces, o), truth);
  // Asking for two: exactly two speakers, and the pieces of each voice stay together.
  o.n_speakers = 2;
  const auto two = cluster_speakers(pieces, o);
  EXPECT_EQ(std::set<int>(two.begin(), two.end()).size(), 2u);
  for (std::size_t i = 0; i < truth.size(); ++i)
    for (std::size_t j = 0; j < truth.size(); ++j)
      if (truth[i] == truth[j]) {
        EXPECT_EQ(two[i], two[j]) << i << " " << j;
      }
  // Asking for four of three voices still gives four ids (one voice split), numbered by appearance.
  o.n_speakers = 4;
  const auto four = cluster_speakers(pieces, o);
  EXPECT_EQ(std::set<int>(four.begin(), four.end()).size(), 4u);
  EXPECT_EQ(four[0], 0);
  // max_speakers caps the estimate.
  DiarizationOptions capped;
  capped.max_speakers = 2;
  const auto c = cluster_speakers(pieces, capped);
  EXPECT_EQ(std::set<int>(c.begin(), c.end()).size(), 2u);
}

TEST(Diarization, LongRecordingsAreClusteredInTwoStages) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  // 1500 pieces (more than the direct clustering takes): the three voices' utterances repeated, as in a
  // long conversation. With the count given, the two-stage clustering must recover the voices exactly.
  const std::vector<std::pair<int, int>> turns = {{2, 0}, {0, 1}, {1, 2}, {2, 3}, {0, 4}, {1, 5}};
  const auto base = pieces_of_turns(turns);
  ASSERT_EQ(base.size(), turns.size());
  std::vector<SpeakerPiece> pieces;
  std::vector<int> truth;
  const std::vector<int> base_truth = {0, 1, 2, 0, 1, 2};
  for (std::size_t r = 0; r < 250; ++r)
    for (std::size_t i = 0; i < base.size(); ++i) {
      pieces.push_back(base[i]);
      truth.push_back(base_truth[i]);
    }
  DiarizationOptions o;
  o.n_speakers = 3;
  EXPECT_EQ(cluster_speakers(pieces, o), truth);
  // Estimating the count on so much (perfectly repeated, synthetic) speech may split a voice by
  // utterance, but a cluster never mixes two voices and the cap holds.
  const std::vector<int> estimated = cluster_speakers(pieces);
  std::map<int, int> voice_of;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto [it, inserted] = voice_of.emplace(estimated[i], truth[i]);
    EXPECT_EQ(it->second, truth[i]) << "cluster " << estimated[i] << " mixes voices";
  }
  EXPECT_GE(voice_of.size(), 3u);
  EXPECT_LE(voice_of.size(), 8u);
}

TEST(Diarization, SingleVoiceIsOneSpeaker) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  for (int voice = 0; voice < 3; ++voice) {
    std::vector<std::pair<int, int>> turns;
    for (int t = 0; t < 6; ++t) turns.emplace_back(voice, t);
    const auto pieces = pieces_of_turns(turns);
    EXPECT_EQ(cluster_speakers(pieces), std::vector<int>(pieces.size(), 0)) << "voice " << voice;
  }
}

TEST(Diarization, DeterministicAndIndependentOfTheSegmentOffset) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  std::vector<float> x;
  append(x, utterance(2, 0));
  append(x, utterance(0, 3), 0.1);
  const double d = static_cast<double>(x.size()) / kRate;
  const auto a = split_speaker_changes(Segment{0.0, d, 1.0f}, x, kRate);
  const auto b = split_speaker_changes(Segment{100.0, 100.0 + d, 1.0f}, x, kRate);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].embedding, b[i].embedding);
    EXPECT_NEAR(a[i].segment.start + 100.0, b[i].segment.start, 1e-9);
  }
}

TEST(Diarization, EmptyAndSilentInput) {
  EXPECT_TRUE(cluster_speakers({}).empty());
  // Shorter than one analysis frame: one piece covering the segment, no frames in its embedding.
  const std::vector<float> tiny(100, 0.01f);
  const auto p = split_speaker_changes(Segment{1.0, 1.0 + 100.0 / kRate, 0.5f}, tiny, kRate);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0].segment.start, 1.0);
  EXPECT_DOUBLE_EQ(p[0].segment.end, 1.0 + 100.0 / kRate);
  EXPECT_EQ(p[0].embedding.size(), sentio::speech::speaker_embedding_size());
  EXPECT_EQ(p[0].embedding[0], 0.0f);
  // Digital silence: one piece; pieces without frames are one speaker.
  const std::vector<float> silence(3 * kRate, 0.0f);
  const auto s = split_speaker_changes(Segment{0.0, 3.0, 0.5f}, silence, kRate);
  ASSERT_EQ(s.size(), 1u);
  std::vector<SpeakerPiece> both = {p[0], s[0]};
  EXPECT_EQ(cluster_speakers(both), (std::vector<int>{0, 0}));
}

TEST(Diarization, SilentPiecesFollowTheirNeighbours) {
  if (!have_espeak()) GTEST_SKIP() << "skipped: espeak-ng or sox not installed";
  auto pieces = pieces_of_turns({{0, 0}, {1, 1}, {0, 2}, {1, 3}});
  const std::vector<float> tiny(100, 0.0f);
  const auto empty = split_speaker_changes(Segment{100.0, 100.01, 0.5f}, tiny, kRate);
  pieces.insert(pieces.begin() + 2, empty[0]);  // after a piece of voice 1
  EXPECT_EQ(cluster_speakers(pieces), (std::vector<int>{0, 1, 1, 0, 1}));
}

TEST(Diarization, BadOptionsAndRatesAreInputErrors) {
  const std::vector<float> x(kRate, 0.0f);
  const Segment seg{0.0, 1.0, 1.0f};
  DiarizationOptions o;
  o.n_speakers = -1;
  EXPECT_THROW(cluster_speakers({}, o), sentio::InputError);
  EXPECT_THROW(split_speaker_changes(seg, x, kRate, o), sentio::InputError);
  o = {};
  o.max_speakers = 0;
  EXPECT_THROW(cluster_speakers({}, o), sentio::InputError);
  o = {};
  o.min_piece_s = 0;
  EXPECT_THROW(split_speaker_changes(seg, x, kRate, o), sentio::InputError);
  o = {};
  o.cluster_penalty = -1;
  EXPECT_THROW(cluster_speakers({}, o), sentio::InputError);
  EXPECT_THROW(split_speaker_changes(seg, x, 12345), sentio::InputError);
  EXPECT_THROW(split_speaker_changes(seg, x, 4000), sentio::InputError);
  EXPECT_NO_THROW(split_speaker_changes(seg, std::vector<float>(8000, 0.0f), 8000));
}

// ---- DER scorer ----

using sentio::speech::diarization_error;

TEST(DiarizationError, PerfectAndRelabelledHypothesesScoreZero) {
  const std::vector<SpeakerTurn> ref = {{0, 2, 0}, {3, 5, 1}, {6, 8, 0}};
  EXPECT_DOUBLE_EQ(diarization_error(ref, ref).der(), 0.0);
  const std::vector<SpeakerTurn> swapped = {{0, 2, 7}, {3, 5, 3}, {6, 8, 7}};
  const auto r = diarization_error(ref, swapped);
  EXPECT_DOUBLE_EQ(r.der(), 0.0);
  EXPECT_EQ(r.reference_speakers, 2);
  EXPECT_EQ(r.hypothesis_speakers, 2);
  // Scored time: 6 s of speech minus the 0.25 s inside each of the 6 boundaries = 4.5 s.
  EXPECT_NEAR(r.scored_s, 4.5, 1e-9);
}

TEST(DiarizationError, OneClusterForTwoSpeakersIsConfusion) {
  const std::vector<SpeakerTurn> ref = {{0, 4, 0}, {5, 9, 1}};
  const std::vector<SpeakerTurn> hyp = {{0, 4, 0}, {5, 9, 0}};
  const auto r = diarization_error(ref, hyp, 0.0);
  EXPECT_NEAR(r.confusion_s, 4.0, 1e-9);
  EXPECT_NEAR(r.der(), 0.5, 1e-9);
}

TEST(DiarizationError, MissedFalseAlarmAndCollar) {
  const std::vector<SpeakerTurn> ref = {{0, 10, 0}};
  // hypothesis: 2 s late (1.75 s missed after the collar), 1 s false alarm after the end (0.75 scored)
  const std::vector<SpeakerTurn> hyp = {{2, 11, 5}};
  const auto r = diarization_error(ref, hyp, 0.25);
  EXPECT_NEAR(r.scored_s, 9.5, 1e-9);
  EXPECT_NEAR(r.missed_s, 1.75, 1e-9);
  EXPECT_NEAR(r.false_alarm_s, 0.75, 1e-9);
  EXPECT_NEAR(r.confusion_s, 0.0, 1e-9);
  // A boundary error inside the collar costs nothing.
  EXPECT_DOUBLE_EQ(diarization_error(ref, std::vector<SpeakerTurn>{{0.2, 9.8, 1}}, 0.25).der(), 0.0);
}

TEST(DiarizationError, OptimalMappingWithMoreHypothesisSpeakers) {
  // Reference A B A; hypothesis splits A into two clusters: the smaller one is confusion.
  const std::vector<SpeakerTurn> ref = {{0, 4, 0}, {5, 9, 1}, {10, 12, 0}};
  const std::vector<SpeakerTurn> hyp = {{0, 4, 2}, {5, 9, 1}, {10, 12, 0}};
  const auto r = diarization_error(ref, hyp, 0.0);
  EXPECT_NEAR(r.confusion_s, 2.0, 1e-9);
  EXPECT_NEAR(r.der(), 0.2, 1e-9);
}

}  // namespace
