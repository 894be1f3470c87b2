// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal constants of OnlineSpeakerClustering (sentio/speech/online_clustering.hpp), exposed to the
// benchmark and the tests so that the design measurements in bench/online_diarization.md can be
// reproduced. Private to sentio_speech; the defaults are what the public constructor uses.
namespace sentio::speech::diarization {

struct OnlineTuning {
  // A piece (or a group of doubtful pieces) founds a new speaker when its BIC merge cost with every
  // speaker is positive with the penalty weight scaled by found_factor (1 = the offline criterion).
  double found_factor = 0.75;
  // A piece is doubtful when that cost is positive with the penalty scaled by doubt_factor. Count
  // estimated: it gets the best-fitting speaker's id but does not update that speaker's model, and
  // waits in the pool. Count given: it founds a speaker while fewer than the count exist.
  double doubt_factor = 0.4;
  // Doubtful pieces kept (the most recent ones) when the count is estimated; 0 disables the pool.
  int pool_size = 8;
};

}  // namespace sentio::speech::diarization
