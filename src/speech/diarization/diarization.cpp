// SPDX-License-Identifier: Apache-2.0
// Speaker-change detection and speaker clustering (see sentio/speech/diarization.hpp for the method).
#include "sentio/speech/diarization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "cepstra.hpp"
#include "clustering_cost.hpp"
#include "gaussian.hpp"
#include "sentio/core/error.hpp"

namespace sentio::speech {
namespace {

using diarization::CepstralAnalyzer;
using diarization::CepstralFrames;
using diarization::GaussianStats;
using diarization::check_options;
using diarization::delta_bic;
using diarization::kMinClusterFrames;
using diarization::merge_cost;

// Frames modelled: louder than the segment's 95th-percentile frame power minus this (dB), and than
// kAbsoluteFloorDb. Pauses, breaths and the VAD's margins are left out: their cepstra describe the
// room, not the voice. (Keeping only strongly voiced frames instead made no measurable difference.)
constexpr double kDynamicRangeDb = 30.0;
constexpr double kAbsoluteFloorDb = -70.0;
// Candidate change points every kStep frames (50 ms).
constexpr int kStep = 5;
// Each side of a candidate change needs this many modelled frames (the full covariance has 152
// parameters; with fewer frames the ridge alone would decide).
constexpr double kMinChangeFrames = 40;

// Which frames to model (see kDynamicRangeDb).
std::vector<char> loud_frames(const CepstralFrames& f) {
  std::vector<char> used(static_cast<std::size_t>(f.count), 0);
  if (f.count == 0) return used;
  std::vector<float> sorted = f.power_db;
  const auto k = static_cast<std::ptrdiff_t>(0.95 * (f.count - 1));
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  const double threshold =
      std::max(kAbsoluteFloorDb, static_cast<double>(sorted[static_cast<std::size_t>(k)]) - kDynamicRangeDb);
  for (int t = 0; t < f.count; ++t)
    used[static_cast<std::size_t>(t)] = f.power_db[static_cast<std::size_t>(t)] >= threshold;
  return used;
}

// Binary segmentation of blocks [a, b) (blocks of kStep frames; prefix[i] = statistics of blocks
// [0, i)): split where dBIC is largest if it is positive, then look again in both halves.
void find_changes(const std::vector<GaussianStats>& prefix, int a, int b, int min_blocks, double lambda,
                  std::vector<int>& changes) {
  if (b - a < 2 * min_blocks) return;
  GaussianStats whole = prefix[static_cast<std::size_t>(b)];
  whole -= prefix[static_cast<std::size_t>(a)];
  if (whole.n < 2 * kMinChangeFrames) return;
  const double ld_whole = whole.log_det();
  const double penalty = lambda * 0.5 * diarization::kGaussianParams * std::log(whole.n);
  double best = 0;
  int best_at = -1;
  for (int c = a + min_blocks; c <= b - min_blocks; ++c) {
    GaussianStats left = prefix[static_cast<std::size_t>(c)];
    left -= prefix[static_cast<std::size_t>(a)];
    GaussianStats right = whole;
    right -= left;
    if (left.n < kMinChangeFrames || right.n < kMinChangeFrames) continue;
    const double d = 0.5 * (whole.n * ld_whole - left.n * left.log_det() - right.n * right.log_det()) - penalty;
    if (d > best) {
      best = d;
      best_at = c;
    }
  }
  if (best_at < 0) return;
  find_changes(prefix, a, best_at, min_blocks, lambda, changes);
  changes.push_back(best_at);
  find_changes(prefix, best_at, b, min_blocks, lambda, changes);
}

}  // namespace

namespace diarization {

void check_options(const DiarizationOptions& o) {
  if (o.n_speakers < 0)
    throw InputError("diarization: the number of speakers must be >= 1 (or 0 to estimate it), got " +
                     std::to_string(o.n_speakers));
  if (o.max_speakers < 1)
    throw InputError("diarization: max_speakers must be >= 1, got " + std::to_string(o.max_speakers));
  if (!(o.min_piece_s > 0 && o.min_piece_s < 3600))
    throw InputError("diarization: min_piece_s must be in (0, 3600) s, got " + std::to_string(o.min_piece_s));
  if (!(o.change_penalty > 0 && o.change_penalty < 1e3) || !(o.cluster_penalty > 0 && o.cluster_penalty < 1e3))
    throw InputError("diarization: the BIC penalty weights must be in (0, 1000)");
}

}  // namespace diarization

std::size_t speaker_embedding_size() { return diarization::kEmbeddingSize; }

std::vector<SpeakerPiece> split_speaker_changes(const Segment& segment, std::span<const float> samples,
                                                int sample_rate, const DiarizationOptions& options) {
  check_options(options);
  if (sample_rate < 8000 || sample_rate > 48000 || sample_rate % 100 != 0)
    throw InputError("diarization: the sample rate must be a multiple of 100 Hz in [8000, 48000], got " +
                     std::to_string(sample_rate));
  SENTIO_ASSERT(segment.end >= segment.start);

  CepstralAnalyzer analyzer(sample_rate);
  const CepstralFrames frames = analyzer.analyze(samples);
  const std::vector<char> used = loud_frames(frames);

  // Prefix sums over blocks of kStep frames (the last block may be partial).
  const int n_blocks = (frames.count + kStep - 1) / kStep;
  std::vector<GaussianStats> prefix(static_cast<std::size_t>(n_blocks) + 1);
  for (int bl = 0; bl < n_blocks; ++bl) {
    GaussianStats& p = prefix[static_cast<std::size_t>(bl) + 1];
    p = prefix[static_cast<std::size_t>(bl)];
    for (int t = bl * kStep; t < std::min(frames.count, (bl + 1) * kStep); ++t)
      if (used[static_cast<std::size_t>(t)]) p.add(frames.row(t));
  }

  std::vector<int> changes;  // blocks where a new piece starts
  const int min_blocks = std::max(1, static_cast<int>(std::lround(options.min_piece_s * 100.0 / kStep)));
  find_changes(prefix, 0, n_blocks, min_blocks, options.change_penalty, changes);
  changes.push_back(n_blocks);

  std::vector<SpeakerPiece> pieces;
  pieces.reserve(changes.size());
  int from = 0;
  double start = segment.start;
  for (const int to : changes) {
    // The last frame before the change is centred at (to kStep - 1) hop + window / 2 samples and the
    // first after it one hop later: the change time is half-way.
    const double change_s = segment.start + ((to * kStep - 0.5) * analyzer.hop() + 0.5 * analyzer.window()) / sample_rate;
    const double end = to == n_blocks ? segment.end : std::clamp(change_s, start, segment.end);
    GaussianStats stats = prefix[static_cast<std::size_t>(to)];
    stats -= prefix[static_cast<std::size_t>(from)];
    pieces.push_back(SpeakerPiece{Segment{start, end, segment.confidence}, stats.to_embedding()});
    from = to;
    start = end;
  }
  return pieces;
}

namespace {

// Bottom-up clustering of `clusters` (each starts as its own cluster) by the BIC merge cost. Merges
// until `target` clusters remain or, when `estimate` is set, until every merge would lose (dBIC > 0)
// and at most `cap` remain. On return, cluster_of[i] is the index of the surviving cluster that holds
// item i, and the survivors (alive) hold the merged statistics.
struct Cluster {
  GaussianStats stats;
  double log_det = 0;
  bool alive = true;
};

std::vector<std::size_t> agglomerate(std::vector<Cluster>& clusters, std::size_t target, std::size_t cap,
                                     bool estimate, double lambda) {
  const std::size_t m = clusters.size();
  std::vector<std::size_t> cluster_of(m);
  for (std::size_t c = 0; c < m; ++c) {
    clusters[c].log_det = clusters[c].stats.log_det();
    cluster_of[c] = c;
  }
  auto pair_cost = [&](std::size_t i, std::size_t j) {
    return merge_cost(clusters[i].stats, clusters[i].log_det, clusters[j].stats, clusters[j].log_det, lambda);
  };
  // cost[i m + j] = cost[j m + i]: dBIC of keeping clusters i and j apart; m^2 doubles (cluster_speakers
  // keeps m <= kMaxDirectItems). Each cluster caches its cheapest partner, so a merge costs O(m) pair
  // updates (one 16 x 16 Cholesky each) instead of a full O(m^2) search.
  std::vector<double> cost(m * m, std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j) cost[i * m + j] = cost[j * m + i] = pair_cost(i, j);
  std::vector<std::size_t> partner(m, m);
  std::vector<double> partner_cost(m, std::numeric_limits<double>::infinity());
  auto refresh = [&](std::size_t i) {  // strict <: ties go to the lowest index
    partner[i] = m;
    partner_cost[i] = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < m; ++j)
      if (j != i && clusters[j].alive && cost[i * m + j] < partner_cost[i]) {
        partner_cost[i] = cost[i * m + j];
        partner[i] = j;
      }
  };
  for (std::size_t i = 0; i < m; ++i) refresh(i);

  std::size_t alive = m;
  while (alive > target) {
    std::size_t bi = m;
    for (std::size_t i = 0; i < m; ++i)
      if (clusters[i].alive && (bi == m || partner_cost[i] < partner_cost[bi])) bi = i;
    const double best = partner_cost[bi];
    const std::size_t bj = std::max(bi, partner[bi]);
    bi = std::min(bi, partner[bi]);
    // Estimating the count: stop once every merge would lose (dBIC > 0) and the cap is met.
    if (estimate && best > 0 && alive <= cap) break;
    clusters[bi].stats += clusters[bj].stats;
    clusters[bi].log_det = clusters[bi].stats.log_det();
    clusters[bj].alive = false;
    for (std::size_t c = 0; c < m; ++c)
      if (cluster_of[c] == bj) cluster_of[c] = bi;
    --alive;
    for (std::size_t k = 0; k < m; ++k) {
      if (!clusters[k].alive || k == bi) continue;
      cost[k * m + bi] = cost[bi * m + k] = pair_cost(std::min(k, bi), std::max(k, bi));
    }
    refresh(bi);
    for (std::size_t k = 0; k < m; ++k) {
      if (!clusters[k].alive || k == bi) continue;
      if (partner[k] == bi || partner[k] == bj) {
        refresh(k);
      } else if (cost[k * m + bi] < partner_cost[k] || (cost[k * m + bi] == partner_cost[k] && bi < partner[k])) {
        partner_cost[k] = cost[k * m + bi];
        partner[k] = bi;
      }
    }
  }
  return cluster_of;
}

// Above this many pieces (~1 h of conversation) the clustering runs in two stages so that time and
// memory stay bounded: pieces are clustered within consecutive blocks of kBlockItems (count estimated,
// so a block over- rather than under-segments), then the blocks' clusters -- exact merged statistics,
// since embeddings are sufficient statistics -- are clustered over the recording.
constexpr std::size_t kMaxDirectItems = 1200;
constexpr std::size_t kBlockItems = 400;

}  // namespace

std::vector<int> cluster_speakers(std::span<const SpeakerPiece> pieces, const DiarizationOptions& options) {
  check_options(options);
  const std::size_t n = pieces.size();
  std::vector<int> label(n, -1);
  if (n == 0) return label;
  std::vector<GaussianStats> stats(n);
  for (std::size_t i = 0; i < n; ++i) {
    SENTIO_ASSERT(pieces[i].embedding.size() == speaker_embedding_size());
    stats[i] = GaussianStats::from_embedding(pieces[i].embedding);
  }

  // Agglomeration over the pieces with enough frames (over all pieces with frames if none has enough).
  std::vector<std::size_t> members;
  for (std::size_t i = 0; i < n; ++i)
    if (stats[i].n >= kMinClusterFrames) members.push_back(i);
  if (members.empty())
    for (std::size_t i = 0; i < n; ++i)
      if (stats[i].n > 0) members.push_back(i);
  if (members.empty()) {  // nothing audible anywhere: one speaker
    std::fill(label.begin(), label.end(), 0);
    return label;
  }

  const std::size_t m = members.size();
  const std::size_t target = options.n_speakers > 0 ? static_cast<std::size_t>(options.n_speakers) : 1;
  const auto cap = static_cast<std::size_t>(options.max_speakers);
  const bool estimate = options.n_speakers == 0;
  std::vector<Cluster> clusters(m);
  std::vector<std::size_t> cluster_of(m);
  if (m <= kMaxDirectItems) {
    for (std::size_t c = 0; c < m; ++c) clusters[c].stats = stats[members[c]];
    cluster_of = agglomerate(clusters, target, cap, estimate, options.cluster_penalty);
  } else {
    std::vector<Cluster> block_clusters;  // survivors of all blocks
    std::vector<std::size_t> block_cluster_of(m);  // member -> index into block_clusters
    for (std::size_t b0 = 0; b0 < m; b0 += kBlockItems) {
      const std::size_t b1 = std::min(m, b0 + kBlockItems);
      std::vector<Cluster> block(b1 - b0);
      for (std::size_t c = b0; c < b1; ++c) block[c - b0].stats = stats[members[c]];
      const std::vector<std::size_t> local = agglomerate(block, 1, cap, true, options.cluster_penalty);
      std::vector<std::size_t> index(block.size(), 0);
      for (std::size_t c = 0; c < block.size(); ++c)
        if (block[c].alive) {
          index[c] = block_clusters.size();
          block_clusters.push_back(block[c]);
          block_clusters.back().alive = true;
        }
      for (std::size_t c = b0; c < b1; ++c) block_cluster_of[c] = index[local[c - b0]];
    }
    const std::vector<std::size_t> global =
        agglomerate(block_clusters, target, cap, estimate, options.cluster_penalty);
    // Survivors live in block_clusters; give each member's final cluster an index into `clusters`.
    for (std::size_t c = 0; c < m; ++c) {
      const std::size_t root = global[block_cluster_of[c]];
      cluster_of[c] = root;
      clusters[root] = block_clusters[root];  // root < block_clusters.size() <= m
    }
    for (std::size_t c = 0; c < m; ++c) clusters[c].alive = false;
    for (std::size_t c = 0; c < m; ++c) clusters[cluster_of[c]].alive = true;
  }
  for (std::size_t c = 0; c < m; ++c) label[members[c]] = static_cast<int>(cluster_of[c]);

  // Pieces left out: with frames, the cluster that absorbs them with the smallest likelihood loss;
  // without any, the speaker of the nearest piece that has frames (earlier first).
  for (std::size_t i = 0; i < n; ++i) {
    if (label[i] >= 0 || stats[i].n <= 0) continue;
    const double ld = stats[i].log_det();
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < m; ++c) {
      if (!clusters[c].alive) continue;
      const double d = delta_bic(stats[i], ld, clusters[c].stats, clusters[c].log_det, 0.0);
      if (d < best) {
        best = d;
        label[i] = static_cast<int>(c);
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (label[i] >= 0) continue;
    for (std::size_t d = 1; d < n && label[i] < 0; ++d) {
      if (i >= d && stats[i - d].n > 0) label[i] = label[i - d];
      else if (i + d < n && stats[i + d].n > 0) label[i] = label[i + d];
    }
  }

  // Renumber by first appearance.
  std::vector<int> renumber(n, -1);
  int next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    int& r = renumber[static_cast<std::size_t>(label[i])];
    if (r < 0) r = next++;
    label[i] = r;
  }
  return label;
}

}  // namespace sentio::speech
