// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speaker-independent evaluation of the linear SER baseline.
//  * loso: one fold per speaker; the model is re-trained on all other speakers in every fold.
//  * kfold_speaker: speakers shuffled with the seed and dealt round-robin into K folds, re-trained per fold.
//  * split: a given model evaluated as-is on all rows.
// Predictions of all folds are pooled into one confusion matrix. Metrics are over the classes of the
// model (or of the training folds) that occur in the evaluation data; the decision is the best-scoring
// of those classes (sentio::restricted_argmax), the usual cross-corpus protocol.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sentio/core/metrics.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

enum class Protocol { loso, kfold_speaker, split };
Protocol parse_protocol(const std::string& name);  // "loso", "kfold-speaker", "split"; InputError otherwise
const char* protocol_name(Protocol protocol);

struct Fold {
  std::vector<std::string> test_speakers;
  std::vector<std::size_t> train;  // row indices
  std::vector<std::size_t> test;
};

// Folds over the distinct speakers of `speakers` (one entry per row). No speaker is ever on both sides.
// loso: one fold per speaker (sorted by name). kfold_speaker: k folds (2 <= k <= #speakers, InputError
// otherwise), speakers shuffled by a seeded Fisher-Yates (mt19937_64) and dealt round-robin.
std::vector<Fold> make_speaker_folds(const std::vector<std::string>& speakers, Protocol protocol, int k,
                                     std::uint64_t seed);

struct FoldResult {
  std::vector<std::string> test_speakers;
  std::size_t n = 0;
  double wa = 0, ua = 0;
};

struct EvalResult {
  Protocol protocol = Protocol::loso;
  std::vector<std::string> labels;  // evaluated classes (present in the data and known to the model)
  ConfusionMatrix confusion{1};  // replaced by evaluate()
  ClassificationMetrics metrics;
  std::vector<FoldResult> folds;
  std::map<std::string, std::size_t> skipped_not_in_model;  // label -> rows whose class the model lacks
};

struct EvalOptions {
  Protocol protocol = Protocol::loso;
  int folds = 5;
  TrainOptions train;  // hyper-parameters for the re-trained folds
};

// `data` must already be normalised per speaker. For split, `model` is required.
EvalResult evaluate(const Dataset& data, const EvalOptions& options, const LinearModel* model);

}  // namespace sentio::ser
