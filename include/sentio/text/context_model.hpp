// SPDX-License-Identifier: Apache-2.0
#pragma once
// Conversation context for text emotion (ERC, issue 5 item 4): a second-stage (stacked) model over a
// dialogue. The first stage is an ordinary TextModel scoring each utterance alone; the second stage is a
// softmax regression whose features are, for utterance i of a dialogue:
//   * the base model's log-probabilities for i itself,
//   * the base probabilities of each of the previous `window` utterances, in a same-speaker or an
//     other-speaker slot per distance (plus presence indicators),
//   * the base probabilities of the same speaker's most recent earlier utterance (the speaker's own state),
//   * the mean scores of all previous utterances and of the speaker's previous ones (the scene's and the
//     speaker's mood), the own x previous-utterance score products (emotion transitions),
//   * position in the dialogue (first utterance, log(1 + index)),
//   * optionally the previous utterance's hashed words (ContextTrainOptions::text_bits).
// Context is causal: only earlier utterances are used, so a live transcript can be scored as it grows and
// a prediction never changes when later utterances arrive.
// Training avoids leaking labels through the base scores: the second stage learns from out-of-fold base
// scores (K folds over dialogues, so no utterance and no utterance of its dialogue was seen by the base
// model that scored it). Single-label models only. docs/TEXT.md has the file format.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sentio/text/corpus.hpp"
#include "sentio/text/text_model.hpp"

namespace sentio::text {

// One utterance of a dialogue, in spoken order.
struct DialogueTurn {
  std::string text;
  std::string speaker;  // empty = unknown (never counted as the same speaker)
};

struct ContextTrainOptions {
  int window = 3;   // previous utterances seen (1..16)
  int folds = 5;    // K-fold over dialogues for the out-of-fold base scores (2..20)
  int epochs = 10;  // second stage
  double learning_rate = 0.05;
  double l2 = 1e-4;
  std::string class_weights = "none";  // none | balanced | sqrt (second stage)
  // > 0: the second stage also sees the previous utterance's words, hashed into 2^text_bits buckets per
  // same-speaker / other-speaker block (0 = scores only).
  int text_bits = 0;
  int threads = 2;                     // base models of the folds are trained in parallel
};

struct ContextPrediction {
  std::vector<float> probabilities;  // with context (model label order, sums to 1)
  std::vector<float> no_context;     // the base model alone
  std::size_t top = 0, top_no_context = 0;
};

class ContextModel {
 public:
  ContextModel();
  ~ContextModel();
  ContextModel(const ContextModel&);
  ContextModel& operator=(const ContextModel&);
  ContextModel(ContextModel&&) noexcept;
  ContextModel& operator=(ContextModel&&) noexcept;

  // Trains the base model on `train` with `base` options (dev tunes its neutral offset as usual), the
  // out-of-fold base models, then the second stage (dev tunes its own neutral offset). `progress` (may be
  // empty) is called with (base models done, base models in all). Throws InputError for multi-label data
  // or unusable options.
  static ContextModel train(const Corpus& train, const Corpus* dev, const TextTrainOptions& base,
                            const ContextTrainOptions& options, const std::function<void(int, int)>& progress = {});
  // "sentio.text.context" v1 files (base model embedded). Throws InputError naming the file.
  static ContextModel load(const std::string& path);
  void save(const std::string& path) const;
  // True when `path` starts with the context model's magic line (cheap; false for unreadable files).
  static bool is_context_model_file(const std::string& path);

  const TextModel& base() const;
  const std::vector<std::string>& labels() const;
  int window() const;
  std::string description() const;

  // Every utterance of one dialogue, with and without context (causal: row i uses turns 0..i only).
  std::vector<ContextPrediction> predict_dialogue(const std::vector<DialogueTurn>& turns) const;

  // The same, one turn at a time (a live transcript): next() takes a turn and the base model's
  // probabilities of it (base().probabilities(turn.text)) and returns its probabilities in context,
  // equal to predict_dialogue's row for that turn. Memory: the last `window` turns and one row per speaker.
  class Dialogue {
   public:
    ~Dialogue();
    Dialogue(Dialogue&&) noexcept;
    Dialogue& operator=(Dialogue&&) noexcept;
    std::vector<float> next(const DialogueTurn& turn, const std::vector<float>& base_probabilities);

   private:
    friend class ContextModel;
    struct State;
    explicit Dialogue(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
  };
  Dialogue dialogue() const;

  // Probabilities for every item of a corpus (rows in item order) with and without context. Items are
  // grouped by dialogue_id and ordered by `order` (file order for ties or -1); items without a dialogue
  // id stand alone (no context). Base scoring runs on `threads` threads.
  void corpus_probabilities(const Corpus& data, int threads, std::vector<std::vector<float>>& with_context,
                            std::vector<std::vector<float>>& without_context) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

struct ContextEvalResult {
  TextEvalResult context;     // with context (seconds: base + context prediction)
  TextEvalResult no_context;  // base model alone
  std::size_t dialogues = 0;  // dialogues (groups with a dialogue id) in the data
};

ContextEvalResult evaluate_context(const ContextModel& model, const Corpus& data, int threads);

// True when some item of `data` has a dialogue id (context can apply).
bool has_dialogues(const Corpus& data);

}  // namespace sentio::text
