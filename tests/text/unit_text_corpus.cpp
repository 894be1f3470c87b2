// SPDX-License-Identifier: Apache-2.0
// Labelled corpus readers on small golden files (tests/text/data, invented sentences) and label mapping.
#include <gtest/gtest.h>

#include <fstream>

#include "sentio/core/error.hpp"
#include "sentio/text/corpus.hpp"
#include "test_support.hpp"

namespace sentio::text {
namespace {

std::string data(const std::string& rel) { return std::string(SENTIO_SOURCE_DIR) + "/tests/text/data/" + rel; }

std::string error_of(const std::string& path, CorpusFormat f = CorpusFormat::automatic) {
  try {
    read_corpus(path, f);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(TextCorpus, LabelMappingFoldsSynonymsOntoCoreLabels) {
  EXPECT_EQ(canonical_label("Joyful"), "happiness");
  EXPECT_EQ(canonical_label(" joy "), "happiness");
  EXPECT_EQ(canonical_label("Mad"), "anger");
  EXPECT_EQ(canonical_label("angry"), "anger");
  EXPECT_EQ(canonical_label("Scared"), "fear");
  EXPECT_EQ(canonical_label("sad"), "sadness");
  EXPECT_EQ(canonical_label("no_emotion"), "neutral");
  EXPECT_EQ(canonical_label("Surprised"), "surprise");
  EXPECT_EQ(canonical_label("Peaceful"), "peaceful");    // EmoryNLP extra stays its own class
  EXPECT_EQ(canonical_label("admiration"), "admiration");
  EXPECT_EQ(canonical_label(""), "");
}

TEST(TextCorpus, GenericCsvWithMultiLabelsAndBadRows) {
  const Corpus c = read_corpus(data("generic.csv"));
  EXPECT_EQ(c.format, "csv");
  ASSERT_EQ(c.items.size(), 4u);
  EXPECT_EQ(c.bad_rows, 2u);  // empty text, empty label
  ASSERT_EQ(c.problems.size(), 2u);
  EXPECT_NE(c.problems[0].find("generic.csv: line 5: empty text"), std::string::npos) << c.problems[0];
  EXPECT_NE(c.problems[1].find("line 7: no label"), std::string::npos) << c.problems[1];
  EXPECT_TRUE(c.multi_label);
  EXPECT_EQ(c.items[0].text, "The parcel finally arrived, hooray!");
  EXPECT_EQ(c.items[0].labels, std::vector<std::string>{"happiness"});
  EXPECT_EQ(c.items[0].speaker, "Ann");
  EXPECT_EQ(c.items[0].dialogue_id, "d1");
  EXPECT_EQ(c.items[0].order, 0);
  EXPECT_EQ(c.items[2].labels, (std::vector<std::string>{"anger", "sadness"}));
  EXPECT_EQ(c.items[3].labels, std::vector<std::string>{"fear"});
  EXPECT_EQ(c.items[3].order, 1);
}

TEST(TextCorpus, MeldCsv) {
  const Corpus c = read_corpus(data("meld_style.csv"));
  EXPECT_EQ(c.format, "meld");
  EXPECT_EQ(c.label_set, "core");
  ASSERT_EQ(c.items.size(), 4u);
  EXPECT_EQ(c.items[1].text, "You painted the whole kitchen orange?!");
  EXPECT_EQ(c.items[1].labels, std::vector<std::string>{"surprise"});
  EXPECT_EQ(c.items[2].labels, std::vector<std::string>{"happiness"});
  EXPECT_EQ(c.items[3].dialogue_id, "1");
  EXPECT_EQ(c.items[3].speaker, "Tobias");
  EXPECT_EQ(c.items[2].order, 2);
  EXPECT_FALSE(c.multi_label);
}

TEST(TextCorpus, EmoryNlpTsvScenesAndBadRow) {
  const Corpus c = read_corpus(data("emory_style.tsv"));
  EXPECT_EQ(c.format, "emorynlp");
  ASSERT_EQ(c.items.size(), 4u);
  EXPECT_EQ(c.bad_rows, 1u);
  EXPECT_EQ(c.items[1].labels, std::vector<std::string>{"happiness"});
  EXPECT_EQ(c.items[2].labels, std::vector<std::string>{"fear"});
  EXPECT_EQ(c.items[3].labels, std::vector<std::string>{"peaceful"});
  EXPECT_EQ(c.items[0].dialogue_id, "scene0");
  EXPECT_EQ(c.items[2].dialogue_id, "scene1");
  EXPECT_EQ(c.items[3].order, 1);
  EXPECT_EQ(c.items[3].speaker, "Otto Brand");
}

TEST(TextCorpus, DailyDialogFromEitherFile) {
  for (const char* f : {"dailydialog/dialogues_small.txt", "dailydialog/dialogues_emotion_small.txt"}) {
    const Corpus c = read_corpus(data(f));
    EXPECT_EQ(c.format, "dailydialog");
    ASSERT_EQ(c.items.size(), 5u);
    EXPECT_EQ(c.items[0].text, "Did you water the ferns ?");
    EXPECT_EQ(c.items[1].labels, std::vector<std::string>{"happiness"});
    EXPECT_EQ(c.items[3].labels, std::vector<std::string>{"anger"});
    EXPECT_EQ(c.items[4].labels, std::vector<std::string>{"sadness"});
    EXPECT_EQ(c.items[4].speaker, "A");
    EXPECT_EQ(c.items[3].speaker, "B");
    EXPECT_EQ(c.items[4].dialogue_id, "dialogue1");
  }
}

TEST(TextCorpus, GoEmotionsOriginalKeepsNamesAndEkmanMapsToCore) {
  const Corpus g = read_corpus(data("goemotions28/train.tsv"));  // no labels.txt: the built-in 28 names
  EXPECT_EQ(g.format, "goemotions");
  EXPECT_EQ(g.label_set, "goemotions-28");
  ASSERT_EQ(g.items.size(), 3u);
  EXPECT_EQ(g.bad_rows, 2u);
  EXPECT_EQ(g.items[0].labels, std::vector<std::string>{"gratitude"});
  EXPECT_EQ(g.items[1].labels, (std::vector<std::string>{"amusement", "love"}));
  EXPECT_EQ(g.items[2].text, "no idea what \"this\" means");
  EXPECT_TRUE(g.multi_label);
  const Corpus e = read_corpus(data("goemotions_ekman/train.tsv"));
  EXPECT_EQ(e.label_set, "goemotions-ekman");
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(e.items[0].labels, (std::vector<std::string>{"happiness", "surprise"}));
  EXPECT_EQ(e.items[1].labels, std::vector<std::string>{"neutral"});
}

TEST(TextCorpus, XedAnnotatedAndNeutralFiles) {
  const Corpus x = read_corpus(data("xed_style.tsv"));
  EXPECT_EQ(x.format, "xed");
  EXPECT_EQ(x.label_set, "xed");
  EXPECT_TRUE(x.multi_label);
  ASSERT_EQ(x.items.size(), 5u);
  EXPECT_EQ(x.bad_rows, 1u);  // "abc" is not a label list
  EXPECT_NE(x.problems[0].find("line 6: label ids 'abc'"), std::string::npos) << x.problems[0];
  EXPECT_EQ(x.items[0].labels, std::vector<std::string>{"anger"});
  EXPECT_EQ(x.items[1].labels, (std::vector<std::string>{"happiness", "trust"}));
  EXPECT_EQ(x.items[2].labels, (std::vector<std::string>{"surprise", "fear"}));
  EXPECT_EQ(x.items[3].labels, std::vector<std::string>{"anticipation"});
  EXPECT_EQ(x.items[4].text, "\"Don't\" , he said .");  // quotes are literal
  const Corpus n = read_corpus(data("xed_neutral.txt"));
  EXPECT_EQ(n.format, "xed");
  ASSERT_EQ(n.items.size(), 2u);
  EXPECT_EQ(n.items[0].text, "Pass me the salt .");  // trailing TABs ignored
  EXPECT_EQ(n.items[1].labels, std::vector<std::string>{"neutral"});
  EXPECT_EQ(parse_corpus_format("XED"), CorpusFormat::xed);
}

TEST(TextCorpus, CarerLinesAfterALeadingBlankLine) {
  const Corpus c = read_corpus(data("carer_style.txt"));  // the first line is empty, as in CARER's val.txt
  EXPECT_EQ(c.format, "carer");
  EXPECT_FALSE(c.multi_label);
  ASSERT_EQ(c.items.size(), 3u);
  EXPECT_EQ(c.bad_rows, 1u);
  EXPECT_EQ(c.items[0].text, "i feel so lonely since they moved away");
  EXPECT_EQ(c.items[0].labels, std::vector<std::string>{"sadness"});
  EXPECT_EQ(c.items[1].labels, std::vector<std::string>{"happiness"});
  EXPECT_EQ(c.items[2].labels, std::vector<std::string>{"love"});
  EXPECT_EQ(parse_corpus_format("carer"), CorpusFormat::carer);
}

TEST(TextCorpus, BadFilesAreInputErrorsNamingTheFile) {
  const auto dir = sentio::test::temp_dir();
  EXPECT_NE(error_of((dir / "absent.csv").string()).find("absent.csv: file not found"), std::string::npos);
  const auto empty = dir / "empty.csv";
  std::ofstream(empty) << "  \n";
  EXPECT_NE(error_of(empty.string()).find("empty.csv: empty file"), std::string::npos);
  const auto bin = dir / "blob.csv";
  {
    std::ofstream out(bin, std::ios::binary);
    for (int i = 0; i < 256; ++i) out.put(static_cast<char>(i % 7 == 0 ? 0 : i));
  }
  EXPECT_NE(error_of(bin.string()).find("blob.csv"), std::string::npos);
  const auto odd = dir / "odd.csv";
  std::ofstream(odd) << "a,b\n1,2\n";
  EXPECT_NE(error_of(odd.string()).find("odd.csv: unknown corpus format"), std::string::npos);
  const auto norows = dir / "norows.csv";
  std::ofstream(norows) << "text,label\n,joy\n";
  EXPECT_NE(error_of(norows.string()).find("norows.csv: no usable csv rows"), std::string::npos);
  EXPECT_THROW(parse_corpus_format("xml"), InputError);
  EXPECT_EQ(parse_corpus_format("MELD"), CorpusFormat::meld);
}

TEST(TextCorpus, SeveralFilesKeepDialoguesApart) {
  const Corpus c = read_corpora({data("meld_style.csv"), data("meld_style.csv")});
  ASSERT_EQ(c.items.size(), 8u);
  EXPECT_EQ(c.items[0].dialogue_id, "0:0");
  EXPECT_EQ(c.items[4].dialogue_id, "1:0");
  EXPECT_EQ(label_counts(c).at("happiness"), 2u);
}

}  // namespace
}  // namespace sentio::text
