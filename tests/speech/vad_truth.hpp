// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ground truth for the VAD tests: the sample range where a clean recording is "loud", i.e. where
// its 5-ms moving RMS is within `range_db` of its loudest 5 ms. Returns [first, last + 1), or
// {size, 0} when nothing is loud (all-zero input).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace sentio::test {

inline std::pair<std::size_t, std::size_t> loud_extent(const std::vector<float>& x, int sample_rate, double range_db) {
  const std::size_t w = static_cast<std::size_t>(sample_rate / 200);  // 5 ms
  std::vector<double> rms(x.size(), 0.0);
  double acc = 0, peak = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    acc += static_cast<double>(x[i]) * x[i];
    if (i >= w) acc -= static_cast<double>(x[i - w]) * x[i - w];
    rms[i] = std::sqrt(std::max(acc, 0.0) / static_cast<double>(w));
    peak = std::max(peak, rms[i]);
  }
  const double thr = peak * std::pow(10.0, -range_db / 20.0);
  std::size_t first = x.size(), last = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (rms[i] > thr) {
      first = std::min(first, i - std::min(i, w - 1));  // the window that crossed starts w-1 earlier
      last = i;
    }
  return {first, last + 1};
}

}  // namespace sentio::test
