// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio train fusion` and `sentio eval fusion` on a tiny manifest of synthesized speech with
// transcripts (voice + words; no faces), with bad rows that are reported one line each and counted, the
// evidence cache, and manifests that cannot be used at all.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

void write_srt(const fs::path& p, const std::string& text) {
  std::ofstream(p) << "1\n00:00:00,000 --> 00:00:05,000\n" << text << "\n";
}

// A folder with four good clips (speech + transcript) and three bad rows.
const fs::path& manifest() {
  static const fs::path path = [] {
    const fs::path dir = sentio::test::temp_dir() / "fusion";
    fs::create_directories(dir);
    const std::vector<std::pair<std::string, std::string>> clips = {
        {"anger", "I am furious with you, this is outrageous and I hate it."},
        {"happy", "What a wonderful day, I love this, I am so happy and glad."},
        {"joy", "This is great news, thank you so much, I love it."},
        {"calm", "The meeting is on Tuesday at ten in the second room."},
    };
    std::ofstream m(dir / "clips.csv");
    m << "path,transcript,label\n";
    for (std::size_t i = 0; i < clips.size(); ++i) {
      const std::string stem = "clip" + std::to_string(i);
      sentio::test::synthesize_speech(clips[i].second, dir / (stem + ".wav"));
      write_srt(dir / (stem + ".srt"), clips[i].second);
      m << stem << ".wav," << stem << ".srt," << clips[i].first << "\n";
    }
    m << "missing.wav,,sad\n";           // line 6: no such file
    m << "clip0.wav,clip0.srt,blorp\n";  // line 7: unknown label
    m << "clip1.wav,happy\n";            // line 8: wrong number of fields
    return dir / "clips.csv";
  }();
  return path;
}

TEST(FusionCli, TrainAndEvalWithBadRows) {
  const fs::path dir = manifest().parent_path();
  const fs::path model = dir / "fusion.json", evidence = dir / "evidence.jsonl";
  const auto t = run_command(sentio_cmd("train fusion -q -j 1 --data '" + manifest().string() + "' -o '" +
                                        model.string() + "' --evidence '" + evidence.string() + "'"));
  EXPECT_EQ(t.status, 1) << t.output;  // some rows failed, the others were used
  EXPECT_NE(t.output.find("clips.csv:6:"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("missing.wav"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("clips.csv:7: label 'blorp'"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("clips.csv:8: expected 3 fields, found 2"), std::string::npos) << t.output;
  EXPECT_NE(t.output.find("3 row(s) failed, 4 analysed"), std::string::npos) << t.output;
  std::ifstream in(model);
  ASSERT_TRUE(in) << t.output;
  const nlohmann::json mj = nlohmann::json::parse(in);
  EXPECT_EQ(mj["format"], "sentio.fusion");
  EXPECT_NE(
      mj["description"].get<std::string>().find("clips.csv (4 clips; voice 4, face 0, words 4 present)"),
      std::string::npos);
  for (const char* m : {"voice", "face", "words"}) {
    EXPECT_GT(mj["modalities"][m]["temperature"].get<double>(), 0.0);
    EXPECT_GT(mj["modalities"][m]["reliability"].get<double>(), 0.0);
    ASSERT_EQ(mj["modalities"][m]["prior"].size(), 7u) << m;
  }
  EXPECT_NEAR(mj["modalities"]["face"]["prior"][0].get<double>(), 1.0 / 7, 1e-9);  // no face: uniform

  // Evaluation of that model, from the evidence cache written by training.
  const auto e =
      run_command(sentio_cmd("eval fusion -j 1 --json --data '" + manifest().string() + "' --model '" +
                             model.string() + "' --evidence '" + evidence.string() + "'"));
  EXPECT_EQ(e.status, 1) << e.output;
  // The output holds stderr too: the error lines before the document, the count after it.
  const std::size_t open = e.output.find('{'), close = e.output.rfind('}');
  ASSERT_TRUE(open != std::string::npos && close != std::string::npos && close > open) << e.output;
  const nlohmann::json j = nlohmann::json::parse(e.output.substr(open, close - open + 1));
  EXPECT_EQ(j["n"], 4);
  EXPECT_EQ(j["failed"], 3);
  EXPECT_EQ(j["alone"]["voice"]["n"], 4);
  EXPECT_EQ(j["alone"]["words"]["n"], 4);
  EXPECT_EQ(j["alone"]["face"]["n"], 0);
  EXPECT_EQ(j["complete"]["fused"]["n"], 0);  // no row has a face
  EXPECT_EQ(j["fused_any"]["n"], 4);
  for (const char* m : {"voice", "words"}) {
    const auto& s = j["single_present"][m];
    EXPECT_EQ(s["fused"]["n"], 4);
    EXPECT_DOUBLE_EQ(s["fused"]["accuracy"].get<double>(), s["alone"]["accuracy"].get<double>());
  }
  EXPECT_TRUE(j["targets"]["single_present_no_worse"].get<bool>());
  const double acc = j["alone"]["words"]["accuracy"].get<double>();
  EXPECT_DOUBLE_EQ(acc * 4, std::round(acc * 4));  // a share of 4 rows
  EXPECT_DOUBLE_EQ(j["model_parameters"]["voice"]["temperature"].get<double>(),
                   mj["modalities"]["voice"]["temperature"].get<double>());

  // The cache was used (no analysis) and the table names the parts.
  const auto table =
      run_command(sentio_cmd("eval fusion -j 1 --data '" + manifest().string() + "' --model '" +
                             model.string() + "' --evidence '" + evidence.string() + "'"));
  EXPECT_EQ(table.status, 1) << table.output;
  EXPECT_NE(table.output.find("evidence of"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("each modality alone"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("4 clips analysed, 3 failed"), std::string::npos) << table.output;
}

TEST(FusionCli, UnusableManifestsAndOptions) {
  const fs::path dir = sentio::test::temp_dir() / "fusion_bad";
  fs::create_directories(dir);
  std::ofstream(dir / "nolabel.csv") << "path,transcript\nx.wav,\n";
  auto r = run_command(sentio_cmd("train fusion -q --data '" + (dir / "nolabel.csv").string() + "' -o '" +
                                  (dir / "m.json").string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("path and label"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "m.json"));

  std::ofstream(dir / "allbad.csv") << "path,label\nnothere.wav,happy\n";
  r = run_command(sentio_cmd("eval fusion -q -j 1 --data '" + (dir / "allbad.csv").string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("allbad.csv:2:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no row could be analysed"), std::string::npos) << r.output;

  std::ofstream(dir / "bad_model.json") << "{\"format\": \"sentio.fusion\"}";
  r = run_command(sentio_cmd("eval fusion -q --data '" + (dir / "allbad.csv").string() + "' --model '" +
                             (dir / "bad_model.json").string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("bad_model.json"), std::string::npos) << r.output;

  r = run_command(sentio_cmd("eval fusion --help"));
  EXPECT_EQ(r.status, 0) << r.output;
  for (const char* option : {"--data", "--model", "--evidence", "--json", "--fps", "--jobs", "--quiet"})
    EXPECT_NE(r.output.find(option), std::string::npos) << option;
  r = run_command(sentio_cmd("train fusion --help"));
  EXPECT_NE(r.output.find("--output"), std::string::npos) << r.output;
}

}  // namespace
