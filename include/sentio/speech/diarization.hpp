// SPDX-License-Identifier: Apache-2.0
#pragma once
// Unsupervised speaker diarization for mono recordings (issue 3, item 1): speaker-change detection
// inside each speech segment, then clustering of the pieces into speakers.
// Two phases so that `sentio analyze` can run the expensive part in parallel:
//  1. split_speaker_changes(): pure and thread-safe, one VAD segment at a time;
//  2. cluster_speakers(): once, over all pieces of the recording (memory: one small embedding per piece).
#include <cstddef>
#include <span>
#include <vector>

#include "sentio/speech/segmenter.hpp"

namespace sentio::speech {

// Method (no trained model; src/speech/diarization/):
//  * Features: 16 mel cepstra (c1..c16; 25-ms frames every 10 ms, 32 mel bands 100-7000 Hz) of the
//    loud frames of a segment (within 30 dB of its 95th-percentile frame power).
//  * Speaker changes: binary segmentation with the Bayesian information criterion on full-covariance
//    Gaussians (Chen & Gopalakrishnan 1998): split where two Gaussians beat one by the most, if at
//    all, candidates every 50 ms, pieces >= min_piece_s; repeat in both halves.
//  * Embedding: the piece's frame count, mean and covariance of the cepstra (153 floats), so
//    clusters merge exactly.
//  * Clustering: agglomerative, merging the pair with the lowest BIC difference, down to n_speakers
//    when given, else until no merge improves the BIC (capped at max_speakers). In the merge cost a
//    cluster counts at most 20 s of frames (statistics scaled down), so that long recordings are not
//    over-split merely because the BIC's likelihood term grows with the amount of speech. Pieces with
//    < 0.4 s of loud frames join the best-fitting cluster afterwards. Ids by first appearance;
//    deterministic. Beyond 1200 pieces (~1.5 h of conversation) clustering runs in two stages: within
//    consecutive blocks of 400 pieces (count estimated), then over the blocks' clusters (exact merged
//    statistics), so time and memory stay bounded (~4 MB of pair costs at most).
// Cost (bench/diarization.md, one thread): ~0.2 ms per second of audio for split_speaker_changes;
// cluster_speakers ~0.5 ms per second of audio for 35 minutes (~780 pieces).
// Accuracy (same file): DER ~41 % on acted emotional speech (RAVDESS/EmoDB with every emotion, where
// one actor ranges from calm to shouting), ~26 % with neutral/calm clips (about half of it missed
// speech from the VAD); the count is right for ~60 % of the recordings. On long recordings the
// estimated count tends to be too high (a voice split by what it says); give n_speakers when known.
// Out-of-range options and sample rates throw sentio::InputError.
struct DiarizationOptions {
  int n_speakers = 0;    // number of speakers if known (>= 1); 0 = estimate it (1..max_speakers)
  int max_speakers = 8;  // upper bound when estimating
  double min_piece_s = 1.0;       // shortest piece a speaker change may cut off (s)
  double change_penalty = 2.0;    // BIC penalty weight for a change inside a segment (higher: fewer)
  double cluster_penalty = 3.0;   // BIC penalty weight when estimating the count (higher: fewer speakers)
};

// A part of a speech segment attributed to one speaker, with its speaker embedding.
struct SpeakerPiece {
  Segment segment;               // times in seconds from the start of the recording
  std::vector<float> embedding;  // fixed length for a given sample rate and options
};

// Length of SpeakerPiece::embedding (opaque: frame count, mean and covariance of the cepstra).
std::size_t speaker_embedding_size();

// Splits one speech segment at detected speaker changes. `samples` are the segment's own samples
// (mono, `sample_rate` Hz, [-1, 1)); the returned pieces cover [segment.start, segment.end] in order.
std::vector<SpeakerPiece> split_speaker_changes(const Segment& segment, std::span<const float> samples,
                                                int sample_rate, const DiarizationOptions& options = {});

// Speaker id of every piece (pieces in time order), numbered 0, 1, ... in order of first appearance.
std::vector<int> cluster_speakers(std::span<const SpeakerPiece> pieces, const DiarizationOptions& options = {});

}  // namespace sentio::speech
