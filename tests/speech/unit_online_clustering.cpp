// SPDX-License-Identifier: Apache-2.0
// Online speaker clustering on synthetic speaker pieces: every "speaker" is a Gaussian over the
// 16-dimensional cepstral space and a piece is the statistics of frames drawn from it (the embedding
// layout of diarization/gaussian.hpp), so the tests need no audio and no external programs.
// Covers ids by first appearance, one/two/three speakers with the count estimated and given, the
// limits, short and empty pieces, the pool of doubtful pieces, determinism, agreement with the
// offline cluster_speakers() on well-separated speakers, and option errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "diarization/gaussian.hpp"
#include "diarization/online_tuning.hpp"
#include "sentio/core/error.hpp"
#include "sentio/speech/online_clustering.hpp"

namespace {

using sentio::speech::DiarizationOptions;
using sentio::speech::OnlineSpeakerClustering;
using sentio::speech::SpeakerPiece;
using sentio::speech::diarization::GaussianStats;
using sentio::speech::diarization::kCepstra;
using sentio::speech::diarization::OnlineTuning;

// A synthetic voice: independent cepstra with the given means and standard deviations (c1 widest,
// like real cepstra).
struct Voice {
  std::vector<double> mean, sd;
};

Voice voice(double shift, double spread = 1.0) {
  Voice v;
  for (int i = 0; i < kCepstra; ++i) {
    v.sd.push_back(spread * 1.5 / (1.0 + 0.2 * i));
    // the shift moves every other coefficient up and the rest down, by `shift` standard deviations
    v.mean.push_back((i % 2 == 0 ? shift : -shift) * v.sd.back());
  }
  return v;
}

// A piece of `frames` frames of `v`, at [t, t + frames / 100) s.
SpeakerPiece piece(const Voice& v, int frames, double t, std::mt19937& rng) {
  std::normal_distribution<double> z(0.0, 1.0);
  GaussianStats g;
  std::vector<float> x(kCepstra);
  for (int f = 0; f < frames; ++f) {
    for (int i = 0; i < kCepstra; ++i)
      x[static_cast<std::size_t>(i)] = static_cast<float>(v.mean[static_cast<std::size_t>(i)] + v.sd[static_cast<std::size_t>(i)] * z(rng));
    g.add(x);
  }
  return SpeakerPiece{{t, t + frames / 100.0, 1.0f}, g.to_embedding()};
}

// Pieces of 3 s (300 frames) in the order of `who`.
std::vector<SpeakerPiece> conversation(const std::vector<Voice>& voices, const std::vector<int>& who,
                                       std::uint32_t seed = 1, int frames = 300) {
  std::mt19937 rng(seed);
  std::vector<SpeakerPiece> out;
  double t = 0;
  for (const int w : who) {
    out.push_back(piece(voices[static_cast<std::size_t>(w)], frames, t, rng));
    t += frames / 100.0 + 0.5;
  }
  return out;
}

std::vector<int> ids(const std::vector<SpeakerPiece>& pieces, const DiarizationOptions& o = {},
                     const OnlineTuning& tuning = {}) {
  OnlineSpeakerClustering online(o, tuning);
  std::vector<int> out;
  for (const auto& p : pieces) out.push_back(online.add(p));
  EXPECT_EQ(online.n_speakers(), out.empty() ? 0 : *std::max_element(out.begin(), out.end()) + 1);
  return out;
}

// Three clearly different voices. (The BIC with full covariances (152 parameters) needs large
// differences before one 3-s piece against another counts as a second speaker: for a pure mean shift
// between two pieces of n frames, the squared Mahalanobis distance must exceed about
// 4 exp(0.75 x 3 x 76 log(2n) / n).)
const std::vector<Voice> kThree = {voice(0.0), voice(4.0, 0.8), voice(-4.0, 1.3)};

TEST(OnlineClustering, OneVoiceIsOneSpeaker) {
  const std::vector<int> who(30, 0);
  EXPECT_EQ(ids(conversation(kThree, who)), who);
}

TEST(OnlineClustering, TwoVoicesAlternating) {
  const std::vector<int> who = {0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0};
  const auto pieces = conversation(kThree, who);
  EXPECT_EQ(ids(pieces), who);
  DiarizationOptions given;
  given.n_speakers = 2;
  EXPECT_EQ(ids(pieces, given), who);
}

TEST(OnlineClustering, IdsByFirstAppearance) {
  // Voices 2, 0, 1 appear in that order: ids 0, 1, 2.
  const std::vector<int> who = {2, 0, 1, 2, 1, 0, 2, 0, 1};
  const std::vector<int> expected = {0, 1, 2, 0, 2, 1, 0, 1, 2};
  EXPECT_EQ(ids(conversation(kThree, who)), expected);
  DiarizationOptions given;
  given.n_speakers = 3;
  EXPECT_EQ(ids(conversation(kThree, who), given), expected);
}

TEST(OnlineClustering, LimitsAreHonoured) {
  const std::vector<int> who = {0, 1, 2, 0, 1, 2, 0, 1, 2, 2, 1, 0};
  const auto pieces = conversation(kThree, who);
  for (const int limit : {1, 2}) {
    DiarizationOptions given;
    given.n_speakers = limit;
    const auto a = ids(pieces, given);
    EXPECT_EQ(*std::max_element(a.begin(), a.end()), limit - 1);
    DiarizationOptions capped;
    capped.max_speakers = limit;
    const auto b = ids(pieces, capped);
    EXPECT_EQ(*std::max_element(b.begin(), b.end()), limit - 1);
    // the first two voices keep their ids up to the limit
    EXPECT_EQ(b[0], 0);
    if (limit == 2) {
      EXPECT_EQ(b[1], 1);
    }
  }
  // Asking for more speakers than there are voices does not invent any: one voice stays one speaker
  // even when four are announced.
  DiarizationOptions four;
  four.n_speakers = 4;
  EXPECT_EQ(ids(conversation(kThree, std::vector<int>(12, 1)), four), std::vector<int>(12, 0));
}

TEST(OnlineClustering, ShortPiecesNeverFoundASpeaker) {
  // 0.3 s of a second voice (30 modelled frames, < 0.4 s) joins the only speaker; a long piece of it
  // then founds speaker 1; later short pieces of either voice get their voice's id.
  std::mt19937 rng(5);
  OnlineSpeakerClustering online;
  EXPECT_EQ(online.add(piece(kThree[0], 300, 0, rng)), 0);
  EXPECT_EQ(online.add(piece(kThree[1], 30, 3, rng)), 0);
  EXPECT_EQ(online.n_speakers(), 1);
  EXPECT_EQ(online.add(piece(kThree[1], 300, 4, rng)), 1);
  EXPECT_EQ(online.add(piece(kThree[0], 30, 7, rng)), 0);
  EXPECT_EQ(online.add(piece(kThree[1], 30, 8, rng)), 1);
  // A stream that starts with a short piece: it founds speaker 0 (the first piece always does).
  OnlineSpeakerClustering other;
  EXPECT_EQ(other.add(piece(kThree[2], 20, 0, rng)), 0);
  EXPECT_EQ(other.n_speakers(), 1);
}

TEST(OnlineClustering, PiecesWithoutFramesFollowThePreviousPiece) {
  std::mt19937 rng(6);
  const SpeakerPiece empty{{0, 0.01, 0.5f}, GaussianStats{}.to_embedding()};
  OnlineSpeakerClustering online;
  EXPECT_EQ(online.n_speakers(), 0);
  EXPECT_EQ(online.add(empty), 0);  // nothing known yet: speaker 0 ...
  EXPECT_EQ(online.n_speakers(), 1);
  EXPECT_EQ(online.add(piece(kThree[1], 300, 1, rng)), 0);  // ... which the first voice then takes
  EXPECT_EQ(online.add(piece(kThree[2], 300, 4, rng)), 1);
  EXPECT_EQ(online.add(empty), 1);
  EXPECT_EQ(online.add(piece(kThree[1], 300, 7, rng)), 0);
  EXPECT_EQ(online.add(empty), 0);
  EXPECT_EQ(online.n_speakers(), 2);
}

TEST(OnlineClustering, DoubtfulPiecesFoundASpeakerTogether) {
  // Two close voices: a single 1.5-s piece of the second is not clearly apart from the first voice's
  // model, so its first pieces get id 0; the waiting pieces together are, so the voice gets id 1
  // from then on (measured: from its third piece). Without the pool it never would.
  const std::vector<Voice> close = {voice(0.0), voice(1.2)};
  std::vector<int> who(8, 0);
  for (int k = 0; k < 12; ++k) who.push_back(1);
  for (int k = 0; k < 6; ++k) who.push_back(k % 2);
  const auto pieces = conversation(close, who, 3, 150);
  const auto with_pool = ids(pieces);
  OnlineTuning no_pool;
  no_pool.pool_size = 0;
  const auto without = ids(pieces, {}, no_pool);
  EXPECT_EQ(std::set<int>(without.begin(), without.end()).size(), 1u);
  const auto first_new = std::find(with_pool.begin(), with_pool.end(), 1) - with_pool.begin();
  ASSERT_LT(first_new, static_cast<std::ptrdiff_t>(who.size()));
  EXPECT_GT(first_new, 8);   // not the first piece of the second voice ...
  EXPECT_LE(first_new, 14);  // ... but soon after
  for (std::size_t i = 0; i < who.size(); ++i) {
    if (who[i] == 0) {
      EXPECT_EQ(with_pool[i], 0) << i;
    } else if (static_cast<std::ptrdiff_t>(i) > first_new) {
      EXPECT_EQ(with_pool[i], 1) << i;
    }
  }
}

TEST(OnlineClustering, DeterministicAndMovable) {
  const std::vector<int> who = {0, 1, 2, 1, 0, 2, 2, 1};
  const auto pieces = conversation(kThree, who, 9);
  const auto a = ids(pieces);
  EXPECT_EQ(ids(pieces), a);
  OnlineSpeakerClustering first;
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(first.add(pieces[i]), a[i]);
  OnlineSpeakerClustering moved = std::move(first);
  for (std::size_t i = 4; i < pieces.size(); ++i) EXPECT_EQ(moved.add(pieces[i]), a[i]);
}

TEST(OnlineClustering, AgreesWithOfflineClusteringOnSeparateVoices) {
  std::vector<int> who;
  std::mt19937 rng(11);
  for (int k = 0; k < 60; ++k) who.push_back(static_cast<int>(rng() % 3));
  const auto pieces = conversation(kThree, who, 12);
  const auto offline = sentio::speech::cluster_speakers(pieces);
  EXPECT_EQ(ids(pieces), offline);
}

TEST(OnlineClustering, ManyPiecesStayCheapAndBounded) {
  // 1000 pieces of three voices: the state does not grow with the stream (only the speakers do).
  std::vector<int> who;
  for (int k = 0; k < 1000; ++k) who.push_back(k % 7 % 3);
  const auto pieces = conversation(kThree, who, 13);
  const auto a = ids(pieces);
  EXPECT_EQ(std::set<int>(a.begin(), a.end()).size(), 3u);
  for (std::size_t i = 0; i < who.size(); ++i) ASSERT_EQ(a[i], a[static_cast<std::size_t>(who[i])]) << i;
}

TEST(OnlineClustering, BadOptionsAreInputErrors) {
  DiarizationOptions o;
  o.n_speakers = -1;
  EXPECT_THROW(OnlineSpeakerClustering{o}, sentio::InputError);
  o = {};
  o.max_speakers = 0;
  EXPECT_THROW(OnlineSpeakerClustering{o}, sentio::InputError);
  o = {};
  o.cluster_penalty = 0;
  EXPECT_THROW(OnlineSpeakerClustering{o}, sentio::InputError);
}

}  // namespace
