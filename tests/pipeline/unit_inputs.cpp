// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <fstream>

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
