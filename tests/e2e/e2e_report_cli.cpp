// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio report` on the hand-made fixture (parts, media link, missing media, bad documents)
// and `sentio analyze --report` on a synthesized recording.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../analysis/analysis_test_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

fs::path fixture() { return fs::path(SENTIO_SOURCE_DIR) / "tests" / "report" / "fixture_two_persons.json"; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(ReportCli, FixtureReportHasEveryPart) {
  const fs::path out = sentio::test::temp_dir() / "fixture.html";
  const auto r = run_command(sentio_cmd("report '" + fixture().string() + "' -o '" + out.string() + "' --title 'Weekly sync'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string html = read_text(out);
  for (const char* part : {"overview", "timeline", "moments", "transcript", "faces"})
    EXPECT_NE(html.find(std::string("data-testid=\"") + part + "\""), std::string::npos) << part;
  EXPECT_NE(html.find("<title>Weekly sync</title>"), std::string::npos);
  EXPECT_NE(html.find("2 persons: Ada (P1) spoke for 15 seconds"), std::string::npos);
}

TEST(ReportCli, BadDocumentExitsTwoAndWritesNothing) {
  const fs::path dir = sentio::test::temp_dir() / "bad";
  fs::create_directories(dir);
  std::ofstream(dir / "notes.json") << "{\"title\": \"my notes\"}";
  std::ofstream(dir / "future.json") << "{\"schema\": \"sentio.analysis/7\", \"input\": {}}";
  const auto a = run_command(sentio_cmd("report '" + (dir / "notes.json").string() + "' -o '" + (dir / "a.html").string() + "'"));
  EXPECT_EQ(a.status, 2) << a.output;
  EXPECT_NE(a.output.find("sentio: error: " + (dir / "notes.json").string() + ": not a Sentio result"), std::string::npos)
      << a.output;
  const auto b = run_command(sentio_cmd("report '" + (dir / "future.json").string() + "' -o '" + (dir / "b.html").string() + "'"));
  EXPECT_EQ(b.status, 2) << b.output;
  EXPECT_NE(b.output.find("unknown schema version 'sentio.analysis/7'"), std::string::npos) << b.output;
  const auto c = run_command(sentio_cmd("report '" + (dir / "absent.json").string() + "' -o '" + (dir / "c.html").string() + "'"));
  EXPECT_EQ(c.status, 2) << c.output;
  EXPECT_EQ(files_in(dir), 2u);  // the two documents: no report, no temporary file
}

// The page never replaces its own result document, and a missing output folder is a usage error.
TEST(ReportCli, OutputOverTheResultIsRefused) {
  const fs::path dir = sentio::test::temp_dir() / "over";
  fs::create_directories(dir);
  const fs::path doc = dir / "result.json";
  fs::copy_file(fixture(), doc, fs::copy_options::overwrite_existing);
  const std::string before = read_text(doc);
  const auto r = run_command(sentio_cmd("report '" + doc.string() + "' -o '" + doc.string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("refusing to overwrite an input"), std::string::npos) << r.output;
  EXPECT_EQ(read_text(doc), before);
  const auto m = run_command(sentio_cmd("report '" + doc.string() + "' -o '" + (dir / "no" / "r.html").string() + "'"));
  EXPECT_EQ(m.status, 2) << m.output;
  EXPECT_EQ(files_in(dir), 1u);
}

TEST(ReportCli, MissingMediaGivesAReportWithANote) {
  const fs::path out = sentio::test::temp_dir() / "nomedia.html";
  const auto r = run_command(sentio_cmd("report '" + fixture().string() + "' --media /nonexistent/meeting.mp4 -o '" +
                                        out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string html = read_text(out);
  EXPECT_NE(html.find("The recording '/nonexistent/meeting.mp4' was not found, so the page has no player."),
            std::string::npos);
  EXPECT_NE(html.find("\"media\":null"), std::string::npos);
}

TEST(ReportCli, AnalyzeWritesTheReportBesideTheDocument) {
  const fs::path dir = sentio::test::temp_dir() / "analyze_report";
  fs::create_directories(dir / "in");
  const fs::path wav = dir / "in" / "hello.wav";
  sentio::test::synthesize_conversation({{"en-us", 30, "I am so happy to see you again, this is wonderful."},
                                         {"en-us+f3", 80, "Well, I am not sure about that at all."}},
                                        0.6, wav);
  const auto r = run_command(sentio_cmd("analyze -q '" + wav.string() + "' -o '" + (dir / "hello.json").string() +
                                        "' --report '" + (dir / "out" / "hello.html").string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;  // the report's folder is created
  const std::string html = read_text(dir / "out" / "hello.html");
  EXPECT_NE(html.find("\"src\":\"../in/hello.wav\""), std::string::npos);
  EXPECT_NE(html.find("\"kind\":\"audio\""), std::string::npos);
  EXPECT_NE(html.find("data-testid=\"timeline\""), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "hello.json"));
}

TEST(ReportCli, AnalyzeReportNeedsJson) {
  const fs::path dir = sentio::test::temp_dir() / "analyze_csv";
  fs::create_directories(dir);
  std::ofstream(dir / "t.srt") << "1\n00:00:01,000 --> 00:00:02,000\nhello there\n";
  const auto r = run_command(sentio_cmd("analyze -q '" + (dir / "t.srt").string() + "' --format csv --report '" +
                                        (dir / "t.html").string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--report"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "t.html"));
}

TEST(ReportCli, AnalyzeSeveralInputsWritesAFolderOfReports) {
  const fs::path dir = sentio::test::temp_dir() / "analyze_many";
  fs::create_directories(dir);
  std::ofstream(dir / "a.srt") << "1\n00:00:01,000 --> 00:00:03,000\nAnn: I love this, it is great\n";
  std::ofstream(dir / "b.vtt") << "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Bob>This is terrible and I hate it\n";
  const auto r = run_command(sentio_cmd("analyze -q '" + (dir / "a.srt").string() + "' '" + (dir / "b.vtt").string() +
                                        "' -o '" + (dir / "json").string() + "/' --report '" + (dir / "html").string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string a = read_text(dir / "html" / "a.html"), b = read_text(dir / "html" / "b.html");
  EXPECT_NE(a.find("I love this"), std::string::npos);
  EXPECT_NE(b.find("I hate it"), std::string::npos);
  EXPECT_NE(a.find("\"media\":null"), std::string::npos);  // a transcript is not media
}
