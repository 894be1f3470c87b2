// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio eval face --json` on a tiny manifest of FER2013 PublicTest crops (skips without
// ../shared or the face models), and its errors on bad manifests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

bool models_present() {
  return fs::exists(fs::path(SENTIO_SOURCE_DIR) / ".cache" / "models" / "human" / "emotion.json");
}

TEST(EvalFaceCli, JsonReportOnFerCrops) {
  SENTIO_REQUIRE_SHARED(fer, "data/face/fer2013/test");
  if (!models_present()) GTEST_SKIP() << "skipped: face models not found (run scripts/setup)";
  const fs::path dir = sentio::test::temp_dir() / "fer_manifest";
  fs::create_directories(dir);
  const fs::path manifest = dir / "manifest.csv";
  {
    std::ofstream m(manifest);
    m << "path,label\n";
    // Absolute paths are accepted too; relative ones resolve against the manifest's folder.
    m << (fer / "happy/PublicTest_10130075.jpg").string() << ",happy\n";
    m << (fer / "surprise/PublicTest_10709121.jpg").string() << ",surprise\n";
    m << (fer / "angry/PublicTest_10116449.jpg").string() << ",angry\n";
    m << (fer / "sad/PublicTest_10404299.jpg").string() << ",sad\n";
    m << "whatever.jpg,contempt\n";  // skipped and counted, not read
  }
  const auto r = run_command(sentio_cmd("eval face --data '" + manifest.string() + "' --json -j 1"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  for (const char* key : {"accuracy", "macro_f1", "per_class", "confusion", "n", "labels"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["n"].get<int>(), 4);
  EXPECT_EQ(j["labels"].size(), 4u);
  EXPECT_EQ(j["confusion"].size(), 4u);
  EXPECT_EQ(j["skipped"]["unsupported"]["contempt"].get<int>(), 1);
  EXPECT_TRUE(j["per_class"].contains("happiness"));
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 1.0);  // four clear cases, restricted to four classes
}

TEST(EvalFaceCli, MissingManifestOrColumnsIsAUsageError) {
  const auto r = run_command(sentio_cmd("eval face --data /nonexistent/manifest.csv --json"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("manifest.csv"), std::string::npos) << r.output;
  const fs::path bad = sentio::test::temp_dir() / "bad_manifest.csv";
  std::ofstream(bad) << "file,emotion\na.jpg,happy\n";
  const auto r2 = run_command(sentio_cmd("eval face --data '" + bad.string() + "'"));
  EXPECT_EQ(r2.status, 2) << r2.output;
  EXPECT_NE(r2.output.find("'path'"), std::string::npos) << r2.output;
}

// `sentio train face-cues` on a small manifest (four crops of every class), then `eval face` with the
// model it wrote and with none.
TEST(TrainFaceCuesCli, WritesAModelThatEvalUses) {
  SENTIO_REQUIRE_SHARED(fer, "data/face/fer2013/test");
  if (!models_present()) GTEST_SKIP() << "skipped: face models not found (run scripts/setup)";
  const fs::path dir = sentio::test::temp_dir() / "fer_cues";
  fs::create_directories(dir);
  const fs::path manifest = dir / "manifest.csv";
  {
    std::ofstream m(manifest);
    m << "path,label\n";
    for (const char* label : {"angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"}) {
      int n = 0;
      for (const auto& e : fs::directory_iterator(fer / label)) {
        if (n++ == 6) break;
        m << e.path().string() << "," << label << "\n";
      }
    }
  }
  const fs::path model = dir / "cues.json";
  const auto r = run_command(sentio_cmd("train face-cues -q -j 1 --holdout 0.34 --data '" + manifest.string() +
                                        "' -o '" + model.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(model);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["format"], "sentio.face-cues/1");
  EXPECT_EQ(j["weights"].size(), 7u);
  const double w = j["fusion_weight"].get<double>();
  EXPECT_TRUE(w >= 0.0 && w <= 1.0) << w;
  for (const std::string& cues : {model.string(), std::string("none")}) {
    const auto e = run_command(sentio_cmd("eval face -j 1 --json --cue-model '" + cues + "' --data '" + manifest.string() + "'"));
    ASSERT_EQ(e.status, 0) << cues << ": " << e.output;
    EXPECT_EQ(nlohmann::json::parse(e.output.substr(e.output.find('{')))["n"].get<int>(), 42);
  }
}

TEST(TrainFaceCuesCli, BadInputsAreOneLineErrors) {
  const fs::path dir = sentio::test::temp_dir() / "fer_cues_bad";
  fs::create_directories(dir);
  auto r = run_command(sentio_cmd("train face-cues -q --data /nonexistent/manifest.csv -o '" + (dir / "c.json").string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/manifest.csv"), std::string::npos) << r.output;
  const fs::path manifest = dir / "m.csv";
  std::ofstream(manifest) << "path,label\na.jpg,happy\n";
  r = run_command(sentio_cmd("train face-cues -q --data '" + manifest.string() + "' -o /nonexistent/dir/c.json"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/dir"), std::string::npos) << r.output;
  // A damaged cue model is refused by name before any image is read.
  const fs::path broken = dir / "broken.json";
  std::ofstream(broken) << "{\"format\": \"sentio.face-cues/1\", \"mean\": [1, 2";
  if (!models_present()) GTEST_SKIP() << "skipped: face models not found (run scripts/setup)";
  r = run_command(sentio_cmd("eval face --json --cue-model '" + broken.string() + "' --data '" + manifest.string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("broken.json"), std::string::npos) << r.output;
}

}  // namespace
