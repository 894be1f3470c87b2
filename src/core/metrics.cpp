// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/metrics.hpp"

#include "sentio/core/error.hpp"

namespace sentio {

ConfusionMatrix::ConfusionMatrix(std::size_t n_classes) : n_(n_classes), counts_(n_classes * n_classes, 0) {
  SENTIO_ASSERT(n_classes > 0);
}

void ConfusionMatrix::add(std::size_t truth, std::size_t predicted) {
  SENTIO_ASSERT(truth < n_ && predicted < n_);
  ++counts_[truth * n_ + predicted];
  ++total_;
}

std::size_t ConfusionMatrix::count(std::size_t truth, std::size_t predicted) const {
  SENTIO_ASSERT(truth < n_ && predicted < n_);
  return counts_[truth * n_ + predicted];
}

std::size_t ConfusionMatrix::support(std::size_t truth) const {
  SENTIO_ASSERT(truth < n_);
  std::size_t s = 0;
  for (std::size_t p = 0; p < n_; ++p) s += counts_[truth * n_ + p];
  return s;
}

std::size_t ConfusionMatrix::predicted_count(std::size_t cls) const {
  SENTIO_ASSERT(cls < n_);
  std::size_t s = 0;
  for (std::size_t t = 0; t < n_; ++t) s += counts_[t * n_ + cls];
  return s;
}

ClassificationMetrics compute_metrics(const ConfusionMatrix& confusion) {
  const std::size_t k = confusion.n_classes();
  ClassificationMetrics m;
  m.n = confusion.total();
  m.recall.assign(k, 0.0);
  m.precision.assign(k, 0.0);
  m.f1.assign(k, 0.0);
  m.support.assign(k, 0);
  std::size_t correct = 0;
  std::size_t n_present = 0;
  double f1_sum = 0, f1_weighted = 0, recall_sum = 0;
  for (std::size_t c = 0; c < k; ++c) {
    const std::size_t tp = confusion.count(c, c);
    const std::size_t support = confusion.support(c);
    const std::size_t predicted = confusion.predicted_count(c);
    correct += tp;
    m.support[c] = support;
    if (support > 0) m.recall[c] = static_cast<double>(tp) / static_cast<double>(support);
    if (predicted > 0) m.precision[c] = static_cast<double>(tp) / static_cast<double>(predicted);
    const double pr = m.precision[c] + m.recall[c];
    if (pr > 0) m.f1[c] = 2.0 * m.precision[c] * m.recall[c] / pr;
    if (support > 0) {
      ++n_present;
      f1_sum += m.f1[c];
      recall_sum += m.recall[c];
      f1_weighted += m.f1[c] * static_cast<double>(support);
    }
  }
  if (m.n > 0) {
    m.accuracy = static_cast<double>(correct) / static_cast<double>(m.n);
    m.weighted_f1 = f1_weighted / static_cast<double>(m.n);
  }
  if (n_present > 0) {
    m.macro_f1 = f1_sum / static_cast<double>(n_present);
    m.balanced_accuracy = recall_sum / static_cast<double>(n_present);
  }
  return m;
}

std::size_t restricted_argmax(std::span<const float> scores, std::span<const std::size_t> allowed) {
  SENTIO_ASSERT(!allowed.empty());
  std::size_t best = allowed[0];
  SENTIO_ASSERT(best < scores.size());
  for (std::size_t i : allowed) {
    SENTIO_ASSERT(i < scores.size());
    if (scores[i] > scores[best] || (scores[i] == scores[best] && i < best)) best = i;
  }
  return best;
}

}  // namespace sentio
