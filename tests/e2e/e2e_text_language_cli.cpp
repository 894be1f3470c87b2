// SPDX-License-Identifier: Apache-2.0
// End-to-end: `--language` of `sentio eval text` and `sentio analyze` (docs/TEXT.md, "Multilingual"):
// unknown codes, English = the default model, and `auto` over a tiny pack built here with the CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

// stdout only (run_command merges stderr into the output).
std::string stdout_of(const std::string& command) { return "(" + command + " 2>/dev/null)"; }

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

fs::path write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
  return p;
}

// A German BRIGHTER-style file (the emotion data of the tiny "deu" model and the data evaluated).
fs::path german_brighter(const fs::path& dir) {
  return write(dir / "deu.csv",
               "id,text,anger,disgust,fear,joy,sadness,surprise\n"
               "d1,Ich bin so froh und glücklich heute,0,0,0,1,0,0\n"
               "d2,Das ist wunderbar und schön,0,0,0,1,0,0\n"
               "d3,Ich bin wütend auf dich,1,0,0,0,0,0\n"
               "d4,Du machst mich so wütend und sauer,1,0,0,0,0,0\n"
               "d5,Ich habe große Angst vor der Nacht,0,0,1,0,0,0\n"
               "d6,Die Angst lässt mich nicht schlafen,0,0,1,0,0,0\n"
               "d7,Der Bus fährt um neun Uhr,0,0,0,0,0,0\n");
}

TEST(TextLanguageCli, UnknownLanguageIsOneLineExit2) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = german_brighter(dir);
  const auto r = run_command(sentio_cmd("eval text --language xx --data '" + data.string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(lines(r.output), 1u) << r.output;
  EXPECT_EQ(r.output.rfind("sentio: error: unknown language 'xx' (available: auto, afr,", 0), 0u) << r.output;
  // analyze refuses it before loading anything.
  const fs::path transcript = write(dir / "chat.txt", "A: hallo\n");
  const auto a = run_command(sentio_cmd("analyze -q --transcript '" + transcript.string() + "' --language klingon"));
  EXPECT_EQ(a.status, 2) << a.output;
  EXPECT_EQ(lines(a.output), 1u) << a.output;
  EXPECT_NE(a.output.find("unknown language 'klingon'"), std::string::npos) << a.output;
}

TEST(TextLanguageCli, EnglishIsTheDefaultModel) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path data = german_brighter(dir);
  const auto plain = run_command(stdout_of(sentio_cmd("eval text --json --data '" + data.string() + "'")));
  const auto en = run_command(stdout_of(sentio_cmd("eval text --json --language EN --data '" + data.string() + "'")));
  ASSERT_EQ(plain.status, 0) << plain.output;
  ASSERT_EQ(en.status, 0) << en.output;
  const auto jp = nlohmann::json::parse(plain.output), je = nlohmann::json::parse(en.output);
  EXPECT_EQ(je.at("model"), jp.at("model"));
  EXPECT_EQ(je.at("macro_f1"), jp.at("macro_f1"));
  EXPECT_EQ(je.at("language").at("code"), "eng");
  EXPECT_EQ(je.at("language").at("source"), "option");
  EXPECT_FALSE(jp.contains("language"));
}

TEST(TextLanguageCli, AutoPicksTheDetectedLanguagesModel) {
  const fs::path dir = sentio::test::temp_dir();
  const fs::path pack = dir / "pack";
  fs::create_directories(pack);
  const fs::path data = german_brighter(dir);
  const fs::path ids = write(dir / "languages.csv",
                             "text,label\n"
                             "Ich bin so froh und glücklich heute,deu\nDer Bus fährt um neun Uhr,deu\n"
                             "Die Angst lässt mich nicht schlafen,deu\nDas ist wunderbar und schön,deu\n"
                             "Jag är så glad och lycklig idag,swe\nBussen går klockan nio,swe\n"
                             "Rädslan låter mig inte sova,swe\nDet är underbart och vackert,swe\n");
  auto r = run_command(sentio_cmd("train text -q --hash-bits 12 --epochs 20 --data '" + ids.string() + "' -o '" +
                                  (pack / "languages.stm").string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_command(sentio_cmd("train text -q --hash-bits 12 --epochs 20 --data '" + data.string() + "' -o '" +
                             (pack / "deu.stm").string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string env = "SENTIO_TEXT_MULTILINGUAL='" + pack.string() + "' ";
  r = run_command(stdout_of(env + sentio_cmd("eval text --json --language auto --data '" + data.string() + "'")));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("language").at("code"), "deu");
  EXPECT_EQ(j.at("language").at("source"), "detected");
  EXPECT_GT(j.at("language").at("confidence").get<double>(), 0.5);
  EXPECT_EQ(fs::path(j.at("model").get<std::string>()).filename(), "deu.stm");
  EXPECT_EQ(j.at("format"), "brighter");
  // A code with no model in this pack lists what is there.
  r = run_command(env + sentio_cmd("eval text --language sv --data '" + data.string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("unknown language 'sv' (available: auto, deu, eng)"), std::string::npos) << r.output;
  // analyze: the words part records the detected language.
  const fs::path transcript = write(dir / "chat.txt", "A: Ich habe große Angst vor der Nacht\nB: Der Bus fährt um neun Uhr\n");
  r = run_command(stdout_of(env + sentio_cmd("analyze -q --transcript '" + transcript.string() + "' --language auto")));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto a = nlohmann::json::parse(r.output);
  EXPECT_EQ(a.at("text").at("language").at("code"), "deu");
  EXPECT_EQ(a.at("text").at("language").at("detected"), "deu");
  EXPECT_EQ(fs::path(a.at("text").at("model").at("path").get<std::string>()).filename(), "deu.stm");
  EXPECT_EQ(a.at("text").at("labels").size(), 4u);  // neutral + the three emotions of the tiny data
}

}  // namespace
