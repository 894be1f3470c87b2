// SPDX-License-Identifier: Apache-2.0
// Linear SER baseline and MLP on synthetic feature vectors: speaker normalisation by hand, separable
// clusters, a non-linear boundary, folds without speaker overlap, model JSON round trip and corrupt model files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/ser/evaluation.hpp"
#include "sentio/ser/linear_emotion_model.hpp"

using namespace sentio::ser;

namespace {

// Synthetic data: n_speakers speakers x per_class clips of each of `labels`, d features; class c has
// mean 4 on feature c (mod d) and 0 elsewhere, unit Gaussian noise, plus a speaker offset (removed by
// the speaker normalisation).
Dataset clusters(const std::vector<std::string>& labels, int n_speakers, int per_class, std::size_t d,
                 std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  Dataset data;
  data.n_features = d;
  for (int s = 0; s < n_speakers; ++s)
    for (std::size_t c = 0; c < labels.size(); ++c)
      for (int i = 0; i < per_class; ++i) {
        for (std::size_t f = 0; f < d; ++f)
          data.x.push_back((f == c % d ? 4.0 : 0.0) + 0.5 * noise(rng) + 10.0 * s);
        data.labels.push_back(labels[c]);
        data.speakers.push_back("spk" + std::to_string(s));
        data.paths.push_back("clip");
      }
  return data;
}

TEST(SerNormalisation, HandComputedExample) {
  Dataset data;
  data.n_features = 2;
  // speaker a: feature 0 = 1, 3 -> mean 2, population std 1; feature 1 = 5, 5 -> constant -> 0.
  // speaker b: feature 0 = 0, 0, 6 -> mean 2, std sqrt((4+4+16)/3) = sqrt(8); feature 1 = 1, 2, 3 -> mean 2,
  // std sqrt(2/3).
  data.x = {1, 5, 0, 1, 3, 5, 0, 2, 6, 3};
  data.speakers = {"a", "b", "a", "b", "b"};
  data.labels = {"anger", "anger", "fear", "fear", "fear"};
  data.paths.assign(5, "p");
  normalise_per_speaker(data);
  const double s8 = std::sqrt(8.0), s23 = std::sqrt(2.0 / 3.0);
  const std::vector<double> expected = {-1, 0, -2 / s8, -1 / s23, 1, 0, -2 / s8, 0, 4 / s8, 1 / s23};
  ASSERT_EQ(data.x.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(data.x[i], expected[i], 1e-12) << i;
}

TEST(SerClassifier, SeparableClustersAreLearnedExactly) {
  const std::vector<std::string> labels = {"neutral", "happiness", "sadness", "anger"};
  Dataset data = clusters(labels, 4, 10, 6, 1);
  normalise_per_speaker(data);
  std::vector<std::size_t> rows(data.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const LinearModel model = train_linear(data, rows, TrainOptions{});
  EXPECT_EQ(model.labels, labels);
  std::size_t correct = 0;
  for (std::size_t r : rows) {
    const std::vector<double> z = model.logits(data.row(r));
    const auto best = static_cast<std::size_t>(std::max_element(z.begin(), z.end()) - z.begin());
    correct += model.labels[best] == data.labels[r];
  }
  EXPECT_EQ(correct, rows.size());
  // Deterministic: a second training gives the same bits.
  EXPECT_EQ(train_linear(data, rows, TrainOptions{}).weights, model.weights);

  EvalOptions opt;
  opt.protocol = Protocol::loso;
  const EvalResult r = evaluate(data, opt, nullptr);
  EXPECT_EQ(r.labels, labels);
  EXPECT_EQ(r.folds.size(), 4u);
  EXPECT_EQ(r.metrics.n, data.size());
  EXPECT_DOUBLE_EQ(r.metrics.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r.metrics.balanced_accuracy, 1.0);
}

TEST(SerClassifier, SplitRestrictsToClassesPresent) {
  const std::vector<std::string> labels = {"neutral", "happiness", "sadness", "anger"};
  Dataset train = clusters(labels, 3, 8, 4, 2);
  normalise_per_speaker(train);
  std::vector<std::size_t> rows(train.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const LinearModel model = train_linear(train, rows, TrainOptions{});
  // Test speaker: sadness and anger (known to the model) and boredom (unknown; drawn where neutral
  // sits, so an unrestricted decision would say neutral); no neutral or happiness rows.
  const Dataset test = clusters({"neutral", "happiness", "sadness", "anger"}, 1, 6, 4, 3);
  Dataset t2;
  t2.n_features = 4;
  for (std::size_t i = 0; i < test.size(); ++i) {
    if (test.labels[i] == "happiness") continue;
    t2.x.insert(t2.x.end(), test.row(i), test.row(i) + 4);
    t2.labels.push_back(test.labels[i] == "neutral" ? "boredom" : test.labels[i]);
    t2.speakers.push_back(test.speakers[i]);
    t2.paths.push_back("p");
  }
  normalise_per_speaker(t2);
  EvalOptions opt;
  opt.protocol = Protocol::split;
  const EvalResult r = evaluate(t2, opt, &model);
  EXPECT_EQ(r.labels, (std::vector<std::string>{"sadness", "anger"}));
  EXPECT_EQ(r.skipped_not_in_model.at("boredom"), 6u);
  EXPECT_EQ(r.metrics.n, 12u);
  EXPECT_EQ(r.confusion.n_classes(), 2u);
  EXPECT_DOUBLE_EQ(r.metrics.balanced_accuracy, 1.0);
  EXPECT_THROW(evaluate(t2, opt, nullptr), sentio::InputError);
}

TEST(SerFolds, NoSpeakerOnBothSides) {
  std::vector<std::string> speakers;
  for (int s = 0; s < 7; ++s)
    for (int i = 0; i < 3 + s; ++i) speakers.push_back("s" + std::to_string(s));
  for (Protocol p : {Protocol::loso, Protocol::kfold_speaker}) {
    const auto folds = make_speaker_folds(speakers, p, 3, 42);
    EXPECT_EQ(folds.size(), p == Protocol::loso ? 7u : 3u);
    std::vector<int> tested(speakers.size(), 0);
    for (const auto& f : folds) {
      std::set<std::string> tr, te;
      for (auto i : f.train) tr.insert(speakers[i]);
      for (auto i : f.test) te.insert(speakers[i]), ++tested[i];
      for (const auto& s : te) EXPECT_EQ(tr.count(s), 0u) << s;
      EXPECT_EQ(f.train.size() + f.test.size(), speakers.size());
      EXPECT_EQ(std::vector<std::string>(te.begin(), te.end()), f.test_speakers);
    }
    for (int t : tested) EXPECT_EQ(t, 1);  // every row tested exactly once
  }
  // Seeded: same seed, same folds; the fold sizes of kfold differ by at most one speaker.
  const auto a = make_speaker_folds(speakers, Protocol::kfold_speaker, 3, 7);
  const auto b = make_speaker_folds(speakers, Protocol::kfold_speaker, 3, 7);
  for (std::size_t f = 0; f < a.size(); ++f) {
    EXPECT_EQ(a[f].test, b[f].test);
    EXPECT_GE(a[f].test_speakers.size(), 2u);
    EXPECT_LE(a[f].test_speakers.size(), 3u);
  }
  EXPECT_THROW(make_speaker_folds(speakers, Protocol::kfold_speaker, 8, 0), sentio::InputError);
  EXPECT_THROW(make_speaker_folds(speakers, Protocol::kfold_speaker, 1, 0), sentio::InputError);
  EXPECT_THROW(make_speaker_folds({"x", "x"}, Protocol::loso, 0, 0), sentio::InputError);
  EXPECT_THROW(parse_protocol("holdout"), sentio::InputError);
}

TrainOptions small_options() {
  TrainOptions opt;
  opt.seed = 9;
  opt.max_iterations = 30;
  return opt;
}

LinearModel small_model(const TrainOptions& opt = small_options()) {
  Dataset data = clusters({"neutral", "anger", "calm"}, 2, 5, 88, 5);
  normalise_per_speaker(data);
  std::vector<std::size_t> rows(data.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  return train_linear(data, rows, opt);
}

TEST(SerFolds, LeaveOneCorpusOut) {
  Dataset data = clusters({"neutral", "anger"}, 4, 2, 3, 1);
  for (std::size_t i = 0; i < data.size(); ++i) data.corpora.push_back(data.speakers[i] < "spk2" ? "a" : "b");
  const auto folds = make_folds(data, Protocol::loco, 0, 0);
  ASSERT_EQ(folds.size(), 2u);
  EXPECT_EQ(folds[0].test_speakers, std::vector<std::string>{"a"});
  for (const Fold& f : folds)
    for (std::size_t r : f.test)
      for (std::size_t t : f.train) EXPECT_NE(data.corpora[r], data.corpora[t]);
  data.corpora.assign(data.size(), "a");
  EXPECT_THROW(make_folds(data, Protocol::loco, 0, 0), sentio::InputError);  // one corpus
  data.corpora.back() = "b";  // spk3 in both corpora
  EXPECT_THROW(make_folds(data, Protocol::loco, 0, 0), sentio::InputError);
  EXPECT_EQ(parse_protocol("loco"), Protocol::loco);
}

TEST(SerNormalisation, SpeakerStatisticsShrinkTowardsThePopulation) {
  // One feature; a model whose logit for class 1 is the normalised feature itself.
  LinearModel m;
  m.labels = {"neutral", "anger"};
  m.n_features = 1;
  m.weights = {0.0, 1.0};
  m.bias = {0.0, 0.0};
  m.population_mean = {10.0};
  m.population_std = {5.0};
  m.within_speaker_std = {2.0};
  m.speaker_prior = 1.0;
  const LinearEmotionModel model(m);
  // One utterance at 14. The recording: mean (14 + 10) / 2 = 12, var (0 + 1 * 4) / 2 = 2; the speaker,
  // shrunk towards the recording: mean (14 + 12) / 2 = 13, var (0 + 2) / 2 = 1, so z = 1.
  std::vector<UtteranceEvidence> ev(1);
  ev[0].functionals = {14.0};
  const std::vector<int> one = {0};
  EXPECT_NEAR(model.logits(ev, one)[0][1], 1.0, 1e-5);
  // Three utterances 12, 14, 16 (own mean 14, var 8/3). The recording: mean (42 + 10) / 4 = 13, var
  // (8 + 4) / 4 = 3; the speaker: mean (42 + 13) / 4 = 13.75, var (8 + 3) / 4 = 2.75.
  ev.resize(3);
  ev[0].functionals = {12.0};
  ev[1].functionals = {14.0};
  ev[2].functionals = {16.0};
  const std::vector<int> three = {0, 0, 0};
  EXPECT_NEAR(model.logits(ev, three)[2][1], 2.25 / std::sqrt(2.75), 1e-5);
  // Speakers split differently within one recording share the recording's prior: 16 alone as speaker 1
  // is judged against mean (16 + 13) / 2 = 14.5, var (0 + 3) / 2 = 1.5.
  EXPECT_NEAR(model.logits(ev, std::vector<int>{0, 0, 1})[2][1], 1.5 / std::sqrt(1.5), 1e-5);
  // The output temperature divides the logits before the softmax: one utterance at 12 has z = 0.5
  // (recording mean 11, var 2; speaker mean 11.5, var 1).
  m.output_temperature = 2.0;
  const auto p = LinearEmotionModel(m).predict(std::vector<UtteranceEvidence>(ev.begin(), ev.begin() + 1), one);
  EXPECT_NEAR(p[0][1], 1.0 / (1.0 + std::exp(-0.5 / 2.0)), 1e-5);
  // predict_from scores the later utterances only, against statistics that include the earlier ones.
  const std::vector<int> split = {0, 0, 1};
  const auto all = LinearEmotionModel(m).predict(ev, split);
  const auto tail = LinearEmotionModel(m).predict_from(ev, split, 1);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0], all[1]);
  EXPECT_EQ(tail[1], all[2]);
  EXPECT_TRUE(LinearEmotionModel(m).predict_from(ev, split, 3).empty());
}

TEST(SerModelFile, JsonRoundTrip) {
  const LinearModel m = small_model();
  const LinearModel back = model_from_json(model_to_json(m), "mem");
  EXPECT_EQ(back.labels, m.labels);
  EXPECT_EQ(back.weights, m.weights);  // bit-exact: JSON doubles are printed with round-trip precision
  EXPECT_EQ(back.bias, m.bias);
  EXPECT_EQ(back.n_features, 88u);
  EXPECT_EQ(back.options.seed, 9u);
  EXPECT_EQ(back.options.max_iterations, 30);
  EXPECT_EQ(back.options.l2, m.options.l2);
  EXPECT_EQ(back.normalisation, kNormalisationSpeakerZ);
  EXPECT_EQ(back.n_train, m.n_train);
  EXPECT_TRUE(back.within_speaker_std.empty());
  EXPECT_EQ(back.output_temperature, 1.0);
  LinearModel c = m;
  c.population_mean.assign(88, 1.0);
  c.population_std.assign(88, 2.0);
  c.within_speaker_std.assign(88, 0.5);
  c.speaker_prior = 3;
  c.output_temperature = 1.75;
  c.calibrated_on = "held-out corpora";
  const LinearModel cb = model_from_json(model_to_json(c), "mem");
  EXPECT_EQ(cb.within_speaker_std, c.within_speaker_std);
  EXPECT_EQ(cb.speaker_prior, 3.0);
  EXPECT_EQ(cb.options.speaker_prior, 3.0);  // re-trained folds keep it
  EXPECT_EQ(cb.output_temperature, 1.75);
  EXPECT_EQ(cb.calibrated_on, "held-out corpora");
}

void expect_rejected(const nlohmann::json& j, const std::string& needle) {
  try {
    model_from_json(j.dump(), "bad.json");
    ADD_FAILURE() << "accepted a model with " << needle;
  } catch (const sentio::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << msg;
  }
}

// Two classes on the XOR pattern of two features (class by the product's sign), which no linear model
// separates; four more noise features.
Dataset xor_data(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Dataset data;
  data.n_features = 6;
  for (int i = 0; i < n; ++i) {
    const double a = u(rng), b = u(rng);
    data.x.insert(data.x.end(), {a, b, u(rng), u(rng), u(rng), u(rng)});
    data.labels.push_back(a * b > 0 ? "happiness" : "sadness");
    data.speakers.push_back("spk");
    data.paths.push_back("clip");
  }
  return data;
}

double training_accuracy(const LinearModel& model, const Dataset& data) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < data.size(); ++r) {
    const std::vector<double> z = model.logits(data.row(r));
    correct += model.labels[static_cast<std::size_t>(std::max_element(z.begin(), z.end()) - z.begin())] == data.labels[r];
  }
  return static_cast<double>(correct) / static_cast<double>(data.size());
}

TEST(SerMlp, LearnsABoundaryTheRegressionCannot) {
  const Dataset data = xor_data(400, 3);
  std::vector<std::size_t> rows(data.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const LinearModel linear = train_linear(data, rows, TrainOptions{});
  TrainOptions o;
  o.hidden = 16;
  o.dropout = 0.1;
  o.l2 = 1e-4;
  o.steps = 400;
  o.learning_rate = 0.03;
  const LinearModel mlp = train_linear(data, rows, o);
  EXPECT_EQ(mlp.hidden_units(), 16u);
  EXPECT_EQ(mlp.hidden_weights.size(), 16u * 6u);
  EXPECT_EQ(mlp.weights.size(), 2u * 16u);
  EXPECT_LT(training_accuracy(linear, data), 0.7);
  EXPECT_GT(training_accuracy(mlp, data), 0.9);
  // Deterministic for a seed; another seed gives another network.
  EXPECT_EQ(train_linear(data, rows, o).hidden_weights, mlp.hidden_weights);
  o.seed = 1;
  EXPECT_NE(train_linear(data, rows, o).hidden_weights, mlp.hidden_weights);
}

TEST(SerModelFile, MlpRoundTripAndCorruptFields) {
  TrainOptions o = small_options();
  o.hidden = 8;
  o.steps = 20;
  const LinearModel m = small_model(o);
  const LinearModel back = model_from_json(model_to_json(m), "mem");
  EXPECT_EQ(back.hidden_weights, m.hidden_weights);
  EXPECT_EQ(back.hidden_bias, m.hidden_bias);
  EXPECT_EQ(back.weights, m.weights);
  EXPECT_EQ(back.options.hidden, 8);
  EXPECT_EQ(back.options.steps, 20);
  EXPECT_EQ(back.options.dropout, o.dropout);
  std::vector<double> row(88);
  for (std::size_t f = 0; f < row.size(); ++f) row[f] = std::sin(static_cast<double>(f));
  EXPECT_EQ(back.logits(row.data()), m.logits(row.data()));
  EXPECT_EQ(LinearEmotionModel(back).kind(), "mlp");

  const nlohmann::json good = nlohmann::json::parse(model_to_json(m));
  EXPECT_EQ(good["classifier"], "mlp-relu-l2");
  nlohmann::json j = good;
  j["hidden_weights"][0].erase(0);
  expect_rejected(j, "hidden_weights[0]");
  j = good;
  j["hyper"].erase("hidden");
  expect_rejected(j, "hidden");
  j = good;
  j["hyper"]["dropout"] = 1.0;
  expect_rejected(j, "dropout");
  j = good;
  j["weights"][0].push_back(0.0);  // rows have `hidden` values, not n_features
  expect_rejected(j, "weights[0]");
  j = good;
  j["classifier"] = "softmax-l2";  // an MLP's weights read as a regression's
  expect_rejected(j, "weights");
}

TEST(SerModelFile, CorruptFilesNameTheProblem) {
  const nlohmann::json good = nlohmann::json::parse(model_to_json(small_model()));
  EXPECT_THROW(model_from_json("{\"format\": ", "bad.json"), sentio::InputError);
  EXPECT_THROW(model_from_json("[1,2]", "bad.json"), sentio::InputError);
  EXPECT_THROW(model_from_json(R"({"format": "sentio.ser.linear", "version": 1e400})", "bad.json"),
               sentio::InputError);  // nlohmann's out_of_range used to escape as an internal error
  auto with = [&](const std::string& key, const nlohmann::json& v) {
    nlohmann::json j = good;
    j[key] = v;
    return j;
  };
  auto without = [&](const std::string& key) {
    nlohmann::json j = good;
    j.erase(key);
    return j;
  };
  expect_rejected(with("format", "other"), "format");
  expect_rejected(with("version", 2), "version");
  expect_rejected(with("feature_set", "mfcc"), "feature_set");
  expect_rejected(with("n_features", 87), "n_features");
  expect_rejected(with("normalisation", "none"), "normalisation");
  expect_rejected(with("classifier", "svm"), "classifier");
  expect_rejected(with("labels", {"anger"}), "labels");
  expect_rejected(with("labels", {"anger", "anger", "calm"}), "twice");
  expect_rejected(with("labels", {"anger", "contempt", "calm"}), "contempt");
  expect_rejected(without("weights"), "weights");
  expect_rejected(without("hyper"), "hyper");
  nlohmann::json j = good;
  j["weights"][1].erase(0);
  expect_rejected(j, "weights[1]");
  j = good;
  j["weights"][2][5] = "x";
  expect_rejected(j, "weights[2][5]");
  j = good;
  j["weights"].erase(0);
  expect_rejected(j, "weights");
  j = good;
  j["bias"].push_back(0.5);
  expect_rejected(j, "bias");
  j = good;
  j["hyper"]["l2"] = -1;
  expect_rejected(j, "l2");
  j = good;
  j["hyper"]["seed"] = -3;
  expect_rejected(j, "seed");
  EXPECT_THROW(load_model("/nonexistent/model.json"), sentio::InputError);
}

}  // namespace
