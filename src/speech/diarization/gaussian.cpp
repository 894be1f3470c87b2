// SPDX-License-Identifier: Apache-2.0
#include "gaussian.hpp"

#include <cmath>

#include "sentio/core/error.hpp"

namespace sentio::speech::diarization {
namespace {

// Ridge added to the covariance diagonal. Cepstra are in natural-log units (variances from ~0.05 for
// high orders to ~5 for c1), so 0.01 only matters for pieces with fewer frames than dimensions.
constexpr double kRidge = 0.01;

}  // namespace

void GaussianStats::add(std::span<const float> x) {
  n += 1;
  int k = 0;
  for (int i = 0; i < kCepstra; ++i) {
    const double xi = x[static_cast<std::size_t>(i)];
    sum[i] += xi;
    for (int j = i; j < kCepstra; ++j) outer[k++] += xi * x[static_cast<std::size_t>(j)];
  }
}

GaussianStats& GaussianStats::operator+=(const GaussianStats& o) {
  n += o.n;
  for (int i = 0; i < kCepstra; ++i) sum[i] += o.sum[i];
  for (int i = 0; i < kPacked; ++i) outer[i] += o.outer[i];
  return *this;
}

GaussianStats& GaussianStats::operator-=(const GaussianStats& o) {
  n -= o.n;
  for (int i = 0; i < kCepstra; ++i) sum[i] -= o.sum[i];
  for (int i = 0; i < kPacked; ++i) outer[i] -= o.outer[i];
  return *this;
}

double GaussianStats::log_det() const {
  SENTIO_ASSERT(n > 0);
  // Covariance (full matrix), then an in-place Cholesky factorisation: log|S| = 2 sum log L_ii.
  double a[kCepstra][kCepstra];
  int k = 0;
  for (int i = 0; i < kCepstra; ++i)
    for (int j = i; j < kCepstra; ++j) {
      const double c = outer[k++] / n - (sum[i] / n) * (sum[j] / n);
      a[i][j] = a[j][i] = c;
    }
  for (int i = 0; i < kCepstra; ++i) a[i][i] += kRidge;
  double ld = 0;
  for (int j = 0; j < kCepstra; ++j) {
    double d = a[j][j];
    for (int p = 0; p < j; ++p) d -= a[j][p] * a[j][p];
    if (d < kRidge * 1e-3) d = kRidge * 1e-3;  // rounding on a near-singular matrix
    const double l = std::sqrt(d);
    a[j][j] = l;
    ld += std::log(d);
    for (int i = j + 1; i < kCepstra; ++i) {
      double s = a[i][j];
      for (int p = 0; p < j; ++p) s -= a[i][p] * a[j][p];
      a[i][j] = s / l;
    }
  }
  return ld;
}

std::vector<float> GaussianStats::to_embedding() const {
  std::vector<float> e(kEmbeddingSize, 0.0f);
  e[0] = static_cast<float>(n);
  if (n <= 0) return e;
  for (int i = 0; i < kCepstra; ++i) e[static_cast<std::size_t>(1 + i)] = static_cast<float>(sum[i] / n);
  int k = 0;
  for (int i = 0; i < kCepstra; ++i)
    for (int j = i; j < kCepstra; ++j, ++k)
      e[static_cast<std::size_t>(1 + kCepstra + k)] = static_cast<float>(outer[k] / n - (sum[i] / n) * (sum[j] / n));
  return e;
}

GaussianStats GaussianStats::from_embedding(std::span<const float> e) {
  SENTIO_ASSERT(e.size() == static_cast<std::size_t>(kEmbeddingSize));
  GaussianStats g;
  g.n = e[0];
  double mean[kCepstra];
  for (int i = 0; i < kCepstra; ++i) {
    mean[i] = e[static_cast<std::size_t>(1 + i)];
    g.sum[i] = g.n * mean[i];
  }
  int k = 0;
  for (int i = 0; i < kCepstra; ++i)
    for (int j = i; j < kCepstra; ++j, ++k)
      g.outer[k] = g.n * (static_cast<double>(e[static_cast<std::size_t>(1 + kCepstra + k)]) + mean[i] * mean[j]);
  return g;
}

double delta_bic(const GaussianStats& a, double log_det_a, const GaussianStats& b, double log_det_b, double lambda) {
  GaussianStats ab = a;
  ab += b;
  return 0.5 * (ab.n * ab.log_det() - a.n * log_det_a - b.n * log_det_b) -
         lambda * 0.5 * kGaussianParams * std::log(ab.n);
}

double delta_bic(const GaussianStats& a, const GaussianStats& b, double lambda) {
  return delta_bic(a, a.log_det(), b, b.log_det(), lambda);
}

}  // namespace sentio::speech::diarization
