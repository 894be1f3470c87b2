// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"
#include "test_support.hpp"

namespace {

std::string write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

}  // namespace

TEST(Checksum, Sha256MatchesTheFips180TestVectors) {
  const auto dir = sentio::test::temp_dir();
  EXPECT_EQ(sentio::sha256_file(write_file(dir / "empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sentio::sha256_file(write_file(dir / "abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Longer than one read buffer (64 KiB): one million 'a' (FIPS 180-2 appendix B.3).
  EXPECT_EQ(sentio::sha256_file(write_file(dir / "million", std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Checksum, ListsAreReadAndMismatchesNameTheFile) {
  const auto dir = sentio::test::temp_dir();
  const std::string model = write_file(dir / "model.bin", "abc");
  const std::string list = write_file(
      dir / "SHA256SUMS",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  model.bin\r\n"
      "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 *other.bin\n");
  const auto sums = sentio::read_sha256sums(list);
  ASSERT_EQ(sums.size(), 2u);
  EXPECT_EQ(sums.at("other.bin"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(sentio::verify_sha256(model, sums, list));
  EXPECT_FALSE(sentio::verify_sha256((dir / "unlisted.bin").string(), sums, list));

  write_file(dir / "model.bin", "abd");  // one byte altered
  try {
    sentio::verify_sha256(model, sums, list);
    FAIL() << "expected a checksum mismatch";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model.bin': checksum mismatch"), std::string::npos) << e.what();
  }
}

TEST(Checksum, MalformedListsAndMissingFilesAreInputErrors) {
  const auto dir = sentio::test::temp_dir();
  const std::string list = write_file(dir / "SHA256SUMS", "not-a-digest  model.bin\n");
  EXPECT_THROW(sentio::read_sha256sums(list), sentio::InputError);
  EXPECT_THROW(sentio::sha256_file((dir / "missing.bin").string()), sentio::InputError);
}
