// SPDX-License-Identifier: Apache-2.0
// Text's readings of the shared label table (core/labels.hpp): the corpus label names and the label
// polarity stay what they were before the table was shared.
#include <gtest/gtest.h>

#include <string>

#include "sentio/text/corpus.hpp"
#include "sentio/text/text_model.hpp"

namespace sentio::text {
namespace {

TEST(TextLabels, CorpusLabelsOfThePublicCorpora) {
  // MELD
  for (const char* l : {"neutral", "joy", "sadness", "anger", "surprise", "fear", "disgust"})
    EXPECT_EQ(canonical_label(l), std::string(l) == "joy" ? "happiness" : l);
  // EmoryNLP: the four core ones fold, Peaceful and Powerful stay classes of their own
  EXPECT_EQ(canonical_label("Joyful"), "happiness");
  EXPECT_EQ(canonical_label("Mad"), "anger");
  EXPECT_EQ(canonical_label("Scared"), "fear");
  EXPECT_EQ(canonical_label("Sad"), "sadness");
  EXPECT_EQ(canonical_label("Neutral"), "neutral");
  EXPECT_EQ(canonical_label("Peaceful"), "peaceful");
  EXPECT_EQ(canonical_label("Powerful"), "powerful");
  // DailyDialog's names, generic CSV habits
  EXPECT_EQ(canonical_label("No Emotion"), "neutral");
  EXPECT_EQ(canonical_label("no-emotion"), "neutral");
  EXPECT_EQ(canonical_label("None"), "neutral");  // text-only reading (not in the shared table)
  EXPECT_EQ(canonical_label("afraid"), "fear");
  EXPECT_EQ(canonical_label("Disgusted"), "disgust");
  // extras and GoEmotions' fine labels keep their names
  for (const char* l : {"calm", "bored", "boredom", "contempt", "admiration", "nervousness", "positive", "trust"})
    EXPECT_EQ(canonical_label(l), l);
  EXPECT_EQ(canonical_label("Some Label"), "some_label");
}

TEST(TextLabels, PolarityOfEveryLabelTheModelsUse) {
  for (const char* l : {"happiness", "joy", "amusement", "admiration", "approval", "caring", "desire", "excitement",
                        "gratitude", "love", "optimism", "pride", "relief", "peaceful", "powerful", "calm",
                        "positive"})
    EXPECT_EQ(label_polarity(l), 1) << l;
  for (const char* l : {"sadness", "anger", "fear", "disgust", "annoyance", "disappointment", "disapproval",
                        "embarrassment", "grief", "nervousness", "remorse", "negative", "boredom", "contempt"})
    EXPECT_EQ(label_polarity(l), -1) << l;
  for (const char* l : {"neutral", "surprise", "realization", "confusion", "curiosity", "ambiguous", "trust", ""})
    EXPECT_EQ(label_polarity(l), 0) << l;
}

}  // namespace
}  // namespace sentio::text
