// SPDX-License-Identifier: Apache-2.0
// The streaming eGeMAPS extractor on synthetic signals: incremental LLD output, chunking and
// threading invariance, frame counts, and behaviour on silence and very short input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/features/egemaps.hpp"

using namespace sentio::features;

namespace {

// A vowel-like signal: a 120 Hz harmonic complex with a slow pitch glide, bursts of noise between
// "syllables", and silence at both ends. 16 kHz, `seconds` long.
std::vector<float> synthetic_speech(double seconds) {
  const std::size_t n = static_cast<std::size_t>(seconds * kEgemapsSampleRate);
  std::vector<float> x(n, 0.f);
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.f, 0.02f);
  double phase = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / kEgemapsSampleRate;
    if (t < 0.2 || t > seconds - 0.2) continue;
    const bool voiced = std::fmod(t, 0.5) < 0.35;
    const double f0 = 120 + 20 * std::sin(2 * M_PI * 0.5 * t);
    phase += 2 * M_PI * f0 / kEgemapsSampleRate;
    if (voiced) {
      double v = 0;
      for (int h = 1; h <= 10; ++h) v += std::sin(h * phase) / h;
      x[i] = static_cast<float>(0.2 * v);
    } else {
      x[i] = noise(rng);
    }
  }
  return x;
}

struct Outcome {
  EgemapsFunctionals functionals;
  std::vector<EgemapsLldFrame> lld;
  std::size_t rows_before_finish = 0;
};

Outcome run(const std::vector<float>& x, std::size_t chunk, int threads) {
  EgemapsExtractor ex(EgemapsOptions{.n_threads = threads, .lld_frames = true});
  Outcome r;
  for (std::size_t i = 0; i < x.size(); i += chunk) {
    ex.push({x.data() + i, std::min(chunk, x.size() - i)});
    auto rows = ex.take_lld_frames();
    r.lld.insert(r.lld.end(), rows.begin(), rows.end());
  }
  r.rows_before_finish = r.lld.size();
  r.functionals = ex.finish();
  auto rows = ex.take_lld_frames();
  r.lld.insert(r.lld.end(), rows.begin(), rows.end());
  return r;
}

double value(const EgemapsFunctionals& f, std::string_view name) {
  const auto& names = egemaps_functional_names();
  for (std::size_t j = 0; j < names.size(); ++j)
    if (names[j] == name) return f[j];
  ADD_FAILURE() << "no functional " << name;
  return 0;
}

}  // namespace

TEST(EgemapsExtractor, LldRowsStreamOutBeforeTheEndAndCountN60PlusOne) {
  const auto x = synthetic_speech(12.0);
  const Outcome r = run(x, 4000, 1);
  const std::size_t n60 = (x.size() - 960) / 160 + 1;
  ASSERT_EQ(r.lld.size(), n60 + 1);
  EXPECT_GT(r.rows_before_finish, n60 / 2) << "LLD rows must be available while audio is still coming in";
  for (std::size_t i = 0; i < r.lld.size(); ++i) ASSERT_EQ(r.lld[i].index, static_cast<std::int64_t>(i));
}

TEST(EgemapsExtractor, ChunkSizeAndThreadCountDoNotChangeAnyValue) {
  const auto x = synthetic_speech(9.0);
  const Outcome a = run(x, 160, 1);
  const Outcome b = run(x, 100000, 2);
  const Outcome c = run(x, 777, 3);
  for (std::size_t j = 0; j < kEgemapsFunctionalCount; ++j) {
    EXPECT_EQ(a.functionals[j], b.functionals[j]) << egemaps_functional_names()[j];
    EXPECT_EQ(a.functionals[j], c.functionals[j]) << egemaps_functional_names()[j];
  }
  ASSERT_EQ(a.lld.size(), b.lld.size());
  for (std::size_t i = 0; i < a.lld.size(); ++i) EXPECT_EQ(a.lld[i].values, b.lld[i].values) << "row " << i;
}

TEST(EgemapsExtractor, HarmonicComplexIsVoicedAtItsPitch) {
  const auto x = synthetic_speech(6.0);
  const EgemapsFunctionals f = run(x, 8192, 1).functionals;
  // F0 between 100 and 140 Hz: 12*log2(f/27.5) in [22.7, 28.2] semitones
  const double f0 = value(f, "F0semitoneFrom27.5Hz_sma3nz_amean");
  EXPECT_GT(f0, 22.7);
  EXPECT_LT(f0, 28.2);
  const double per_second = value(f, "VoicedSegmentsPerSec");  // two 0.35-s "syllables" per second
  EXPECT_GT(per_second, 1.5);
  EXPECT_LT(per_second, 2.2);
  const double length = value(f, "MeanVoicedSegmentLengthSec");
  EXPECT_GT(length, 0.25);
  EXPECT_LT(length, 0.4);
}

TEST(EgemapsExtractor, DigitalSilenceGivesNoVoicingAndTheLoudnessFloor) {
  const std::vector<float> x(16000 * 2, 0.f);
  const EgemapsFunctionals f = run(x, 4096, 2).functionals;
  for (std::size_t j = 0; j < 10; ++j) EXPECT_EQ(f[j], 0.0) << egemaps_functional_names()[j];
  EXPECT_NEAR(value(f, "loudness_sma3_amean"), 1.03e-3, 1e-5);  // floor of digital silence (spec section 1)
  EXPECT_EQ(value(f, "VoicedSegmentsPerSec"), 0.0);
  EXPECT_NEAR(value(f, "equivalentSoundLevel_dBp"), -120.0, 1e-9);  // Leq floor: 10*log10(1e-12)
}

TEST(EgemapsExtractor, ShorterThanOneFrameGivesZerosAndNoRows) {
  const std::vector<float> x(500, 0.1f);
  const Outcome r = run(x, 4096, 1);
  EXPECT_TRUE(r.lld.empty());
  EXPECT_EQ(r.functionals[0], 0.0);
}

TEST(EgemapsExtractor, OneShotApiRejectsOtherSampleRates) {
  const std::vector<float> x(16000, 0.f);
  EXPECT_THROW(egemaps_functionals(x, 44100), sentio::InputError);
  EXPECT_NO_THROW(egemaps_functionals(x, 16000));
}
