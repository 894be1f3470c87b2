// SPDX-License-Identifier: Apache-2.0
// Word error rate: normalisation and the Levenshtein alignment, against hand-computed cases.
#include <gtest/gtest.h>

#include "asr_internal.hpp"
#include "sentio/asr/wer.hpp"

using namespace sentio::asr;

namespace {
std::vector<std::string> words(std::initializer_list<const char*> w) { return {w.begin(), w.end()}; }
}  // namespace

TEST(Normalise, CasePunctuationAndApostrophes) {
  EXPECT_EQ(normalise_words("Hello, World! Don't stop... \"now\"  (please)"),
            words({"hello", "world", "don't", "stop", "now", "please"}));
  EXPECT_EQ(normalise_words("well-known rock'n'roll 'quoted'"), words({"well", "known", "rock'n'roll", "quoted"}));
  // U+2019 as apostrophe
  EXPECT_EQ(normalise_words("it\xE2\x80\x99s"), words({"it's"}));
  EXPECT_TRUE(normalise_words("  ... !? ").empty());
}

TEST(Normalise, OptionsCanBeSwitchedOff) {
  NormaliseOptions keep;
  keep.lower_case = false;
  keep.strip_punctuation = false;
  EXPECT_EQ(normalise_words("Hello, World!", keep), words({"Hello,", "World!"}));
}

TEST(Normalise, NumbersAsWords) {
  NormaliseOptions o;
  o.numbers_as_words = true;
  EXPECT_EQ(normalise_words("Room 42, floor 7", o), words({"room", "forty", "two", "floor", "seven"}));
  EXPECT_EQ(normalise_words("1,000 people", o), words({"one", "thousand", "people"}));
  EXPECT_EQ(normalise_words("42", {}), words({"42"}));  // off by default
}

TEST(Normalise, NumberToWords) {
  EXPECT_EQ(number_to_words(0), "zero");
  EXPECT_EQ(number_to_words(13), "thirteen");
  EXPECT_EQ(number_to_words(20), "twenty");
  EXPECT_EQ(number_to_words(99), "ninety nine");
  EXPECT_EQ(number_to_words(100), "one hundred");
  EXPECT_EQ(number_to_words(1905), "one thousand nine hundred five");
  EXPECT_EQ(number_to_words(2'000'017), "two million seventeen");
  EXPECT_EQ(number_to_words(999'999'999'999ULL),
            "nine hundred ninety nine billion nine hundred ninety nine million nine hundred ninety nine thousand "
            "nine hundred ninety nine");
  EXPECT_EQ(number_to_words(1'000'000'000'000ULL), "");
}

TEST(Wer, IdenticalSequencesHaveNoErrors) {
  const WerResult r = word_error_rate("The cat sat.", "the CAT sat");
  EXPECT_EQ(r.counts.errors(), 0u);
  EXPECT_EQ(r.counts.hits, 3u);
  EXPECT_DOUBLE_EQ(r.counts.wer(), 0.0);
}

TEST(Wer, OneOfEachEditKind) {
  // ref:       the cat sat on the mat     (6 words)
  // hyp: today the bat sat on     mat     -> "today" inserted, cat/bat substituted, "the" deleted
  const WerResult r = word_error_rate("the cat sat on the mat", "today the bat sat on mat");
  EXPECT_EQ(r.counts.substitutions, 1u);
  EXPECT_EQ(r.counts.deletions, 1u);
  EXPECT_EQ(r.counts.insertions, 1u);
  EXPECT_EQ(r.counts.hits, 4u);
  EXPECT_EQ(r.counts.reference_words, 6u);
  EXPECT_EQ(r.counts.hypothesis_words, 6u);
  EXPECT_DOUBLE_EQ(r.counts.wer(), 3.0 / 6.0);
  ASSERT_EQ(r.alignment.size(), 7u);
  EXPECT_EQ(r.alignment[0].op, EditOp::insertion);
  EXPECT_EQ(r.alignment[0].hyp, "today");
  EXPECT_EQ(r.alignment[1].op, EditOp::hit);
  EXPECT_EQ(r.alignment[2].op, EditOp::substitution);
  EXPECT_EQ(r.alignment[2].ref, "cat");
  EXPECT_EQ(r.alignment[2].hyp, "bat");
  EXPECT_EQ(r.alignment[5].op, EditOp::deletion);
  EXPECT_EQ(r.alignment[5].ref, "the");
  EXPECT_EQ(r.alignment[6].op, EditOp::hit);
}

TEST(Wer, TiesPreferSubstitutions) {
  // "the cat sat on the mat" vs "the bat sat on mat today": 3 edits either as S + D + I or as 3 S
  // (the->mat, mat->today); the substitutions win.
  const WerResult t = word_error_rate("the cat sat on the mat", "the bat sat on mat today");
  EXPECT_EQ(t.counts.substitutions, 3u);
  EXPECT_EQ(t.counts.deletions + t.counts.insertions, 0u);
  // "a b" vs "c d": distance 2 either as 2 substitutions or as 2 deletions + 2 insertions (4) -> 2 S.
  const WerResult r = align_words(words({"a", "b"}), words({"c", "d"}));
  EXPECT_EQ(r.counts.substitutions, 2u);
  EXPECT_EQ(r.counts.deletions + r.counts.insertions, 0u);
  // "a b c" vs "b c d": cost 2 = delete a + insert d (the diagonal path would cost 3).
  const WerResult s = align_words(words({"a", "b", "c"}), words({"b", "c", "d"}));
  EXPECT_EQ(s.counts.deletions, 1u);
  EXPECT_EQ(s.counts.insertions, 1u);
  EXPECT_EQ(s.counts.substitutions, 0u);
  EXPECT_DOUBLE_EQ(s.counts.wer(), 2.0 / 3.0);
}

TEST(Wer, EmptySidesAndInsertionsAboveOne) {
  EXPECT_DOUBLE_EQ(word_error_rate("", "").counts.wer(), 0.0);
  const WerResult all_deleted = word_error_rate("one two three", "");
  EXPECT_EQ(all_deleted.counts.deletions, 3u);
  EXPECT_DOUBLE_EQ(all_deleted.counts.wer(), 1.0);
  const WerResult only_inserted = word_error_rate("", "uh um");
  EXPECT_EQ(only_inserted.counts.insertions, 2u);
  EXPECT_DOUBLE_EQ(only_inserted.counts.wer(), 2.0);
  const WerResult many = word_error_rate("yes", "oh yes yes yes");
  EXPECT_EQ(many.counts.insertions, 3u);
  EXPECT_DOUBLE_EQ(many.counts.wer(), 3.0);
}

TEST(Wer, CorpusWerSumsCountsBeforeDividing) {
  WerCounts total;
  total += word_error_rate("a b c d e f g h i j", "a b c d e f g h i j").counts;  // 0 / 10
  total += word_error_rate("x y", "z").counts;                                    // 2 / 2 (1 S + 1 D)
  EXPECT_EQ(total.reference_words, 12u);
  EXPECT_EQ(total.errors(), 2u);
  EXPECT_DOUBLE_EQ(total.wer(), 2.0 / 12.0);  // not the mean of the rates (0.5)
}

TEST(DecoderWords, FillersDroppedAndAlternativePronunciationsNormalised) {
  using sentio::asr::detail::normalise_decoder_word;
  EXPECT_EQ(normalise_decoder_word("<s>"), "");
  EXPECT_EQ(normalise_decoder_word("</s>"), "");
  EXPECT_EQ(normalise_decoder_word("<sil>"), "");
  EXPECT_EQ(normalise_decoder_word("[NOISE]"), "");
  EXPECT_EQ(normalise_decoder_word("++UH++"), "");
  EXPECT_EQ(normalise_decoder_word("NULL"), "");
  EXPECT_EQ(normalise_decoder_word("read(2)"), "read");
  EXPECT_EQ(normalise_decoder_word("the(12)"), "the");
  EXPECT_EQ(normalise_decoder_word("don't"), "don't");
  EXPECT_EQ(normalise_decoder_word("open the door "), "open the door");  // keyword-spotting phrase
  EXPECT_EQ(normalise_decoder_word("x(a)"), "x(a)");
  EXPECT_EQ(normalise_decoder_word("()"), "()");
}
