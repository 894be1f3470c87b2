// SPDX-License-Identifier: Apache-2.0
// Temperature scaling and the weighted log-probability ensemble (calibration.hpp).
#include "sentio/ser_neural/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sentio/core/error.hpp"

namespace sentio::ser {

double mean_nll(std::span<const float> logits, std::size_t k, std::span<const std::size_t> truth, double temperature) {
  SENTIO_ASSERT(k > 0 && logits.size() == truth.size() * k);
  if (truth.empty()) return 0;
  double s = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    SENTIO_ASSERT(truth[i] < k);
    s -= log_softmax(logits.subspan(i * k, k), temperature)[truth[i]];
  }
  return s / static_cast<double>(truth.size());
}

double fit_temperature(std::span<const float> logits, std::size_t k, std::span<const std::size_t> truth) {
  if (truth.empty()) return 1.0;
  // NLL(T) is smooth in log T; a coarse grid finds the basin, golden-section search polishes it.
  const double lo = std::log(0.05), hi = std::log(20.0);
  constexpr int kGrid = 121;
  double best_u = 0, best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < kGrid; ++i) {
    const double u = lo + (hi - lo) * i / (kGrid - 1);
    const double v = mean_nll(logits, k, truth, std::exp(u));
    if (v < best) {
      best = v;
      best_u = u;
    }
  }
  const double step = (hi - lo) / (kGrid - 1);
  double a = std::max(lo, best_u - step), b = std::min(hi, best_u + step);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = mean_nll(logits, k, truth, std::exp(c)), fd = mean_nll(logits, k, truth, std::exp(d));
  for (int it = 0; it < 40; ++it) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = mean_nll(logits, k, truth, std::exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = mean_nll(logits, k, truth, std::exp(d));
    }
  }
  const double u = (a + b) / 2;
  return mean_nll(logits, k, truth, std::exp(u)) <= best ? std::exp(u) : std::exp(best_u);
}

std::vector<float> combine(std::span<const float> linear_logits, double linear_temperature,
                           std::span<const float> neural_logits, double neural_temperature, double linear_weight,
                           double output_temperature) {
  SENTIO_ASSERT(linear_logits.size() == neural_logits.size() && linear_weight >= 0 && linear_weight <= 1);
  const std::vector<double> a = log_softmax(linear_logits, linear_temperature);
  const std::vector<double> b = log_softmax(neural_logits, neural_temperature);
  std::vector<float> s(a.size());
  for (std::size_t c = 0; c < a.size(); ++c) s[c] = static_cast<float>(linear_weight * a[c] + (1 - linear_weight) * b[c]);
  const std::vector<double> l = log_softmax(s, output_temperature);
  std::vector<float> p(l.size());
  for (std::size_t c = 0; c < l.size(); ++c) p[c] = static_cast<float>(std::exp(l[c]));
  return p;
}

double unweighted_recall(std::span<const float> scores, std::size_t k, std::span<const std::size_t> truth) {
  SENTIO_ASSERT(scores.size() == truth.size() * k);
  std::vector<double> hit(k, 0), n(k, 0);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto row = scores.subspan(i * k, k);
    const std::size_t pred = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    n[truth[i]] += 1;
    if (pred == truth[i]) hit[truth[i]] += 1;
  }
  double s = 0;
  int classes = 0;
  for (std::size_t c = 0; c < k; ++c)
    if (n[c] > 0) {
      s += hit[c] / n[c];
      ++classes;
    }
  return classes ? s / classes : 0.0;
}

EnsembleWeight choose_weight(std::span<const float> linear_logits, double linear_temperature,
                             std::span<const float> neural_logits, double neural_temperature, std::size_t k,
                             std::span<const std::size_t> truth) {
  EnsembleWeight best;
  best.ua = -1;
  for (int i = 0; i <= 20; ++i) {
    const double w = i / 20.0;
    std::vector<float> p;
    double nll = 0;
    for (std::size_t r = 0; r < truth.size(); ++r) {
      const std::vector<float> q = combine(linear_logits.subspan(r * k, k), linear_temperature,
                                           neural_logits.subspan(r * k, k), neural_temperature, w);
      nll -= std::log(std::max(1e-30, static_cast<double>(q[truth[r]])));
      p.insert(p.end(), q.begin(), q.end());
    }
    if (!truth.empty()) nll /= static_cast<double>(truth.size());
    const double ua = unweighted_recall(p, k, truth);
    if (ua > best.ua + 1e-12 || (std::fabs(ua - best.ua) <= 1e-12 && nll < best.nll)) best = {w, ua, nll};
  }
  return best;
}

}  // namespace sentio::ser
