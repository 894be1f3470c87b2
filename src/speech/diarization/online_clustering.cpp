// SPDX-License-Identifier: Apache-2.0
// Online speaker clustering (method and contract: sentio/speech/online_clustering.hpp).
#include "sentio/speech/online_clustering.hpp"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <limits>
#include <vector>

#include "clustering_cost.hpp"
#include "gaussian.hpp"
#include "online_tuning.hpp"
#include "sentio/core/error.hpp"

namespace sentio::speech {
namespace {

using diarization::GaussianStats;

// A speaker's model, or a doubtful piece waiting in the pool.
struct Model {
  GaussianStats stats;  // n == 0 only for speaker 0 when the stream began with pieces without frames
  double log_det = 0;   // of stats (when n > 0)
};

Model model_of(const GaussianStats& g) { return Model{g, g.n > 0 ? g.log_det() : 0.0}; }

}  // namespace

struct OnlineSpeakerClustering::Impl {
  DiarizationOptions options;
  diarization::OnlineTuning tuning;
  std::size_t limit = 0;        // most speakers allowed
  std::vector<Model> speakers;  // index = id
  std::deque<Model> pool;       // the most recent doubtful pieces, oldest first
  int previous = -1;            // id of the previous piece

  int found(const Model& m) {
    speakers.push_back(m);
    return static_cast<int>(speakers.size()) - 1;
  }

  void absorb(std::size_t id, const GaussianStats& g) {
    Model& s = speakers[id];
    s.stats += g;
    s.log_det = s.stats.log_det();
  }

  // Lowest merge cost of m with any speaker, with the penalty weight scaled by `factor`.
  double lowest_cost(const Model& m, double factor) const {
    double lowest = std::numeric_limits<double>::infinity();
    for (const Model& s : speakers)
      lowest = std::min(lowest, diarization::merge_terms(s.stats, s.log_det, m.stats, m.log_det)
                                    .cost(factor * options.cluster_penalty));
    return lowest;
  }

  int add(const GaussianStats& g) {
    if (g.n <= 0) {  // nothing to model: the previous piece's speaker
      if (previous >= 0) return previous;
      if (speakers.empty()) found(Model{});
      return 0;
    }
    const Model piece = model_of(g);
    if (speakers.empty()) return found(piece);  // the first piece founds speaker 0
    if (speakers[0].stats.n <= 0) {             // speaker 0 so far only had pieces without frames
      speakers[0] = piece;
      return 0;
    }

    if (g.n < diarization::kMinClusterFrames) {
      // Too short to found or shape a speaker: the best fit by likelihood, as in cluster_speakers().
      std::size_t best = 0;
      double best_cost = std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < speakers.size(); ++k) {
        const double c = diarization::delta_bic(g, piece.log_det, speakers[k].stats, speakers[k].log_det, 0.0);
        if (c < best_cost) {
          best_cost = c;
          best = k;
        }
      }
      return static_cast<int>(best);
    }

    // Merge terms with every speaker: the likelihood term alone picks the speaker that fits best (the
    // penalty only matters for the number of speakers); the penalised costs decide between joining,
    // doubting and founding.
    const double lambda = options.cluster_penalty;
    std::size_t join = 0;
    double join_cost = std::numeric_limits<double>::infinity();  // likelihood term of the best fit
    double found_cost = join_cost, doubt_cost = join_cost;
    for (std::size_t k = 0; k < speakers.size(); ++k) {
      const auto t = diarization::merge_terms(speakers[k].stats, speakers[k].log_det, piece.stats, piece.log_det);
      if (t.likelihood < join_cost) {
        join_cost = t.likelihood;
        join = k;
      }
      found_cost = std::min(found_cost, t.cost(tuning.found_factor * lambda));
      doubt_cost = std::min(doubt_cost, t.cost(tuning.doubt_factor * lambda));
    }
    const bool can_found = speakers.size() < limit;
    const bool given = options.n_speakers > 0;
    if (can_found && (found_cost > 0 || (given && doubt_cost > 0))) return found(piece);
    // With the count given, a doubtful piece founds while it can; once the count is reached, every
    // piece joins its best fit (holding doubtful ones aside measured no better).
    if (doubt_cost <= 0 || given || tuning.pool_size <= 0) {
      absorb(join, g);
      return static_cast<int>(join);
    }

    // Doubtful: does it form, with waiting pieces of the same voice, a group that is a new speaker?
    if (can_found) {
      Model group = piece;
      std::vector<std::size_t> members;
      for (std::size_t i = 0; i < pool.size(); ++i) {
        if (diarization::merge_cost(group.stats, group.log_det, pool[i].stats, pool[i].log_det, lambda) > 0) continue;
        group.stats += pool[i].stats;
        group.log_det = group.stats.log_det();
        members.push_back(i);
      }
      if (!members.empty() && lowest_cost(group, tuning.found_factor) > 0) {
        for (auto it = members.rbegin(); it != members.rend(); ++it)
          pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(*it));
        return found(group);
      }
    }
    pool.push_back(piece);
    if (pool.size() > static_cast<std::size_t>(tuning.pool_size)) pool.pop_front();
    return static_cast<int>(join);
  }
};

OnlineSpeakerClustering::OnlineSpeakerClustering(const DiarizationOptions& options)
    : OnlineSpeakerClustering(options, diarization::OnlineTuning{}) {}

OnlineSpeakerClustering::OnlineSpeakerClustering(const DiarizationOptions& options,
                                                 const diarization::OnlineTuning& tuning) {
  diarization::check_options(options);
  SENTIO_ASSERT(tuning.found_factor > 0 && tuning.doubt_factor > 0 && tuning.pool_size >= 0);
  impl_ = std::make_unique<Impl>();
  impl_->options = options;
  impl_->tuning = tuning;
  impl_->limit = static_cast<std::size_t>(options.n_speakers > 0 ? options.n_speakers : options.max_speakers);
}

OnlineSpeakerClustering::~OnlineSpeakerClustering() = default;
OnlineSpeakerClustering::OnlineSpeakerClustering(OnlineSpeakerClustering&&) noexcept = default;
OnlineSpeakerClustering& OnlineSpeakerClustering::operator=(OnlineSpeakerClustering&&) noexcept = default;

int OnlineSpeakerClustering::add(const SpeakerPiece& piece) {
  SENTIO_ASSERT(impl_ && piece.embedding.size() == speaker_embedding_size());
  const int id = impl_->add(GaussianStats::from_embedding(piece.embedding));
  impl_->previous = id;
  return id;
}

int OnlineSpeakerClustering::n_speakers() const { return impl_ ? static_cast<int>(impl_->speakers.size()) : 0; }

}  // namespace sentio::speech
