// SPDX-License-Identifier: Apache-2.0
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sentio/pipeline/inputs.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using sentio::pipeline::expand_inputs;

namespace {
void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}
}  // namespace

TEST(Inputs, DirectoriesAreSearchedRecursivelyForMediaFilesInSortedOrder) {
  const fs::path dir = sentio::test::temp_dir();
  touch(dir / "b.wav");
  touch(dir / "a.FLAC");
  touch(dir / "sub" / "c.mp4");
  touch(dir / "notes.md");
  const auto r = expand_inputs({dir.string()});
  ASSERT_EQ(r.files.size(), 3u);
  EXPECT_EQ(fs::path(r.files[0]).filename(), "a.FLAC");
  EXPECT_EQ(fs::path(r.files[1]).filename(), "b.wav");
  EXPECT_EQ(fs::path(r.files[2]).filename(), "c.mp4");
  EXPECT_TRUE(r.problems.empty());
}

TEST(Inputs, ListFilesResolveRelativePathsAndSkipComments) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "list.txt") << "# clips\r\nx.wav\r\n\n  /abs/y.flac  \n";
  const auto r = expand_inputs({(dir / "list.txt").string()});
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0], (dir / "x.wav").string());
  EXPECT_EQ(r.files[1], "/abs/y.flac");
}

TEST(Inputs, MissingFilesPassThroughForTheDecoderToReport) {
  const auto r = expand_inputs({"/no/such/file.wav"});
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_TRUE(r.problems.empty());
}

TEST(Inputs, EmptyDirectoryIsAProblem) {
  const fs::path dir = sentio::test::temp_dir();
  const auto r = expand_inputs({dir.string()});
  EXPECT_TRUE(r.files.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].message.find("no media files"), std::string::npos);
}

TEST(Inputs, BaseName) {
  EXPECT_EQ(sentio::pipeline::base_name_without_extension("/a/b/03-01.x.flac"), "03-01.x");
}

// @FILE is a list whatever its name; with txt_lists off (analyze) a .txt is an input of its own.
TEST(Inputs, AtFileIsAListAndTxtCanBeAnInput) {
  const fs::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "paths.txt") << "x.wav\n";
  std::ofstream(dir / "chat.txt") << "Ann: hello\n";
  const auto at = expand_inputs({"@" + (dir / "paths.txt").string()}, true, false);
  ASSERT_EQ(at.files.size(), 1u);
  EXPECT_EQ(at.files[0], (dir / "x.wav").string());
  const auto plain = expand_inputs({(dir / "chat.txt").string()}, true, false);
  ASSERT_EQ(plain.files.size(), 1u);
  EXPECT_EQ(plain.files[0], (dir / "chat.txt").string());
  const auto missing = expand_inputs({"@" + (dir / "nope.txt").string()});
  EXPECT_TRUE(missing.files.empty());
  EXPECT_EQ(missing.problems.size(), 1u);
}

// A FIFO named as an input used to be read forever (no writer); it is a problem naming it now, also in a list.
TEST(Inputs, FifosAndDevicesAreProblems) {
  const fs::path dir = sentio::test::temp_dir();
  ASSERT_EQ(::mkfifo((dir / "pipe.wav").c_str(), 0600), 0);
  std::ofstream(dir / "list.lst") << "pipe.wav\n";
  for (const std::string& arg : {(dir / "pipe.wav").string(), std::string("/dev/zero"), (dir / "list.lst").string()}) {
    const auto r = expand_inputs({arg});
    EXPECT_TRUE(r.files.empty()) << arg;
    ASSERT_EQ(r.problems.size(), 1u) << arg;
    EXPECT_NE(r.problems[0].message.find("not a regular file"), std::string::npos) << r.problems[0].message;
    EXPECT_NE(r.problems[0].message.find("'-'"), std::string::npos) << r.problems[0].message;
  }
}
