// SPDX-License-Identifier: Apache-2.0
// ViterbiPitchSmoother on hand-built candidate sequences (../shared/docs/EGEMAPS.md section 2.4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "egemaps/pitch.hpp"

namespace sentio::features::egemaps {
namespace {

PitchCandidates cands(std::initializer_list<std::pair<float, float>> fv) {
  PitchCandidates c;
  int k = 0;
  for (auto [f, v] : fv) {
    c.freq[k] = f;
    c.voicing[k] = v;
    ++k;
  }
  c.count = k;
  c.rms = 0.1f;
  return c;
}

// Pushes everything, pops as it goes, flushes; returns F0final per frame.
std::vector<float> run(const std::vector<PitchCandidates>& frames, int* max_pending = nullptr) {
  ViterbiPitchSmoother v;
  std::vector<float> out;
  int mp = 0;
  for (const auto& f : frames) {
    v.push(f);
    mp = std::max(mp, v.pending());
    while (auto x = v.pop()) out.push_back(*x);
  }
  v.flush();
  EXPECT_EQ(v.pending(), 0);
  while (auto x = v.pop()) out.push_back(*x);
  EXPECT_FALSE(v.pop().has_value());
  if (max_pending) *max_pending = mp;
  return out;
}

TEST(EgemapsViterbi, SteadyVoicedTrackIsKeptAndDecidedWithSmallLag) {
  std::vector<PitchCandidates> frames(60, cands({{200.f, 0.9f}, {100.f, 0.75f}, {400.f, 0.72f}}));
  int max_pending = 0;
  const auto out = run(frames, &max_pending);
  ASSERT_EQ(out.size(), frames.size());
  for (float f : out) EXPECT_EQ(f, 200.f);
  EXPECT_LE(max_pending, 5);  // the surviving paths merge within a few frames
}

TEST(EgemapsViterbi, OneFrameOctaveJumpIsSmoothedAway) {
  // Both octaves lie in the range-weight plateau (W = 0), so only voicing and continuity count.
  std::vector<PitchCandidates> frames(30, cands({{150.f, 0.9f}, {300.f, 0.8f}}));
  // Frame 12: the best-scored, most voiced candidate is the octave above.
  frames[12] = cands({{300.f, 0.95f}, {150.f, 0.75f}});
  const auto out = run(frames);
  ASSERT_EQ(out.size(), frames.size());
  for (std::size_t t = 0; t < out.size(); ++t) EXPECT_EQ(out[t], 150.f) << "frame " << t;
}

TEST(EgemapsViterbi, UnvoicedFramesGiveZero) {
  // Nothing reaches the 0.7 voicing cutoff: the unvoiced state wins everywhere.
  std::vector<PitchCandidates> frames(25, cands({{180.f, 0.5f}, {90.f, 0.3f}}));
  frames[5] = PitchCandidates{};  // no candidate at all
  const auto out = run(frames);
  ASSERT_EQ(out.size(), frames.size());
  for (float f : out) EXPECT_EQ(f, 0.f);
}

TEST(EgemapsViterbi, VoicedSegmentBetweenSilences) {
  std::vector<PitchCandidates> frames;
  for (int t = 0; t < 20; ++t) frames.push_back(PitchCandidates{});
  for (int t = 0; t < 30; ++t) frames.push_back(cands({{150.f, 0.95f}, {300.f, 0.8f}}));
  for (int t = 0; t < 20; ++t) frames.push_back(PitchCandidates{});
  const auto out = run(frames);
  ASSERT_EQ(out.size(), frames.size());
  for (int t = 0; t < 70; ++t) EXPECT_EQ(out[t], (t >= 20 && t < 50) ? 150.f : 0.f) << "frame " << t;
}

TEST(EgemapsViterbi, ForcedDecisionAfterFortyFrames) {
  // A voiced track whose cost per frame pair balances the unvoiced track's (alternating voicing
  // just above / below the cutoff at 418 Hz): the two surviving paths never merge, so decisions
  // are forced when the oldest undecided frame is 40 frames old.
  std::vector<PitchCandidates> frames;
  for (int t = 0; t < 200; ++t) frames.push_back(cands({{418.f, t % 2 == 0 ? 0.7f : 0.69f}}));
  ViterbiPitchSmoother v;
  int decided = 0;
  for (int t = 0; t < 200; ++t) {
    v.push(frames[t]);
    EXPECT_LE(v.pending(), 40);
    if (t >= 40) {
      EXPECT_EQ(v.pending(), 39) << "push " << t;
    }
    while (auto x = v.pop()) {
      EXPECT_TRUE(*x == 0.f || *x == 418.f);
      ++decided;
    }
    EXPECT_EQ(decided + v.pending(), t + 1);
  }
  v.flush();
  EXPECT_EQ(v.pending(), 0);
  while (v.pop()) ++decided;
  EXPECT_EQ(decided, 200);
}

TEST(EgemapsViterbi, FlushOnEmptySmootherIsHarmless) {
  ViterbiPitchSmoother v;
  EXPECT_EQ(v.pending(), 0);
  v.flush();
  EXPECT_FALSE(v.pop().has_value());
}

TEST(EgemapsViterbi, SemitoneScale) {
  EXPECT_FLOAT_EQ(f0_semitone_from_27_5(55.f), 12.f);
  EXPECT_FLOAT_EQ(f0_semitone_from_27_5(440.f), 48.f);
  EXPECT_NEAR(f0_semitone_from_27_5(200.f), 12.0 * std::log2(200.0 / 27.5), 1e-5);
  EXPECT_EQ(f0_semitone_from_27_5(29.0f), 1.f);  // clipped to 1: 0 is reserved for unvoiced
  EXPECT_EQ(f0_semitone_from_27_5(0.f), 0.f);
}

}  // namespace
}  // namespace sentio::features::egemaps
