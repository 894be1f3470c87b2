// SPDX-License-Identifier: Apache-2.0
// Base64 against the RFC 4648 test vectors, and bytes above 0x7f.
#include <gtest/gtest.h>

#include <string>

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
