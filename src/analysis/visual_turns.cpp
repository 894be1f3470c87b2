// SPDX-License-Identifier: Apache-2.0
// Visual turns (visual_turns.hpp): the speaking face on a grid across a segment, from mouth activity over
// each face's resting activity; cuts between runs of different speaking faces.
#include "sentio/analysis/visual_turns.hpp"

#include <cmath>
#include <map>
#include <optional>

#include "mouth_activity.hpp"

namespace sentio::analysis {

namespace {

constexpr std::size_t kMinFrames = 3;  // frames with cues a face needs in a window to be measured

std::optional<double> activity(const mouth::Series& s, double a, double b) {
  const mouth::Series w = mouth::within(s, a, b);
  if (w.opening.size() < kMinFrames) return std::nullopt;
  return mouth::stddev(w.opening);
}

struct Run {
  double first = 0, last = 0;  // grid times
  int face = -1;
};

}  // namespace

std::vector<double> visual_turn_cuts(const std::vector<FaceTrackResult>& tracks, double start, double end,
                                     const VisualTurnOptions& o) {
  std::vector<double> cuts;
  if (tracks.size() < 2 || !(end - start >= 2 * o.min_part_s) || !(o.step_s > 0) || !(o.window_s > 0)) return cuts;
  const std::map<int, mouth::Series> mouths = mouth::series_of(tracks);
  if (mouths.size() < 2) return cuts;
  // Resting activity: windows of window_s every window_s / 2 over the context and the segment.
  std::map<int, double> rest;
  for (const auto& [id, s] : mouths) {
    std::vector<double> values;
    for (double t = start - o.context_s; t < end; t += o.window_s / 2)
      if (const auto a = activity(s, t, t + o.window_s)) values.push_back(*a);
    rest[id] = mouth::low_quantile(std::move(values), o.resting_quantile);
  }
  // The speaking face at each grid point (-1: none clearly), as runs.
  std::vector<Run> runs;
  const auto steps = static_cast<long>(std::floor((end - start) / o.step_s + 1e-9));
  for (long k = 0; k <= steps; ++k) {
    const double g = start + static_cast<double>(k) * o.step_s;
    int best = -1;
    double best_score = -1e300, second = -1e300;
    for (const auto& [id, s] : mouths) {
      const auto a = activity(s, g - o.window_s / 2, g + o.window_s / 2);
      if (!a) continue;
      const double score = std::log2(std::max(*a, mouth::kActivityFloor) / rest.at(id));
      if (score > best_score) {
        second = best_score;
        best_score = score;
        best = id;
      } else {
        second = std::max(second, score);
      }
    }
    const int face = best >= 0 && best_score >= o.min_score && best_score - second >= o.min_margin ? best : -1;
    if (!runs.empty() && runs.back().face == face)
      runs.back().last = g;
    else
      runs.push_back({g, g, face});
  }
  // Runs long enough of a speaking face; neighbours of the same face joined over what lies between.
  std::vector<Run> turns;
  for (const Run& r : runs) {
    if (r.face < 0 || r.last - r.first + o.step_s < o.min_run_s) continue;
    if (!turns.empty() && turns.back().face == r.face)
      turns.back().last = r.last;
    else
      turns.push_back(r);
  }
  double previous = start;
  for (std::size_t i = 1; i < turns.size(); ++i) {
    const double cut = (turns[i - 1].last + turns[i].first) / 2;
    if (cut - previous >= o.min_part_s && end - cut >= o.min_part_s) {
      cuts.push_back(cut);
      previous = cut;
    }
  }
  return cuts;
}

}  // namespace sentio::analysis
