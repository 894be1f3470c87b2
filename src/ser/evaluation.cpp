// SPDX-License-Identifier: Apache-2.0
// Speaker-independent folds and pooled evaluation of the linear SER baseline.
#include "sentio/ser/evaluation.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "sentio/core/error.hpp"

namespace sentio::ser {

Protocol parse_protocol(const std::string& name) {
  if (name == "loso") return Protocol::loso;
  if (name == "kfold-speaker") return Protocol::kfold_speaker;
  if (name == "loco") return Protocol::loco;
  if (name == "split") return Protocol::split;
  throw InputError("--protocol '" + name + "': expected loso, kfold-speaker, loco or split");
}

const char* protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::loso: return "loso";
    case Protocol::kfold_speaker: return "kfold-speaker";
    case Protocol::loco: return "loco";
    case Protocol::split: return "split";
  }
  return "?";
}

std::vector<Fold> make_speaker_folds(const std::vector<std::string>& speakers, Protocol protocol, int k,
                                     std::uint64_t seed) {
  SENTIO_ASSERT(protocol != Protocol::split);
  const std::set<std::string> unique(speakers.begin(), speakers.end());
  std::vector<std::string> distinct(unique.begin(), unique.end());  // sorted by name
  if (distinct.size() < 2)
    throw InputError("speaker-independent evaluation needs at least 2 speakers, the data has " +
                     std::to_string(distinct.size()));
  std::map<std::string, std::size_t> fold_of;
  std::size_t n_folds = distinct.size();
  if (protocol == Protocol::loso || protocol == Protocol::loco) {
    for (std::size_t i = 0; i < distinct.size(); ++i) fold_of[distinct[i]] = i;
  } else {
    if (k < 2 || static_cast<std::size_t>(k) > distinct.size())
      throw InputError("--folds " + std::to_string(k) + ": must be between 2 and the number of speakers (" +
                       std::to_string(distinct.size()) + ")");
    n_folds = static_cast<std::size_t>(k);
    // Fisher-Yates with mt19937_64 (whose output sequence the standard fixes), so the folds are the
    // same on every platform; std::shuffle's algorithm is implementation-defined.
    std::mt19937_64 rng(seed);
    for (std::size_t i = distinct.size() - 1; i > 0; --i) {
      const std::size_t j = static_cast<std::size_t>(rng() % (i + 1));
      std::swap(distinct[i], distinct[j]);
    }
    for (std::size_t i = 0; i < distinct.size(); ++i) fold_of[distinct[i]] = i % n_folds;
  }
  std::vector<Fold> folds(n_folds);
  for (const auto& [speaker, f] : fold_of) folds[f].test_speakers.push_back(speaker);  // sorted by name
  for (std::size_t r = 0; r < speakers.size(); ++r) {
    const std::size_t f = fold_of[speakers[r]];
    for (std::size_t g = 0; g < n_folds; ++g) (g == f ? folds[g].test : folds[g].train).push_back(r);
  }
  return folds;
}

std::vector<Fold> make_folds(const Dataset& data, Protocol protocol, int k, std::uint64_t seed) {
  if (protocol != Protocol::loco) return make_speaker_folds(data.speakers, protocol, k, seed);
  SENTIO_ASSERT(data.corpora.size() == data.size());
  const std::set<std::string> corpora(data.corpora.begin(), data.corpora.end());
  if (corpora.size() < 2)
    throw InputError("--protocol loco needs manifests of at least 2 corpora (one folder each), the data has " +
                     std::to_string(corpora.size()));
  std::map<std::string, std::string> corpus_of;  // a speaker in two corpora would be on both sides of a fold
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto [it, fresh] = corpus_of.emplace(data.speakers[i], data.corpora[i]);
    if (!fresh && it->second != data.corpora[i])
      throw InputError("--protocol loco: speaker '" + data.speakers[i] + "' occurs in corpora '" + it->second +
                       "' and '" + data.corpora[i] + "'");
  }
  return make_speaker_folds(data.corpora, Protocol::loco, k, seed);
}

namespace {

// Predicts the rows `test` with `model`, restricted to the model classes in `eval_labels`, and adds
// them to `confusion` (indices of eval_labels). Rows whose truth is not in eval_labels are skipped.
void predict_into(const LinearModel& model, const Dataset& data, const std::vector<std::size_t>& test,
                  const std::vector<std::string>& eval_labels, ConfusionMatrix& confusion, FoldResult* fold) {
  std::vector<std::size_t> allowed;       // model class indices
  std::vector<std::size_t> model_to_eval(model.labels.size(), eval_labels.size());
  for (std::size_t c = 0; c < model.labels.size(); ++c) {
    const auto it = std::find(eval_labels.begin(), eval_labels.end(), model.labels[c]);
    if (it != eval_labels.end()) {
      allowed.push_back(c);
      model_to_eval[c] = static_cast<std::size_t>(it - eval_labels.begin());
    }
  }
  SENTIO_ASSERT(!allowed.empty());
  ConfusionMatrix local(eval_labels.size());
  std::vector<float> scores(model.labels.size());
  for (std::size_t r : test) {
    const auto truth_it = std::find(eval_labels.begin(), eval_labels.end(), data.labels[r]);
    if (truth_it == eval_labels.end()) continue;
    const std::vector<double> z = model.logits(data.row(r));
    for (std::size_t c = 0; c < z.size(); ++c) scores[c] = static_cast<float>(z[c]);
    const std::size_t pred = model_to_eval[restricted_argmax(scores, allowed)];
    const auto truth = static_cast<std::size_t>(truth_it - eval_labels.begin());
    confusion.add(truth, pred);
    local.add(truth, pred);
  }
  if (fold) {
    const ClassificationMetrics m = compute_metrics(local);
    fold->n = m.n;
    fold->wa = m.accuracy;
    fold->ua = m.balanced_accuracy;
  }
}

}  // namespace

EvalResult evaluate(const Dataset& data, const EvalOptions& options, const LinearModel* model) {
  EvalResult result;
  result.protocol = options.protocol;
  std::set<std::string> present(data.labels.begin(), data.labels.end());
  if (options.protocol == Protocol::split) {
    if (!model) throw InputError("--protocol split evaluates a trained model: give --model MODEL.json");
    for (const auto& label : model->labels)
      if (present.count(label)) result.labels.push_back(label);
    for (const auto& label : data.labels)
      if (std::find(model->labels.begin(), model->labels.end(), label) == model->labels.end())
        ++result.skipped_not_in_model[label];
  } else {
    for (const auto& label : canonical_labels())
      if (present.count(label)) result.labels.push_back(label);
  }
  if (result.labels.empty())
    throw InputError("no evaluation data: none of the data's labels is a class of the model");
  result.confusion = ConfusionMatrix(result.labels.size());
  if (options.protocol == Protocol::split) {
    std::vector<std::size_t> all(data.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    predict_into(*model, data, all, result.labels, result.confusion, nullptr);
  } else {
    for (const Fold& fold : make_folds(data, options.protocol, options.folds, options.train.seed)) {
      FoldResult fr;
      fr.test_speakers = fold.test_speakers;
      const LinearModel fold_model = train_linear(data, fold.train, options.train);
      predict_into(fold_model, data, fold.test, result.labels, result.confusion, &fr);
      result.folds.push_back(std::move(fr));
    }
  }
  result.metrics = compute_metrics(result.confusion);
  return result;
}

}  // namespace sentio::ser
