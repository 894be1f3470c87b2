// SPDX-License-Identifier: Apache-2.0
// Text model evaluation: the metrics of issue 5 (weighted-F1, macro-F1, micro-F1 without neutral,
// multi-label macro-F1), always over the classes present in the evaluation data.
#include <algorithm>
#include <chrono>
#include <map>

#include "eval_internal.hpp"
#include "sentio/core/error.hpp"

namespace sentio::text {

double micro_f1_excluding(const ConfusionMatrix& confusion, std::size_t excluded) {
  std::size_t tp = 0, predicted = 0, actual = 0;
  for (std::size_t c = 0; c < confusion.n_classes(); ++c) {
    if (c == excluded) continue;
    tp += confusion.count(c, c);
    predicted += confusion.predicted_count(c);
    actual += confusion.support(c);
  }
  if (tp == 0) return 0;
  const double p = static_cast<double>(tp) / static_cast<double>(predicted);
  const double r = static_cast<double>(tp) / static_cast<double>(actual);
  return 2 * p * r / (p + r);
}

namespace detail {

TextEvalResult score_probabilities(const std::vector<std::string>& model_labels, bool model_multi,
                                   const std::vector<float>& thresholds,
                                   const std::vector<std::vector<float>>& probs, const Corpus& data) {
  TextEvalResult r;
  r.multi_label = data.multi_label;
  std::map<std::string, std::size_t> model_index;
  for (std::size_t c = 0; c < model_labels.size(); ++c) model_index[model_labels[c]] = c;
  // Evaluated classes: labels of the data the model knows, in model order.
  std::vector<bool> present(model_labels.size(), false);
  for (const auto& u : data.items)
    for (const auto& l : u.labels) {
      const auto it = model_index.find(l);
      if (it != model_index.end()) present[it->second] = true;
    }
  std::vector<std::size_t> allowed;  // model indices
  std::vector<int> eval_of(model_labels.size(), -1);
  for (std::size_t c = 0; c < model_labels.size(); ++c)
    if (present[c]) {
      eval_of[c] = static_cast<int>(allowed.size());
      allowed.push_back(c);
      r.labels.push_back(model_labels[c]);
    }
  const std::size_t E = allowed.size();
  if (E == 0) {
    r.skipped_unknown = data.items.size();
    return r;
  }
  const int neutral = model_index.count("neutral") ? eval_of[model_index["neutral"]] : -1;
  if (!r.multi_label) {
    r.confusion = ConfusionMatrix(E);
    for (std::size_t i = 0; i < data.items.size(); ++i) {
      const auto it = model_index.find(data.items[i].labels.front());
      if (it == model_index.end()) {
        ++r.skipped_unknown;
        continue;
      }
      const std::size_t pred = restricted_argmax(probs[i], allowed);
      r.confusion.add(static_cast<std::size_t>(eval_of[it->second]), static_cast<std::size_t>(eval_of[pred]));
    }
    r.metrics = compute_metrics(r.confusion);
    r.n = r.metrics.n;
    r.micro_f1 = r.metrics.accuracy;
    if (neutral >= 0) r.micro_f1_no_neutral = micro_f1_excluding(r.confusion, static_cast<std::size_t>(neutral));
    return r;
  }
  // Multi-label: predicted set per item, per-label counts.
  r.tp.assign(E, 0);
  r.fp.assign(E, 0);
  r.fn.assign(E, 0);
  std::size_t exact = 0;
  std::vector<bool> truth(E), pred(E);
  for (std::size_t i = 0; i < data.items.size(); ++i) {
    std::fill(truth.begin(), truth.end(), false);
    bool any = false;
    for (const auto& l : data.items[i].labels) {
      const auto it = model_index.find(l);
      if (it != model_index.end()) truth[static_cast<std::size_t>(eval_of[it->second])] = any = true;
    }
    if (!any) {
      ++r.skipped_unknown;
      continue;
    }
    ++r.n;
    std::fill(pred.begin(), pred.end(), false);
    bool any_pred = false;
    if (model_multi) {
      for (std::size_t e = 0; e < E; ++e)
        if (probs[i][allowed[e]] >= thresholds[allowed[e]]) pred[e] = any_pred = true;
    }
    if (!any_pred) pred[static_cast<std::size_t>(eval_of[restricted_argmax(probs[i], allowed)])] = true;
    bool same = true;
    for (std::size_t e = 0; e < E; ++e) {
      if (truth[e] && pred[e]) ++r.tp[e];
      if (!truth[e] && pred[e]) ++r.fp[e];
      if (truth[e] && !pred[e]) ++r.fn[e];
      same = same && truth[e] == pred[e];
    }
    exact += same;
  }
  auto& m = r.metrics;
  m.n = r.n;
  m.accuracy = r.n ? static_cast<double>(exact) / static_cast<double>(r.n) : 0;  // exact-match ratio
  m.recall.assign(E, 0);
  m.precision.assign(E, 0);
  m.f1.assign(E, 0);
  m.support.assign(E, 0);
  std::size_t with_support = 0, total_support = 0, tp_all = 0, fp_all = 0, fn_all = 0, tp_nn = 0, fp_nn = 0, fn_nn = 0;
  for (std::size_t e = 0; e < E; ++e) {
    m.support[e] = r.tp[e] + r.fn[e];
    const double tp = static_cast<double>(r.tp[e]);
    if (r.tp[e] + r.fp[e]) m.precision[e] = tp / static_cast<double>(r.tp[e] + r.fp[e]);
    if (m.support[e]) m.recall[e] = tp / static_cast<double>(m.support[e]);
    if (m.precision[e] + m.recall[e] > 0) m.f1[e] = 2 * m.precision[e] * m.recall[e] / (m.precision[e] + m.recall[e]);
    if (m.support[e]) {
      ++with_support;
      m.macro_f1 += m.f1[e];
      m.balanced_accuracy += m.recall[e];
      m.weighted_f1 += m.f1[e] * static_cast<double>(m.support[e]);
      total_support += m.support[e];
    }
    tp_all += r.tp[e];
    fp_all += r.fp[e];
    fn_all += r.fn[e];
    if (static_cast<int>(e) != neutral) {
      tp_nn += r.tp[e];
      fp_nn += r.fp[e];
      fn_nn += r.fn[e];
    }
  }
  if (with_support) {
    m.macro_f1 /= static_cast<double>(with_support);
    m.balanced_accuracy /= static_cast<double>(with_support);
  }
  if (total_support) m.weighted_f1 /= static_cast<double>(total_support);
  auto f1 = [](std::size_t tp, std::size_t fp, std::size_t fn) {
    return tp ? 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn) : 0.0;
  };
  r.micro_f1 = f1(tp_all, fp_all, fn_all);
  if (neutral >= 0) r.micro_f1_no_neutral = f1(tp_nn, fp_nn, fn_nn);
  return r;
}

}  // namespace detail

TextEvalResult evaluate(const TextScorer& scorer, const Corpus& data, int threads) {
  std::vector<std::string> texts;
  texts.reserve(data.items.size());
  for (const auto& u : data.items) texts.push_back(u.text);
  const auto t0 = std::chrono::steady_clock::now();
  const auto probs = scorer.probabilities(texts, threads);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SENTIO_ASSERT(probs.size() == texts.size());
  std::vector<float> thresholds(scorer.labels.size(), 0.5f);
  if (scorer.multi_label) thresholds = scorer.thresholds;
  TextEvalResult r = detail::score_probabilities(scorer.labels, scorer.multi_label, thresholds, probs, data);
  r.seconds = seconds;
  return r;
}

TextEvalResult evaluate(const TextModel& model, const Corpus& data, int threads) {
  TextScorer s;
  s.labels = model.labels();
  s.multi_label = model.multi_label();
  s.thresholds = model.thresholds();
  s.probabilities = [&model](const std::vector<std::string>& texts, int n) { return model.probabilities(texts, n); };
  return evaluate(s, data, threads);
}

double metric_value(const TextEvalResult& r, const std::string& metric) {
  if (metric == "macro_f1") return r.metrics.macro_f1;
  if (metric == "micro_f1_no_neutral") return r.micro_f1_no_neutral < 0 ? r.metrics.weighted_f1 : r.micro_f1_no_neutral;
  return r.metrics.weighted_f1;
}

}  // namespace sentio::text
