// SPDX-License-Identifier: Apache-2.0
// Conversation-context (ERC) model on a tiny invented dialogue set where context is necessary and
// sufficient: the reply "me too" carries the emotion of the utterance before it, so no model of the
// utterance alone can label it, and a model that looks at the previous utterance can.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "sentio/core/error.hpp"
#include "sentio/text/context_model.hpp"
#include "test_support.hpp"

namespace sentio::text {
namespace {

Corpus me_too_corpus() {
  Corpus c;
  c.format = "csv";
  c.label_set = "custom";
  const std::vector<std::pair<std::string, std::vector<std::string>>> emotions = {
      {"happiness", {"happy", "glad", "delighted", "thrilled", "cheerful"}},
      {"sadness", {"sad", "miserable", "heartbroken", "gloomy", "unhappy"}},
      {"anger", {"furious", "angry", "livid", "enraged", "irritated"}}};
  const std::vector<std::string> templates = {"I feel so {} today", "honestly this makes me {}",
                                              "we are all {} about the news"};
  int d = 0;
  for (const auto& [label, words] : emotions)
    for (const auto& word : words)
      for (const auto& t : templates) {
        std::string text = t;
        text.replace(text.find("{}"), 2, word);
        const std::string id = "d" + std::to_string(d++);
        c.items.push_back({text, {label}, "Ann", id, 0});
        c.items.push_back({"me too", {label}, "Bob", id, 1});
      }
  return c;
}

ContextModel train_me_too() {
  TextTrainOptions base;
  base.hash_bits = 12;
  base.epochs = 10;
  ContextTrainOptions ctx;
  ctx.window = 2;
  ctx.folds = 3;
  ctx.epochs = 40;
  ctx.learning_rate = 0.3;
  ctx.l2 = 0;
  ctx.threads = 2;
  const Corpus train = me_too_corpus();
  return ContextModel::train(train, nullptr, base, ctx);
}

std::size_t label_index(const ContextModel& m, const std::string& l) {
  const auto& ls = m.labels();
  return static_cast<std::size_t>(std::find(ls.begin(), ls.end(), l) - ls.begin());
}

TEST(TextContext, MeTooNeedsTheContext) {
  const ContextModel model = train_me_too();
  ASSERT_EQ(model.labels().size(), 3u);
  const std::vector<std::pair<std::string, std::string>> openers = {
      {"my friend, I am so glad and happy", "happiness"},
      {"I am sad and heartbroken tonight", "sadness"},
      {"this makes me livid and furious", "anger"}};
  std::vector<std::size_t> no_context_tops;
  for (const auto& [opener, label] : openers) {
    const auto p = model.predict_dialogue({{opener, "Cy"}, {"me too", "Dee"}});
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].top, label_index(model, label)) << opener;
    EXPECT_EQ(p[0].top_no_context, label_index(model, label)) << opener;
    EXPECT_EQ(p[1].top, label_index(model, label)) << "me too after: " << opener;
    EXPECT_GT(p[1].probabilities[p[1].top], 0.5f);
    no_context_tops.push_back(p[1].top_no_context);
    float sum = 0;
    for (const float v : p[1].probabilities) sum += v;
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
  }
  // Without context "me too" always gets the same label, so it is wrong after two of the three openers.
  EXPECT_EQ(no_context_tops[0], no_context_tops[1]);
  EXPECT_EQ(no_context_tops[1], no_context_tops[2]);

  // Corpus-level scoring and evaluation: context beats no context on the training dialogues.
  const Corpus data = me_too_corpus();
  const ContextEvalResult r = evaluate_context(model, data, 2);
  EXPECT_EQ(r.dialogues, 45u);
  EXPECT_EQ(r.context.n, 90u);
  EXPECT_GT(r.context.metrics.accuracy, 0.95);
  EXPECT_LT(r.no_context.metrics.accuracy, 0.75);  // "me too" right at most a third of the time
}

TEST(TextContext, ContextIsCausal) {
  const ContextModel model = train_me_too();
  const std::vector<DialogueTurn> two = {{"I feel so sad today", "A"}, {"me too", "B"}};
  std::vector<DialogueTurn> four = two;
  four.push_back({"we are all furious about the news", "A"});
  four.push_back({"me too", "B"});
  const auto p2 = model.predict_dialogue(two);
  const auto p4 = model.predict_dialogue(four);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(p2[i].probabilities, p4[i].probabilities);
  EXPECT_EQ(p4[3].top, label_index(model, "anger"));
  EXPECT_EQ(p4[1].top, label_index(model, "sadness"));
}

TEST(TextContext, RoundTripAndCorruptFiles) {
  const ContextModel model = train_me_too();
  const auto dir = test::temp_dir();
  const std::string path = (dir / "ctx.stc").string();
  model.save(path);
  EXPECT_TRUE(ContextModel::is_context_model_file(path));
  const ContextModel back = ContextModel::load(path);
  EXPECT_EQ(back.labels(), model.labels());
  EXPECT_EQ(back.window(), 2);
  const std::vector<DialogueTurn> d = {{"honestly this makes me gloomy", "A"}, {"me too", "B"}};
  const auto a = model.predict_dialogue(d), b = back.predict_dialogue(d);
  for (std::size_t i = 0; i < d.size(); ++i) {
    EXPECT_EQ(a[i].probabilities, b[i].probabilities);
    EXPECT_EQ(a[i].no_context, b[i].no_context);
  }

  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto write = [&](const std::string& name, const std::string& content) {
    const std::string p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  };
  auto expect_input_error = [](const std::string& p, const std::string& needle) {
    try {
      (void)ContextModel::load(p);
      ADD_FAILURE() << "no error for " << p;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
  };
  expect_input_error(write("truncated.stc", bytes.substr(0, bytes.size() - 100)), "truncated");
  expect_input_error(write("short.stc", bytes.substr(0, bytes.find('\n') + 40)), "not JSON");
  std::string wrong_window = bytes;
  const auto wpos = wrong_window.find("\"window\":2");
  ASSERT_NE(wpos, std::string::npos);
  wrong_window[wpos + 9] = '3';
  expect_input_error(write("window.stc", wrong_window), "n_features");
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  expect_input_error(write("magic.stc", bad_magic), "first line");
  EXPECT_FALSE(ContextModel::is_context_model_file((dir / "magic.stc").string()));
  // A plain text model is not a context model.
  model.base().save((dir / "base.stm").string());
  EXPECT_FALSE(ContextModel::is_context_model_file((dir / "base.stm").string()));
  expect_input_error((dir / "base.stm").string(), "first line");
  expect_input_error((dir / "missing.stc").string(), "not found");
  std::filesystem::remove_all(dir);
}

TEST(TextContext, RefusesUnusableData) {
  Corpus no_dialogues;
  no_dialogues.format = "csv";
  no_dialogues.items.push_back({"good", {"happiness"}, "", "", -1});
  no_dialogues.items.push_back({"bad", {"sadness"}, "", "", -1});
  EXPECT_THROW(ContextModel::train(no_dialogues, nullptr, {}, {}), InputError);
  Corpus multi = me_too_corpus();
  multi.multi_label = true;
  EXPECT_THROW(ContextModel::train(multi, nullptr, {}, {}), InputError);
  ContextTrainOptions bad;
  bad.window = 0;
  EXPECT_THROW(ContextModel::train(me_too_corpus(), nullptr, {}, bad), InputError);
}

}  // namespace
}  // namespace sentio::text
