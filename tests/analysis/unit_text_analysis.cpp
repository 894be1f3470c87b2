// SPDX-License-Identifier: Apache-2.0
// The words part of `sentio analyze`: calls, drivers and context on a tiny invented dialogue corpus;
// speakers attributed from speech segments.
#include <gtest/gtest.h>

#include <algorithm>

#include "sentio/analysis/text_analysis.hpp"

namespace sentio::analysis {
namespace {

// Dialogues of two turns: an emotional statement, then a reply ("same here") that carries no emotion
// word and takes the first speaker's emotion.
text::Corpus dialogues() {
  text::Corpus c;
  c.format = "csv";
  c.label_set = "custom";
  const std::vector<std::pair<std::string, std::vector<std::string>>> words = {
      {"happiness", {"overjoyed", "elated", "joyful", "pleased", "content"}},
      {"anger", {"outraged", "fuming", "annoyed", "mad", "hostile"}}};
  const std::vector<std::string> frames = {"right now I am {}", "this week left me {}", "they say we look {}"};
  int d = 0;
  for (const auto& [label, list] : words)
    for (const auto& w : list)
      for (const auto& f : frames) {
        std::string line = f;
        line.replace(line.find("{}"), 2, w);
        const std::string id = "x" + std::to_string(d++);
        c.items.push_back({line, {label}, "Kim", id, 0});
        c.items.push_back({"same here", {label}, "Lee", id, 1});
      }
  return c;
}

text::ContextModel context_model() {
  text::TextTrainOptions base;
  base.hash_bits = 12;
  base.epochs = 10;
  text::ContextTrainOptions ctx;
  ctx.window = 2;
  ctx.folds = 3;
  ctx.epochs = 40;
  ctx.learning_rate = 0.3;
  ctx.l2 = 0;
  ctx.threads = 1;
  return text::ContextModel::train(dialogues(), nullptr, base, ctx);
}

text::Transcript transcript(const std::string& first) {
  text::Transcript t;
  t.format = "plain";
  t.utterances.push_back({-1, -1, "Kim", first, ""});
  t.utterances.push_back({-1, -1, "Lee", "same here", ""});
  return t;
}

TEST(TextAnalysis, CallsDriversAndContext) {
  const text::ContextModel model = context_model();
  const auto base = text::as_emotion_model(model.base());
  const auto in_context = text::as_emotion_model(model);
  const TextResult plain = analyze_transcript(transcript("right now I am elated"), {base.get()}, "given", "t");
  ASSERT_EQ(plain.utterances.size(), 2u);
  EXPECT_FALSE(plain.context);
  EXPECT_EQ(plain.utterances[0].label, "happiness");
  EXPECT_EQ(plain.utterances[0].speaker, "Kim");
  EXPECT_TRUE(plain.utterances[0].probabilities_no_context.empty());
  const auto& drivers = plain.utterances[0].drivers;
  ASSERT_FALSE(drivers.empty());
  EXPECT_TRUE(std::any_of(drivers.begin(), drivers.end(), [](const auto& d) { return d.first.find("elated") != std::string::npos; }));
  EXPECT_GT(plain.utterances[0].valence, 0.0f);  // happiness: positive valence

  // With context, the reply takes the emotion of the turn before it, whichever it is.
  for (const auto& [first, label] : std::vector<std::pair<std::string, std::string>>{
           {"right now I am elated", "happiness"}, {"this week left me fuming", "anger"}}) {
    const TextResult r = analyze_transcript(transcript(first), {in_context.get()}, "given", "t");
    EXPECT_TRUE(r.context);
    ASSERT_EQ(r.utterances.size(), 2u);
    EXPECT_EQ(r.utterances[1].label, label) << first;
    EXPECT_EQ(r.utterances[1].probabilities_no_context.size(), r.labels.size());
    EXPECT_FALSE(r.utterances[1].label_no_context.empty());
  }
  // No utterance: marked, not an error.
  EXPECT_EQ(analyze_transcript(text::Transcript{}, {base.get()}, "given", "t").status, "no_text");
}

TEST(TextAnalysis, SpeakersFromTheSpeechSegmentOverlappedMost) {
  SpeechResult speech;
  SpeechSegment a, b;
  a.start = 0.0;
  a.end = 2.0;
  a.speaker = "S1";
  b.start = 2.5;
  b.end = 5.0;
  b.speaker = "S2";
  speech.segments = {a, b};
  text::Transcript t;
  t.utterances.push_back({0.2, 2.6, "", "one", ""});   // 1.8 s with S1, 0.1 s with S2
  t.utterances.push_back({1.9, 4.0, "", "two", ""});   // 0.1 s with S1, 1.5 s with S2
  t.utterances.push_back({6.0, 7.0, "", "three", ""}); // no overlap
  t.utterances.push_back({-1, -1, "", "four", ""});    // untimed
  t.utterances.push_back({0.0, 1.0, "Given", "five", ""});  // the transcript's own speaker stays
  attribute_speakers(t, speech);
  EXPECT_EQ(t.utterances[0].speaker, "S1");
  EXPECT_EQ(t.utterances[1].speaker, "S2");
  EXPECT_EQ(t.utterances[2].speaker, "");
  EXPECT_EQ(t.utterances[3].speaker, "");
  EXPECT_EQ(t.utterances[4].speaker, "Given");
}

}  // namespace
}  // namespace sentio::analysis
