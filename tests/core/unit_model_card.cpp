// SPDX-License-Identifier: Apache-2.0
// The licence of a model from the front matter of the MODEL_CARD.md next to it, and what the shipped
// models' cards state.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sentio/core/model_card.hpp"
#include "test_support.hpp"

namespace {

std::filesystem::path card_dir(const std::string& card) {
  const auto dir = sentio::test::temp_dir();
  std::ofstream(dir / "MODEL_CARD.md") << card;
  std::ofstream(dir / "model.json") << "{}";
  return dir;
}

}  // namespace

TEST(ModelCard, LicenceComesFromTheFrontMatterOfTheCardNextToTheModel) {
  const auto dir = card_dir("---\nname: x\nlicence: CC BY 4.0  \n---\n# Card\nlicence: not this one\n");
  EXPECT_EQ(sentio::model_card_path((dir / "model.json").string()), (dir / "MODEL_CARD.md").string());
  EXPECT_EQ(sentio::model_licence((dir / "model.json").string()), "CC BY 4.0");
  EXPECT_EQ(sentio::model_licence(dir.string()), "CC BY 4.0");  // a model folder holds its card
}

TEST(ModelCard, AmericanSpellingAndQuotesAreAccepted) {
  const auto dir = card_dir("---\r\nlicense: \"MIT\"\r\n---\r\n");
  EXPECT_EQ(sentio::model_licence((dir / "model.json").string()), "MIT");
}

TEST(ModelCard, NoCardNoFrontMatterOrNoKeyIsEmpty) {
  EXPECT_EQ(sentio::model_licence(""), "");
  const auto bare = sentio::test::temp_dir();
  EXPECT_EQ(sentio::model_licence((bare / "model.json").string()), "");
  EXPECT_EQ(sentio::model_licence((card_dir("# Card\nlicence: MIT\n") / "model.json").string()), "");
  EXPECT_EQ(sentio::model_licence((card_dir("---\nname: x\n---\nlicence: MIT\n") / "model.json").string()), "");
  EXPECT_EQ(sentio::model_licence((card_dir("---\nlicence: MIT\n") / "model.json").string()), "MIT");
  EXPECT_EQ(sentio::model_licence((card_dir("") / "model.json").string()), "");
}

// Every shipped model's card states its licence (the documents of `sentio analyze` carry it).
TEST(ModelCard, ShippedCardsStateALicence) {
  const std::filesystem::path models = std::filesystem::path(SENTIO_SOURCE_DIR) / "models";
  for (const char* folder : {"ser", "text", "text/multilingual", "fusion", "face"}) {
    SCOPED_TRACE(folder);
    EXPECT_FALSE(sentio::model_licence((models / folder).string()).empty());
  }
  EXPECT_NE(sentio::model_licence((models / "ser" / "default.json").string()).find("non-commercial"), std::string::npos);
}
