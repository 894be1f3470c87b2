// SPDX-License-Identifier: Apache-2.0
// `sentio train ser` on 40 RAVDESS clips of 4 speakers, then `sentio eval ser --protocol split --json` on 16
// clips of a fifth speaker (skips without ../shared/data/ser/ravdess or the built binary). Asserts only that
// the report is well-formed and better than chance; the LOSO numbers live in bench/ser_baseline.sh. Then the
// leave-one-corpus-out protocol and the calibration of `train ser --calibration` on two stand-in corpora.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sentio/ser/linear_model.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

// RAVDESS name: 03-01-EE-II-SS-RR-AA (emotion 01..08, intensity, statement, repetition, actor).
std::string ravdess_row(const fs::path& dir, int emotion, int statement, int actor) {
  static const char* names[] = {"", "neutral", "calm", "happiness", "sadness", "anger", "fear", "disgust", "surprise"};
  char file[64];
  std::snprintf(file, sizeof file, "03-01-%02d-01-%02d-01-%02d.flac", emotion, statement, actor);
  return (dir / "audio" / file).string() + ",ravdess_" + std::to_string(actor) + ",x," + names[emotion] + ",en,s";
}

TEST(SerCli, TrainOnFourSpeakersEvaluateOnAFifth) {
  SENTIO_REQUIRE_SHARED(ravdess, "data/ser/ravdess/manifest.csv");
  if (!fs::exists(sentio::test::sentio_binary())) GTEST_SKIP() << "skipped: sentio binary not built";
  const fs::path corpus = ravdess.parent_path();
  const fs::path dir = sentio::test::temp_dir() / "ser_cli";
  fs::create_directories(dir);
  {
    std::ofstream train(dir / "train.csv");
    train << "path,speaker,gender,emotion,language,text_id\n";
    for (int actor = 1; actor <= 4; ++actor) {
      for (int e = 1; e <= 8; ++e) train << ravdess_row(corpus, e, 1, actor) << "\n";
      train << ravdess_row(corpus, 4, 2, actor) << "\n" << ravdess_row(corpus, 5, 2, actor) << "\n";
    }
    std::ofstream test(dir / "test.csv");
    test << "path,speaker,gender,emotion,language,text_id\n";
    for (int e = 1; e <= 8; ++e) test << ravdess_row(corpus, e, 1, 5) << "\n" << ravdess_row(corpus, e, 2, 5) << "\n";
    test << "missing.flac,ravdess_5,x,anger,en,s\n";  // skipped and counted
  }
  const fs::path model = dir / "model.json";
  const auto t = run_command(sentio_cmd("train ser --type linear -q -j 2 --seed 3 --data '" + (dir / "train.csv").string() + "' -o '" +
                                        model.string() + "'"));
  ASSERT_EQ(t.status, 0) << t.output;
  const sentio::ser::LinearModel m = sentio::ser::load_model(model.string());  // validates the file
  EXPECT_EQ(m.labels.size(), 8u);
  EXPECT_EQ(m.n_train, 40u);
  EXPECT_EQ(m.options.seed, 3u);
  EXPECT_FALSE(m.options.augment);

  // The MLP recipe trains also on the pitch- and speed-changed copies and records them; --augment off trains without.
  for (const char* augment : {"", " --augment off"}) {
    const fs::path mlp = dir / "mlp.json";
    const auto tm = run_command(sentio_cmd("train ser --type mlp -q -j 2" + std::string(augment) + " --data '" +
                                           (dir / "train.csv").string() + "' -o '" + mlp.string() + "'"));
    ASSERT_EQ(tm.status, 0) << tm.output;
    const sentio::ser::LinearModel mm = sentio::ser::load_model(mlp.string());
    EXPECT_EQ(mm.options.augment, *augment == '\0') << augment;
    EXPECT_EQ(mm.n_train, 40u);
  }
  const auto bad = run_command(sentio_cmd("eval ser -q --type neural --augment on --protocol loso --data '" +
                                          (dir / "train.csv").string() + "'"));
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--augment applies to the eGeMAPS models"), std::string::npos) << bad.output;

  const auto r = run_command(sentio_cmd("eval ser -q -j 2 --protocol split --json --model '" + model.string() +
                                        "' --data '" + (dir / "test.csv").string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  for (const char* key : {"wa", "ua", "macro_f1", "per_class", "confusion", "labels", "n", "protocol"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["protocol"], "split");
  EXPECT_EQ(j["n"].get<int>(), 16);
  EXPECT_EQ(j["labels"].size(), 8u);
  EXPECT_EQ(j["confusion"].size(), 8u);
  EXPECT_EQ(j["per_class"].size(), 8u);
  EXPECT_EQ(j["skipped"]["missing_files"].get<int>(), 1);
  int total = 0;
  for (const auto& row : j["confusion"])
    for (const auto& v : row) total += v.get<int>();
  EXPECT_EQ(total, 16);
  EXPECT_GT(j["ua"].get<double>(), 1.0 / 8.0) << r.output;  // better than chance over 8 classes
}

// Leave-one-corpus-out over two manifests in two folders (RAVDESS actors 1-3 and 4-6 as stand-ins for two
// corpora), with the predictions CSV, and a model calibrated on it: the chain that makes the shipped model.
TEST(SerCli, LeaveOneCorpusOutAndCalibration) {
  SENTIO_REQUIRE_SHARED(ravdess, "data/ser/ravdess/manifest.csv");
  if (!fs::exists(sentio::test::sentio_binary())) GTEST_SKIP() << "skipped: sentio binary not built";
  const fs::path corpus = ravdess.parent_path();
  const fs::path dir = sentio::test::temp_dir() / "ser_loco";
  for (const char* name : {"first", "second"}) {
    fs::create_directories(dir / name);
    std::ofstream m(dir / name / "manifest.csv");
    m << "path,speaker,gender,emotion,language,text_id\n";
    const int first_actor = std::string(name) == "first" ? 1 : 4;
    for (int actor = first_actor; actor < first_actor + 3; ++actor)
      for (int e = 1; e <= 8; ++e)
        for (int statement = 1; statement <= 2; ++statement) m << ravdess_row(corpus, e, statement, actor) << "\n";
  }
  const std::string data = "--data '" + (dir / "first" / "manifest.csv").string() + "' '" +
                           (dir / "second" / "manifest.csv").string() + "'";
  const fs::path predictions = dir / "loco.csv";
  const auto r = run_command(sentio_cmd("eval ser -q -j 2 --type linear --protocol loco --classes core --json " + data +
                                        " --predictions '" + predictions.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_EQ(j["protocol"], "loco");
  EXPECT_EQ(j["classes"], "core");
  ASSERT_EQ(j["folds"].size(), 2u);
  EXPECT_EQ(j["folds"][0]["test_speakers"], nlohmann::json::array({"first"}));
  EXPECT_EQ(j["labels"].size(), 7u);  // calm merged into neutral
  EXPECT_EQ(j["n"].get<int>(), 96);
  EXPECT_GE(j["free_choice"]["ua"].get<double>(), 0.0);
  EXPECT_LE(j["free_choice"]["ua"].get<double>(), j["ua"].get<double>() + 1e-9);  // free choice can only lose
  std::ifstream csv(predictions);
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("path,corpus,speaker,fold,component,truth,neutral,", 0), 0u) << header;

  const fs::path model = dir / "calibrated.json";
  const auto t = run_command(sentio_cmd("train ser -q -j 2 --type linear --classes core " + data + " --calibration '" +
                                        predictions.string() + "' -o '" + model.string() + "'"));
  ASSERT_EQ(t.status, 0) << t.output;
  const sentio::ser::LinearModel m = sentio::ser::load_model(model.string());
  EXPECT_EQ(m.labels.size(), 7u);
  EXPECT_GT(m.output_temperature, 0.0);
  EXPECT_NE(m.calibrated_on.find("96 clips (first, second)"), std::string::npos) << m.calibrated_on;
  EXPECT_FALSE(m.within_speaker_std.empty());
  EXPECT_EQ(m.speaker_prior, 8.0);
}

}  // namespace
