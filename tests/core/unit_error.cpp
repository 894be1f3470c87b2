// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "sentio/core/error.hpp"

TEST(Error, WithContextPrefixesTheMessage) {
  sentio::InputError inner("expected 88 columns, got 3");
  sentio::InputError outer = sentio::with_context("reading 'a.csv'", inner);
  EXPECT_STREQ(outer.what(), "reading 'a.csv': expected 88 columns, got 3");
}
