// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio transcribe` on speech it synthesizes itself (two sentences with a pause, so two
// utterances), in every output format, with a grammar, and on bad inputs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

struct Fixture {
  fs::path dir;
  fs::path speech;   // "good morning how are you" <1 s pause> "please open the door"
  fs::path grammar;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.dir = sentio::test::temp_dir();
    x.speech = x.dir / "two.wav";
    const std::string a = (x.dir / "a.wav").string(), b = (x.dir / "b.wav").string();
    const std::string pause = (x.dir / "pause.wav").string();
    // espeak-ng writes 22.05 kHz mono; the pause must match for sox to concatenate.
    const auto r = run_command("espeak-ng -v en-us -s 150 -w '" + a + "' 'Good morning, how are you?' && " +
                               "espeak-ng -v en-us -s 150 -w '" + b + "' 'Please open the door.' && " +
                               "sox -n -r 22050 -c 1 -b 16 '" + pause + "' trim 0 1.0 && " +
                               "sox -D '" + a + "' '" + pause + "' '" + b + "' -r 16000 -c 1 -b 16 '" + x.speech.string() + "'");
    if (r.status != 0) throw std::runtime_error("speech synthesis failed: " + r.output);
    x.grammar = x.dir / "g.jsgf";
    std::ofstream(x.grammar) << "#JSGF V1.0;\ngrammar g;\n"
                                "public <s> = good morning how are you | please open the door | thank you;\n";
    return x;
  }();
  return f;
}

using sentio::test::sentio_cmd;

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(TranscribeCli, JsonWithGrammarHasTwoUtterancesWithTimedWords) {
  const fs::path out = sentio::test::temp_dir() / "t.json";
  const auto r = run_command(sentio_cmd("transcribe -q -j 2 --grammar '" + fixture().grammar.string() + "' '" +
                                        fixture().speech.string() + "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");  // nothing from pocketsphinx on the terminal
  const auto j = nlohmann::json::parse(read_all(out));
  EXPECT_EQ(j["schema"], "sentio.transcript/1");
  EXPECT_EQ(j["source"], "asr");
  EXPECT_EQ(j["engine"], "pocketsphinx 5prealpha");
  EXPECT_EQ(j["grammar"], fixture().grammar.string());
  ASSERT_EQ(j["utterances"].size(), 2u) << j.dump(2);
  EXPECT_EQ(j["utterances"][0]["text"], "good morning how are you");
  EXPECT_EQ(j["utterances"][1]["text"], "please open the door");
  // Between the sentences: the inserted 1-s pause plus espeak-ng's own trailing/leading silence
  // (~0.35 s, measured), less the VAD's hangover and pre-roll.
  const double u0_end = j["utterances"][0]["end"], u1_start = j["utterances"][1]["start"];
  EXPECT_GT(u1_start - u0_end, 1.0);
  EXPECT_LT(u1_start - u0_end, 1.6);
  double previous = 0;
  for (const auto& u : j["utterances"]) {
    ASSERT_FALSE(u["words"].empty());
    for (const auto& w : u["words"]) {
      const double s = w["start"], e = w["end"];
      EXPECT_GE(s, previous - 1e-9);
      EXPECT_GT(e, s);
      EXPECT_GE(s, u["start"].get<double>() - 1e-9);
      EXPECT_LE(e, u["end"].get<double>() + 1e-9);
      previous = e;
    }
  }
  EXPECT_LE(previous, j["duration"].get<double>() + 1e-9);
}

TEST(TranscribeCli, SubtitleAndTextFormats) {
  const std::string base = sentio_cmd("transcribe -q --grammar '" + fixture().grammar.string() + "' '" +
                                      fixture().speech.string() + "'");
  const auto srt = run_command(base + " --format srt 2>&1");
  ASSERT_EQ(srt.status, 0) << srt.output;
  EXPECT_EQ(srt.output.rfind("1\n00:00:00,", 0), 0u) << srt.output;
  EXPECT_NE(srt.output.find("\n\n2\n00:00:0"), std::string::npos) << srt.output;
  EXPECT_NE(srt.output.find("please open the door\n"), std::string::npos);
  const auto vtt = run_command(base + " --format vtt 2>&1");
  ASSERT_EQ(vtt.status, 0) << vtt.output;
  EXPECT_EQ(vtt.output.rfind("WEBVTT\n\n00:00:00.", 0), 0u) << vtt.output;
  const auto txt = run_command(base + " --format txt 2>&1");
  ASSERT_EQ(txt.status, 0) << txt.output;
  EXPECT_EQ(txt.output, "good morning how are you\nplease open the door\n");
}

TEST(TranscribeCli, GeneralLanguageModelByDefaultAndResultsIndependentOfThreads) {
  const auto r = run_command(sentio_cmd("transcribe -q -j 1 '" + fixture().speech.string() + "' 2>&1"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_TRUE(j["grammar"].is_null());
  EXPECT_NE(j["model"].get<std::string>().find("en-us.lm.bin"), std::string::npos);
  EXPECT_EQ(j["utterances"].size(), 2u) << r.output;
  // Every utterance is decoded on its own (fixed-seed dither, decoder stream reset), so two workers
  // taking the utterances in any order give the same bytes.
  const auto r2 = run_command(sentio_cmd("transcribe -q -j 2 '" + fixture().speech.string() + "' 2>&1"));
  ASSERT_EQ(r2.status, 0) << r2.output;
  EXPECT_EQ(r2.output, r.output);
}

TEST(TranscribeCli, BadInputsAreReportedOneLineEachAndOthersProcessed) {
  const fs::path dir = sentio::test::temp_dir();
  fs::copy_file(fixture().speech, dir / "a_good.wav");
  std::ofstream(dir / "b_empty.wav").close();
  std::ofstream(dir / "c_text.mp3") << "this is not audio at all\n";
  const fs::path out = dir / "out";
  const auto r = run_command(sentio_cmd("transcribe -q --grammar '" + fixture().grammar.string() + "' '" +
                                        (dir / "a_good.wav").string() + "' '" + (dir / "b_empty.wav").string() + "' '" +
                                        (dir / "c_text.mp3").string() + "' '" + (dir / "d_missing.wav").string() +
                                        "' --format txt -o '" + out.string() + "' 2>&1"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(read_all(out / "a_good.txt"), "good morning how are you\nplease open the door\n");
  EXPECT_FALSE(fs::exists(out / "b_empty.txt"));
  std::istringstream lines(r.output);
  int error_lines = 0;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("sentio: error: ", 0) == 0) {
      ++error_lines;
      EXPECT_TRUE(line.find("b_empty.wav") != std::string::npos || line.find("c_text.mp3") != std::string::npos ||
                  line.find("d_missing.wav") != std::string::npos)
          << line;
    }
  EXPECT_EQ(error_lines, 3) << r.output;
}

TEST(TranscribeCli, BadGrammarIsAUsageError) {
  const fs::path bad = sentio::test::temp_dir() / "bad.jsgf";
  std::ofstream(bad) << "not a grammar ;;\n";
  const auto r = run_command(sentio_cmd("transcribe -q --grammar '" + bad.string() + "' '" +
                                        fixture().speech.string() + "' 2>&1"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find(bad.string()), std::string::npos) << r.output;
}
