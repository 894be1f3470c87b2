// SPDX-License-Identifier: Apache-2.0
// Diarization error rate: a sweep over the elementary intervals between all boundaries (turns and
// collar edges), then the optimal speaker mapping by the Hungarian algorithm.
#include "sentio/speech/diarization_error.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio::speech {
namespace {

// Dense ids 0..k-1 in order of first appearance.
std::vector<int> dense_ids(std::span<const SpeakerTurn> turns, int& count) {
  std::map<int, int> ids;
  std::vector<int> out;
  for (const SpeakerTurn& t : turns) {
    SENTIO_ASSERT(t.end >= t.start && t.speaker >= 0);
    out.push_back(ids.emplace(t.speaker, static_cast<int>(ids.size())).first->second);
  }
  count = static_cast<int>(ids.size());
  return out;
}

// Maximum-weight assignment on an n x n matrix (rows to columns), by the Hungarian algorithm on the
// costs -w (shortest augmenting paths with potentials, O(n^3)). Returns the column of every row.
std::vector<int> max_weight_assignment(const std::vector<std::vector<double>>& w) {
  const int n = static_cast<int>(w.size());
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<std::size_t>(n) + 1, 0), v(static_cast<std::size_t>(n) + 1, 0);
  std::vector<int> row_of(static_cast<std::size_t>(n) + 1, 0), way(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 1; i <= n; ++i) {
    row_of[0] = i;
    int j0 = 0;
    std::vector<double> min_to(static_cast<std::size_t>(n) + 1, inf);
    std::vector<char> used(static_cast<std::size_t>(n) + 1, 0);
    do {
      used[static_cast<std::size_t>(j0)] = 1;
      const int i0 = row_of[static_cast<std::size_t>(j0)];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[static_cast<std::size_t>(j)]) continue;
        const double cur = -w[static_cast<std::size_t>(i0) - 1][static_cast<std::size_t>(j) - 1] -
                           u[static_cast<std::size_t>(i0)] - v[static_cast<std::size_t>(j)];
        if (cur < min_to[static_cast<std::size_t>(j)]) {
          min_to[static_cast<std::size_t>(j)] = cur;
          way[static_cast<std::size_t>(j)] = j0;
        }
        if (min_to[static_cast<std::size_t>(j)] < delta) {
          delta = min_to[static_cast<std::size_t>(j)];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[static_cast<std::size_t>(j)]) {
          u[static_cast<std::size_t>(row_of[static_cast<std::size_t>(j)])] += delta;
          v[static_cast<std::size_t>(j)] -= delta;
        } else {
          min_to[static_cast<std::size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (row_of[static_cast<std::size_t>(j0)] != 0);
    do {
      const int j1 = way[static_cast<std::size_t>(j0)];
      row_of[static_cast<std::size_t>(j0)] = row_of[static_cast<std::size_t>(j1)];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> col_of(static_cast<std::size_t>(n), -1);
  for (int j = 1; j <= n; ++j)
    if (row_of[static_cast<std::size_t>(j)] > 0) col_of[static_cast<std::size_t>(row_of[static_cast<std::size_t>(j)]) - 1] = j - 1;
  return col_of;
}

}  // namespace

DiarizationErrorResult diarization_error(std::span<const SpeakerTurn> reference, std::span<const SpeakerTurn> hypothesis,
                                         double collar_s) {
  SENTIO_ASSERT(collar_s >= 0);
  DiarizationErrorResult r;
  const std::vector<int> ref_id = dense_ids(reference, r.reference_speakers);
  const std::vector<int> hyp_id = dense_ids(hypothesis, r.hypothesis_speakers);

  std::vector<double> cuts;
  std::vector<std::pair<double, double>> collars;
  for (const SpeakerTurn& t : reference) {
    for (const double b : {t.start, t.end}) {
      collars.emplace_back(b - collar_s, b + collar_s);
      cuts.push_back(b - collar_s);
      cuts.push_back(b + collar_s);
    }
  }
  for (const SpeakerTurn& t : hypothesis) {
    cuts.push_back(t.start);
    cuts.push_back(t.end);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  // Scored elementary intervals: duration and who speaks (reference, hypothesis).
  struct Interval {
    double duration;
    std::vector<int> ref, hyp;
  };
  std::vector<Interval> intervals;
  const int n = std::max(r.reference_speakers, r.hypothesis_speakers);
  std::vector<std::vector<double>> overlap(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n), 0.0));
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    const double a = cuts[k], b = cuts[k + 1], mid = 0.5 * (a + b);
    if (std::any_of(collars.begin(), collars.end(), [mid](const auto& c) { return mid > c.first && mid < c.second; }))
      continue;
    Interval iv{b - a, {}, {}};
    for (std::size_t i = 0; i < reference.size(); ++i)
      if (mid > reference[i].start && mid < reference[i].end) iv.ref.push_back(ref_id[i]);
    for (std::size_t i = 0; i < hypothesis.size(); ++i)
      if (mid > hypothesis[i].start && mid < hypothesis[i].end) iv.hyp.push_back(hyp_id[i]);
    std::sort(iv.ref.begin(), iv.ref.end());
    iv.ref.erase(std::unique(iv.ref.begin(), iv.ref.end()), iv.ref.end());
    std::sort(iv.hyp.begin(), iv.hyp.end());
    iv.hyp.erase(std::unique(iv.hyp.begin(), iv.hyp.end()), iv.hyp.end());
    if (iv.ref.empty() && iv.hyp.empty()) continue;
    for (const int x : iv.ref)
      for (const int y : iv.hyp) overlap[static_cast<std::size_t>(x)][static_cast<std::size_t>(y)] += iv.duration;
    intervals.push_back(std::move(iv));
  }
  const std::vector<int> map = n > 0 ? max_weight_assignment(overlap) : std::vector<int>{};

  for (const Interval& iv : intervals) {
    const auto nr = static_cast<double>(iv.ref.size()), nh = static_cast<double>(iv.hyp.size());
    double correct = 0;
    for (const int x : iv.ref)
      if (std::binary_search(iv.hyp.begin(), iv.hyp.end(), map[static_cast<std::size_t>(x)])) correct += 1;
    r.scored_s += nr * iv.duration;
    r.missed_s += std::max(0.0, nr - nh) * iv.duration;
    r.false_alarm_s += std::max(0.0, nh - nr) * iv.duration;
    r.confusion_s += (std::min(nr, nh) - correct) * iv.duration;
  }
  return r;
}

}  // namespace sentio::speech
