// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text emotion models (issue 5, item 3a-b): both are a linear layer over a sparse feature vector and
// differ in the features.
//  * linear:  hashed word unigrams + bigrams and character 2..5-grams inside word boundaries, signed
//             hashing into 2^k buckets, log(1 + |count|) weighting, each group L2-normalised.
//  * lexicon: ~30 features from valence lexicons (VADER, AFINN; optional NRC EmoLex / NRC VAD from a
//             user-given path) with VADER-style negation, intensifier, "but" and emphasis handling,
//             standardised, then the same linear layer.
//  * linear + lexicon: a linear model trained with `lexicons` gets the lexicon features appended.
// Single-label models use softmax; multi-label models one sigmoid per label with per-label thresholds
// chosen on a development set. Training is AdaGrad with L2, seeded and deterministic (one thread).
// Every prediction also carries sentiment (negative/neutral/positive), valence/arousal (core/affect.hpp,
// probability-weighted) and the terms that contributed most to the decision. docs/TEXT.md has details.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/core/affect.hpp"
#include "sentio/core/metrics.hpp"
#include "sentio/text/corpus.hpp"

namespace sentio::text {

enum class TextModelType { linear, lexicon };

struct TextTrainOptions {
  TextModelType type = TextModelType::linear;
  // linear features
  int hash_bits = 20;         // 2^hash_bits buckets
  bool word_bigrams = true;
  int char_min = 2;           // character n-grams inside "<word>", 0 = none
  int char_max = 5;
  // Token normalisation: "none" (words as written) or "everyday" (emoji and emoticons spelled out,
  // elongations and missing apostrophes undone, negation scope and "but" contrast marked; docs/TEXT.md).
  std::string normalize = "everyday";
  // lexicon features: "vader=PATH", "afinn=PATH", "nrc-emolex=PATH", "nrc-vad=PATH". Lexicon models use
  // VADER and AFINN from ../shared/data/text when empty; a linear model with any appends lexicon features.
  std::vector<std::string> lexicons;
  // Pretrained word vectors for a linear model: a GloVe / word2vec text file. The weighted mean vectors of
  // the utterance's plain and negated words become a dense feature group; the model file embeds the
  // vectors of the file's first `word_vectors_max` words, so running the model needs no other file.
  std::string word_vectors;
  std::size_t word_vectors_max = 40000;
  // training
  int epochs = 8;
  double learning_rate = 0.3;  // AdaGrad step
  double l2 = 1e-6;            // on the weights of the features an example touches
  std::string class_weights = "none";  // none | balanced (n / (K n_c)) | sqrt (its square root)
  std::string multi_label = "auto";    // auto (from the data) | yes | no
  std::uint64_t seed = 0;
  // tuning on the development set (when given): per-label thresholds (multi-label) or an offset on the
  // neutral logit (single-label) chosen to maximise tune_metric: weighted_f1, macro_f1,
  // micro_f1_no_neutral; empty = micro_f1_no_neutral for DailyDialog, macro_f1 for multi-label, else
  // weighted_f1.
  std::string tune_metric;
  // Labels to keep (empty = all labels of the training data); items left without a label are dropped.
  std::vector<std::string> keep_labels;
  bool float16 = false;  // store weights as IEEE half precision (half the file size)
};

struct Contribution {
  std::string term;  // a word (with its character n-grams), a word pair "a b", or a lexicon hit
  float weight = 0;  // contribution to the logit of the explained label
};

struct TextPrediction {
  std::vector<float> probabilities;  // per model label (softmax: sums to 1; multi-label: independent)
  std::size_t top = 0;               // arg max
  std::vector<std::size_t> active;   // labels at or above their threshold (multi-label), else {top}
  float positive = 0, neutral = 0, negative = 0;  // sentiment, sums to 1
  Affect affect;                                 // valence/arousal, probability-weighted
  std::vector<Contribution> explanation;         // strongest positive contributions to `top`, best first
};

class TextModel {
 public:
  TextModel();
  ~TextModel();
  TextModel(const TextModel&);
  TextModel& operator=(const TextModel&);
  TextModel(TextModel&&) noexcept;
  TextModel& operator=(TextModel&&) noexcept;

  // Trains on `train`; `dev` (may be null) tunes thresholds / the neutral offset. `progress` (may be
  // empty) is called with (epoch, epochs). Throws InputError for unusable data or lexicon files.
  static TextModel train(const Corpus& train, const Corpus* dev, const TextTrainOptions& options,
                         const std::function<void(int, int)>& progress = {});
  // Model files: see docs/TEXT.md ("sentio.text.model" v1). Throws InputError naming the file.
  static TextModel load(const std::string& path);
  void save(const std::string& path) const;
  // Stream forms (a context model file embeds its base model after its own part): `load` reads up to the
  // end of `in`; `name` names the input in errors.
  static TextModel load(std::istream& in, const std::string& name);
  void save(std::ostream& out) const;

  const std::vector<std::string>& labels() const;
  bool multi_label() const;
  TextModelType type() const;
  std::string description() const;
  // Added to the logits before softmax (the dev-tuned neutral offset), one per label.
  const std::vector<float>& logit_offsets() const;
  const std::vector<float>& thresholds() const;  // per label (multi-label decisions; 0.5 untuned)  // one line: type, features, labels, training data size

  // Probabilities only (the fast path).
  std::vector<float> probabilities(std::string_view text) const;
  // Decision, sentiment and valence/arousal of given probabilities over labels() (e.g. from a context
  // model), without an explanation.
  TextPrediction describe(std::vector<float> probabilities) const;
  // Full prediction with up to `n_explain` contributions.
  TextPrediction predict(std::string_view text, std::size_t n_explain = 5) const;
  // Probabilities of many texts on `threads` threads (rows in input order).
  std::vector<std::vector<float>> probabilities(const std::vector<std::string>& texts, int threads) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// The shipped default model (models/text/default.stm, see sentio/core/resources.hpp for where it is
// looked for; $SENTIO_TEXT_MODEL overrides). Throws InputError when it cannot be found.
std::string default_text_model_path();

// ---- evaluation ----
struct TextEvalResult {
  std::vector<std::string> labels;  // the evaluated classes: labels of the data that the model knows
  bool multi_label = false;
  std::size_t n = 0;                 // items evaluated
  std::size_t skipped_unknown = 0;   // items whose labels the model does not know
  ClassificationMetrics metrics;     // single-label: from the confusion; multi-label: per-label F1 etc.
  ConfusionMatrix confusion{1};      // single-label only (truth x prediction over `labels`)
  double micro_f1 = 0;               // multi-label micro-F1 (single-label: = accuracy)
  double micro_f1_no_neutral = -1;   // -1 when neutral is not among `labels`
  // multi-label: per-label counts
  std::vector<std::size_t> tp, fp, fn;
  double seconds = 0;                // prediction time

  // The same items scored as `sentio analyze` shows them: the model free to choose any of its labels. A
  // prediction outside `labels` is wrong (it lowers recall, never a class's precision); multi-label: the
  // labels at or above their thresholds among all the model's labels, the arg max of all when none is.
  struct FreeChoice {
    ClassificationMetrics metrics;     // per class over `labels`; macro/weighted over classes with support
    double micro_f1 = 0;               // single-label: = accuracy
    double micro_f1_no_neutral = -1;   // -1 when neutral is not among `labels`
    std::size_t outside = 0;           // items whose prediction holds a label outside `labels`
  };
  FreeChoice free_choice;
};

// Evaluates `model` on `data`: single-label data -> prediction restricted to the classes present
// (restricted_argmax); multi-label data -> label sets by the model's thresholds (single-label models
// predict {argmax}), macro-F1 over the labels present. `free_choice` scores the unrestricted decision.
TextEvalResult evaluate(const TextModel& model, const Corpus& data, int threads);

// micro-F1 over all classes but `excluded` (DailyDialog convention): TP = correct predictions of other
// classes, precision over predictions of other classes, recall over items of other classes.
double micro_f1_excluding(const ConfusionMatrix& confusion, std::size_t excluded);

// Sentiment of a label for the derived sentiment: +1 positive, -1 negative, 0 neutral/ambiguous.
int label_polarity(std::string_view label);

// ---- shared with other text scorers (the neural encoder of sentio_text_neural) ----

// The tokens of the linear model: lower-cased runs of letters, digits, apostrophes and non-ASCII bytes,
// and each '!' and '?' (docs/TEXT.md); a token keeps at most its first 256 bytes.
std::vector<std::string> tokenize(std::string_view text);

// TextModel::describe for any scorer: decision (`thresholds` for multi-label), sentiment and
// valence/arousal of `probabilities` over `labels`.
TextPrediction describe_probabilities(const std::vector<std::string>& labels, bool multi_label,
                                      const std::vector<float>& thresholds, std::vector<float> probabilities);

// The dev-set decision tuning of TextModel::train from raw logits (before any offset; sigmoid inputs for
// multi-label): per-label thresholds maximising each label's F1 (multi-label), or the neutral logit offset
// maximising `metric` (single-label with a neutral label). Empty `metric` = the default of docs/TEXT.md
// for `dev`. Returns the metric used.
struct DecisionTuning {
  std::vector<float> thresholds;     // per label, 0.5 untuned
  std::vector<float> logit_offsets;  // per label, 0 untuned
  std::string metric;
};
DecisionTuning tune_decision(const std::vector<std::vector<float>>& dev_logits, const std::vector<std::string>& labels,
                             bool multi_label, const Corpus& dev, const std::string& metric);
// The value of `metric` (weighted_f1, macro_f1, micro_f1_no_neutral) in a result.
double metric_value(const TextEvalResult& r, const std::string& metric);

// Evaluation of any scorer: `probabilities(texts, threads)` gives one row per text over `labels`
// (timed for TextEvalResult::seconds); decisions as in evaluate(TextModel).
struct TextScorer {
  std::vector<std::string> labels;
  bool multi_label = false;
  std::vector<float> thresholds;  // per label (multi-label decisions)
  std::function<std::vector<std::vector<float>>(const std::vector<std::string>& texts, int threads)> probabilities;
};
TextEvalResult evaluate(const TextScorer& scorer, const Corpus& data, int threads);

}  // namespace sentio::text
