// SPDX-License-Identifier: Apache-2.0
#pragma once
// Mouth movement of tracked faces over time: the measurements both the active-speaker linking (persons.cpp)
// and the visual turn cuts (visual_turns.cpp) are built from. Private to the analysis module.
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis::mouth {

// Mouth activity (std of mouth_opening, a ratio to the eye distance) below this is stillness.
inline constexpr double kActivityFloor = 0.002;

// A face's frames with cues: time (s) and mouth opening (ratio to the eye distance), in time order.
struct Series {
  std::vector<double> time, opening;
};

// Per track ID, the observations that have cues.
inline std::map<int, Series> series_of(const std::vector<FaceTrackResult>& tracks) {
  std::map<int, Series> out;
  for (const FaceTrackResult& t : tracks)
    for (const FaceObservation& o : t.observations)
      if (o.cues) {
        out[t.id].time.push_back(o.time);
        out[t.id].opening.push_back(o.cues->mouth_opening);
      }
  return out;
}

// The part of `m` within [start, end] (inclusive).
inline Series within(const Series& m, double start, double end) {
  Series out;
  const auto first = std::lower_bound(m.time.begin(), m.time.end(), start);
  for (auto i = static_cast<std::size_t>(first - m.time.begin()); i < m.time.size() && m.time[i] <= end; ++i) {
    out.time.push_back(m.time[i]);
    out.opening.push_back(m.opening[i]);
  }
  return out;
}

// Population standard deviation (0 for fewer than two values).
inline double stddev(const std::vector<double>& a) {
  if (a.size() < 2) return 0;
  double m = 0;
  for (double v : a) m += v;
  m /= static_cast<double>(a.size());
  double s = 0;
  for (double v : a) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(a.size()));
}

// The q-quantile (nearest rank) of `values`, at least kActivityFloor; kActivityFloor when empty.
inline double low_quantile(std::vector<double> values, double q) {
  if (values.empty()) return kActivityFloor;
  std::sort(values.begin(), values.end());
  const auto k = static_cast<std::size_t>(std::llround(q * static_cast<double>(values.size() - 1)));
  return std::max(kActivityFloor, values[k]);
}

}  // namespace sentio::analysis::mouth
