// SPDX-License-Identifier: Apache-2.0
// Augmented training copies of the eGeMAPS models: the pitch shifter, the telephone band, how copies
// enter training (only those of training rows, normalised apart) and how the model file records them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/ser/augment.hpp"
#include "sentio/ser/linear_model.hpp"

using namespace sentio::ser;

namespace {

constexpr int kRate = 16000;

// A voiced-like tone: `f0` Hz with its first five harmonics, 1 s.
std::vector<float> harmonic_tone(double f0) {
  std::vector<float> x(kRate);
  for (std::size_t i = 0; i < x.size(); ++i) {
    double v = 0;
    for (int h = 1; h <= 5; ++h) v += 0.1 / h * std::sin(2 * std::numbers::pi * f0 * h * static_cast<double>(i) / kRate);
    x[i] = static_cast<float>(v);
  }
  return x;
}

// The fundamental from the autocorrelation over lags of 60..500 Hz, on the middle half of x: the
// shortest lag within 10 % of the highest peak (multiples of the period peak as high).
double fundamental(const std::vector<float>& x) {
  const std::size_t a = x.size() / 4, n = x.size() / 2;
  std::vector<double> r;
  for (std::size_t lag = kRate / 500; lag <= kRate / 60; ++lag) {
    double sum = 0;
    for (std::size_t i = a; i < a + n; ++i) sum += static_cast<double>(x[i]) * x[i + lag];
    r.push_back(sum);
  }
  const double top = *std::max_element(r.begin(), r.end());
  std::size_t k = 0;
  while (r[k] < 0.9 * top || (k + 1 < r.size() && r[k + 1] > r[k])) ++k;  // the first local peak near the top
  return static_cast<double>(kRate) / static_cast<double>(k + kRate / 500);
}

double rms(const std::vector<float>& x, std::size_t from) {
  double s = 0;
  for (std::size_t i = from; i < x.size(); ++i) s += static_cast<double>(x[i]) * x[i];
  return std::sqrt(s / static_cast<double>(x.size() - from));
}

TEST(SerAugment, VariantsShiftThePitchOrSpeedAndKeepSilence) {
  const auto& variants = augment_variants();
  ASSERT_EQ(variants.size(), 8u);
  EXPECT_EQ(variants.front().name, "pitch-6");
  EXPECT_EQ(variants[5].name, "pitch+6");
  EXPECT_EQ(variants[6].name, "speed0.9");
  EXPECT_EQ(variants.back().name, "speed1.1");
  const std::vector<float> tone = harmonic_tone(200.0);
  ASSERT_NEAR(fundamental(tone), 200.0, 2.0);
  for (const AudioVariant& v : variants) {
    const std::vector<float> out = apply_variant(tone, kRate, v);
    // A pitch shift keeps the length; a speed change divides it by the speed.
    ASSERT_EQ(out.size(), static_cast<std::size_t>(std::lround(static_cast<double>(tone.size()) / v.speed))) << v.name;
    const double expected = 200.0 * std::pow(2.0, v.semitones / 12.0) * v.speed;
    EXPECT_NEAR(fundamental(out), expected, expected * 0.03) << v.name;
    for (float s : out) ASSERT_EQ(s * 32768.0f, std::nearbyint(s * 32768.0f)) << v.name << ": not on the 16-bit grid";
  }
  // Digital silence stays digital silence; an empty clip gives an empty copy.
  const std::vector<float> silence(kRate / 2, 0.0f);
  for (float s : apply_variant(silence, kRate, variants[0])) ASSERT_EQ(s, 0.0f);
  EXPECT_TRUE(apply_variant({}, kRate, variants[0]).empty());
}

TEST(SerAugment, TelephoneBandKeepsTheVoiceBandOnly) {
  const auto sine = [](double f) {
    std::vector<float> x(kRate);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * f * static_cast<double>(i) / kRate));
    return x;
  };
  const auto gain = [&](double f) {
    std::vector<float> x = sine(f);
    const double before = rms(x, kRate / 4);
    telephone_band(x, kRate);
    return rms(x, kRate / 4) / before;  // after the filters' transient
  };
  EXPECT_NEAR(gain(1000), 1.0, 0.05);
  EXPECT_LT(gain(80), 0.01);    // 4th order: about -46 dB two octaves below 300 Hz
  EXPECT_LT(gain(7000), 0.01);  // and about -64 dB near the Nyquist frequency
}

// Rows of d features for two speakers and two classes, and per row one copy per variant (the row plus a
// variant-specific offset), as extract_egemaps passes them to add_clip.
Dataset with_copies(std::size_t per_class, std::size_t d = 3) {
  Dataset data;
  data.n_features = d;
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int s = 0; s < 2; ++s)
    for (const char* label : {"anger", "sadness"})
      for (std::size_t i = 0; i < per_class; ++i) {
        ManifestItem item{"clip.wav", "spk" + std::to_string(s), "f", label, "en", "t", "corpus"};
        const double sign = std::string(label) == "anger" ? 1 : -1;
        std::vector<double> f;
        for (std::size_t c = 0; c <= augment_variants().size(); ++c)
          for (std::size_t k = 0; k < d; ++k) f.push_back(sign + noise(rng) + 5.0 * static_cast<double>(c) + 3.0 * s);
        add_clip(data, item, f);
      }
  return data;
}

TEST(SerAugment, CopiesOfTrainingRowsOnlyAndNormalisedApart) {
  const Dataset data = with_copies(10);
  ASSERT_EQ(data.size(), 40u);
  ASSERT_EQ(data.augmented_source.size(), 40u * augment_variants().size());
  const std::size_t copies = augment_variants().size();
  EXPECT_EQ(data.augmented_variant[copies - 1], static_cast<int>(copies - 1));
  EXPECT_EQ(data.augmented_source[copies], 1u);
  TrainOptions o;
  o.augment = true;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < data.size(); i += 2) rows.push_back(i);
  const LinearModel m = train_on_raw(data, rows, o);
  EXPECT_EQ(m.n_train, rows.size());
  // The prior is that of the original rows alone.
  std::vector<double> mean, sd;
  population_statistics(data, rows, mean, sd);
  EXPECT_EQ(m.population_mean, mean);
  // The copies of rows left out (e.g. a held-out corpus) never reach training: changing them changes nothing.
  Dataset changed = data;
  for (std::size_t i = 0; i < changed.augmented_source.size(); ++i)
    if (changed.augmented_source[i] % 2 == 1)
      for (std::size_t f = 0; f < 3; ++f) changed.augmented_x[i * 3 + f] += 100.0;
  EXPECT_EQ(train_on_raw(changed, rows, o).weights, m.weights);
  // The copies do change the model; without them the recipe is the plain one.
  o.augment = false;
  EXPECT_NE(train_on_raw(data, rows, o).weights, m.weights);
  Dataset plain = data;
  plain.augmented_x.clear();
  plain.augmented_source.clear();
  plain.augmented_variant.clear();
  EXPECT_EQ(train_on_raw(plain, rows, o).weights, train_on_raw(data, rows, o).weights);
  o.augment = true;
  EXPECT_THROW(train_on_raw(plain, rows, o), sentio::InputError);
}

TEST(SerAugment, ModelFileRecordsTheAugmentation) {
  const Dataset data = with_copies(6, 88);
  std::vector<std::size_t> rows(data.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  TrainOptions o;
  use_mlp_defaults(o);
  o.steps = 10;
  EXPECT_TRUE(o.augment);
  const LinearModel m = train_on_raw(data, rows, o);
  nlohmann::json j = nlohmann::json::parse(model_to_json(m));
  ASSERT_TRUE(j["hyper"].contains("augmentation"));
  EXPECT_EQ(j["hyper"]["augmentation"].size(), augment_variants().size());
  EXPECT_TRUE(model_from_json(j.dump(), "mem").options.augment);
  j["hyper"]["augmentation"] = earlier_augmentation_names();  // a model file of the previous version
  EXPECT_TRUE(model_from_json(j.dump(), "mem").options.augment);
  j["hyper"]["augmentation"] = {"pitch+12"};
  try {
    model_from_json(j.dump(), "aug.json");
    ADD_FAILURE() << "an unknown augmentation was accepted";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("augmentation"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("aug.json"), std::string::npos) << e.what();
  }
  j["hyper"].erase("augmentation");
  EXPECT_FALSE(model_from_json(j.dump(), "mem").options.augment);
}

}  // namespace
