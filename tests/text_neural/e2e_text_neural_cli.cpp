// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio train text --type neural` (alone and as an ensemble with a linear model) and
// `sentio eval text --json` on a tiny invented CSV; a damaged neural model file is a one-line error.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

// 48 invented sentences: "happiness" and "sadness" keyed by one word each, among shared filler words.
fs::path write_keyed_csv(const fs::path& dir) {
  const fs::path p = dir / "keyed.csv";
  std::ofstream out(p);
  out << "text,label\n";
  const char* happy[] = {"wonderful", "delighted", "lovely", "great"};
  const char* sad[] = {"miserable", "gloomy", "awful", "crying"};
  const char* filler[] = {"we went to town", "the bus was late", "it rained on the roof", "my friend called"};
  for (int i = 0; i < 48; ++i) {
    const bool pos = i % 2 == 0;
    out << filler[(i / 2) % 4] << " and it was " << (pos ? happy : sad)[(i / 8) % 4] << ","
        << (pos ? "joy" : "sad") << "\n";
  }
  return p;
}

const std::string kTiny =
    " -q --hash-bits 12 --embedding-dim 16 --filters 8 --patience 0 --learning-rate 0.01 --dropout 0.1 ";
const std::string kSmall = kTiny + "--epochs 15 ";

TEST(TextNeuralCli, TrainThenEvalJson) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = write_keyed_csv(dir);
  const fs::path model = dir / "keyed.stn";
  const auto train = run_command(sentio_cmd("train text --type neural" + kSmall + "--data '" + data.string() +
                                            "' --dev '" + data.string() + "' -o '" + model.string() + "'"));
  ASSERT_EQ(train.status, 0) << train.output;
  const auto eval = run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" +
                                           data.string() + "' --json -j 2 2>/dev/null"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  const auto j = nlohmann::json::parse(eval.output);
  EXPECT_EQ(j.at("n"), 48);
  EXPECT_EQ(j.at("model_type"), "neural");
  EXPECT_EQ(j.at("context"), false);
  EXPECT_EQ(j.at("labels"), (std::vector<std::string>{"happiness", "sadness"}));
  EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("weighted_f1").get<double>(), 1.0);
  EXPECT_EQ(j.at("per_class").at("sadness").at("support"), 24);
  EXPECT_EQ(j.at("confusion").at(0).at(0), 24);
  EXPECT_GT(j.at("utterances_per_second").get<double>(), 0.0);
  EXPECT_FALSE(j.contains("components"));
  EXPECT_NE(j.at("model_description").get<std::string>().find("neural"), std::string::npos);
  // The table output prints the same numbers.
  const auto table =
      run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" + data.string() + "'"));
  ASSERT_EQ(table.status, 0) << table.output;
  EXPECT_NE(table.output.find("weighted-F1  1.0000"), std::string::npos) << table.output;
}

TEST(TextNeuralCli, EnsembleReportsItsComponents) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = write_keyed_csv(dir);
  const fs::path linear = dir / "keyed.stm", model = dir / "keyed.ens.stn";
  ASSERT_EQ(run_command(sentio_cmd("train text -q --hash-bits 12 --epochs 10 --data '" + data.string() +
                                   "' -o '" + linear.string() + "'"))
                .status,
            0);
  const auto train = run_command(sentio_cmd("train text --type neural" + kSmall + "--data '" + data.string() +
                                            "' --dev '" + data.string() + "' --ensemble-with '" +
                                            linear.string() + "' -o '" + model.string() + "'"));
  ASSERT_EQ(train.status, 0) << train.output;
  const auto eval = run_command(sentio_cmd("eval text --model '" + model.string() + "' --data '" +
                                           data.string() + "' --json 2>/dev/null"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  const auto j = nlohmann::json::parse(eval.output);
  EXPECT_EQ(j.at("model_type"), "neural+linear");
  EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("components").at("linear").at("accuracy").get<double>(), 1.0);
  EXPECT_EQ(j.at("components").at("neural").at("n"), 48);
  // Without --dev the mixing weight cannot be chosen.
  const auto no_dev = run_command(sentio_cmd("train text --type neural" + kSmall + "--data '" +
                                             data.string() + "' --ensemble-with '" + linear.string() +
                                             "' -o '" + (dir / "x.stn").string() + "'"));
  EXPECT_EQ(no_dev.status, 2) << no_dev.output;
  EXPECT_NE(no_dev.output.find("--dev"), std::string::npos) << no_dev.output;
}

TEST(TextNeuralCli, DamagedModelIsAOneLineError) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = write_keyed_csv(dir);
  const fs::path model = dir / "keyed.stn", cut = dir / "cut.stn";
  ASSERT_EQ(run_command(sentio_cmd("train text --type neural" + kTiny + "--epochs 1 --data '" +
                                   data.string() + "' -o '" + model.string() + "'"))
                .status,
            0);
  std::string bytes;
  {
    std::ifstream in(model, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const auto eval =
      run_command(sentio_cmd("eval text --model '" + cut.string() + "' --data '" + data.string() + "'"));
  EXPECT_EQ(eval.status, 2) << eval.output;
  EXPECT_NE(eval.output.find("sentio: error: " + cut.string() + ": not a valid Sentio neural text model"),
            std::string::npos)
      << eval.output;
  const auto ctx = run_command(sentio_cmd("train text --type neural --context --data '" + data.string() +
                                          "' -o '" + (dir / "y.stn").string() + "'"));
  EXPECT_EQ(ctx.status, 2) << ctx.output;
}

}  // namespace

TEST(TextNeuralCli, AnalyzeUsesANeuralModelAndNamesTheKeyWordAsDriver) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = write_keyed_csv(dir);
  const fs::path model = dir / "keyed.stn";
  ASSERT_EQ(run_command(sentio_cmd("train text --type neural" + kSmall + "--data '" + data.string() + "' --dev '" +
                                   data.string() + "' -o '" + model.string() + "'"))
                .status,
            0);
  const fs::path transcript = dir / "chat.srt";
  std::ofstream(transcript) << "1\n00:00:01,000 --> 00:00:03,000\nA: the bus was late and it was gloomy!\n\n"
                               "2\n00:00:04,000 --> 00:00:06,000\nB: my friend called and it was lovely\n\n";
  const fs::path out = dir / "chat.json";
  const auto r = run_command(sentio_cmd("analyze -q '" + transcript.string() + "' --text-model '" + model.string() +
                                        "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  const auto& u = j.at("text").at("utterances");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u.at(0).at("label"), "sadness");
  EXPECT_EQ(u.at(1).at("label"), "happiness");
  // Leaving the key word out moves the call most; punctuation around it is not part of the term.
  EXPECT_EQ(u.at(0).at("drivers").at(0).at("term"), "gloomy");
  EXPECT_EQ(u.at(1).at("drivers").at(0).at("term"), "lovely");
  EXPECT_GT(u.at(0).at("drivers").at(0).at("weight").get<double>(), 0.0);
  EXPECT_NE(j.at("text").at("model").at("description").get<std::string>().find("neural"), std::string::npos);
}
