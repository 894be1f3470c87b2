// SPDX-License-Identifier: Apache-2.0
#pragma once
// Online speaker clustering for live sessions: every speaker piece gets a provisional speaker id the
// moment it is final. At the end of a session, cluster_speakers() (diarization.hpp) over all pieces
// gives the final ids (the two may differ: bench/online_diarization.md).
#include <memory>

#include "sentio/speech/diarization.hpp"

namespace sentio::speech {

namespace diarization {
struct OnlineTuning;  // internal constants (private header; benchmarks and tests)
}

// Assigns speaker pieces, fed in time order, to speakers as they arrive. Ids are 0, 1, ... in order of
// first appearance and final: an id once returned is never changed or renumbered.
//
// Method: the statistics and the criterion of cluster_speakers() -- full-covariance Gaussians of the
// cepstra, the BIC merge cost with options.cluster_penalty, clusters counting at most 20 s of frames --
// applied piece by piece:
//  * the first piece founds speaker 0; a piece with < 0.4 s of modelled frames never founds a speaker,
//    it gets the one it fits best (and does not change its model); a piece without modelled frames
//    gets the previous piece's speaker;
//  * otherwise the piece joins the speaker it fits best (lowest likelihood term of the merge cost),
//    unless it stays apart from every speaker (merge cost > 0) with the penalty weight scaled by 0.75:
//    then it founds a new one. One piece against a grown speaker model is weaker evidence than the
//    offline clustering's cluster against cluster, hence the lower penalty (bench/online_diarization.md);
//  * count estimated: a piece that is only doubtful (cost > 0 at 0.4 x the penalty) gets its best
//    speaker's id without updating that model and waits among the last 8 doubtful pieces; when it and
//    the waiting pieces it merges with (offline criterion) together stay apart from every speaker
//    (0.75 x the penalty), they found a new speaker, and this piece gets its id;
//  * count given (options.n_speakers): while fewer speakers exist, a doubtful piece founds one;
//  * never more than options.n_speakers speakers when given, else options.max_speakers; once the limit
//    is reached, every piece joins its best fit.
// Cost: O(speakers + 8) 16 x 16 Cholesky factorisations per piece (a few microseconds); memory: one
// Gaussian per speaker plus 8 waiting pieces, independent of the number of pieces. Deterministic.
// Not thread-safe (one per session). Out-of-range options throw sentio::InputError; a piece whose
// embedding does not have speaker_embedding_size() values is a programmer error.
class OnlineSpeakerClustering {
 public:
  explicit OnlineSpeakerClustering(const DiarizationOptions& options = {});
  // Same with other internal constants (src/speech/diarization/online_tuning.hpp).
  OnlineSpeakerClustering(const DiarizationOptions& options, const diarization::OnlineTuning& tuning);
  ~OnlineSpeakerClustering();
  OnlineSpeakerClustering(OnlineSpeakerClustering&&) noexcept;
  OnlineSpeakerClustering& operator=(OnlineSpeakerClustering&&) noexcept;
  OnlineSpeakerClustering(const OnlineSpeakerClustering&) = delete;
  OnlineSpeakerClustering& operator=(const OnlineSpeakerClustering&) = delete;

  // Provisional (final once returned) speaker id of `piece`, the next piece of the stream.
  int add(const SpeakerPiece& piece);
  // Speaker ids handed out so far: the largest id + 1 (0 before the first piece).
  int n_speakers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::speech
