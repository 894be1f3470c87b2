// SPDX-License-Identifier: Apache-2.0
// sma3 / sma3nz contour smoothers. Spec: ../shared/docs/EGEMAPS.md section 0 ("Smoothing").
//
// Both are a 3-tap moving average over (x[t-1], x[t], x[t+1]) with the series edge-replicated:
// x[-1] := x[0] and x[N] := x[N-1]. The arithmetic is float32 in openSMILE's order
// (y = x[t]; y += x[t-1]; y += x[t+1]; y /= count), so the whole-series and streaming versions
// share one kernel and agree bit for bit.
//
// sma3nz ("noZeroSma"): an exact 0 stays 0; otherwise the average is over the frame itself and
// whichever neighbours are non-zero. At the edges the replicated neighbour is the frame itself,
// so a non-zero first frame counts twice: y[0] = (2*x0 + x1)/3 if x1 != 0, else x0.
// (Checked against the reference LLD CSV: back-solving the raw F0 of voiced runs that touch the file
// start gives a smooth contour under this rule and a rougher one under "ignore the missing
// neighbour"; it is also the only rule consistent with the verified sma3 edge y[0] = (2x0+x1)/3.)
//
// N = 1: both neighbours are the frame itself, so y[0] = (x0 + x0 + x0)/3 (= x0 up to float rounding).
#include "egemaps/smoothing.hpp"

namespace sentio::features::egemaps {
namespace {

// One output frame from (previous, current, next) input frames; float32 like openSMILE.
inline float smooth3(float prev, float cur, float next, bool no_zero) {
  if (no_zero) {
    if (cur == 0.0f) return 0.0f;
    float y = cur;
    int count = 1;
    if (prev != 0.0f) {
      y += prev;
      ++count;
    }
    if (next != 0.0f) {
      y += next;
      ++count;
    }
    return y / static_cast<float>(count);
  }
  float y = cur;
  y += prev;
  y += next;
  return y / 3.0f;
}

std::vector<float> smooth_series(std::span<const float> x, bool no_zero) {
  const std::size_t n = x.size();
  std::vector<float> y(n);
  if (n == 0) return y;
  for (std::size_t t = 0; t < n; ++t) {
    const float prev = t == 0 ? x[0] : x[t - 1];
    const float next = t + 1 == n ? x[n - 1] : x[t + 1];
    y[t] = smooth3(prev, x[t], next, no_zero);
  }
  return y;
}

}  // namespace

std::vector<float> sma3(std::span<const float> x) { return smooth_series(x, /*no_zero=*/false); }

std::vector<float> sma3nz(std::span<const float> x) { return smooth_series(x, /*no_zero=*/true); }

// State: cur_ = x_{t-1} (the frame waiting for its right neighbour), prev_ = x_{t-2}
// (or x_0 itself while x_0 is the waiting frame: the left edge replication).
std::optional<float> Sma3Stream::push(float x) {
  if (n_ == 0) {
    prev_ = x;
    cur_ = x;
    n_ = 1;
    return std::nullopt;
  }
  const float y = smooth3(prev_, cur_, x, no_zero_);
  prev_ = cur_;
  cur_ = x;
  ++n_;
  return y;
}

// Emits the waiting frame with the right edge replicated, then returns to the initial state
// (a second finish() returns nothing; the stream can be reused for a new series).
std::optional<float> Sma3Stream::finish() {
  if (n_ == 0) return std::nullopt;
  const float y = smooth3(prev_, cur_, cur_, no_zero_);
  reset();
  return y;
}

void Sma3Stream::reset() {
  n_ = 0;
  prev_ = 0.0f;
  cur_ = 0.0f;
}

}  // namespace sentio::features::egemaps
