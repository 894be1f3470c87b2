// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to src/text/models: feature extractors and the pieces TextModel is built from.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "sentio/text/text_model.hpp"

namespace sentio::text::detail {

// A sparse feature vector; an index may appear more than once (the dot product just adds them).
struct SparseVec {
  std::vector<std::uint32_t> index;
  std::vector<float> value;
  void clear() {
    index.clear();
    value.clear();
  }
};

// For explanations: one occurrence of a term's feature; contribution to class c = W[index][c] * share.
struct Occurrence {
  std::uint32_t index = 0;
  float share = 0;
  std::uint32_t term = 0;  // into the `terms` list of the call
};
struct Trace {
  std::vector<Occurrence> occurrences;
  std::vector<std::string> terms;
};

// Distinct labels a model may have (the 28 GoEmotions labels and more fit easily).
inline constexpr std::size_t kMaxLabels = 256;

// Character n-grams: 0 = none, else char_min..char_max with 1 <= char_min <= char_max <= kMaxCharGram.
inline constexpr int kMaxCharGram = 8;
inline bool char_range_ok(int char_min, int char_max) {
  return (char_min == 0) || (char_min >= 1 && char_max >= char_min && char_max <= kMaxCharGram);
}
// Reads a JSON array of numbers as floats; false when a value is not finite as a float (a JSON number
// beyond float range such as 1e39 would otherwise become infinity). Throws nlohmann's type_error for
// a value that is not a number.
inline bool read_finite_floats(const nlohmann::json& j, std::vector<float>& out) {
  const std::vector<double> wide = j.get<std::vector<double>>();
  out.clear();
  for (const double x : wide) {
    if (!(std::fabs(x) <= 3.4028234663852886e38)) return false;  // FLT_MAX; also false for NaN
    out.push_back(static_cast<float>(x));
  }
  return true;
}

// ---- hashed n-grams (hashing.cpp) ----
struct HashConfig {
  int bits = 20;
  bool bigrams = true;
  int char_min = 2, char_max = 5;
  bool everyday = false;  // tokens from everyday_tokens() instead of tokenize()
};
// Bytes kept of one token (longer runs of word characters are cut).
inline constexpr std::size_t kMaxTokenBytes = 256;
// Lower-cased word and punctuation tokens: runs of letters, digits, apostrophes and non-ASCII bytes
// (apostrophes trimmed at the ends, U+2019 read as '), and each '!' and '?' as a token of its own.
std::vector<std::string> tokenize(std::string_view text);
// Everyday-language tokens (everyday.cpp), in order:
//  1. emoji (a table of ~100 common ones) and ASCII emoticons (":)", ":-(", ">:(", "<3", ...; whole
//     space-separated pieces) are replaced by their Unicode CLDR short names ("crying face");
//  2. tokenize() per clause (clauses end at . , ; : ! ?; '!' and '?' stay tokens);
//  3. runs of 3+ equal letters shrink to one at the end of a word and to two inside it ("sooo" -> "so");
//  4. common apostrophe-less contractions and chat abbreviations are expanded ("im" -> "i'm", "u" -> "you");
//  5. negation scope: the tokens after a negator ("not", "never", "no", "nothing", "...n't", ...) up to the
//     end of its clause or "but" become "not_<word>" (negated: no character n-grams);
//  6. contrast: in a sentence with "but" / "however" after its first word, the tokens before it weigh 0.5
//     and those after it 1.5.
struct EverydayToken {
  std::string text;     // what is hashed
  std::string display;  // what explanations show ("not happy")
  float weight = 1;
  bool negated = false;
  bool clause_end_after = false, sentence_end_after = false;
};
std::vector<EverydayToken> everyday_tokens(std::string_view text);
// 64-bit hash of `s` in namespace `ns` (FNV-1a over the bytes, finished with the splitmix64 mixer).
std::uint64_t hash_string(std::string_view s, std::uint64_t ns);
// The tokens the linear model's features read: everyday_tokens() with their weights, negation marks and
// displays when `config.everyday`, else tokenize() (weight 1, none negated, `display` empty).
struct FeatureTokens {
  std::vector<std::string> text;     // what is hashed ("not_happy" for a negated "happy")
  std::vector<std::string> display;  // everyday only: what explanations show ("not happy")
  std::vector<float> weight;
  std::vector<char> negated;
};
FeatureTokens feature_tokens(const HashConfig& config, std::string_view text);
void hashed_features(const HashConfig& config, const FeatureTokens& tokens, SparseVec& out, Trace* trace);
// The same from the text (feature_tokens, then the above).
void hashed_features(const HashConfig& config, std::string_view text, SparseVec& out, Trace* trace);

// ---- lexicon features (lexicon.cpp) ----
struct Lexicons {
  std::unordered_map<std::string, float> vader;   // token -> mean valence (-4..4)
  std::unordered_map<std::string, float> afinn;   // word -> score (-5..5), single words only
  std::unordered_map<std::string, std::uint16_t> emolex;  // word -> bit set of kEmolexCategories
  std::unordered_map<std::string, std::array<float, 3>> vad;  // word -> valence, arousal, dominance (0..1)
};
inline constexpr std::string_view kEmolexCategories[] = {"anger",   "anticipation", "disgust",  "fear",     "joy",
                                                         "sadness", "surprise",     "trust",    "negative", "positive"};
// Reads the lexicons named by "kind=PATH" specs (kinds vader, afinn, nrc-emolex, nrc-vad). Empty specs:
// VADER and AFINN-en-165 from ../shared/data/text when present. Throws InputError naming the file.
Lexicons load_lexicons(const std::vector<std::string>& specs);
std::size_t lexicon_feature_count();
std::vector<std::string> lexicon_feature_names();
// Raw (unstandardised) lexicon features of `text`, dense, lexicon_feature_count() values. `hits`, when
// not null, receives each lexicon hit with its adjusted VADER valence (AFINN score when VADER lacks it).
std::vector<float> lexicon_features(const Lexicons& lex, std::string_view text,
                                    std::vector<std::pair<std::string, float>>* hits);

// ---- pretrained word vectors (word_vectors.cpp) ----
inline constexpr int kMaxWordVectorDims = 1024;
struct WordVectors {
  int dims = 0;
  std::vector<std::string> words;  // file order (most frequent first in GloVe and fastText files)
  std::unordered_map<std::string, std::uint32_t> index;
  std::vector<float> values;       // words.size() x dims
};
// The first `max_words` distinct words of a GloVe / word2vec text file ("word v1 ... vD" per line, an
// optional first line "count dims"). Throws InputError naming the file and line.
WordVectors read_word_vectors(const std::string& path, std::size_t max_words);
// 2 x dims dense values: the weighted mean vector of the words found in the table, then that of the
// negated words (their "not_" removed); zeros where none is found. The tokens and weights are the hashed
// features' (feature_tokens).
void word_vector_features(const WordVectors& wv, const FeatureTokens& tokens, std::vector<float>& out);

// ---- the trainer and decision tuning TextModel::train uses (text_model.cpp); the context model's
// second stage reuses them ----
// AdaGrad over single examples (softmax, or one sigmoid per label when `multi`), L2 on touched weights,
// class weights `cw`, seeded shuffle: fills w (n_features x K, feature-major) and bias.
void fit_adagrad(const std::vector<SparseVec>& xs, const std::vector<std::vector<std::uint32_t>>& ys,
                 std::size_t n_features, std::size_t K, bool multi, const std::vector<float>& cw,
                 const TextTrainOptions& opt, const std::function<void(int, int)>& progress, std::vector<float>& w,
                 std::vector<float>& bias);
// Class weights "none" | "balanced" (n / (K n_c), capped at 50) | "sqrt" from (fractional) label counts.
std::vector<float> class_weights(const std::vector<double>& counts, std::size_t n_items, const std::string& mode);
// The offset on the neutral logit (grid -3..3, step 0.1) maximising `metric` on dev from raw logits.
float tune_neutral_offset(const std::vector<std::vector<float>>& dev_logits, const std::vector<std::string>& labels,
                          std::size_t neutral, const Corpus& dev, const std::string& metric);
void softmax_inplace(std::vector<float>& z);

// ---- half precision (text_model.cpp) ----
std::uint16_t float_to_half(float f);
float half_to_float(std::uint16_t h);

// Reads the first two lines of a model file -- the magic line, then a one-line JSON header -- and checks
// the header's "format" and "version". Throws InputError "<path>: not a valid Sentio <kind>: <cause>".
nlohmann::json read_model_header(std::istream& in, const std::string& path, std::string_view magic,
                                 std::string_view format, int version, std::string_view kind);

}  // namespace sentio::text::detail
