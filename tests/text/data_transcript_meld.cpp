// SPDX-License-Identifier: Apache-2.0
// The real MELD test split (../shared/data/text/meld/test_sent_emo.csv) read as a transcript.
// Counts from ../shared/data/text/meld/README.txt: test = 2610 utterances, 280 dialogues.
#include <set>

#include "test_support.hpp"
#include "transcript_test_helpers.hpp"

namespace sentio::text::test {
namespace {

TEST(TranscriptMeldData, TestSplitRowsAndKnownFields) {
  SENTIO_REQUIRE_SHARED(path, "data/text/meld/test_sent_emo.csv");
  const Transcript t = read_transcript(path.string());
  EXPECT_EQ(t.format, "meld");
  ASSERT_EQ(t.utterances.size(), 2610u);
  std::set<std::string> dialogues;
  for (const auto& u : t.utterances) {
    EXPECT_FALSE(u.text.empty());
    EXPECT_GE(u.start, 0.0) << u.id;
    EXPECT_GE(u.end, u.start) << u.id;
    dialogues.insert(u.id.substr(0, u.id.find('_')));
  }
  EXPECT_EQ(dialogues.size(), 280u);
  // Row 1 (Sr No. 1) and the last row (Sr No. 2764), as in the file.
  expect_utterance(t.utterances.front(), 14 * 60 + 38.127, 14 * 60 + 40.378, "Mark",
                   "Why do all you\xE2\x80\x99re coffee mugs have numbers on the bottom?", "dia0_utt0");
  expect_utterance(t.utterances[1], 14 * 60 + 40.629, 14 * 60 + 47.385, "Rachel",
                   "Oh. That\xE2\x80\x99s so Monica can keep track. That way if one on them is missing, she can be "
                   "like, \xE2\x80\x98Where\xE2\x80\x99s number 27?!\xE2\x80\x99",
                   "dia0_utt1");
  expect_utterance(t.utterances.back(), 14 * 60 + 52.558, 14 * 60 + 54.183, "Monica", "I think you look fine.",
                   "dia279_utt15");
  // File order is dialogue order: never re-sorted by the per-episode times.
  EXPECT_EQ(t.utterances[3].id, "dia1_utt0");
  EXPECT_TRUE(t.warnings.empty());
}

}  // namespace
}  // namespace sentio::text::test
