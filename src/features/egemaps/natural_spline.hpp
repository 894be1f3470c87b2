// SPDX-License-Identifier: Apache-2.0
#pragma once
// Natural cubic spline resampling from fixed knots to fixed target abscissae (private helper of
// the eGeMAPS pitch stage, ../shared/docs/EGEMAPS.md section 2.1 step 3).
//
// Formulation: the second derivatives M[i] solve, for i = 1..n-2,
//   h[i-1] M[i-1] + 2 (h[i-1] + h[i]) M[i] + h[i] M[i+1] = 6 (d[i] - d[i-1]),
// with h[i] = x[i+1] - x[i], d[i] = (y[i+1] - y[i]) / h[i] and M[0] = M[n-1] = 0 ("natural").
// A target t in [x[k], x[k+1]] gets, with a = (x[k+1] - t) / h[k] and b = 1 - a,
//   s(t) = a y[k] + b y[k+1] + ((a^3 - a) M[k] + (b^3 - b) M[k+1]) h[k]^2 / 6.
// Targets outside the knot range use the first or last interval (cubic extrapolation).
//
// The knots and targets never change, so everything that depends only on the abscissae is
// precomputed: the LU factorisation of the tridiagonal system (Numerical-Recipes elimination:
//   u[i] = r[i] - m[i] u[i-1],  M[i] = c[i] M[i+1] + u[i]),
// and, per target, its interval and four weights.
//
// Speed: the two recurrences are chains of ~500 dependent multiply-adds, which are latency bound.
// They are cut into kChunks chunks, solved simultaneously, then stitched: a linear recurrence
// started from 0 differs from the true one by (precomputed product of coefficients) x (the true
// value at the chunk boundary). The chunks are stored transposed ("slot" = t * kChunks + chunk)
// so that each step is one contiguous, vectorisable loop over the chunks.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio::features::egemaps {

class NaturalSplineResampler {
 public:
  NaturalSplineResampler() = default;

  // knots: n >= 3 strictly increasing abscissae. targets: any abscissae (normally inside the range).
  NaturalSplineResampler(std::span<const double> knots, std::span<const double> targets) {
    const std::size_t n = knots.size();
    SENTIO_ASSERT(n >= 3);
    for (std::size_t i = 1; i < n; ++i) SENTIO_ASSERT(knots[i] > knots[i - 1]);
    n_ = n;
    inv_h_.resize(n - 1);
    for (std::size_t i = 0; i + 1 < n; ++i) inv_h_[i] = 1.0 / (knots[i + 1] - knots[i]);

    // Elimination coefficients in natural order (index = knot).
    std::vector<double> rhs(n, 0.0), fwd_m(n, 0.0), back_c(n, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double span = knots[i + 1] - knots[i - 1];
      const double sig = (knots[i] - knots[i - 1]) / span;
      const double p = sig * back_c[i - 1] + 2.0;
      back_c[i] = (sig - 1.0) / p;
      fwd_m[i] = sig / p;
      rhs[i] = 6.0 / span / p;
    }

    // Slots hold knots 1..kChunks*len; knot n-1 and any knot beyond it are zero slots (M = 0,
    // coefficients 0), which also makes the last real chunk end on M[n-1] = 0. One more slot
    // (index zero_slot()) holds M[0] = 0.
    len_ = (n - 1 + kChunks - 1) / kChunks;
    const std::size_t slots = len_ * kChunks;
    fwd_m_.assign(slots, 0.0);
    back_c_.assign(slots, 0.0);
    fwd_gain_.assign(slots, 0.0);
    back_gain_.assign(slots, 0.0);
    rhs_nat_ = rhs;
    slot_knot_.assign(slots, 0);
    for (std::size_t c = 0; c < kChunks; ++c) {
      for (std::size_t t = 0; t < len_; ++t) {
        const std::size_t i = knot_of(c, t);
        slot_knot_[slot(c, t)] = static_cast<std::uint32_t>(std::min(i, n - 1));  // n-1: r = 0
        if (i + 1 >= n) continue;
        const std::size_t s = slot(c, t);
        fwd_m_[s] = fwd_m[i];
        back_c_[s] = back_c[i];
      }
      double g = 1.0;
      for (std::size_t t = 0; t < len_; ++t) fwd_gain_[slot(c, t)] = g *= -fwd_m_[slot(c, t)];
      g = 1.0;
      for (std::size_t t = len_; t-- > 0;) back_gain_[slot(c, t)] = g *= back_c_[slot(c, t)];
    }

    const std::size_t m = targets.size();
    lo_.resize(m);
    mslot_lo_.resize(m);
    mslot_hi_.resize(m);
    for (auto& w : w_) w.resize(m);
    for (std::size_t t = 0; t < m; ++t) {
      const double x = targets[t];
      // Largest k with knots[k] <= x, clamped to [0, n-2].
      auto it = std::upper_bound(knots.begin(), knots.end(), x);
      std::size_t k = it == knots.begin() ? 0 : static_cast<std::size_t>(it - knots.begin()) - 1;
      k = std::min(k, n - 2);
      const double h = knots[k + 1] - knots[k];
      const double a = (knots[k + 1] - x) / h;
      const double b = (x - knots[k]) / h;
      lo_[t] = static_cast<int>(k);
      mslot_lo_[t] = static_cast<int>(slot_of_knot(k));
      mslot_hi_[t] = static_cast<int>(slot_of_knot(k + 1));
      w_[0][t] = a;
      w_[1][t] = b;
      w_[2][t] = (a * a * a - a) * (h * h) / 6.0;
      w_[3][t] = (b * b * b - b) * (h * h) / 6.0;
    }
  }

  std::size_t knot_count() const { return n_; }
  std::size_t target_count() const { return lo_.size(); }
  // Size of the work buffer resample() needs: the slots, M[0], and the natural-order right-hand side.
  std::size_t work_size() const { return len_ * kChunks + 1 + n_; }

  // y: knot_count() values. work: at least work_size() doubles (overwritten). out: target_count().
  void resample(std::span<const double> y, std::span<double> work, std::span<double> out) const {
    SENTIO_ASSERT(out.size() == lo_.size());
    resample_each(y, work, [&](std::size_t t, double v) { out[t] = v; });
  }

  // Same, handing each interpolated value to sink(target_index, value) in target order
  // (lets the caller fuse its post-processing into the evaluation pass).
  template <class Sink>
  void resample_each(std::span<const double> y, std::span<double> work, Sink&& sink) const {
    SENTIO_ASSERT(y.size() == n_ && work.size() >= work_size());
    const std::size_t n = n_;
    const std::size_t len = len_;
    constexpr std::size_t C = kChunks;
    const std::size_t slots = len * C;
    double* mm = work.data();

    // Right-hand side r[i] = 6 (d[i] - d[i-1]) / (x[i+1] - x[i-1]) / p[i] in natural order
    // (vectorisable; M[0] = 0 lands in mm[zero_slot], M[n-1] in a zero slot), then to slots.
    double* r = mm + slots + 1;
    r[0] = 0.0;
    r[n - 1] = 0.0;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      r[i] = ((y[i + 1] - y[i]) * inv_h_[i] - (y[i] - y[i - 1]) * inv_h_[i - 1]) * rhs_nat_[i];
    }
    for (std::size_t s = 0; s < slots; ++s) mm[s] = r[slot_knot_[s]];
    mm[zero_slot()] = 0.0;
    // Forward elimination within each chunk, then stitching with the true boundary values.
    for (std::size_t t = 1; t < len; ++t) {
      double* cur = mm + t * C;
      const double* prev = cur - C;
      const double* m = fwd_m_.data() + t * C;
      for (std::size_t c = 0; c < C; ++c) cur[c] -= m[c] * prev[c];
    }
    std::array<double, C> carry{};
    for (std::size_t c = 1; c < C; ++c) {
      const std::size_t e = slot(c - 1, len - 1);
      carry[c] = mm[e] + fwd_gain_[e] * carry[c - 1];
    }
    for (std::size_t t = 0; t < len; ++t) {
      double* cur = mm + t * C;
      const double* g = fwd_gain_.data() + t * C;
      for (std::size_t c = 0; c < C; ++c) cur[c] += g[c] * carry[c];
    }
    // Back substitution within each chunk, then stitching.
    for (std::size_t t = len - 1; t-- > 0;) {
      double* cur = mm + t * C;
      const double* next = cur + C;
      const double* cc = back_c_.data() + t * C;
      for (std::size_t c = 0; c < C; ++c) cur[c] += cc[c] * next[c];
    }
    carry[C - 1] = 0.0;
    for (std::size_t c = C - 1; c-- > 0;) {
      const std::size_t s = slot(c + 1, 0);
      carry[c] = mm[s] + back_gain_[s] * carry[c + 1];
    }
    for (std::size_t t = 0; t < len; ++t) {
      double* cur = mm + t * C;
      const double* g = back_gain_.data() + t * C;
      for (std::size_t c = 0; c < C; ++c) cur[c] += g[c] * carry[c];
    }
    // Evaluation at the targets (M read through the slot map; M[0] is the zero slot).
    const std::size_t m = lo_.size();
    for (std::size_t t = 0; t < m; ++t) {
      const std::size_t k = static_cast<std::size_t>(lo_[t]);
      const double m_lo = mm[mslot_lo_[t]];
      const double m_hi = mm[mslot_hi_[t]];
      sink(t, w_[0][t] * y[k] + w_[1][t] * y[k + 1] + (w_[2][t] * m_lo + w_[3][t] * m_hi));
    }
  }

  // Raw view of the precomputed tables, for kernels that run the same arithmetic as
  // resample_each() in their own translation unit (see egemaps/pitch_kernels.hpp).
  struct Plan {
    int n = 0;       // knots
    int len = 0;     // knots per chunk
    int chunks = 0;  // kChunks
    int targets = 0;
    const double* inv_h = nullptr;
    const double* rhs = nullptr;
    const std::uint32_t* slot_knot = nullptr;
    const double* fwd_m = nullptr;
    const double* back_c = nullptr;
    const double* fwd_gain = nullptr;
    const double* back_gain = nullptr;
    const int* lo = nullptr;
    const int* mslot_lo = nullptr;
    const int* mslot_hi = nullptr;
    const double* w[4] = {};
  };
  Plan plan() const {
    Plan p;
    p.n = static_cast<int>(n_);
    p.len = static_cast<int>(len_);
    p.chunks = static_cast<int>(kChunks);
    p.targets = static_cast<int>(lo_.size());
    p.inv_h = inv_h_.data();
    p.rhs = rhs_nat_.data();
    p.slot_knot = slot_knot_.data();
    p.fwd_m = fwd_m_.data();
    p.back_c = back_c_.data();
    p.fwd_gain = fwd_gain_.data();
    p.back_gain = back_gain_.data();
    p.lo = lo_.data();
    p.mslot_lo = mslot_lo_.data();
    p.mslot_hi = mslot_hi_.data();
    for (int i = 0; i < 4; ++i) p.w[i] = w_[i].data();
    return p;
  }

 private:
  static constexpr std::size_t kChunks = 16;
  std::size_t knot_of(std::size_t c, std::size_t t) const { return 1 + c * len_ + t; }
  std::size_t slot(std::size_t c, std::size_t t) const { return t * kChunks + c; }
  std::size_t zero_slot() const { return len_ * kChunks; }
  std::size_t slot_of_knot(std::size_t i) const {
    if (i == 0 || i + 1 >= n_) return zero_slot();  // natural ends: M = 0
    return slot((i - 1) / len_, (i - 1) % len_);
  }

  std::size_t n_ = 0;
  std::size_t len_ = 0;            // knots per chunk
  std::vector<double> inv_h_;      // 1 / (x[i+1] - x[i]), natural order, n-1
  // Per slot (transposed): forward m, backward c, and the stitching gains
  // fwd_gain = prod_{s<=t} (-m) (sensitivity to the value before the chunk) and
  // back_gain = prod_{s>=t} c (sensitivity to the value after the chunk).
  std::vector<double> fwd_m_, back_c_, fwd_gain_, back_gain_;
  std::vector<double> rhs_nat_;             // r scale in natural order (0 at both ends)
  std::vector<std::uint32_t> slot_knot_;    // knot of each slot (n-1 for zero slots)
  std::vector<int> lo_;                    // interval index per target
  std::vector<int> mslot_lo_, mslot_hi_;   // slots of M[k] and M[k+1] per target
  std::array<std::vector<double>, 4> w_;   // weights of y[k], y[k+1], M[k], M[k+1] per target
};

}  // namespace sentio::features::egemaps
