// SPDX-License-Identifier: Apache-2.0
// CSV records of the manifests: quoting, doubled quotes, empty fields, a Windows line end.
#include <gtest/gtest.h>

#include "sentio/core/csv.hpp"

namespace {

TEST(Csv, QuotedFieldsAndEmptyOnes) {
  const auto f = sentio::split_csv_line("a,\"b,c\",\"say \"\"hi\"\"\",\r");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "b,c");
  EXPECT_EQ(f[2], "say \"hi\"");
  EXPECT_EQ(f[3], "");
}

TEST(Csv, EmptyLineIsOneEmptyField) {
  const auto f = sentio::split_csv_line("");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], "");
}

}  // namespace
