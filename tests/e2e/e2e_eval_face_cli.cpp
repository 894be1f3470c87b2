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

}  // namespace
