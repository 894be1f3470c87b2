// SPDX-License-Identifier: Apache-2.0
// Training on a tiny synthetic set (three "emotions" = three tone families), model files (round trip,
// corrupt/truncated/tampered), determinism, the ensemble and the per-speaker normalisation fallback.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/ser/emotion_model.hpp"
#include "sentio/ser_neural/models.hpp"
#include "test_support.hpp"

namespace {

// Neural and ensemble files are read by this test binary's own copy of sentio_ser_neural (not the plugin's).
const bool kFormatsRegistered = (sentio::ser::register_neural_model_formats(), true);

using namespace sentio::ser;
using sentio::test::temp_dir;

const std::vector<std::string> kLabels = {"neutral", "anger", "sadness"};

// 0.8 s at 16 kHz: class 0 a 250 Hz tone, class 1 a 1.6 kHz tone with a 6 Hz tremolo, class 2 two
// tones at 500 and 3 kHz; each with a random +-10 % frequency offset, gain and a little noise.
std::vector<float> clip(int cls, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::normal_distribution<double> g(0, 1);
  const double jitter = 1 + 0.1 * u(rng), gain = 0.3 * std::pow(10.0, u(rng) * 0.5);
  std::vector<float> x(12800);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / 16000;
    double v = 0;
    if (cls == 0) v = std::sin(2 * std::numbers::pi * 250 * jitter * t);
    if (cls == 1) v = std::sin(2 * std::numbers::pi * 1600 * jitter * t) * (0.6 + 0.4 * std::sin(2 * std::numbers::pi * 6 * t));
    if (cls == 2) v = 0.5 * std::sin(2 * std::numbers::pi * 500 * jitter * t) + 0.5 * std::sin(2 * std::numbers::pi * 3000 * jitter * t);
    x[i] = static_cast<float>(gain * (v + 0.01 * g(rng)));
  }
  return x;
}


// n_speakers x 3 classes x per clips, eGeMAPS included (so linear and ensemble models train too).
Corpus make_corpus(int n_speakers, int per, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Corpus c;
  c.raw.n_features = sentio::features::kEgemapsFunctionalCount;
  for (int s = 0; s < n_speakers; ++s)
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < per; ++i) {
        std::vector<float> x = clip(k, rng);
        const auto f = sentio::features::egemaps_functionals(x, 16000, 1);
        c.raw.x.insert(c.raw.x.end(), f.begin(), f.end());
        c.raw.labels.push_back(kLabels[static_cast<std::size_t>(k)]);
        c.raw.speakers.push_back("spk" + std::to_string(s));
        c.raw.paths.push_back("synthetic");
        c.audio.push_back(std::move(x));
      }
  return c;
}

NeuralOptions fast_options() {
  NeuralOptions o;
  o.epochs = 6;
  o.batch_size = 16;
  o.crop_seconds = 0.6;
  o.channels = 4;
  o.embedding = 16;
  o.learning_rate = 1e-2;
  o.validation_fraction = 0;
  o.seed = 11;
  return o;
}

const Corpus& corpus() {
  static const Corpus c = make_corpus(3, 6, 1);  // 54 clips
  return c;
}

const NeuralModel& trained() {
  static const NeuralModel m = [] {
    std::vector<std::size_t> rows(corpus().raw.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    return train_neural(corpus().audio, corpus().raw.labels, rows, {}, fast_options());
  }();
  return m;
}

TEST(NeuralTraining, LearnsSyntheticClassesQuickly) {
  const NeuralModel& m = trained();
  ASSERT_EQ(m.labels(), (std::vector<std::string>{"neutral", "sadness", "anger"}));  // canonical order
  std::mt19937_64 rng(99);  // fresh clips
  int right = 0, n = 0;
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 8; ++i) {
      const std::vector<float> z = m.logits(clip(k, rng));
      const std::size_t pred = static_cast<std::size_t>(std::max_element(z.begin(), z.end()) - z.begin());
      right += m.labels()[pred] == kLabels[static_cast<std::size_t>(k)];
      ++n;
    }
  EXPECT_GE(static_cast<double>(right) / n, 0.9) << right << "/" << n;
}

TEST(NeuralModelFile, RoundTripGivesIdenticalOutputs) {
  const NeuralModel& m = trained();
  const std::string text = m.to_json();
  const NeuralModel back = NeuralModel::from_json(text, "mem");
  std::mt19937_64 rng(5);
  const std::vector<float> x = clip(1, rng);
  EXPECT_EQ(m.logits(x), back.logits(x));  // bit-identical
  EXPECT_EQ(back.to_json(), text);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format"], "sentio.ser.neural");
  EXPECT_EQ(j["version"], 1);
}

TEST(NeuralModelFile, CorruptTruncatedOrTamperedFilesAreInputErrors) {
  const std::string text = trained().to_json();
  EXPECT_THROW(NeuralModel::from_json(text.substr(0, text.size() / 2), "half.json"), sentio::InputError);
  auto j = nlohmann::json::parse(text);
  {  // one weight changed: checksum mismatch
    auto t = j;
    std::string& data = t["tensors"][0]["data"].get_ref<std::string&>();
    data[4] = data[4] == 'A' ? 'B' : 'A';
    EXPECT_THROW(NeuralModel::from_json(t.dump(), "edited.json"), sentio::InputError);
  }
  {  // a truncated weight blob
    auto t = j;
    std::string& data = t["tensors"][1]["data"].get_ref<std::string&>();
    data = data.substr(0, data.size() - 8);
    EXPECT_THROW(NeuralModel::from_json(t.dump(), "short.json"), sentio::InputError);
  }
  {  // shapes that do not match the options
    auto t = j;
    t["options"]["channels"] = 5;
    EXPECT_THROW(NeuralModel::from_json(t.dump(), "shape.json"), sentio::InputError);
  }
  {
    auto t = j;
    t["version"] = 2;
    EXPECT_THROW(NeuralModel::from_json(t.dump(), "v2.json"), sentio::InputError);
  }
  {
    auto t = j;
    t["tensors"].erase(t["tensors"].begin());
    EXPECT_THROW(NeuralModel::from_json(t.dump(), "missing.json"), sentio::InputError);
  }
  const auto dir = temp_dir();
  std::ofstream(dir / "garbage.json") << "\x01\x02not json";
  EXPECT_THROW(load_emotion_model((dir / "garbage.json").string()), sentio::InputError);
  std::ofstream(dir / "other.json") << R"({"format": "something.else", "version": 1})";
  EXPECT_THROW(load_emotion_model((dir / "other.json").string()), sentio::InputError);
  EXPECT_THROW(load_emotion_model((dir / "does-not-exist.json").string()), sentio::InputError);
  try {
    load_emotion_model((dir / "garbage.json").string());
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.json"), std::string::npos) << e.what();
  }
}

TEST(NeuralTraining, SameSeedSameModel) {
  std::vector<std::size_t> rows(corpus().raw.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  NeuralOptions o = fast_options();
  o.epochs = 2;
  const std::string a = train_neural(corpus().audio, corpus().raw.labels, rows, {}, o).to_json();
  const std::string b = train_neural(corpus().audio, corpus().raw.labels, rows, {}, o).to_json();
  EXPECT_EQ(a, b);  // bit-exact (same thread count)
  o.seed = 12;
  EXPECT_NE(train_neural(corpus().audio, corpus().raw.labels, rows, {}, o).to_json(), a);
}

TEST(EnsembleModel, TrainSaveLoadPredict) {
  static const Corpus c = make_corpus(5, 3, 2);  // 5 speakers, one held out for calibration
  std::vector<std::size_t> rows(c.raw.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  SerTrainOptions o;
  o.type = ModelType::ensemble;
  o.neural = fast_options();
  o.neural.validation_fraction = 0.2;
  const auto model = train_emotion_model(c, rows, o);
  ASSERT_EQ(model->kind(), "ensemble");
  const auto* e = dynamic_cast<const EnsembleEmotionModel*>(model.get());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->calibration().validation_speakers.size(), 1u);
  EXPECT_GT(e->calibration().linear_temperature, 0);
  EXPECT_GE(e->calibration().linear_weight, 0);
  const auto path = (temp_dir() / "ensemble.json").string();
  model->save(path);
  const auto loaded = load_emotion_model(path);
  ASSERT_EQ(loaded->kind(), "ensemble");
  EXPECT_EQ(loaded->labels(), model->labels());
  std::mt19937_64 rng(3);
  std::vector<UtteranceEvidence> ev;
  std::vector<int> spk;
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 2; ++i) {
      ev.push_back(loaded->analyse(clip(k, rng)));
      spk.push_back(0);
    }
  const auto p1 = loaded->predict(ev, spk);
  const auto p0 = model->predict(ev, spk);
  int right = 0;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    EXPECT_EQ(p1[i], p0[i]);
    double s = 0;
    for (float v : p1[i]) s += v;
    EXPECT_NEAR(s, 1.0, 1e-5);
    const std::size_t pred = static_cast<std::size_t>(std::max_element(p1[i].begin(), p1[i].end()) - p1[i].begin());
    right += loaded->labels()[pred] == kLabels[i / 2];
  }
  EXPECT_GE(right, 5);
  // A truncated ensemble file is an InputError naming the file.
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(path + ".cut") << text.substr(0, text.size() - 100);
  EXPECT_THROW(load_emotion_model(path + ".cut"), sentio::InputError);
}

TEST(LinearEmotionModel, FewUtterancesFallBackToPopulationStatistics) {
  std::vector<std::size_t> rows(corpus().raw.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  SerTrainOptions o;
  o.type = ModelType::linear;
  const auto model = train_emotion_model(corpus(), rows, o);
  const auto* lin = dynamic_cast<const LinearEmotionModel*>(model.get());
  ASSERT_NE(lin, nullptr);
  ASSERT_EQ(lin->model().population_mean.size(), sentio::features::kEgemapsFunctionalCount);
  // Three speakers with one utterance each (one per class): with their own statistics every z-score
  // would be 0 and all three predictions equal; with the population statistics they differ and are right.
  std::vector<UtteranceEvidence> ev;
  for (std::size_t k = 0; k < 3; ++k) {
    UtteranceEvidence e;
    const std::size_t r = k * 6;  // speaker 0, class k
    e.functionals.assign(corpus().raw.row(r), corpus().raw.row(r) + corpus().raw.n_features);
    ev.push_back(e);
  }
  const std::vector<int> spk = {0, 1, 2};
  const auto p = model->predict(ev, spk);
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t pred = static_cast<std::size_t>(std::max_element(p[k].begin(), p[k].end()) - p[k].begin());
    EXPECT_EQ(model->labels()[pred], kLabels[k]);
  }
  // Four utterances of one speaker use that speaker's own statistics: the same rows grouped as one
  // speaker give different probabilities than as singletons.
  ev.push_back(ev[0]);
  const auto q = model->predict(ev, std::vector<int>{0, 0, 0, 0});
  EXPECT_NE(q[0], p[0]);
}

}  // namespace
