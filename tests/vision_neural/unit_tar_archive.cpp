// SPDX-License-Identifier: Apache-2.0
// Unit tests of the tar reader behind "ARCHIVE.tar:MEMBER" manifest paths: members and their bytes
// (short, multi-block, ustar-prefixed long names, "./" names), a truncated member and a corrupt header
// (InputError naming the archive and the member), and decode_image_file reading a PGM from inside an archive.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "face/tar_archive.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "tar_writer.hpp"
#include "test_support.hpp"

namespace {

using sentio::InputError;
using sentio::test::make_tar;
using sentio::test::TarEntry;
using sentio::vision::face::TarArchive;

std::string write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) % 251);
  return s;
}

TEST(TarArchive, ListsAndReadsMembers) {
  const std::string long_name = std::string(60, 'd') + "/" + std::string(60, 'e') + "/file.bin";  // 125 bytes
  const std::vector<TarEntry> entries = {
      {"a.txt", "hello"}, {"dir/b.bin", pattern(600)}, {"empty", ""}, {long_name, pattern(1024)}, {"./c.txt", "xyz"}};
  const std::string path = write_file(sentio::test::temp_dir() / "t.tar", make_tar(entries));
  const TarArchive tar(path);
  ASSERT_EQ(tar.members().size(), 5u);
  EXPECT_EQ(tar.members()[0].name, "a.txt");
  EXPECT_EQ(tar.members()[1].size, 600u);
  EXPECT_EQ(tar.members()[1].offset, 512u * 3);  // header a, data a, header b
  EXPECT_EQ(tar.members()[3].name, long_name);
  for (const TarEntry& e : entries) {
    const auto* m = tar.find(e.name);
    ASSERT_NE(m, nullptr) << e.name;
    const auto bytes = tar.read(*m);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), e.data) << e.name;
  }
  EXPECT_NE(tar.find("c.txt"), nullptr);  // "./" ignored
  EXPECT_EQ(tar.find("missing"), nullptr);
}

TEST(TarArchive, TruncatedMemberIsNamed) {
  std::vector<std::uint8_t> bytes = make_tar({{"ok.txt", "fine"}, {"cut/short.jpg", pattern(1500)}});
  bytes.resize(512 * 3 + 700);  // ok header+data, cut header, 700 of 1500 data bytes
  const std::string path = write_file(sentio::test::temp_dir() / "cut.tar", bytes);
  try {
    const TarArchive tar(path);
    FAIL() << "no error for a truncated member";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("cut/short.jpg"), std::string::npos) << msg;
    EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  }
}

TEST(TarArchive, CorruptHeaderAndMissingFile) {
  std::vector<std::uint8_t> bytes = make_tar({{"a.txt", "hello"}});
  bytes[3] ^= 0x20;  // name byte changed: checksum no longer matches
  const std::string path = write_file(sentio::test::temp_dir() / "bad.tar", bytes);
  EXPECT_THROW(TarArchive{path}, InputError);
  EXPECT_THROW(TarArchive{(sentio::test::temp_dir() / "absent.tar").string()}, InputError);
}

TEST(TarArchive, SplitsArchivePaths) {
  const auto dir = sentio::test::temp_dir();
  const std::string path = write_file(dir / "x.tar", make_tar({{"m/y.txt", "1"}}));
  std::string archive, member;
  ASSERT_TRUE(sentio::vision::face::split_archive_path(path + ":m/y.txt", archive, member));
  EXPECT_EQ(archive, path);
  EXPECT_EQ(member, "m/y.txt");
  EXPECT_FALSE(sentio::vision::face::split_archive_path((dir / "nothere.tar:m/y.txt").string(), archive, member));
  EXPECT_FALSE(sentio::vision::face::split_archive_path(path, archive, member));
}

// Rewrites the first header of `tar`: a GNU base-256 size field of `size` and type `type`, checksum redone.
std::vector<std::uint8_t> with_header(std::vector<std::uint8_t> tar, std::uint64_t size, char type) {
  std::uint8_t* h = tar.data();
  std::memset(h + 124, 0, 12);
  h[124] = 0x80;
  for (int k = 0; k < 8; ++k) h[135 - k] = static_cast<std::uint8_t>(size >> (8 * k));
  h[156] = static_cast<std::uint8_t>(type);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (std::size_t k = 0; k < 512; ++k) sum += h[k];
  std::snprintf(reinterpret_cast<char*>(h + 148), 8, "%06o", sum);
  h[155] = ' ';
  return tar;
}

// A declared size near 2^64 used to wrap `offset + size` and loop forever (memory growing); a GNU long-name
// record with such a size ended in std::length_error. Both are one InputError naming the archive now.
TEST(TarArchive, WrappingSizeFieldIsAnInputError) {
  const auto dir = sentio::test::temp_dir();
  for (const char type : {'0', 'L', 'x'}) {
    for (const std::uint64_t size : {~std::uint64_t{0} - 511, ~std::uint64_t{0}, std::uint64_t{1} << 62}) {
      const std::string path =
          write_file(dir / "wrap.tar", with_header(make_tar({{"a.png", pattern(1000)}}), size, type));
      try {
        const TarArchive tar(path);
        FAIL() << "no error for type " << type << " size " << size;
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("wrap.tar"), std::string::npos) << e.what();
      }
    }
  }
}

TEST(TarArchive, GnuLongNameRecordNamesTheNextMember) {
  const std::string long_name = std::string(200, 'x') + ".bin";
  std::vector<std::uint8_t> bytes = make_tar({{"././@LongLink", long_name + '\0'}, {"short", "abc"}});
  bytes[156] = 'L';
  bytes = with_header(std::move(bytes), long_name.size() + 1, 'L');
  const std::string path = write_file(sentio::test::temp_dir() / "long.tar", bytes);
  const TarArchive tar(path);
  ASSERT_EQ(tar.members().size(), 1u);
  EXPECT_EQ(tar.members()[0].name, long_name);
  EXPECT_EQ(tar.members()[0].size, 3u);
}

TEST(TarArchive, LoadImageReadsAMember) {
  std::vector<std::uint8_t> px(6 * 4);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(10 * i);
  const auto dir = sentio::test::temp_dir();
  const std::string path = write_file(dir / "img.tar", make_tar({{"faces/a.pgm", sentio::test::make_pgm(6, 4, px)}}));
  const sentio::vision::Image image = sentio::vision::decode_image_file(path + ":faces/a.pgm");
  EXPECT_EQ(image.width, 6);
  EXPECT_EQ(image.height, 4);
  EXPECT_EQ(image.channels, 1);
  EXPECT_EQ(image.pixels, px);
  try {
    (void)sentio::vision::decode_image_file(path + ":faces/b.pgm");
    FAIL() << "no error for a missing member";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("faces/b.pgm"), std::string::npos) << e.what();
  }
}

}  // namespace
