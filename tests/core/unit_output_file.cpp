// SPDX-License-Identifier: Apache-2.0
// OutputFile: complete-or-untouched regular files, write-through devices and links, inputs never overwritten.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void put(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(OutputFile, CommitReplacesTheTargetAndLeavesNoTemporary) {
  const fs::path dir = sentio::test::temp_dir() / "commit";
  fs::create_directories(dir);
  put(dir / "out.csv", "old");
  {
    sentio::OutputFile f((dir / "out.csv").string());
    f.stream() << "new";
    EXPECT_EQ(slurp(dir / "out.csv"), "old");  // not visible before commit
    f.commit();
  }
  EXPECT_EQ(slurp(dir / "out.csv"), "new");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(OutputFile, NoCommitLeavesTheTargetUntouched) {
  const fs::path dir = sentio::test::temp_dir() / "abandon";
  fs::create_directories(dir);
  put(dir / "out.csv", "old");
  try {
    sentio::OutputFile f((dir / "out.csv").string());
    f.stream() << "half";
    throw std::runtime_error("failure in the middle");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(slurp(dir / "out.csv"), "old");
  EXPECT_EQ(entries(dir), 1u);
  {
    sentio::OutputFile f((dir / "new.csv").string());
    f.stream() << "half";
  }
  EXPECT_FALSE(fs::exists(dir / "new.csv"));
  EXPECT_EQ(entries(dir), 1u);
}

TEST(OutputFile, KeepsThePermissionsOfTheReplacedFile) {
  const fs::path dir = sentio::test::temp_dir() / "perms";
  fs::create_directories(dir);
  put(dir / "out.txt", "old");
  fs::permissions(dir / "out.txt", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  sentio::write_file_atomically((dir / "out.txt").string(), "new");
  EXPECT_EQ(fs::status(dir / "out.txt").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST(OutputFile, WritesThroughSymlinksAndDevices) {
  const fs::path dir = sentio::test::temp_dir() / "through";
  fs::create_directories(dir);
  put(dir / "real.txt", "old");
  fs::create_symlink(dir / "real.txt", dir / "link.txt");
  sentio::write_file_atomically((dir / "link.txt").string(), "new");
  EXPECT_TRUE(fs::is_symlink(dir / "link.txt"));
  EXPECT_EQ(slurp(dir / "real.txt"), "new");
  EXPECT_EQ(entries(dir), 2u);

  sentio::write_file_atomically("/dev/null", "discarded");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(OutputFile, MissingFolderOrAFolderIsAnInputError) {
  const fs::path dir = sentio::test::temp_dir() / "missing";
  EXPECT_THROW(sentio::OutputFile((dir / "no" / "out.csv").string()), sentio::InputError);
  EXPECT_FALSE(fs::exists(dir));
  fs::create_directories(dir);
  EXPECT_THROW(sentio::OutputFile(dir.string()), sentio::InputError);
}

TEST(OutputFile, RefusesAnOutputThatIsAnInput) {
  const fs::path dir = sentio::test::temp_dir() / "same";
  fs::create_directories(dir);
  put(dir / "in.wav", "RIFF");
  fs::create_symlink(dir / "in.wav", dir / "alias.wav");
  const std::vector<std::string> inputs = {(dir / "other.wav").string(), (dir / "in.wav").string()};
  EXPECT_THROW(sentio::refuse_output_over_inputs((dir / "in.wav").string(), inputs), sentio::InputError);
  EXPECT_THROW(sentio::refuse_output_over_inputs((dir / "." / "in.wav").string(), inputs), sentio::InputError);
  EXPECT_THROW(sentio::refuse_output_over_inputs((dir / "alias.wav").string(), inputs), sentio::InputError);
  EXPECT_NO_THROW(sentio::refuse_output_over_inputs((dir / "out.csv").string(), inputs));
  EXPECT_NO_THROW(sentio::refuse_output_over_inputs("-", inputs));
  EXPECT_NO_THROW(sentio::refuse_output_over_inputs("/dev/null", inputs));
  EXPECT_EQ(slurp(dir / "in.wav"), "RIFF");
}

}  // namespace
