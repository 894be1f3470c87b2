// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio train text` + `sentio eval text --json` on a tiny invented CSV, and bad inputs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

fs::path write_tiny_csv(const fs::path& dir) {
  const fs::path p = dir / "tiny.csv";
  std::ofstream out(p);
  out << "text,label,dialogue_id,speaker\n"
         "\"What a wonderful, sunny morning\",joy,1,A\n"
         "I adore this cheerful little puppy,happy,1,B\n"
         "My old cat died last night,sad,2,A\n"
         "I miss her so much and cry,sadness,2,B\n"
         "Stop lying to me you idiot,angry,3,A\n"
         "I am furious about the broken fence,mad,3,B\n"
         "The meeting starts at ten,neutral,4,A\n"
         "Please pass the salt,neutral,4,B\n";
  return p;
}

TEST(TextCli, TrainThenEvalJson) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = write_tiny_csv(dir);
  const fs::path model = dir / "tiny.stm";
  const auto train = run_command(sentio_cmd("train text -q --hash-bits 14 --epochs 30 --data '" + data.string() +
                                            "' -o '" + model.string() + "'"));
  ASSERT_EQ(train.status, 0) << train.output;
  ASSERT_TRUE(fs::exists(model));
  const auto eval = run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" + data.string() +
                                           "' --json 2>/dev/null"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  const auto j = nlohmann::json::parse(eval.output);
  EXPECT_EQ(j.at("n"), 8);
  EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("macro_f1").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("weighted_f1").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("micro_f1_no_neutral").get<double>(), 1.0);
  EXPECT_EQ(j.at("labels"), (std::vector<std::string>{"neutral", "happiness", "sadness", "anger"}));
  EXPECT_EQ(j.at("per_class").at("happiness").at("support"), 2);
  EXPECT_EQ(j.at("confusion").at(1).at(1), 2);
  // Free choice among all the model's labels: the same here (every label of the model is in the data).
  EXPECT_EQ(j.at("free_choice").at("outside"), 0);
  EXPECT_DOUBLE_EQ(j.at("free_choice").at("accuracy").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("free_choice").at("per_class").at("anger").at("recall").get<double>(), 1.0);
  // The readable table names the metrics.
  const auto table = run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" + data.string() + "'"));
  ASSERT_EQ(table.status, 0) << table.output;
  EXPECT_NE(table.output.find("weighted-F1  1.0000"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("free choice (any label of the model; 0 predictions outside the data's classes): "
                              "accuracy 1.0000"),
            std::string::npos)
      << table.output;
}

TEST(TextCli, BadInputsAreOneLineErrors) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path empty = dir / "empty.csv";
  std::ofstream(empty) << "";
  const auto r = run_command(sentio_cmd("train text -q --data '" + empty.string() + "' -o '" + (dir / "x.stm").string() + "'"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("empty.csv: empty file"), std::string::npos) << r.output;
  const auto m = run_command(sentio_cmd("eval text --model '" + (dir / "absent.stm").string() + "' --data '" +
                                        write_tiny_csv(dir).string() + "'"));
  EXPECT_EQ(m.status, 2);
  EXPECT_NE(m.output.find("absent.stm"), std::string::npos) << m.output;
}

}  // namespace
