// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speaker-independent evaluation of the linear SER baseline.
//  * loso: one fold per speaker; the model is re-trained on all other speakers in every fold.
//  * kfold_speaker: speakers shuffled with the seed and dealt round-robin into K folds, re-trained per fold.
//  * loco: leave one corpus out, one fold per corpus (ManifestItem::corpus): the cross-corpus and, with
//    corpora in different languages, cross-language figure.
//  * split: a given model evaluated as-is on all rows.
// Predictions of all folds are pooled into one confusion matrix. Metrics are over the classes of the
// model (or of the training folds) that occur in the evaluation data; the decision is the best-scoring
// of the classes that occur in the fold's test data (sentio::restricted_argmax), the usual cross-corpus
// protocol ("restricted"). Beside it, free-choice recall: the model's own decision among all of its
// classes, which is what a user of `sentio analyze` sees.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sentio/core/metrics.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

enum class Protocol { loso, kfold_speaker, loco, split };
// "loso", "kfold-speaker", "loco", "split"; InputError otherwise
Protocol parse_protocol(const std::string& name);
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
// The folds of `protocol` (not split) over the rows of `data`: by speaker, or by corpus for loco (the
// fold's test_speakers then name the held-out corpus).
std::vector<Fold> make_folds(const Dataset& data, Protocol protocol, int k, std::uint64_t seed);

struct FoldResult {
  std::vector<std::string> test_speakers;
  std::size_t n = 0;
  double wa = 0, ua = 0;
  double free_ua = -1;  // free-choice UA (-1 = not computed)
};

struct EvalResult {
  Protocol protocol = Protocol::loso;
  std::vector<std::string> labels;  // evaluated classes (present in the data and known to the model)
  ConfusionMatrix confusion{1};  // replaced by evaluate()
  ClassificationMetrics metrics;
  std::vector<FoldResult> folds;
  std::map<std::string, std::size_t> skipped_not_in_model;  // label -> rows whose class the model lacks
  // Free choice: recall per evaluated class when the model may answer any of its classes (-1 = not computed).
  std::vector<double> free_recall;
  double free_ua = -1, free_wa = -1;
};

struct EvalOptions {
  Protocol protocol = Protocol::loso;
  int folds = 5;
  TrainOptions train;  // hyper-parameters for the re-trained folds
};

// `data` must already be normalised per speaker. For split, `model` is required.
EvalResult evaluate(const Dataset& data, const EvalOptions& options, const LinearModel* model);

}  // namespace sentio::ser
