// SPDX-License-Identifier: Apache-2.0
// The BRIGHTER (SemEval-2025 Task 11) reader on two small hand-written files: a track A file (0/1 cells,
// an all-zero row, quoting, an empty cell, an out-of-range cell, an empty text, CJK text) and a track B
// style file (0-3 intensities, capitalised column names, no disgust column).
#include <gtest/gtest.h>

#include "sentio/core/error.hpp"
#include "sentio/text/corpus.hpp"

namespace sentio::text {
namespace {

std::string data(const std::string& name) { return std::string(SENTIO_SOURCE_DIR) + "/tests/text/data/brighter/" + name; }

using Labels = std::vector<std::string>;

TEST(BrighterReader, TrackAFileAutoDetected) {
  const Corpus c = read_corpus(data("track_a.csv"));
  EXPECT_EQ(c.format, "brighter");
  EXPECT_EQ(c.label_set, "core");
  EXPECT_TRUE(c.multi_label);
  ASSERT_EQ(c.items.size(), 5u);
  EXPECT_EQ(c.items[0].text, "I cannot believe they cancelled it, again!");
  EXPECT_EQ(c.items[0].labels, (Labels{"anger", "surprise"}));
  EXPECT_EQ(c.items[1].labels, (Labels{"happiness"}));  // joy -> happiness
  EXPECT_EQ(c.items[2].labels, (Labels{"neutral"}));    // no emotion present
  EXPECT_EQ(c.items[3].text, "Quoted \"text\" with, commas");
  EXPECT_EQ(c.items[3].labels, (Labels{"disgust", "fear", "sadness"}));
  EXPECT_EQ(c.items[4].text, "我今天很开心");
  EXPECT_EQ(c.items[4].labels, (Labels{"happiness"}));
  EXPECT_TRUE(c.items[4].dialogue_id.empty());
  EXPECT_EQ(c.items[4].order, -1);
  // x_5 (empty cell), x_6 (7 is not 0..3) and x_7 (empty text) are skipped and counted, lines named.
  EXPECT_EQ(c.bad_rows, 3u);
  ASSERT_EQ(c.problems.size(), 3u);
  EXPECT_NE(c.problems[0].find("line 6: empty label cell 'disgust'"), std::string::npos) << c.problems[0];
  EXPECT_NE(c.problems[1].find("line 7: label cell 'fear' is '7', expected 0..3"), std::string::npos) << c.problems[1];
  EXPECT_NE(c.problems[2].find("line 8: empty text"), std::string::npos) << c.problems[2];
  const auto counts = label_counts(c);
  EXPECT_EQ(counts.at("happiness"), 2u);
  EXPECT_EQ(counts.at("neutral"), 1u);
  EXPECT_EQ(counts.count("joy"), 0u);
}

TEST(BrighterReader, IntensitiesArePresenceAboveZero) {
  const Corpus c = read_corpus(data("intensity_capitalised.csv"), parse_corpus_format("brighter"));
  EXPECT_EQ(c.format, "brighter");
  ASSERT_EQ(c.items.size(), 4u);
  EXPECT_EQ(c.bad_rows, 0u);
  // Labels follow the file's column order (Joy, Fear, Anger, Sadness, Surprise).
  EXPECT_EQ(c.items[0].labels, (Labels{"fear"}));
  EXPECT_EQ(c.items[1].labels, (Labels{"fear", "anger"}));
  EXPECT_EQ(c.items[2].labels, (Labels{"neutral"}));
  EXPECT_EQ(c.items[3].labels, (Labels{"happiness", "surprise"}));
  // The same file is auto-detected too.
  EXPECT_EQ(read_corpus(data("intensity_capitalised.csv")).format, "brighter");
}

TEST(BrighterReader, FormatNamesAndErrors) {
  EXPECT_EQ(parse_corpus_format("BRIGHTER"), CorpusFormat::brighter);
  EXPECT_EQ(parse_corpus_format("semeval2025"), CorpusFormat::brighter);
  // A generic CSV forced through the BRIGHTER reader names the file and what is missing.
  try {
    (void)read_corpus(std::string(SENTIO_SOURCE_DIR) + "/tests/text/data/generic.csv", CorpusFormat::brighter);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("generic.csv: a BRIGHTER CSV needs"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sentio::text
