// SPDX-License-Identifier: Apache-2.0
// The shared text corpora read with the documented counts (../shared/data/text/*/README.txt), and a
// quick linear model on EmoryNLP. Skips without ../shared.
#include <gtest/gtest.h>

#include "sentio/text/corpus.hpp"
#include "sentio/text/text_model.hpp"
#include "test_support.hpp"

namespace sentio::text {
namespace {

TEST(TextCorpora, MeldSplits) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/meld");
  const Corpus train = read_corpus((dir / "train_sent_emo.csv").string());
  EXPECT_EQ(train.format, "meld");
  EXPECT_EQ(train.items.size(), 9989u);
  EXPECT_EQ(train.bad_rows, 0u);
  const auto counts = label_counts(train);
  EXPECT_EQ(counts.at("neutral"), 4710u);
  EXPECT_EQ(counts.at("happiness"), 1743u);
  EXPECT_EQ(counts.at("fear"), 268u);
  EXPECT_EQ(read_corpus((dir / "test_sent_emo.csv").string()).items.size(), 2610u);
}

TEST(TextCorpora, EmoryNlpTsvAndCsv) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/emorynlp");
  const Corpus train = read_corpus((dir / "tsv_from_CoMPM/EMORY_train.txt").string());
  EXPECT_EQ(train.format, "emorynlp");
  EXPECT_EQ(train.items.size(), 9934u);
  EXPECT_EQ(label_counts(train).at("peaceful"), 900u);
  EXPECT_EQ(label_counts(train).at("anger"), 1076u);  // Mad
  EXPECT_EQ(train.items.back().dialogue_id, "scene712");  // 713 scenes
  const Corpus csv = read_corpus((dir / "csv_from_meld_repo/emorynlp_test_final.csv").string());
  EXPECT_EQ(csv.items.size(), 984u);
  EXPECT_EQ(label_counts(csv).at("powerful"), 96u);
}

TEST(TextCorpora, XedEnglish) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/xed/AnnotatedData");
  const Corpus x = read_corpus((dir / "en-annotated.tsv").string());
  EXPECT_EQ(x.format, "xed");
  EXPECT_EQ(x.items.size(), 17528u);
  EXPECT_EQ(x.bad_rows, 0u);
  const auto counts = label_counts(x);
  EXPECT_EQ(counts.at("anger"), 3828u);
  EXPECT_EQ(counts.at("anticipation"), 3400u);
  EXPECT_EQ(counts.at("happiness"), 2833u);  // joy
  EXPECT_EQ(counts.at("trust"), 2699u);
  EXPECT_EQ(counts.at("disgust"), 2317u);
  const Corpus n = read_corpus((dir / "neu_en.txt").string());
  EXPECT_EQ(n.items.size(), 9674u);
  EXPECT_EQ(label_counts(n).at("neutral"), 9674u);
}

TEST(TextCorpora, CarerSplits) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/carer_dair_emotion");
  const Corpus test = read_corpus((dir / "test.txt").string());
  EXPECT_EQ(test.format, "carer");
  EXPECT_EQ(test.items.size(), 2000u);
  const auto counts = label_counts(test);
  EXPECT_EQ(counts.at("happiness"), 695u);  // joy
  EXPECT_EQ(counts.at("love"), 159u);
  EXPECT_EQ(counts.at("surprise"), 66u);
  const Corpus val = read_corpus((dir / "val.txt").string());  // starts with an empty line
  EXPECT_EQ(val.items.size(), 2000u);
  EXPECT_EQ(val.bad_rows, 0u);
}

TEST(TextCorpora, DailyDialog) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/dailydialog");
  const Corpus test = read_corpus((dir / "test/dialogues_test.txt").string());
  EXPECT_EQ(test.items.size(), 7740u);
  const auto counts = label_counts(test);
  EXPECT_EQ(counts.at("neutral"), 6321u);
  EXPECT_EQ(counts.at("happiness"), 1019u);
  EXPECT_EQ(counts.at("fear"), 17u);
  const Corpus train = read_corpus((dir / "train/dialogues_train.txt").string());
  EXPECT_EQ(train.bad_rows, 1u);  // the upstream dialogue with 12 utterances and 11 labels
}

TEST(TextCorpora, GoEmotions) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/goemotions");
  const Corpus orig = read_corpus((dir / "original/train.tsv").string());
  EXPECT_EQ(orig.label_set, "goemotions-28");
  EXPECT_EQ(orig.items.size(), 43410u);
  EXPECT_EQ(label_counts(orig).at("neutral"), 14219u);
  EXPECT_EQ(label_counts(orig).at("grief"), 77u);
  EXPECT_EQ(label_counts(orig).at("joy"), 1452u);
  const Corpus ekman = read_corpus((dir / "ekman/test.tsv").string());
  EXPECT_EQ(ekman.label_set, "goemotions-ekman");
  EXPECT_EQ(ekman.items.size(), 5427u);
  EXPECT_EQ(label_counts(ekman).at("happiness"), 2104u);
  EXPECT_EQ(label_counts(ekman).at("disgust"), 123u);
}

TEST(TextCorpora, LinearModelOnEmoryNlpBeatsChance) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/emorynlp/tsv_from_CoMPM");
  const Corpus train = read_corpus((dir / "EMORY_train.txt").string());
  const Corpus test = read_corpus((dir / "EMORY_test.txt").string());
  TextTrainOptions opt;
  opt.hash_bits = 18;
  const TextModel m = TextModel::train(train, nullptr, opt);
  const TextEvalResult r = evaluate(m, test, 2);
  EXPECT_EQ(r.n, 1328u);
  // Majority class (neutral, 349/1328) gives weighted-F1 0.11; the linear model reaches ~0.30.
  EXPECT_GT(r.metrics.weighted_f1, 0.27);
}

}  // namespace
}  // namespace sentio::text
