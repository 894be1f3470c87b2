// SPDX-License-Identifier: Apache-2.0
#pragma once
// Classification metrics shared by the evaluation commands (faces, speech, text).
// Classes are dense indices 0..n_classes-1; names are attached by the caller.
#include <cstddef>
#include <span>
#include <vector>

namespace sentio {

// Square confusion matrix: counts[truth][predicted].
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::size_t n_classes);

  // Records one (truth, predicted) pair; both < n_classes() (programmer error otherwise).
  void add(std::size_t truth, std::size_t predicted);

  std::size_t n_classes() const { return n_; }
  std::size_t count(std::size_t truth, std::size_t predicted) const;
  std::size_t total() const { return total_; }
  std::size_t support(std::size_t truth) const;        // row sum: items whose truth is the class
  std::size_t predicted_count(std::size_t cls) const;  // column sum

 private:
  std::size_t n_;
  std::size_t total_ = 0;
  std::vector<std::size_t> counts_;  // n_ x n_, row-major
};

struct ClassificationMetrics {
  std::size_t n = 0;                // items
  double accuracy = 0;              // trace / n (0 when n == 0)
  double macro_f1 = 0;              // unweighted mean of per-class F1 over the classes with support > 0
  double weighted_f1 = 0;           // mean of per-class F1 weighted by support
  double balanced_accuracy = 0;     // mean recall over the classes with support > 0 (unweighted average recall)
  std::vector<double> recall;       // per class; 0 when the class has no support
  std::vector<double> precision;    // per class; 0 when the class was never predicted
  std::vector<double> f1;           // per class; 2PR/(P+R), 0 when P+R == 0
  std::vector<std::size_t> support; // per class
};

// Metrics of a confusion matrix. Classes without support (no true item) are excluded from the macro
// averages (they would otherwise count as F1 = 0); wrong predictions of such a class still lower the
// recall (and F1) of the true classes they were taken from.
ClassificationMetrics compute_metrics(const ConfusionMatrix& confusion);

// Index of the largest score among the `allowed` classes (ties: the lowest index). `allowed` must be
// non-empty and its indices < scores.size(). Used to restrict a classifier's decision to the classes
// present in an evaluation set.
std::size_t restricted_argmax(std::span<const float> scores, std::span<const std::size_t> allowed);

}  // namespace sentio
