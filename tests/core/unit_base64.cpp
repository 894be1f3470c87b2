// SPDX-License-Identifier: Apache-2.0
// Base64 against the RFC 4648 test vectors, and bytes above 0x7f; decoding with and without padding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sentio/core/base64.hpp"

TEST(Base64, Rfc4648Vectors) {
  using sentio::base64_encode;
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Base64, DecodeInvertsEncodeWithOrWithoutPadding) {
  using sentio::base64_decode;
  const std::vector<std::string> cases{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00", 3)};
  for (const std::string& bytes : cases) {
    const std::string text = sentio::base64_encode(bytes);
    EXPECT_EQ(base64_decode(text), bytes) << text;
    std::string bare = text;
    while (!bare.empty() && bare.back() == '=') bare.pop_back();
    EXPECT_EQ(base64_decode(bare), bytes) << bare;
  }
}

TEST(Base64, DecodeRejectsWhatNoEncoderWrites) {
  using sentio::base64_decode;
  EXPECT_FALSE(base64_decode("Zm9v!"));     // outside the alphabet
  EXPECT_FALSE(base64_decode("Zg==Zm8="));  // data after padding
  EXPECT_FALSE(base64_decode("Zm9vY"));     // 4k + 1 characters
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_FALSE(base64_decode("Zm 9v"));
}
