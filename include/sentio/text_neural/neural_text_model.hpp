// SPDX-License-Identifier: Apache-2.0
#pragma once
// Neural utterance encoder for text emotion (issue 5, item 3c), trained on the CPU with libtorch
// (docs/TEXT.md, "Neural encoder"). This header has no torch types; the network lives in src/text_neural.
//
// Encoder: the tokens of the linear model (text::tokenize); each token is the mean of hashed embeddings of
// the word and its character n-grams of "<word>" (fastText-style subwords: misspellings and morphology
// share vectors) -> 1-D convolutions of widths 1..3 over the token sequence (ReLU) -> max and mean pooling
// over time -> dropout -> linear layer: softmax for single-label data, one sigmoid per label for
// multi-label data. Training: Adam, mini-batches, class weights, early stopping on the development set's
// tuned metric (the decision -- neutral offset or per-label thresholds -- is tuned on dev as for the
// linear model). Optionally an ensemble with a linear model (.stm): the average of both models' raw
// probabilities, the mixing weight and the decision tuned on dev; the linear model is embedded in the file.
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/text/corpus.hpp"
#include "sentio/text/text_model.hpp"

namespace sentio::text_neural {

// First line of a neural text model file (lets callers without torch recognise one).
inline constexpr const char* kNeuralTextModelMagic = "SENTIO-TEXT-NEURAL";

struct NeuralTextOptions {
  // Input: 2^hash_bits embedding rows shared by words and character n-grams (char_min..char_max, 0 = words
  // only); utterances are cut after max_tokens tokens.
  int hash_bits = 17;
  int char_min = 3;
  int char_max = 5;
  int max_tokens = 80;
  // Network.
  int embedding_dim = 64;
  int filters = 128;  // per convolution width (1, 2, 3)
  double dropout = 0.5;
  // Training.
  int epochs = 20;   // at most; early stopping keeps the best epoch on dev
  int patience = 4;  // epochs without a better dev score before stopping (0 = never stop early)
  int batch_size = 32;
  double learning_rate = 1e-3;         // Adam
  double weight_decay = 0;             // L2 on the dense layers (not the embeddings)
  std::string class_weights = "sqrt";  // none | balanced | sqrt (docs/TEXT.md)
  std::string multi_label = "auto";    // auto | yes | no
  std::string tune_metric;             // as TextTrainOptions::tune_metric
  std::vector<std::string> keep_labels;
  std::uint64_t seed = 0;
  int threads = 1;       // torch threads while training (results depend on it)
  bool float16 = false;  // store the embedding table as IEEE half precision
  // Ensemble: a linear model file (.stm) with the same labels; empty = none.
  std::string ensemble_with;
  // Transfer: a neural model file whose weights start the training (same hashing and sizes; its output
  // layer only with the same labels), e.g. one trained on several corpora. Empty = random start.
  std::string init_from;
};

class NeuralTextModel {
 public:
  NeuralTextModel();
  ~NeuralTextModel();
  NeuralTextModel(const NeuralTextModel&);
  NeuralTextModel& operator=(const NeuralTextModel&);
  NeuralTextModel(NeuralTextModel&&) noexcept;
  NeuralTextModel& operator=(NeuralTextModel&&) noexcept;

  // Progress: (epoch, epochs, training loss, dev score or -1).
  using Progress = std::function<void(int, int, double, double)>;
  // Trains on `train`; `dev` (may be null, then the last epoch is kept and the decision is untuned)
  // selects the epoch and tunes the decision. Throws InputError for unusable data or options.
  static NeuralTextModel train(const text::Corpus& train, const text::Corpus* dev,
                               const NeuralTextOptions& options, const Progress& progress = {});
  // Model file "sentio.text.neural" v1 (docs/TEXT.md). Throws InputError naming the file.
  static NeuralTextModel load(const std::string& path);
  void save(const std::string& path) const;
  const std::vector<std::string>& labels() const;
  bool multi_label() const;
  const std::vector<float>& thresholds() const;
  bool is_ensemble() const;
  std::string description() const;
  const NeuralTextOptions& options() const;

  // Probabilities (the decision's offsets applied; multi-label: independent sigmoids) of many texts on
  // `threads` threads, rows in input order. Each thread runs torch with one intra-op thread.
  std::vector<std::vector<float>> probabilities(const std::vector<std::string>& texts, int threads) const;
  std::vector<float> probabilities(std::string_view text) const;
  // Decision, sentiment and valence/arousal (text::describe_probabilities); no explanation.
  text::TextPrediction predict(std::string_view text) const;
  // For evaluate(): labels, decision and the batch scorer. `component` = "" (the model), "neural" or
  // "linear" (an ensemble's parts, each with its own dev-tuned decision).
  text::TextScorer scorer(const std::string& component = "") const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Registers the neural model file kind with text::load_text_model (called by the sentio-torch plugin when
// it is loaded): a neural model runs as a text::TextEmotionModel whose driving words come from leaving
// each word out (text::explain_by_omission).
void register_text_model_format();

}  // namespace sentio::text_neural
