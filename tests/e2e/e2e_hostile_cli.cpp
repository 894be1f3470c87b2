// SPDX-License-Identifier: Apache-2.0
// End-to-end: hostile and careless input gives one error line (or a warning) with the documented exit
// status, never "internal error": NaN samples, --max-duration, numbers out of range, mistyped commands.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// A mono 32-bit float WAV (format 3).
void write_wav_f32(const fs::path& path, int rate, const std::vector<float>& samples) {
  auto u32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto u16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  const auto bytes = static_cast<std::uint32_t>(samples.size() * 4);
  const auto r = static_cast<std::uint32_t>(rate);
  std::ofstream out(path, std::ios::binary);
  out << "RIFF" << u32(36 + bytes) << "WAVEfmt " << u32(16) << u16(3) << u16(1) << u32(r) << u32(r * 4) << u16(4)
      << u16(32) << "data" << u32(bytes);
  out.write(reinterpret_cast<const char*>(samples.data()), static_cast<std::streamsize>(bytes));
}

std::vector<float> sine(std::size_t n, int rate) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = 0.3f * static_cast<float>(std::sin(2 * 3.14159265358979 * 220 * static_cast<double>(i) / rate));
  return x;
}

TEST(HostileCli, NonFiniteSamplesAreZeroWithAWarning) {
  const fs::path dir = sentio::test::temp_dir();
  std::vector<float> x = sine(32000, 16000);
  x[100] = std::numeric_limits<float>::quiet_NaN();
  x[5000] = std::numeric_limits<float>::infinity();
  x[9000] = -std::numeric_limits<float>::infinity();
  write_wav_f32(dir / "nan.wav", 16000, x);
  const auto f = run_command(sentio_cmd("features " + q(dir / "nan.wav") + " -q"));
  EXPECT_EQ(f.status, 0) << f.output;
  EXPECT_EQ(f.output.find("nan;"), std::string::npos) << f.output.substr(0, 2000);
  EXPECT_EQ(f.output.find(";nan"), std::string::npos) << f.output.substr(0, 2000);
  const auto a = run_command(sentio_cmd("analyze " + q(dir / "nan.wav") + " -o " + q(dir / "nan.json") + " -q"));
  ASSERT_EQ(a.status, 0) << a.output;
  const nlohmann::json doc = read_json(dir / "nan.json");
  bool found = false;
  for (const auto& w : doc["warnings"])
    found = found || w.get<std::string>().find("nan.wav': 3 sample(s) were NaN or infinite") != std::string::npos;
  EXPECT_TRUE(found) << doc["warnings"].dump();
}

TEST(HostileCli, MaxDurationRefusesLongerInputs) {
  const fs::path dir = sentio::test::temp_dir();
  write_wav_f32(dir / "tone.wav", 16000, sine(24000, 16000));  // 1.5 s
  const auto r = run_command(sentio_cmd("analyze " + q(dir / "tone.wav") + " --max-duration 1 -o " +
                                        q(dir / "t.json") + " -q"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("'" + (dir / "tone.wav").string() + "': declares 1.5 s, more than the maximum duration of 1 s"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "t.json"));
  // standard input declares no length: it stops with the error once the limit is passed
  const auto s = run_command("cat " + q(dir / "tone.wav") + " | " + sentio_cmd("analyze - --max-duration 1 -q"));
  EXPECT_EQ(s.status, 1) << s.output;
  EXPECT_NE(s.output.find("maximum duration of 1 s"), std::string::npos) << s.output;
  const auto ok = run_command(sentio_cmd("analyze " + q(dir / "tone.wav") + " --max-duration 2 -o " +
                                         q(dir / "t.json") + " -q"));
  EXPECT_EQ(ok.status, 0) << ok.output;
}

TEST(HostileCli, OneHertzWavIsOneErrorLine) {
  const fs::path dir = sentio::test::temp_dir();
  std::vector<std::int16_t> pcm(16000, 1000);
  sentio::test::write_wav_s16(dir / "one.wav", 1, 1, pcm);
  const auto r = run_command(sentio_cmd("features " + q(dir / "one.wav") + " -q -o " + q(dir / "o.csv")));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("declares a sample rate of 1 Hz"), std::string::npos) << r.output;
}

TEST(HostileCli, JsonNumberOutOfRangeIsAnInputError) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "big.json") << R"([{"start": 1e400, "end": 2, "text": "I am happy"}])";
  const auto r = run_command(sentio_cmd("analyze --transcript " + q(dir / "big.json") + " -q -o " + q(dir / "o.json")));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("big.json"), std::string::npos) << r.output;
}

TEST(HostileCli, MistypedCommandOrOptionGetsASuggestion) {
  auto r = run_command(sentio_cmd("analyse x.wav"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean 'analyze'?"), std::string::npos) << r.output;
  r = run_command(sentio_cmd("features --ouput x.csv x.wav"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean '--output'?"), std::string::npos) << r.output;
  r = run_command(sentio_cmd("train sre --data x.csv -o m.json"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean 'ser'?"), std::string::npos) << r.output;
  r = run_command(sentio_cmd("frobnicate"));  // nothing close: no suggestion
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(r.output.find("did you mean"), std::string::npos) << r.output;
}

TEST(HostileCli, PlainTextTranscriptAndListsAndFifos) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "chat.txt") << "Ann: I am so happy to see you!\nBob: This is terrible news.\n";
  auto r = run_command(sentio_cmd("analyze " + q(dir / "chat.txt") + " -q -o " + q(dir / "chat.json")));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json doc = read_json(dir / "chat.json");
  ASSERT_TRUE(doc.contains("text")) << doc.dump().substr(0, 500);
  EXPECT_EQ(doc["text"]["utterances"].size(), 2u) << doc["text"].dump().substr(0, 500);
  // a list of inputs is @FILE (any name) or *.lst
  std::ofstream(dir / "inputs.txt") << "chat.txt\n";
  r = run_command(sentio_cmd("analyze @" + q(dir / "inputs.txt") + " -q -o " + q(dir / "list.json")));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "list.json"));
  // a FIFO without a writer used to wait forever
  ASSERT_EQ(::mkfifo((dir / "pipe.wav").c_str(), 0600), 0);
  r = run_command("timeout 20 " + sentio_cmd("analyze " + q(dir / "pipe.wav") + " -q"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("not a regular file"), std::string::npos) << r.output;
}

// The transcript readers' warnings (replaced bytes, reordered cues) reach the document's warnings.
TEST(HostileCli, ReaderWarningsReachTheDocument) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "r.srt", std::ios::binary)
      << "1\n00:00:05,000 --> 00:00:06,000\nsecond \xff here\n\n2\n00:00:01,000 --> 00:00:02,000\nI am so happy\n";
  const auto r = run_command(sentio_cmd("analyze " + q(dir / "r.srt") + " -q -o " + q(dir / "r.json")));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string warnings = read_json(dir / "r.json")["warnings"].dump();
  EXPECT_NE(warnings.find("replaced with U+FFFD"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("sorted by start time"), std::string::npos) << warnings;
}

TEST(HostileCli, MissingModelPathIsAUsageErrorEvenWhenUnused) {
  const fs::path dir = sentio::test::temp_dir();
  write_wav_f32(dir / "tone.wav", 16000, sine(16000, 16000));
  const auto r = run_command(sentio_cmd("analyze " + q(dir / "tone.wav") + " --text-model " +
                                        q(dir / "nope.stm") + " -q -o " + q(dir / "o.json")));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--text-model"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o.json"));
  const auto s = run_command(sentio_cmd("analyze " + q(dir / "tone.wav") + " --speaker-mode single --speakers 3 -q"));
  EXPECT_EQ(s.status, 2) << s.output;
}

}  // namespace
