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

namespace {

// Per-label true/false positives and negatives of multi-label decisions, and exact matches.
struct LabelCounts {
  std::vector<std::size_t> tp, fp, fn;
  std::size_t exact = 0, n = 0;
  explicit LabelCounts(std::size_t labels) : tp(labels, 0), fp(labels, 0), fn(labels, 0) {}
};

// Metrics of multi-label counts: exact-match ratio, per-label F1, macro/weighted over labels with
// support, micro-F1 (with and without the label `neutral`, -1 = none).
void multi_label_metrics(const LabelCounts& c, int neutral, ClassificationMetrics& m, double& micro_f1,
                         double& micro_f1_no_neutral) {
  const std::size_t E = c.tp.size();
  m.n = c.n;
  m.accuracy = c.n ? static_cast<double>(c.exact) / static_cast<double>(c.n) : 0;
  m.recall.assign(E, 0);
  m.precision.assign(E, 0);
  m.f1.assign(E, 0);
  m.support.assign(E, 0);
  std::size_t with_support = 0, total_support = 0, tp_all = 0, fp_all = 0, fn_all = 0, tp_nn = 0, fp_nn = 0, fn_nn = 0;
  for (std::size_t e = 0; e < E; ++e) {
    m.support[e] = c.tp[e] + c.fn[e];
    const double tp = static_cast<double>(c.tp[e]);
    if (c.tp[e] + c.fp[e]) m.precision[e] = tp / static_cast<double>(c.tp[e] + c.fp[e]);
    if (m.support[e]) m.recall[e] = tp / static_cast<double>(m.support[e]);
    if (m.precision[e] + m.recall[e] > 0) m.f1[e] = 2 * m.precision[e] * m.recall[e] / (m.precision[e] + m.recall[e]);
    if (m.support[e]) {
      ++with_support;
      m.macro_f1 += m.f1[e];
      m.balanced_accuracy += m.recall[e];
      m.weighted_f1 += m.f1[e] * static_cast<double>(m.support[e]);
      total_support += m.support[e];
    }
    tp_all += c.tp[e];
    fp_all += c.fp[e];
    fn_all += c.fn[e];
    if (static_cast<int>(e) != neutral) {
      tp_nn += c.tp[e];
      fp_nn += c.fp[e];
      fn_nn += c.fn[e];
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
  micro_f1 = f1(tp_all, fp_all, fn_all);
  micro_f1_no_neutral = neutral >= 0 ? f1(tp_nn, fp_nn, fn_nn) : -1;
}

// Adds one item's truth and predicted set (over the evaluated labels) to `c`; `extra` = the prediction
// also holds a label outside them (the exact match fails).
void count_item(const std::vector<bool>& truth, const std::vector<bool>& pred, bool extra, LabelCounts& c) {
  ++c.n;
  bool same = !extra;
  for (std::size_t e = 0; e < truth.size(); ++e) {
    if (truth[e] && pred[e]) ++c.tp[e];
    if (!truth[e] && pred[e]) ++c.fp[e];
    if (truth[e] && !pred[e]) ++c.fn[e];
    same = same && truth[e] == pred[e];
  }
  c.exact += same;
}

std::size_t full_argmax(const std::vector<float>& p) {
  return static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

}  // namespace

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
  auto& free = r.free_choice;
  if (!r.multi_label) {
    r.confusion = ConfusionMatrix(E);
    ConfusionMatrix free_confusion(E + 1);  // the last column: a label outside the evaluated ones
    for (std::size_t i = 0; i < data.items.size(); ++i) {
      const auto it = model_index.find(data.items[i].labels.front());
      if (it == model_index.end()) {
        ++r.skipped_unknown;
        continue;
      }
      const auto truth = static_cast<std::size_t>(eval_of[it->second]);
      r.confusion.add(truth, static_cast<std::size_t>(eval_of[restricted_argmax(probs[i], allowed)]));
      const int any = eval_of[full_argmax(probs[i])];
      free.outside += any < 0;
      free_confusion.add(truth, any < 0 ? E : static_cast<std::size_t>(any));
    }
    r.metrics = compute_metrics(r.confusion);
    r.n = r.metrics.n;
    r.micro_f1 = r.metrics.accuracy;
    if (neutral >= 0) r.micro_f1_no_neutral = micro_f1_excluding(r.confusion, static_cast<std::size_t>(neutral));
    free.metrics = compute_metrics(free_confusion);
    for (auto* v : {&free.metrics.recall, &free.metrics.precision, &free.metrics.f1}) v->resize(E);
    free.metrics.support.resize(E);
    free.micro_f1 = free.metrics.accuracy;
    if (neutral >= 0) free.micro_f1_no_neutral = micro_f1_excluding(free_confusion, static_cast<std::size_t>(neutral));
    return r;
  }
  // Multi-label: predicted set per item, restricted to the evaluated labels and free.
  LabelCounts restricted(E), unrestricted(E);
  std::vector<bool> truth(E), pred(E), pred_free(E);
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
    std::fill(pred.begin(), pred.end(), false);
    std::fill(pred_free.begin(), pred_free.end(), false);
    bool any_pred = false, any_free = false, extra = false;
    if (model_multi) {
      for (std::size_t c = 0; c < model_labels.size(); ++c) {
        if (probs[i][c] < thresholds[c]) continue;
        any_free = true;
        if (eval_of[c] < 0) {
          extra = true;
        } else {
          pred[static_cast<std::size_t>(eval_of[c])] = pred_free[static_cast<std::size_t>(eval_of[c])] = any_pred = true;
        }
      }
    }
    if (!any_pred) pred[static_cast<std::size_t>(eval_of[restricted_argmax(probs[i], allowed)])] = true;
    if (!any_free) {
      const int top = eval_of[full_argmax(probs[i])];
      if (top < 0) {
        extra = true;
      } else {
        pred_free[static_cast<std::size_t>(top)] = true;
      }
    }
    count_item(truth, pred, false, restricted);
    count_item(truth, pred_free, extra, unrestricted);
    free.outside += extra;
  }
  r.n = restricted.n;
  r.tp = restricted.tp;
  r.fp = restricted.fp;
  r.fn = restricted.fn;
  multi_label_metrics(restricted, neutral, r.metrics, r.micro_f1, r.micro_f1_no_neutral);
  multi_label_metrics(unrestricted, neutral, free.metrics, free.micro_f1, free.micro_f1_no_neutral);
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
