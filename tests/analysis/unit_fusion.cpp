// SPDX-License-Identifier: Apache-2.0
// Late fusion: the pooled call, one modality alone, the model file, and fit_fusion on synthetic evidence.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "sentio/analysis/fusion.hpp"
#include "sentio/core/error.hpp"
#include "test_support.hpp"

namespace {

using namespace sentio;
using namespace sentio::analysis;

// A call that puts `p` on `label` and spreads the rest evenly.
ModalityEvidence call(std::size_t label, float p, float quality = 1) {
  ModalityEvidence e;
  e.probabilities.fill((1 - p) / static_cast<float>(kEmotionCount - 1));
  e.probabilities[label] = p;
  e.quality = quality;
  return e;
}

TEST(Fusion, OneModalityKeepsItsLabel) {
  FusionModel m;
  m.temperature = {2.0, 0.5, 1.0};
  for (std::size_t mod = 0; mod < kModalityCount; ++mod)
    for (std::size_t label = 0; label < kEmotionCount; ++label) {
      MomentEvidence e;
      e[mod] = call(label, 0.3f);
      const FusedCall f = m.fuse(e);
      EXPECT_EQ(f.top, label);
      EXPECT_FLOAT_EQ(f.weights[mod], 1.0f);
      float sum = 0;
      for (float p : f.probabilities) sum += p;
      EXPECT_NEAR(sum, 1.0f, 1e-5f);
    }
}

TEST(Fusion, ReliabilityAndQualityWeighTheModalities) {
  MomentEvidence e;
  e[0] = call(3, 0.6f);  // voice: anger
  e[1] = call(1, 0.6f);  // face: happiness
  FusionModel m;
  m.reliability = {1.0, 3.0, 1.0};
  FusedCall f = m.fuse(e);
  EXPECT_EQ(f.top, 1u);
  EXPECT_NEAR(f.weights[1], 0.75f, 1e-6f);
  EXPECT_FLOAT_EQ(f.weights[2], 0.0f);
  e[1]->quality = 0.1f;  // a poor face view: voice weight 1 vs face 0.3
  f = m.fuse(e);
  EXPECT_EQ(f.top, 3u);
  EXPECT_NEAR(f.weights[0], 1.0f / 1.3f, 1e-6f);
}

TEST(Fusion, SaveLoadRoundTripAndBadFiles) {
  const auto dir = sentio::test::temp_dir();
  FusionModel m;
  m.temperature = {1.25, 0.5, 3.0};
  m.reliability = {1.0, 2.0, 0.25};
  m.prior[1] = {0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
  m.description = "test";
  m.save((dir / "f.json").string());
  const FusionModel r = FusionModel::load((dir / "f.json").string());
  EXPECT_EQ(r.temperature, m.temperature);
  EXPECT_EQ(r.reliability, m.reliability);
  EXPECT_EQ(r.description, "test");
  for (std::size_t c = 0; c < kEmotionCount; ++c) {
    EXPECT_NEAR(r.prior[1][c], m.prior[1][c], 1e-12);
    EXPECT_NEAR(r.prior[0][c], 1.0 / 7, 1e-12);
  }
  std::ofstream(dir / "badprior.json") << R"({"format": "sentio.fusion", "version": 1, "modalities": {"voice":
    {"temperature": 1, "reliability": 1, "prior": [1, 1, 1]}, "face": {"temperature": 1, "reliability": 1},
    "words": {"temperature": 1, "reliability": 1}}})";
  try {
    (void)FusionModel::load((dir / "badprior.json").string());
    FAIL() << "short prior accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("modalities.voice.prior"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "bad.json") << R"({"format": "sentio.fusion", "version": 1, "modalities": {"voice":
    {"temperature": 1, "reliability": 1}, "face": {"temperature": -1, "reliability": 1}, "words": {"temperature": 1,
    "reliability": 1}}})";
  try {
    (void)FusionModel::load((dir / "bad.json").string());
    FAIL() << "negative temperature accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("modalities.face.temperature"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)FusionModel::load((dir / "missing.json").string()), InputError);
}

// Synthetic aligned clips: each modality is right with its own probability and otherwise names a random
// wrong label; its confidence is `conf` either way (so a modality that is often wrong is over-confident).
std::vector<FusionExample> synthetic(std::size_t n, std::array<double, kModalityCount> right, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<std::size_t> label(0, kEmotionCount - 1);
  std::vector<FusionExample> out;
  for (std::size_t i = 0; i < n; ++i) {
    FusionExample e;
    e.label = label(rng);
    for (std::size_t m = 0; m < kModalityCount; ++m) {
      std::size_t said = e.label;
      if (u(rng) >= right[m])
        while (said == e.label) said = label(rng);
      e.evidence[m] = call(said, 0.7f);
    }
    out.push_back(e);
  }
  return out;
}

double accuracy(const FusionModel& m, const std::vector<FusionExample>& ex) {
  std::size_t ok = 0;
  for (const FusionExample& e : ex) ok += m.fuse(e.evidence).top == e.label ? 1 : 0;
  return static_cast<double>(ok) / static_cast<double>(ex.size());
}

TEST(FitFusion, TrustsTheReliableModalityAndCalibrates) {
  const auto train = synthetic(600, {0.5, 0.9, 0.3}, 1), test = synthetic(600, {0.5, 0.9, 0.3}, 2);
  const FusionModel m = fit_fusion(train);
  EXPECT_GT(m.reliability[1], m.reliability[0]);  // face is right 90% of the time, voice 50%
  EXPECT_GT(m.reliability[0], m.reliability[2]);  // words 30%
  // Confidence 0.7 on a modality right 30% of the time is over-confident: a temperature above 1 softens it;
  // the face (right 90%) is under-confident: below 1.
  EXPECT_GT(m.temperature[2], 1.0);
  EXPECT_LT(m.temperature[1], 1.0);
  EXPECT_GE(accuracy(m, test), accuracy(FusionModel{}, test));
  EXPECT_GE(accuracy(m, test), 0.88);
}

TEST(Fusion, PriorCorrectsPoolsButNotASingleModality) {
  FusionModel m;
  m.prior[0] = {0.05, 0.05, 0.05, 0.7, 0.05, 0.05, 0.05};  // the voice says anger most of the time
  MomentEvidence e;
  e[0] = call(3, 0.5f);          // voice: anger, as usual
  EXPECT_EQ(m.fuse(e).top, 3u);  // alone: its own label
  e[1] = call(1, 0.3f);          // a weak face: happiness
  EXPECT_EQ(m.fuse(e).top, 1u);  // the voice's habitual anger no longer outweighs the face
  m.prior = FusionModel::uniform_priors();
  EXPECT_EQ(m.fuse(e).top, 3u);
}

// A voice biased to anger (it says anger when unsure) and a fair face: the prior learns the bias.
TEST(FitFusion, PriorIsTheMeanCall) {
  std::vector<FusionExample> ex;
  for (std::size_t i = 0; i < 70; ++i) {
    FusionExample e;
    e.label = i % kEmotionCount;
    e.evidence[0] = call(i % 2 == 0 ? e.label : 3, 0.6f);
    e.evidence[1] = call(e.label, 0.4f);
    ex.push_back(e);
  }
  const FusionModel m = fit_fusion(ex);
  EXPECT_GT(m.prior[0][3], 0.3);
  EXPECT_NEAR(m.prior[1][3], 1.0 / 7, 1e-6);
  double sum = 0;
  for (double p : m.prior[0]) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST(FitFusion, DeterministicAndHandlesAbsentModalities) {
  auto ex = synthetic(200, {0.6, 0.6, 0.6}, 3);
  for (FusionExample& e : ex) e.evidence[2].reset();  // no words anywhere
  const FusionModel a = fit_fusion(ex), b = fit_fusion(ex);
  EXPECT_EQ(a.temperature, b.temperature);
  EXPECT_EQ(a.reliability, b.reliability);
  EXPECT_EQ(a.temperature[2], 1.0);
  EXPECT_EQ(a.reliability[2], 1.0);
  EXPECT_EQ(a.prior[2], FusionModel::uniform_priors()[2]);
  const FusionModel none = fit_fusion({});
  EXPECT_EQ(none.reliability, (std::array<double, kModalityCount>{1.0, 1.0, 1.0}));
}

}  // namespace
