// SPDX-License-Identifier: Apache-2.0
// BRIGHTER (../shared/data/text/brighter, SemEval-2025 Task 11) read with its documented counts, and the
// shipped multilingual pack (models/text/multilingual/) on the German dev split: the language ID picks
// German and the German emotion model keeps its benchmarked dev score (bench/text_multilingual.md).
// Skips without ../shared.
#include <gtest/gtest.h>

#include "sentio/text/corpus.hpp"
#include "sentio/text/language.hpp"
#include "sentio/text/text_model.hpp"
#include "test_support.hpp"

namespace sentio::text {
namespace {

// The task's score: macro-F1 over the emotion labels present (neutral = "no emotion" is not a class).
double emotion_macro_f1(const TextEvalResult& r) {
  double sum = 0;
  int n = 0;
  for (std::size_t c = 0; c < r.labels.size(); ++c) {
    if (r.labels[c] == "neutral" || r.metrics.support[c] == 0) continue;
    sum += r.metrics.f1[c];
    ++n;
  }
  return n ? sum / n : 0;
}

std::vector<std::string> texts_of(const Corpus& c) {
  std::vector<std::string> t;
  for (const auto& u : c.items) t.push_back(u.text);
  return t;
}

std::string pack_dir() { return std::string(SENTIO_SOURCE_DIR) + "/models/text/multilingual"; }

TEST(BrighterData, ReadsWithDocumentedCounts) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/brighter/track_a");
  const Corpus deu = read_corpus((dir / "train/deu.csv").string());
  EXPECT_EQ(deu.format, "brighter");
  EXPECT_EQ(deu.items.size(), 2603u);
  EXPECT_EQ(deu.bad_rows, 0u);
  EXPECT_EQ(label_counts(deu).at("neutral"), 645u);  // rows with no emotion
  // English: no disgust column; counts from the data's README (train 2764: anger 333, fear 1610, joy 674).
  const Corpus eng = read_corpus((dir / "train/eng.csv").string());
  EXPECT_EQ(eng.items.size(), 2764u);
  const auto ec = label_counts(eng);
  EXPECT_EQ(ec.at("anger"), 333u);
  EXPECT_EQ(ec.at("fear"), 1610u);
  EXPECT_EQ(ec.at("happiness"), 674u);
  EXPECT_EQ(ec.count("disgust"), 0u);
  EXPECT_EQ(read_corpus((dir / "dev/eng.csv").string()).items.size(), 115u);
  // The extra Romanian file with capitalised columns in another order.
  const Corpus ron = read_corpus((dir / "train/ron_track1_test.csv").string());
  EXPECT_EQ(ron.items.size(), 1117u);
  EXPECT_EQ(label_counts(ron).at("neutral"), 89u);
}

TEST(BrighterData, ShippedPackDetectsGermanAndScoresItsDevSet) {
  SENTIO_REQUIRE_SHARED(dir, "data/text/brighter/track_a/dev");
  const LanguagePack pack(pack_dir());
  EXPECT_EQ(pack.codes().size(), 28u);
  const Corpus deu = read_corpus((dir / "deu.csv").string());
  const LanguageChoice c = choose_language_model(pack, texts_of(deu), 2);
  EXPECT_EQ(c.code, "deu");
  EXPECT_EQ(c.source, "detected");
  EXPECT_GT(c.detection.confidence, 0.9f);
  // Single utterances: measured 200/200 German dev texts recognised.
  std::size_t right = 0;
  for (const auto& u : deu.items) right += pack.detect({u.text}).code == "deu";
  EXPECT_GE(right, 196u);
  // German emotion model on German dev: 0.463 measured (bench/text_multilingual.md), floor with margin.
  const TextEvalResult r = evaluate(pack.model("deu"), deu, 2);
  EXPECT_EQ(r.n, 200u);
  EXPECT_GT(emotion_macro_f1(r), 0.42);
  EXPECT_LT(emotion_macro_f1(r), 0.60);  // a jump this large would mean dev leaked into training
}

}  // namespace
}  // namespace sentio::text
