// SPDX-License-Identifier: Apache-2.0
// The label space: core names, the alias table, CanonicalMap, and the affect table keyed on it.
#include <gtest/gtest.h>

#include <cctype>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "sentio/core/affect.hpp"
#include "sentio/core/labels.hpp"

namespace {

using sentio::Emotion;
using sentio::lookup_label;

TEST(Labels, CoreNamesInOrder) {
  const std::vector<std::string> expected = {"neutral", "happiness", "sadness", "anger",
                                             "fear",    "disgust",   "surprise"};
  ASSERT_EQ(sentio::kEmotionCount, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(sentio::emotion_name(static_cast<Emotion>(i)), expected[i]);
    EXPECT_EQ(sentio::emotion_names()[i], expected[i]);
    EXPECT_EQ(sentio::emotion_from_name(expected[i]), static_cast<Emotion>(i));
  }
  EXPECT_EQ(static_cast<int>(Emotion::neutral), 0);
  EXPECT_EQ(static_cast<int>(Emotion::surprise), 6);
  EXPECT_FALSE(sentio::emotion_from_name("Happiness").has_value());  // names are exact
  EXPECT_EQ(sentio::emotion_adjective(Emotion::neutral), "neutral");
  EXPECT_EQ(sentio::emotion_adjective(Emotion::fear), "afraid");
  EXPECT_EQ(sentio::emotion_adjective(Emotion::surprise), "surprised");
  EXPECT_FALSE(sentio::emotion_from_name("joy").has_value());
  EXPECT_FALSE(sentio::emotion_from_name("calm").has_value());
}

struct Expected {
  const char* alias;
  const char* name;
  int core;  // -1: none
};
// The whole table, written out independently of the implementation.
const Expected kExpected[] = {
    {"neutral", "neutral", 0},         {"neu", "neutral", 0},
    {"neutrality", "neutral", 0},      {"no_emotion", "neutral", 0},
    {"noemotion", "neutral", 0},       {"happiness", "happiness", 1},
    {"happy", "happiness", 1},         {"hap", "happiness", 1},
    {"joy", "happiness", 1},           {"joyful", "happiness", 1},
    {"sadness", "sadness", 2},         {"sad", "sadness", 2},
    {"anger", "anger", 3},             {"angry", "anger", 3},
    {"ang", "anger", 3},               {"mad", "anger", 3},
    {"fear", "fear", 4},               {"fearful", "fear", 4},
    {"fea", "fear", 4},                {"scared", "fear", 4},
    {"afraid", "fear", 4},             {"disgust", "disgust", 5},
    {"disgusted", "disgust", 5},       {"dis", "disgust", 5},
    {"surprise", "surprise", 6},       {"surprised", "surprise", 6},
    {"sur", "surprise", 6},            {"calm", "calm", 0},
    {"peaceful", "calm", 0},           {"boredom", "boredom", 0},
    {"bored", "boredom", 0},           {"contempt", "contempt", -1},
    {"contemptuous", "contempt", -1},  {"powerful", "powerful", 1},
    {"admiration", "admiration", 1},   {"amusement", "amusement", 1},
    {"approval", "approval", 1},       {"caring", "caring", 1},
    {"desire", "desire", 1},           {"excitement", "excitement", 1},
    {"gratitude", "gratitude", 1},     {"love", "love", 1},
    {"optimism", "optimism", 1},       {"pride", "pride", 1},
    {"relief", "relief", 1},           {"annoyance", "annoyance", 3},
    {"disapproval", "disapproval", 3}, {"nervousness", "nervousness", 4},
    {"disappointment", "disappointment", 2}, {"embarrassment", "embarrassment", 2},
    {"grief", "grief", 2},             {"remorse", "remorse", 2},
    {"confusion", "confusion", 6},     {"curiosity", "curiosity", 6},
    {"realization", "realization", 6},
};

void expect_entry(const std::string& spelling, const Expected& e) {
  const auto info = lookup_label(spelling);
  ASSERT_TRUE(info.has_value()) << "'" << spelling << "'";
  EXPECT_EQ(info->name, e.name) << "'" << spelling << "'";
  if (e.core < 0) {
    EXPECT_FALSE(info->core.has_value()) << "'" << spelling << "'";
  } else {
    ASSERT_TRUE(info->core.has_value()) << "'" << spelling << "'";
    EXPECT_EQ(static_cast<int>(*info->core), e.core) << "'" << spelling << "'";
  }
}

TEST(Labels, EveryAliasMapsAsDocumented) {
  for (const auto& e : kExpected) expect_entry(e.alias, e);
  // the implementation's table is exactly this one
  const auto rows = sentio::label_aliases();
  ASSERT_EQ(rows.size(), std::size(kExpected));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].alias, kExpected[i].alias);
    EXPECT_EQ(rows[i].name, kExpected[i].name);
  }
}

TEST(Labels, TableIsConsistent) {
  std::set<std::string> aliases;
  for (const auto& row : sentio::label_aliases()) {
    EXPECT_TRUE(aliases.insert(std::string(row.alias)).second) << "duplicate alias " << row.alias;
    // every standard name is itself an alias of itself
    const auto self = lookup_label(row.name);
    ASSERT_TRUE(self.has_value()) << row.name;
    EXPECT_EQ(self->name, row.name);
    // aliases are stored normalised
    for (const char c : row.alias) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || c == '_') << row.alias;
  }
  // the core names are standard names of their own emotion
  for (std::size_t i = 0; i < sentio::kEmotionCount; ++i) {
    const auto info = lookup_label(sentio::emotion_names()[i]);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->name, sentio::emotion_names()[i]);
    EXPECT_EQ(info->core, static_cast<Emotion>(i));
  }
}

TEST(Labels, CaseBlanksAndSeparatorsAreIgnored) {
  for (const auto& e : kExpected) {
    std::string upper = e.alias, title = e.alias;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    expect_entry(upper, e);
    expect_entry(title, e);
    expect_entry("  " + std::string(e.alias) + "\t", e);
  }
  expect_entry("Joyful", kExpected[9]);
  expect_entry("No Emotion", kExpected[3]);
  expect_entry("no-emotion", kExpected[3]);
  expect_entry("ANGRY", kExpected[13]);
}

TEST(Labels, UnknownNamesAreNullopt) {
  for (const char* name : {"", "  ", "xyz", "none", "other", "a", "s", "h", "positive", "negative", "ambiguous",
                           "trust", "anticipation", "frustration", "joy joy", "happinesss", "neutral!"})
    EXPECT_FALSE(lookup_label(name).has_value()) << "'" << name << "'";
}

TEST(CanonicalMap, DefaultSpeechLabels) {
  const std::vector<std::string> labels = {"neutral", "happiness", "sadness", "anger", "fear",
                                           "disgust", "surprise",  "calm",    "boredom"};
  const sentio::CanonicalMap map(labels);
  ASSERT_EQ(map.size(), 9u);
  EXPECT_EQ(map.core_indices(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 0, 0}));
  EXPECT_EQ(map.core(7), Emotion::neutral);
  EXPECT_EQ(map.core(8), Emotion::neutral);
  EXPECT_TRUE(map.maps_any());
  const std::vector<float> p = {0.10f, 0.20f, 0.05f, 0.05f, 0.10f, 0.10f, 0.10f, 0.20f, 0.10f};
  const sentio::EmotionProbs c = map.canonical(p);
  const float expected[] = {0.40f, 0.20f, 0.05f, 0.05f, 0.10f, 0.10f, 0.10f};
  for (std::size_t i = 0; i < 7; ++i) EXPECT_NEAR(c[i], expected[i], 1e-6f) << i;
  EXPECT_NEAR(std::accumulate(c.begin(), c.end(), 0.0f), 1.0f, 1e-6f);
}

TEST(CanonicalMap, GoEmotions28FollowsTheEkmanMapping) {
  const std::vector<std::string> labels = {
      "admiration", "amusement", "anger",          "annoyance",   "approval",      "caring",     "confusion",
      "curiosity",  "desire",    "disappointment", "disapproval", "disgust",       "embarrassment", "excitement",
      "fear",       "gratitude", "grief",          "joy",         "love",          "nervousness", "optimism",
      "pride",      "realization", "relief",       "remorse",     "sadness",       "surprise",   "neutral"};
  const sentio::CanonicalMap map(labels);
  const std::vector<int> expected = {1, 1, 3, 3, 1, 1, 6, 6, 1, 2, 3, 5, 2, 1,
                                     4, 1, 2, 1, 1, 4, 1, 1, 6, 1, 2, 2, 6, 0};
  EXPECT_EQ(map.core_indices(), expected);
  // uniform model probabilities: each core label gets its group's share
  const std::vector<float> p(28, 1.0f / 28.0f);
  const sentio::EmotionProbs c = map.canonical(p);
  const float groups[] = {1, 12, 5, 3, 2, 1, 4};  // neutral, happiness, sadness, anger, fear, disgust, surprise
  for (std::size_t i = 0; i < 7; ++i) EXPECT_NEAR(c[i], groups[i] / 28.0f, 1e-6f) << i;
  // a single fine label puts all the mass on its group
  std::vector<float> one(28, 0.0f);
  one[19] = 0.7f;  // nervousness
  EXPECT_NEAR(map.canonical(one)[static_cast<std::size_t>(Emotion::fear)], 1.0f, 1e-6f);
}

TEST(CanonicalMap, UnknownAndCorelessLabelsAreLeftOut) {
  const std::vector<std::string> labels = {"Happy", "trust", "contempt", "MAD"};
  const sentio::CanonicalMap map(labels);
  EXPECT_EQ(map.core_indices(), (std::vector<int>{1, -1, -1, 3}));
  EXPECT_FALSE(map.core(1).has_value());
  // renormalised over the mapped mass (0.2 + 0.2)
  const sentio::EmotionProbs c = map.canonical(std::vector<float>{0.2f, 0.5f, 0.1f, 0.2f});
  EXPECT_NEAR(c[1], 0.5f, 1e-6f);
  EXPECT_NEAR(c[3], 0.5f, 1e-6f);
  EXPECT_EQ(c[0] + c[2] + c[4] + c[5] + c[6], 0.0f);
  // mapped labels without mass: all zero
  const sentio::EmotionProbs z = map.canonical(std::vector<float>{0.0f, 0.6f, 0.4f, 0.0f});
  for (float v : z) EXPECT_EQ(v, 0.0f);
}

TEST(CanonicalMap, NothingMaps) {
  const std::vector<std::string> labels = {"trust", "xyz"};
  const sentio::CanonicalMap map(labels);
  EXPECT_FALSE(map.maps_any());
  EXPECT_EQ(map.core_indices(), (std::vector<int>{-1, -1}));
  for (float v : map.canonical(std::vector<float>{0.5f, 0.5f})) EXPECT_EQ(v, 0.0f);
  const sentio::CanonicalMap empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_FALSE(empty.maps_any());
}

TEST(Affect, TableKeysOnStandardNamesWithUnchangedValues) {
  struct Point {
    const char* name;
    float valence, arousal;
  };
  const Point table[] = {{"neutral", 0.00f, 0.00f},  {"happiness", 0.85f, 0.35f}, {"sadness", -0.80f, -0.40f},
                         {"anger", -0.60f, 0.70f},   {"fear", -0.45f, 0.80f},     {"disgust", -0.70f, 0.35f},
                         {"surprise", 0.20f, 0.85f}, {"calm", 0.35f, -0.60f},     {"boredom", -0.35f, -0.65f}};
  for (const auto& t : table) {
    const auto a = sentio::label_affect(t.name);
    ASSERT_TRUE(a.has_value()) << t.name;
    EXPECT_EQ(a->valence, t.valence) << t.name;
    EXPECT_EQ(a->arousal, t.arousal) << t.name;
    const auto info = lookup_label(t.name);  // every key is a standard name of the label table
    ASSERT_TRUE(info.has_value()) << t.name;
    EXPECT_EQ(info->name, t.name);
  }
  for (std::size_t i = 0; i < sentio::kEmotionCount; ++i) {
    const sentio::Affect a = sentio::emotion_affect(static_cast<Emotion>(i));
    EXPECT_EQ(a.valence, table[i].valence);
    EXPECT_EQ(a.arousal, table[i].arousal);
  }
  // spellings are not keys
  EXPECT_FALSE(sentio::label_affect("happy").has_value());
  EXPECT_FALSE(sentio::label_affect("peaceful").has_value());
  EXPECT_FALSE(sentio::label_affect("contempt").has_value());
  // the documented example: 50 % happiness, 50 % neutral
  const std::vector<std::string> labels = {"happiness", "neutral", "contempt"};
  const sentio::Affect m = sentio::mean_affect(labels, std::vector<float>{0.5f, 0.5f, 0.0f});
  EXPECT_NEAR(m.valence, 0.425f, 1e-6f);
  EXPECT_NEAR(m.arousal, 0.175f, 1e-6f);
}

}  // namespace
