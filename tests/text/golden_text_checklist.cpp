// SPDX-License-Identifier: Apache-2.0
// The everyday-language checklist (tests/text/data/checklist_en.tsv: 296 sentences written for Sentio, 8
// categories) against the shipped default text model, free choice among its labels. The floors sit a little
// under the figures measured when the model was shipped (bench/text_checklist.md: overall 0.669, negation
// 0.61, emoji 0.62, contrast 0.78, casual 0.66, situation 0.24, explicit 0.87), so a change that loses what
// the everyday normalisation, the four corpora, the lexicon features and the word vectors won fails here; the
// issue's targets (0.85 overall, 0.7 per category) are not met yet and are not asserted.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "sentio/text/text_model.hpp"

namespace sentio::text {
namespace {

struct Tally {
  int n = 0, right = 0;
  double accuracy() const { return n ? static_cast<double>(right) / n : 0.0; }
};

TEST(TextChecklist, ShippedModelKeepsItsEverydayLanguageScores) {
  const std::string root = SENTIO_SOURCE_DIR;
  const std::string model_path = root + "/models/text/default.stm";
  ASSERT_TRUE(std::filesystem::exists(model_path)) << model_path;
  const TextModel model = TextModel::load(model_path);
  std::ifstream in(root + "/tests/text/data/checklist_en.tsv");
  ASSERT_TRUE(in) << "tests/text/data/checklist_en.tsv";
  std::string line;
  std::getline(in, line);  // header: category, expected, text
  std::map<std::string, Tally> per_category;
  Tally all;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string category, expected, text;
    if (!std::getline(row, category, '\t') || !std::getline(row, expected, '\t') || !std::getline(row, text)) continue;
    const TextPrediction p = model.predict(text, 0);
    const bool right = model.labels()[p.top] == expected;
    per_category[category].n++;
    per_category[category].right += right;
    all.n++;
    all.right += right;
  }
  ASSERT_EQ(all.n, 296);
  for (const auto& [category, t] : per_category)
    std::cout << "checklist " << category << ": " << t.right << " / " << t.n << " = " << t.accuracy() << "\n";
  std::cout << "checklist overall: " << all.accuracy() << "\n";
  EXPECT_GE(all.accuracy(), 0.64);
  EXPECT_GE(per_category["negation"].accuracy(), 0.55);
  EXPECT_GE(per_category["emoji"].accuracy(), 0.58);
  EXPECT_GE(per_category["contrast"].accuracy(), 0.70);
  EXPECT_GE(per_category["situation"].accuracy(), 0.20);
  EXPECT_GE(per_category["casual"].accuracy(), 0.62);
  EXPECT_GE(per_category["explicit"].accuracy(), 0.80);
}

}  // namespace
}  // namespace sentio::text
