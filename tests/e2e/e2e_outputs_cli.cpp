// SPDX-License-Identifier: Apache-2.0
// End-to-end: outputs never destroy data. `-o` naming an input is refused, a failed run leaves an
// existing output as it was (and no temporary file), devices and links are written through, a missing
// output folder is a usage error.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A folder holding a 1.5 s 220 Hz tone as tone.wav.
fs::path tone_dir() {
  const fs::path dir = sentio::test::temp_dir();
  std::vector<std::int16_t> s(24000);
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<std::int16_t>(8000 * std::sin(2 * 3.14159265358979 * 220 * static_cast<double>(i) / 16000));
  sentio::test::write_wav_s16(dir / "tone.wav", 16000, 1, s);
  return dir;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(OutputsCli, OutputThatIsTheInputIsRefused) {
  const fs::path dir = tone_dir();
  const std::string before = slurp(dir / "tone.wav");
  auto r = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o " + q(dir / "tone.wav") + " -q"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("refusing to overwrite an input"), std::string::npos) << r.output;
  fs::create_symlink(dir / "tone.wav", dir / "alias.csv");
  r = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o " + q(dir / "alias.csv") + " -q"));
  EXPECT_EQ(r.status, 2) << r.output;
  r = run_command(sentio_cmd("transcribe " + q(dir / "tone.wav") + " -o " + q(dir / "." / "tone.wav") + " -q"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(slurp(dir / "tone.wav"), before);

  std::ofstream(dir / "t.srt") << "1\n00:00:01,000 --> 00:00:02,000\nI am so happy today\n";
  const std::string srt = slurp(dir / "t.srt");
  r = run_command(sentio_cmd("analyze --transcript " + q(dir / "t.srt") + " -o " + q(dir / "t.srt") + " -q"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(slurp(dir / "t.srt"), srt);
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"alias.csv", "t.srt", "tone.wav"}));
}

TEST(OutputsCli, FailedRunLeavesAnExistingOutputUntouched) {
  const fs::path dir = tone_dir();
  std::ofstream(dir / "out.csv") << "precious";
  const auto r = run_command(sentio_cmd("features " + q(dir / "missing.wav") + " -o " + q(dir / "out.csv") + " -q"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(slurp(dir / "out.csv"), "precious");
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"out.csv", "tone.wav"}));  // no temporary file left
  // a successful run replaces it
  const auto ok = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o " + q(dir / "out.csv") + " -q"));
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_EQ(slurp(dir / "out.csv").rfind("name;frameTime;", 0), 0u);
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"out.csv", "tone.wav"}));
}

TEST(OutputsCli, DevicesAndLinksAreWrittenThrough) {
  const fs::path dir = tone_dir();
  auto r = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o /dev/null -q"));
  EXPECT_EQ(r.status, 0) << r.output;
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  r = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o /dev/stdout -q"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("name;frameTime;"), std::string::npos) << r.output;

  std::ofstream(dir / "real.csv") << "old";
  fs::create_symlink(dir / "real.csv", dir / "link.csv");
  r = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o " + q(dir / "link.csv") + " -q"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::is_symlink(dir / "link.csv"));
  EXPECT_EQ(slurp(dir / "real.csv").rfind("name;frameTime;", 0), 0u);
}

TEST(OutputsCli, MissingOutputFolderIsAUsageError) {
  const fs::path dir = tone_dir();
  auto r = run_command(sentio_cmd("features " + q(dir / "tone.wav") + " -o " + q(dir / "no" / "o.csv") + " -q"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
  std::ofstream(dir / "t.srt") << "1\n00:00:01,000 --> 00:00:02,000\nI am so happy today\n";
  r = run_command(sentio_cmd("analyze --transcript " + q(dir / "t.srt") + " -o " + q(dir / "no" / "o.json") + " -q"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "no"));
}

// JSON Lines over an existing file: replaced when the input succeeds, untouched when it fails.
TEST(OutputsCli, JsonLinesNeverTruncateAnExistingFile) {
  const fs::path dir = tone_dir();
  std::ofstream(dir / "bad.wav") << "not audio";
  std::ofstream(dir / "o.jsonl") << "precious\n";
  auto r = run_command(sentio_cmd("analyze " + q(dir / "bad.wav") + " -o " + q(dir / "o.jsonl") + " -q"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(slurp(dir / "o.jsonl"), "precious\n");
  r = run_command(sentio_cmd("analyze " + q(dir / "tone.wav") + " -o " + q(dir / "o.jsonl") + " -q"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(slurp(dir / "o.jsonl").find("\"type\":\"result\""), std::string::npos);
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"bad.wav", "o.jsonl", "tone.wav"}));
  // a new file is written as it goes and ends with the error line when the input fails
  r = run_command(sentio_cmd("analyze " + q(dir / "bad.wav") + " -o " + q(dir / "new.jsonl") + " -q"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(slurp(dir / "new.jsonl").find("\"type\":\"error\""), std::string::npos);
}

// analyze DIR -o OUT/ --skip-existing resumes an interrupted batch: existing documents are kept and counted.
TEST(OutputsCli, SkipExistingResumesABatch) {
  const fs::path dir = tone_dir();
  fs::create_directories(dir / "in");
  fs::copy_file(dir / "tone.wav", dir / "in" / "a.wav");
  fs::copy_file(dir / "tone.wav", dir / "in" / "b.wav");
  const fs::path out = dir / "out";
  auto r = run_command(sentio_cmd("analyze " + q(dir / "in") + " -o " + q(out) + "/ -q"));
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(fs::exists(out / "a.json"));
  ASSERT_TRUE(fs::exists(out / "b.json"));
  std::ofstream(out / "a.json") << "kept";
  fs::remove(out / "b.json");
  r = run_command(sentio_cmd("analyze " + q(dir / "in") + " -o " + q(out) + "/ --skip-existing -q"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("1 input(s) skipped"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(out / "a.json"), "kept");
  EXPECT_TRUE(fs::exists(out / "b.json"));
  EXPECT_EQ(names_in(out), (std::vector<std::string>{"a.json", "b.json"}));
}

}  // namespace
