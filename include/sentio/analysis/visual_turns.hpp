// SPDX-License-Identifier: Apache-2.0
#pragma once
// Visual turns: where, inside one speech segment, the face that visibly speaks changes. A segment the voice
// activity detector closed over two people's turns (no pause between them) and that the voice-based speaker
// split did not cut (similar voices) is cut there before its voice is analysed, so that each part gets its
// own face, person and emotion.
//
// Per face measured around the segment, mouth activity (std of mouth_opening over `window_s`) on a grid of
// `step_s` across the segment, in log2 units over the face's own resting activity (a low quantile of its
// activity over the `context_s` before the segment and the segment itself). At a grid point the face whose
// activity is at least `min_score` and `min_margin` above every other face's speaks; runs of one speaking
// face shorter than `min_run_s` are ignored; the cut between two runs of different faces is the middle of
// the gap between them, and no part is left shorter than `min_part_s`. Constants chosen on the dev split
// of bench/active_speaker.sh.
#include <vector>

#include "sentio/analysis/result.hpp"

namespace sentio::analysis {

struct VisualTurnOptions {
  double window_s = 1.0;
  double step_s = 0.2;
  double context_s = 30.0;
  double min_score = 1.0;    // log2 over the resting activity (twice as much movement as at rest)
  double min_margin = 0.5;   // log2 over the next face's
  double min_run_s = 0.8;
  double min_part_s = 1.0;
  double resting_quantile = 0.1;
};

// Times strictly inside (start, end), ascending, where the segment [start, end] (seconds) is cut. `tracks`:
// the faces seen from `context_s` before the segment to its end, with their observations there (e.g.
// FaceStream::tracks_between); observations without cues are ignored. Empty without faces or changes.
std::vector<double> visual_turn_cuts(const std::vector<FaceTrackResult>& tracks, double start, double end,
                                     const VisualTurnOptions& options = {});

}  // namespace sentio::analysis
