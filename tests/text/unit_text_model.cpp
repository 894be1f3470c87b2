// SPDX-License-Identifier: Apache-2.0
// Text models: hashed features, lexicon rules, training on a tiny invented set, model files, metrics
// against hand-computed values.
#include <gtest/gtest.h>

#include <chrono>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "models/eval_internal.hpp"
#include "models/model_internal.hpp"
#include "sentio/core/error.hpp"
#include "sentio/text/text_model.hpp"
#include "test_support.hpp"

namespace sentio::text {
namespace {

Corpus tiny_corpus() {
  Corpus c;
  c.format = "csv";
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"What a wonderful sunny morning", "happiness"}, {"I adore this cheerful little puppy", "happiness"},
      {"We won the trophy, brilliant!", "happiness"},   {"My old cat died last night", "sadness"},
      {"I miss her so much and cry", "sadness"},        {"The funeral was grey and quiet", "sadness"},
      {"Stop lying to me, you idiot", "anger"},         {"I am furious about the broken fence", "anger"},
      {"Get out of my office right now", "anger"},      {"The meeting starts at ten", "neutral"},
      {"Please pass the salt", "neutral"},              {"The bus goes to the station", "neutral"}};
  for (const auto& [t, l] : rows) c.items.push_back({t, {l}, "", "", -1});
  return c;
}

TEST(TextFeatures, TokenizerLowerCasesAndKeepsApostrophesAndMarks) {
  EXPECT_EQ(detail::tokenize("Don\xE2\x80\x99t STOP now!? 'ok'"),
            (std::vector<std::string>{"don't", "stop", "now", "!", "?", "ok"}));
  EXPECT_TRUE(detail::tokenize("... --- ,,,").empty());
}

namespace {
std::vector<std::string> everyday_texts(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& t : detail::everyday_tokens(text)) out.push_back(t.text);
  return out;
}
}  // namespace

TEST(TextFeatures, EverydaySpellsOutEmojiAndEmoticonsAsTheirNames) {
  EXPECT_EQ(everyday_texts("my cat died \xF0\x9F\x98\xA2"),  // U+1F622 crying face
            (std::vector<std::string>{"my", "cat", "died", "crying", "face"}));
  // Variation selectors and skin tones are dropped; an emoticon counts only as a whole piece.
  EXPECT_EQ(everyday_texts("\xE2\x9D\xA4\xEF\xB8\x8F :) x:)"),
            (std::vector<std::string>{"red", "heart", "slightly", "smiling", "face", "x"}));
  EXPECT_EQ(everyday_texts(">:( stop"), (std::vector<std::string>{"angry", "face", "stop"}));
}

TEST(TextFeatures, EverydayUndoesElongationAndMissingApostrophes) {
  EXPECT_EQ(everyday_texts("sooo happyyy, cooool"), (std::vector<std::string>{"so", "happy", "cool"}));
  EXPECT_EQ(everyday_texts("im scared, idk"), (std::vector<std::string>{"i'm", "scared", "i", "don't", "not_know"}));
}

TEST(TextFeatures, EverydayNegationScopeEndsAtTheClause) {
  EXPECT_EQ(everyday_texts("I am not happy, really! I never cry"),
            (std::vector<std::string>{"i", "am", "not", "not_happy", "really", "!", "i", "never", "not_cry"}));
  // "but" ends the scope; an emoji is never negated.
  EXPECT_EQ(everyday_texts("no way \xF0\x9F\x98\xAE"),
            (std::vector<std::string>{"no", "not_way", "face", "with", "open", "mouth"}));
  EXPECT_EQ(everyday_texts("didn't like it but love it"),
            (std::vector<std::string>{"didn't", "not_like", "not_it", "but", "love", "it"}));
  const auto t = detail::everyday_tokens("not sad");
  EXPECT_TRUE(t[1].negated);
  EXPECT_EQ(t[1].display, "not sad");
}

TEST(TextFeatures, EverydayContrastWeighsTheClauseAfterBut) {
  const auto t = detail::everyday_tokens("It was fine but I am furious. Nice");
  std::vector<float> w;
  for (const auto& x : t) w.push_back(x.weight);
  EXPECT_EQ(w, (std::vector<float>{0.5f, 0.5f, 0.5f, 1.0f, 1.5f, 1.5f, 1.5f, 1.0f}));  // "but" itself: 1
  // A sentence that starts with "but" is not split.
  for (const auto& x : detail::everyday_tokens("But I am fine")) EXPECT_EQ(x.weight, 1.0f);
}

TEST(TextFeatures, EverydayModelsRecordTheirNormalisation) {
  TextTrainOptions opts;
  opts.hash_bits = 16;
  opts.epochs = 30;
  opts.normalize = "everyday";
  const auto m = TextModel::train(tiny_corpus(), nullptr, opts);
  EXPECT_NE(m.description().find("everyday"), std::string::npos);
  // Negation: "not wonderful" no longer shares its word and character features with "wonderful".
  const auto plain = m.predict("wonderful");
  const auto negated = m.predict("not wonderful");
  EXPECT_LT(negated.probabilities[plain.top], plain.probabilities[plain.top]);
  opts.normalize = "sideways";
  EXPECT_THROW(TextModel::train(tiny_corpus(), nullptr, opts), InputError);
}

TEST(TextFeatures, HashedGroupsAreUnitNormAndDeterministic) {
  detail::HashConfig cfg{18, true, 2, 5};
  detail::SparseVec a, b;
  detail::hashed_features(cfg, "the cat sat on the mat", a, nullptr);
  detail::hashed_features(cfg, "the cat sat on the mat", b, nullptr);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.value, b.value);
  double norm2 = 0;
  for (const float v : a.value) norm2 += static_cast<double>(v) * v;
  EXPECT_NEAR(norm2, 3.0, 1e-5);  // three groups (words, bigrams, char n-grams), each L2-normalised
  for (const auto i : a.index) EXPECT_LT(i, 1u << 18);
  // "the" twice: its unigram bucket holds log(1 + 2) before normalisation, the others log(2).
  detail::HashConfig words{18, false, 0, 0};
  detail::hashed_features(words, "the cat the", a, nullptr);
  ASSERT_EQ(a.value.size(), 2u);
  const float big = std::max(std::fabs(a.value[0]), std::fabs(a.value[1]));
  const float small = std::min(std::fabs(a.value[0]), std::fabs(a.value[1]));
  EXPECT_NEAR(big / small, std::log(3.0) / std::log(2.0), 1e-5);
  // Different namespaces: a word and a bigram of the same text do not share a hash.
  EXPECT_NE(detail::hash_string("cat", 1), detail::hash_string("cat", 2));
}

TEST(TextFeatures, HalfPrecisionRoundTrip) {
  for (const float v : {0.0f, 1.0f, -2.5f, 0.333251953125f, 65504.0f, 6.1035156e-05f, -1e-7f})
    EXPECT_NEAR(detail::half_to_float(detail::float_to_half(v)), v, std::fabs(v) * 1e-3 + 1e-7) << v;
  EXPECT_EQ(detail::float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(detail::float_to_half(-2.0f), 0xc000);
  EXPECT_TRUE(std::isinf(detail::half_to_float(detail::float_to_half(1e6f))));
}

TEST(TextModelTest, LinearModelLearnsTinySetPerfectlyAndIsDeterministic) {
  const Corpus c = tiny_corpus();
  TextTrainOptions opt;
  opt.hash_bits = 16;
  opt.epochs = 30;
  const TextModel m = TextModel::train(c, nullptr, opt);
  EXPECT_EQ(m.labels(), (std::vector<std::string>{"neutral", "happiness", "sadness", "anger"}));
  for (const auto& u : c.items) {
    const TextPrediction p = m.predict(u.text, 3);
    EXPECT_EQ(m.labels()[p.top], u.labels[0]) << u.text;
    float sum = 0;
    for (const float v : p.probabilities) sum += v;
    EXPECT_NEAR(sum, 1.0f, 1e-5);
    EXPECT_NEAR(p.positive + p.neutral + p.negative, 1.0f, 1e-5);
    ASSERT_FALSE(p.explanation.empty());
    EXPECT_GT(p.explanation[0].weight, 0);
  }
  const TextEvalResult r = evaluate(m, c, 2);
  EXPECT_DOUBLE_EQ(r.metrics.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r.metrics.weighted_f1, 1.0);
  // Derived outputs: a happy sentence is positive with positive valence, a sad one negative.
  const TextPrediction happy = m.predict("What a wonderful sunny morning", 5);
  EXPECT_GT(happy.positive, 0.5f);
  EXPECT_GT(happy.affect.valence, 0.3f);
  const TextPrediction sad = m.predict("My old cat died last night");
  EXPECT_GT(sad.negative, 0.5f);
  EXPECT_LT(sad.affect.valence, -0.3f);
  // Same seed, same weights: identical probabilities.
  const TextModel again = TextModel::train(c, nullptr, opt);
  EXPECT_EQ(m.probabilities("the cat and the trophy"), again.probabilities("the cat and the trophy"));
}

// The explanation of a 1 MB token looked its term up once per character n-gram with a 1 MB key
// (quadratic: minutes); it is linear now.
TEST(TextModelTest, ExplainingAHugeTokenTakesLinearTime) {
  TextTrainOptions opt;
  opt.hash_bits = 16;
  opt.epochs = 5;
  const TextModel m = TextModel::train(tiny_corpus(), nullptr, opt);
  const std::string token(1'000'000, 'a');
  const auto t0 = std::chrono::steady_clock::now();
  const TextPrediction p = m.predict("happy " + token, 3);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
  float sum = 0;
  for (const float v : p.probabilities) sum += v;
  EXPECT_NEAR(sum, 1.0f, 1e-5);
}

// A run of 10 MB without a space took 15 s and 1.8 GB in character n-grams; a token keeps 256 bytes now.
TEST(TextFeatures, LongTokensAreCut) {
  const std::vector<std::string> t = sentio::text::tokenize("short " + std::string(10'000, 'x') + " end");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1], std::string(256, 'x'));
  EXPECT_EQ(t[2], "end");
}

TEST(TextModelTest, MultiLabelSigmoidModel) {
  Corpus c = tiny_corpus();
  c.items.push_back({"wonderful but I miss her", {"happiness", "sadness"}, "", "", -1});
  c.multi_label = true;
  TextTrainOptions opt;
  opt.hash_bits = 16;
  opt.epochs = 40;
  const TextModel m = TextModel::train(c, &c, opt);
  EXPECT_TRUE(m.multi_label());
  const TextPrediction p = m.predict("wonderful but I miss her");
  std::vector<std::string> active;
  for (const auto a : p.active) active.push_back(m.labels()[a]);
  EXPECT_EQ(active, (std::vector<std::string>{"happiness", "sadness"}));
  const TextEvalResult r = evaluate(m, c, 1);
  EXPECT_TRUE(r.multi_label);
  EXPECT_DOUBLE_EQ(r.metrics.macro_f1, 1.0);
}

TEST(TextModelTest, FileRoundTripAndCorruptFiles) {
  const Corpus c = tiny_corpus();
  TextTrainOptions opt;
  opt.hash_bits = 12;
  opt.epochs = 5;
  const TextModel m = TextModel::train(c, nullptr, opt);
  const auto dir = sentio::test::temp_dir();
  const std::string path = (dir / "m.stm").string();
  m.save(path);
  const TextModel back = TextModel::load(path);
  EXPECT_EQ(back.labels(), m.labels());
  EXPECT_EQ(back.probabilities("please pass the trophy"), m.probabilities("please pass the trophy"));
  opt.float16 = true;
  const TextModel h = TextModel::train(c, nullptr, opt);
  const std::string hpath = (dir / "h.stm").string();
  h.save(hpath);
  EXPECT_LT(std::filesystem::file_size(hpath), std::filesystem::file_size(path));
  const auto hp = TextModel::load(hpath).probabilities("please pass the trophy");
  const auto fp = h.probabilities("please pass the trophy");
  for (std::size_t k = 0; k < hp.size(); ++k) EXPECT_NEAR(hp[k], fp[k], 2e-3);
  // Truncated weights, wrong magic, missing file: InputError naming the file.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string cut = (dir / "cut.stm").string();
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 10);
  try {
    TextModel::load(cut);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.stm: not a valid Sentio text model: weights are"), std::string::npos)
        << e.what();
  }
  const std::string junk = (dir / "junk.stm").string();
  std::ofstream(junk) << "hello\n";
  EXPECT_THROW(TextModel::load(junk), InputError);
  EXPECT_THROW(TextModel::load((dir / "nope.stm").string()), InputError);
}

// bias/logit_offset/thresholds beyond float range (read as infinity) and unbounded char_min/char_max were
// accepted; they are InputErrors naming the file now, and training refuses such a char range.
TEST(TextModelTest, NonFiniteDecisionValuesAndCharRangeAreRefused) {
  TextTrainOptions opt;
  opt.hash_bits = 10;
  opt.epochs = 2;
  const TextModel m = TextModel::train(tiny_corpus(), nullptr, opt);
  const auto dir = sentio::test::temp_dir();
  m.save((dir / "ok.stm").string());
  std::string magic, header, rest;
  {
    std::ifstream in(dir / "ok.stm", std::ios::binary);
    std::getline(in, magic);
    std::getline(in, header);
    rest.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto with = [&](const std::string& name, const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json h = nlohmann::json::parse(header);
    edit(h);
    std::string text = h.dump();
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << magic << "\n" << text << "\n" << rest;
    return path;
  };
  const auto huge = [](nlohmann::json& v) { v[0] = 1e39; };  // finite double, infinite float
  for (const char* key : {"bias", "logit_offset", "thresholds"}) {
    const std::string path = with(std::string(key) + ".stm", [&](nlohmann::json& h) { huge(h[key]); });
    try {
      TextModel::load(path);
      FAIL() << key;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("not a finite float"), std::string::npos) << e.what();
    }
  }
  const std::string wide = with("wide.stm", [](nlohmann::json& h) { h["features"]["char_max"] = 100000; });
  EXPECT_THROW(TextModel::load(wide), InputError);
  const std::string negative = with("neg.stm", [](nlohmann::json& h) { h["features"]["char_min"] = -3; });
  EXPECT_THROW(TextModel::load(negative), InputError);
  EXPECT_NO_THROW(TextModel::load(with("same.stm", [](nlohmann::json&) {})));
  opt.char_max = 50;
  EXPECT_THROW(TextModel::train(tiny_corpus(), nullptr, opt), InputError);
  // a label column holding free text: one label per row
  Corpus many;
  for (int i = 0; i < 300; ++i) {
    LabelledUtterance u;
    u.text = "row " + std::to_string(i);
    u.labels = {"label" + std::to_string(i)};
    many.items.push_back(u);
  }
  opt.char_max = 5;
  try {
    TextModel::train(many, nullptr, opt);
    FAIL() << "no error for 300 labels";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("300 distinct labels"), std::string::npos) << e.what();
  }
}

TEST(TextLexicon, VaderRulesNegationIntensifiersAndBut) {
  const auto dir = sentio::test::temp_dir();
  const auto lex_path = dir / "lex.txt";
  std::ofstream(lex_path) << "nice\t2.0\t0.5\t[2, 2]\nawful\t-3.0\t0.5\t[-3]\n";
  const detail::Lexicons lex = detail::load_lexicons({"vader=" + lex_path.string(), "afinn=" + lex_path.string()});
  auto compound = [&](const std::string& t) { return detail::lexicon_features(lex, t, nullptr)[2]; };
  const float plain = compound("a nice day");
  EXPECT_NEAR(plain, 2.0f / std::sqrt(4.0f + 15.0f), 1e-6);
  EXPECT_NEAR(compound("not a nice day"), -0.74f * 2.0f / std::sqrt(0.74f * 0.74f * 4.0f + 15.0f), 1e-6);
  const float boosted = 2.0f + 0.293f;
  EXPECT_NEAR(compound("a very nice day"), boosted / std::sqrt(boosted * boosted + 15.0f), 1e-6);
  // "but": before x0.5, after x1.5 -> 1.0 - 4.5 = -3.5
  EXPECT_NEAR(compound("nice but awful"), -3.5f / std::sqrt(3.5f * 3.5f + 15.0f), 1e-6);
  std::vector<std::pair<std::string, float>> hits;
  detail::lexicon_features(lex, "NICE DAY!", &hits);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].first, "nice");
  EXPECT_NEAR(hits[0].second, 2.0f, 1e-6);  // all-caps text: no emphasis boost
  EXPECT_THROW(detail::load_lexicons({"vader"}), InputError);
  EXPECT_THROW(detail::load_lexicons({"foo=" + lex_path.string()}), InputError);
  EXPECT_THROW(detail::load_lexicons({"vader=" + (dir / "absent.txt").string()}), InputError);
}

TEST(TextLexicon, LexiconModelTrainsAndRoundTrips) {
  const auto dir = sentio::test::temp_dir();
  const auto lex_path = dir / "lex2.txt";
  std::ofstream(lex_path) << "wonderful\t3.0\t0.5\t[3]\nadore\t3.0\t0.5\t[3]\nbrilliant\t2.8\t0.5\t[3]\n"
                             "cheerful\t2.5\t0.5\t[3]\ndied\t-2.9\t0.5\t[3]\ncry\t-2.1\t0.5\t[3]\nmiss\t-1.5\t0.5\t[3]\n"
                             "furious\t-3.0\t0.5\t[3]\nidiot\t-2.5\t0.5\t[3]\nlying\t-2.0\t0.5\t[3]\n";
  TextTrainOptions opt;
  opt.type = TextModelType::lexicon;
  opt.lexicons = {"vader=" + lex_path.string(), "afinn=" + lex_path.string()};
  opt.epochs = 50;
  Corpus c = tiny_corpus();
  const TextModel m = TextModel::train(c, nullptr, opt);
  EXPECT_EQ(m.type(), TextModelType::lexicon);
  const TextPrediction p = m.predict("What a wonderful sunny morning", 3);
  EXPECT_EQ(m.labels()[p.top], "happiness");
  ASSERT_EQ(p.explanation.size(), 1u);
  EXPECT_EQ(p.explanation[0].term, "wonderful");
  const std::string path = (dir / "lex.stm").string();
  m.save(path);
  EXPECT_EQ(TextModel::load(path).probabilities("I cry"), m.probabilities("I cry"));
}

TEST(TextLexicon, LinearModelWithLexiconFeaturesRoundTrips) {
  const auto dir = sentio::test::temp_dir();
  const auto lex_path = dir / "lex3.txt";
  std::ofstream(lex_path) << "wonderful\t3.0\t0.5\t[3]\ndied\t-2.9\t0.5\t[3]\n";
  TextTrainOptions opt;
  opt.hash_bits = 12;
  opt.epochs = 30;
  opt.lexicons = {"vader=" + lex_path.string()};
  const Corpus c = tiny_corpus();
  const TextModel m = TextModel::train(c, nullptr, opt);
  EXPECT_NE(m.description().find("+ lexicon features"), std::string::npos) << m.description();
  EXPECT_DOUBLE_EQ(evaluate(m, c, 1).metrics.accuracy, 1.0);
  const std::string path = (dir / "hybrid.stm").string();
  m.save(path);
  const TextModel back = TextModel::load(path);
  EXPECT_EQ(back.probabilities("a wonderful cat died"), m.probabilities("a wonderful cat died"));
  // The lexicon part changes the output: the same model without the lexicon group differs.
  opt.lexicons.clear();
  EXPECT_NE(TextModel::train(c, nullptr, opt).probabilities("a wonderful cat died"), m.probabilities("a wonderful cat died"));
}

TEST(TextWordVectors, ReaderKeepsTheFirstWordsAndChecksTheFormat) {
  const auto dir = sentio::test::temp_dir();
  const auto path = dir / "vec.txt";
  // A fastText-style "count dims" first line, a repeated word (the first wins), then more words.
  std::ofstream(path) << "4 3\nhappy 1 0 0\nsad 0 1 0\nhappy 9 9 9\nangry 0 0 1\ncalm 0.5 0.5 0\n";
  const detail::WordVectors all = detail::read_word_vectors(path.string(), 100);
  EXPECT_EQ(all.dims, 3);
  EXPECT_EQ(all.words, (std::vector<std::string>{"happy", "sad", "angry", "calm"}));
  EXPECT_EQ(all.values[0], 1.0f);
  const detail::WordVectors two = detail::read_word_vectors(path.string(), 2);
  EXPECT_EQ(two.words, (std::vector<std::string>{"happy", "sad"}));
  // Plain and negated words average into their own halves.
  detail::HashConfig everyday;
  everyday.everyday = true;
  std::vector<float> v;
  detail::word_vector_features(all, detail::feature_tokens(everyday, "happy and calm, not sad"), v);
  ASSERT_EQ(v.size(), 6u);
  EXPECT_FLOAT_EQ(v[0], 0.75f);  // mean of happy (1,0,0) and calm (0.5,0.5,0)
  EXPECT_FLOAT_EQ(v[1], 0.25f);
  EXPECT_FLOAT_EQ(v[4], 1.0f);  // "not sad": sad's vector in the negated half
  detail::word_vector_features(all, detail::feature_tokens(everyday, "nothing known here"), v);
  EXPECT_EQ(v, std::vector<float>(6, 0.0f));
  // Bad files: one line naming the file.
  const auto ragged = dir / "ragged.txt";
  std::ofstream(ragged) << "a 1 2 3\nb 1 2\n";
  try {
    detail::read_word_vectors(ragged.string(), 10);
    ADD_FAILURE() << "ragged file accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ragged.txt: line 2: has 2 values, earlier lines 3"), std::string::npos)
        << e.what();
  }
  const auto nan = dir / "nan.txt";
  std::ofstream(nan) << "a 1 nan 3\n";
  EXPECT_THROW(detail::read_word_vectors(nan.string(), 10), InputError);
  EXPECT_THROW(detail::read_word_vectors((dir / "absent.txt").string(), 10), InputError);
}

TEST(TextWordVectors, ModelEmbedsItsVectorsAndRoundTrips) {
  const auto dir = sentio::test::temp_dir();
  const auto vec = dir / "vec.txt";
  std::ofstream(vec) << "wonderful 1 0\ncheerful 0.9 0.1\ndied 0 1\nfuneral 0.1 0.9\nfurious -1 0\n";
  TextTrainOptions opt;
  opt.hash_bits = 12;
  opt.epochs = 30;
  opt.word_vectors = vec.string();
  opt.word_vectors_max = 4;  // furious is left out
  const Corpus c = tiny_corpus();
  const TextModel m = TextModel::train(c, nullptr, opt);
  EXPECT_NE(m.description().find("+ 2-d word vectors"), std::string::npos) << m.description();
  EXPECT_DOUBLE_EQ(evaluate(m, c, 1).metrics.accuracy, 1.0);
  const std::string path = (dir / "wv.stm").string();
  m.save(path);
  std::filesystem::remove(vec);  // the model file needs no other file
  const TextModel back = TextModel::load(path);
  EXPECT_EQ(back.probabilities("a cheerful funeral"), m.probabilities("a cheerful funeral"));
  EXPECT_EQ(back.description(), m.description());
  // The header lists the embedded words; a file cut inside the vectors is refused.
  std::ifstream in(path, std::ios::binary);
  std::string magic, header;
  std::getline(in, magic);
  std::getline(in, header);
  const auto h = nlohmann::json::parse(header);
  EXPECT_EQ(h.at("features").at("word_vectors").at("words"),
            (std::vector<std::string>{"wonderful", "cheerful", "died", "funeral"}));
  const std::string bytes = [&] {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }();
  const auto cut = dir / "cut.stm";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 3);
  try {
    TextModel::load(cut.string());
    ADD_FAILURE() << "cut model accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("weights and word vectors are"), std::string::npos) << e.what();
  }
  // Word vectors need a linear model.
  opt.type = TextModelType::lexicon;
  opt.word_vectors = path;  // never read: refused first
  EXPECT_THROW(TextModel::train(c, nullptr, opt), InputError);
}

TEST(TextMetrics, WeightedF1AndMicroF1WithoutNeutralByHand) {
  // 3 classes neutral, happiness, anger; truth x prediction:
  //   neutral:   n n n h      (3 right, 1 -> happiness)
  //   happiness: h h n        (2 right, 1 -> neutral)
  //   anger:     a h          (1 right, 1 -> happiness)
  ConfusionMatrix cm(3);
  for (int i = 0; i < 3; ++i) cm.add(0, 0);
  cm.add(0, 1);
  cm.add(1, 1);
  cm.add(1, 1);
  cm.add(1, 0);
  cm.add(2, 2);
  cm.add(2, 1);
  // Without neutral: TP = 2 + 1 = 3; predicted non-neutral = 4 (h) + 1 (a) = 5; true non-neutral = 5.
  EXPECT_NEAR(micro_f1_excluding(cm, 0), 0.6, 1e-12);
  // Same through score_probabilities with one-hot probabilities; weighted-F1 by hand:
  // neutral P=3/4 R=3/4 F=0.75 (n=4); happiness P=2/4 R=2/3 F=4/7 (n=3); anger P=1 R=1/2 F=2/3 (n=2)
  Corpus data;
  std::vector<std::vector<float>> probs;
  const std::vector<std::string> names = {"neutral", "happiness", "anger"};
  for (std::size_t t = 0; t < 3; ++t)
    for (std::size_t p = 0; p < 3; ++p)
      for (std::size_t k = 0; k < cm.count(t, p); ++k) {
        data.items.push_back({"x", {names[t]}, "", "", -1});
        std::vector<float> pr(4, 0.0f);  // a fourth model class absent from the data is never predicted
        pr[p] = 0.6f;
        pr[3] = 0.9f;
        probs.push_back(pr);
      }
  const auto r = detail::score_probabilities({"neutral", "happiness", "anger", "fear"}, false, {0.5f, 0.5f, 0.5f, 0.5f},
                                             probs, data);
  EXPECT_EQ(r.labels, names);
  EXPECT_NEAR(r.metrics.weighted_f1, (4 * 0.75 + 3 * 4.0 / 7.0 + 2 * 2.0 / 3.0) / 9.0, 1e-12);
  EXPECT_NEAR(r.metrics.macro_f1, (0.75 + 4.0 / 7.0 + 2.0 / 3.0) / 3.0, 1e-12);
  EXPECT_NEAR(r.micro_f1_no_neutral, 0.6, 1e-12);
  EXPECT_NEAR(r.metrics.accuracy, 6.0 / 9.0, 1e-12);
  // Free to choose any label, the model says fear every time: all wrong.
  EXPECT_EQ(r.free_choice.outside, 9u);
  EXPECT_EQ(r.free_choice.metrics.accuracy, 0.0);
  EXPECT_EQ(r.free_choice.metrics.macro_f1, 0.0);
}

TEST(TextMetrics, FreeChoiceCountsLabelsOutsideTheDataAsWrong) {
  // Model labels neutral, happiness, anger, fear; the data has no fear. Two items' top label is fear.
  Corpus data;
  data.items = {{"1", {"neutral"}, "", "", -1},
                {"2", {"neutral"}, "", "", -1},
                {"3", {"happiness"}, "", "", -1},
                {"4", {"anger"}, "", "", -1}};
  const std::vector<std::vector<float>> probs = {
      {0.7f, 0.1f, 0.1f, 0.1f}, {0.3f, 0.1f, 0.1f, 0.5f}, {0.1f, 0.7f, 0.1f, 0.1f}, {0.1f, 0.3f, 0.1f, 0.5f}};
  const auto r = detail::score_probabilities({"neutral", "happiness", "anger", "fear"}, false, {0.5f, 0.5f, 0.5f, 0.5f},
                                             probs, data);
  EXPECT_NEAR(r.metrics.accuracy, 0.75, 1e-12);  // restricted: neutral, neutral, happiness, happiness
  const auto& f = r.free_choice;
  EXPECT_EQ(f.outside, 2u);
  EXPECT_NEAR(f.metrics.accuracy, 0.5, 1e-12);
  ASSERT_EQ(f.metrics.f1.size(), 3u);
  // neutral: R 1/2, P 1 -> 2/3; happiness: R 1, P 1 -> 1; anger: 0. Weighted by support 2, 1, 1.
  EXPECT_NEAR(f.metrics.f1[0], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(f.metrics.macro_f1, 5.0 / 9.0, 1e-12);
  EXPECT_NEAR(f.metrics.weighted_f1, 7.0 / 12.0, 1e-12);
  // Without neutral: TP 1 (happiness); emotion predictions 1 + 2 (fear); emotion items 2 -> P 1/3, R 1/2.
  EXPECT_NEAR(f.micro_f1_no_neutral, 0.4, 1e-12);

  // Multi-label: labels a, b, c; the data has a and b. {a} -> {a, c}: not exact; {b} -> nothing passes,
  // the arg max of all is c: b missed.
  Corpus multi;
  multi.multi_label = true;
  multi.items = {{"1", {"a"}, "", "", -1}, {"2", {"b"}, "", "", -1}};
  const auto m = detail::score_probabilities({"a", "b", "c"}, true, {0.5f, 0.5f, 0.5f},
                                             {{0.9f, 0.1f, 0.7f}, {0.2f, 0.3f, 0.4f}}, multi);
  EXPECT_NEAR(m.metrics.accuracy, 1.0, 1e-12);  // restricted: {a}, {b}
  EXPECT_EQ(m.free_choice.outside, 2u);
  EXPECT_NEAR(m.free_choice.metrics.accuracy, 0.0, 1e-12);
  EXPECT_NEAR(m.free_choice.metrics.macro_f1, 0.5, 1e-12);
}

TEST(TextMetrics, MultiLabelMacroF1ByHand) {
  // Labels a, b; thresholds 0.5. Items: {a} predicted {a}; {a,b} predicted {a}; {b} predicted {a} (fallback
  // argmax when nothing passes the threshold would pick a: probs a=0.4, b=0.3).
  Corpus data;
  data.multi_label = true;
  data.items = {{"1", {"a"}, "", "", -1}, {"2", {"a", "b"}, "", "", -1}, {"3", {"b"}, "", "", -1}};
  const std::vector<std::vector<float>> probs = {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.4f, 0.3f}};
  const auto r = detail::score_probabilities({"a", "b"}, true, {0.5f, 0.5f}, probs, data);
  // a: tp 2 fp 1 fn 0 -> F1 = 4/5; b: tp 0 fn 2 -> 0. macro 0.4, micro: tp 2 fp 1 fn 2 -> 4/7.
  EXPECT_NEAR(r.metrics.f1[0], 0.8, 1e-12);
  EXPECT_NEAR(r.metrics.macro_f1, 0.4, 1e-12);
  EXPECT_NEAR(r.micro_f1, 4.0 / 7.0, 1e-12);
  EXPECT_NEAR(r.metrics.accuracy, 1.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace sentio::text
