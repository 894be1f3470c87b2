// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio analyze -` on standard input (a WAV stream, raw PCM), `--format jsonl` (events as they
// become final, then the result; equal to the file's document), a stream cut short (the result of what
// arrived plus a warning), and the option errors of raw input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../engine/engine_test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

const fs::path& conversation() {
  static const fs::path path = sentio::test::write_wav(sentio::test::temp_dir() / "stream.wav",
                                                       sentio::test::voiced_conversation(16000, 1), 16000, 1);
  return path;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

// Standard output only (progress and errors go to stderr).
std::string stdout_of(const std::string& command, int& status) {
  const fs::path out = sentio::test::temp_dir() / "stdout.txt";
  status = run_command(command + " > '" + out.string() + "'").status;
  std::ifstream in(out);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(AnalyzeStreamCli, JsonLinesFromStandardInputEndWithTheFilesResult) {
  int status = 0;
  const auto lines = json_lines(stdout_of(sentio_cmd("analyze - --format jsonl < '" + conversation().string() + "'"), status));
  ASSERT_EQ(status, 0);
  ASSERT_GE(lines.size(), 2u);
  std::size_t segments = 0;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_NE(lines[i]["type"], "result");
    if (lines[i]["type"] == "segment") {
      ++segments;
      EXPECT_TRUE(lines[i].contains("start") && lines[i].contains("probabilities") && lines[i].contains("canonical"));
    }
  }
  const nlohmann::json& result = lines.back();
  ASSERT_EQ(result["type"], "result");
  EXPECT_EQ(result["schema"], "sentio.analysis/2");
  EXPECT_EQ(result["input"]["path"], "-");
  ASSERT_EQ(result["speech"]["segments"].size(), segments);
  // The same audio as a file, with standard input's 4-s turn limit, gives the same speech part.
  const auto file = nlohmann::json::parse(
      stdout_of(sentio_cmd("analyze -q --max-segment 4 '" + conversation().string() + "'"), status));
  ASSERT_EQ(status, 0);
  EXPECT_EQ(file["speech"], result["speech"]);
}

TEST(AnalyzeStreamCli, RawPcmOnStandardInput) {
  const fs::path raw = sentio::test::temp_dir() / "stream.s16";
  ASSERT_EQ(run_command("sox '" + conversation().string() + "' -t raw -e signed -b 16 '" + raw.string() + "'").status, 0);
  int status = 0;
  const auto doc = nlohmann::json::parse(stdout_of(
      sentio_cmd("analyze - --input-format s16le --rate 16000 --channels 1 < '" + raw.string() + "'"), status));
  ASSERT_EQ(status, 0);
  EXPECT_NEAR(doc["input"]["duration_s"].get<double>(), 5 * 3.3, 0.01);
  EXPECT_GE(doc["speech"]["segments"].size(), 4u);
}

TEST(AnalyzeStreamCli, StreamCutShortGivesWhatArrivedAndAWarning) {
  // The WAV header declares the whole conversation; only the first 60 % of the bytes arrive.
  const auto size = fs::file_size(conversation());
  int status = 0;
  const auto lines = json_lines(stdout_of("head -c " + std::to_string(size * 6 / 10) + " '" + conversation().string() +
                                              "' | " + sentio_cmd("analyze - --format jsonl"),
                                          status));
  ASSERT_EQ(status, 0);
  ASSERT_FALSE(lines.empty());
  const nlohmann::json& result = lines.back();
  ASSERT_EQ(result["type"], "result");
  EXPECT_LT(result["input"]["duration_s"].get<double>(), 0.65 * 5 * 3.3);
  EXPECT_GE(result["speech"]["segments"].size(), 2u);
  bool warned = false;
  for (const auto& w : result["warnings"]) warned = warned || w.get<std::string>().find("ended") != std::string::npos;
  EXPECT_TRUE(warned) << result["warnings"].dump();
}

TEST(AnalyzeStreamCli, RawOptionErrorsAreUsageErrors) {
  const std::string in = " < '" + conversation().string() + "'";
  auto r = run_command(sentio_cmd("analyze - --input-format s24le --rate 16000 --channels 1" + in));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("unknown raw audio format 's24le'"), std::string::npos) << r.output;
  r = run_command(sentio_cmd("analyze - --input-format s16le" + in));
  EXPECT_EQ(r.status, 2) << r.output;
  r = run_command(sentio_cmd("analyze '" + conversation().string() + "' --input-format s16le --rate 16000 --channels 1"));
  EXPECT_EQ(r.status, 2) << r.output;
  r = run_command(sentio_cmd("analyze - '" + conversation().string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  // Nothing on standard input: one error line, exit 1.
  r = run_command(sentio_cmd("analyze - < /dev/null"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("sentio: error: "), std::string::npos) << r.output;
}

}  // namespace
