// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio train text --context` + `sentio eval text --json` with and without context on an
// invented dialogue CSV where the reply "me too" carries the previous utterance's emotion.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

fs::path write_dialogues(const fs::path& dir, bool with_ids) {
  const fs::path p = dir / (with_ids ? "dialogues.csv" : "flat.csv");
  std::ofstream out(p);
  out << (with_ids ? "dialogue_id,utterance_id,speaker,text,label\n" : "text,label\n");
  const std::vector<std::pair<std::string, std::vector<std::string>>> emotions = {
      {"happiness", {"happy", "glad", "delighted", "thrilled", "cheerful"}},
      {"sadness", {"sad", "miserable", "heartbroken", "gloomy", "unhappy"}},
      {"anger", {"furious", "angry", "livid", "enraged", "irritated"}}};
  const std::vector<std::string> templates = {"I feel so {} today", "honestly this makes me {}",
                                              "we are all {} about the news"};
  int d = 0;
  for (const auto& [label, words] : emotions)
    for (const auto& word : words)
      for (const auto& t : templates) {
        std::string text = t;
        text.replace(text.find("{}"), 2, word);
        if (with_ids) {
          out << "d" << d << ",0,Ann," << text << "," << label << "\n";
          out << "d" << d << ",1,Bob,me too," << label << "\n";
        } else {
          out << text << "," << label << "\nme too," << label << "\n";
        }
        ++d;
      }
  return p;
}

TEST(TextContextCli, TrainThenEvalWithAndWithoutContext) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = write_dialogues(dir, true);
  const fs::path model = dir / "ctx.stc";
  const auto train = run_command(sentio_cmd(
      "train text -q --context --hash-bits 12 --epochs 10 --context-folds 3 --context-window 2 --context-epochs 40 "
      "--context-learning-rate 0.3 --context-l2 0 -j 2 --data '" + data.string() + "' -o '" + model.string() + "'"));
  ASSERT_EQ(train.status, 0) << train.output;
  const auto eval = run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" + data.string() +
                                           "' --json 2>/dev/null"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  const auto j = nlohmann::json::parse(eval.output);
  EXPECT_EQ(j.at("context"), true);
  EXPECT_EQ(j.at("dialogues"), 45);
  EXPECT_EQ(j.at("n"), 90);
  EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 1.0);
  const auto& nc = j.at("no_context");
  EXPECT_EQ(nc.at("n"), 90);
  // Without context "me too" gets one label: right in 15 of its 45 dialogues, the openers all right.
  EXPECT_NEAR(nc.at("accuracy").get<double>(), 60.0 / 90.0, 1e-9);
  EXPECT_TRUE(nc.contains("weighted_f1") && nc.contains("per_class") && nc.contains("confusion"));

  // Data without dialogue ids: the base model alone, no context keys.
  const fs::path flat = write_dialogues(dir, false);
  const auto eval_flat = run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" + flat.string() +
                                                "' --json 2>/dev/null"));
  ASSERT_EQ(eval_flat.status, 0) << eval_flat.output;
  const auto jf = nlohmann::json::parse(eval_flat.output);
  EXPECT_EQ(jf.at("context"), false);
  EXPECT_FALSE(jf.contains("no_context"));
  EXPECT_NEAR(jf.at("accuracy").get<double>(), 60.0 / 90.0, 1e-9);

  // Training a context model on data without dialogues is a one-line error.
  const auto bad = run_command(sentio_cmd("train text -q --context --data '" + flat.string() + "' -o '" +
                                          (dir / "x.stc").string() + "'"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find("dialogue ids"), std::string::npos) << bad.output;
  fs::remove_all(dir);
}

}  // namespace
