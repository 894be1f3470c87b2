// SPDX-License-Identifier: Apache-2.0
// The linear SpeechEmotionModel (linear_emotion_model.hpp).
#include "sentio/ser/linear_emotion_model.hpp"

#include <cmath>
#include <fstream>
#include <map>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/softmax.hpp"
#include "sentio/features/egemaps.hpp"

namespace sentio::ser {

void TrainedEmotionModel::save(const std::string& path) const {
  write_file_atomically(path, to_json());
}

// ---- linear ---------------------------------------------------------------------------------------

LinearEmotionModel::LinearEmotionModel(LinearModel model) : model_(std::move(model)) {}

UtteranceEvidence LinearEmotionModel::analyse(std::span<const float> samples) const {
  UtteranceEvidence e;
  const features::EgemapsFunctionals f = features::egemaps_functionals(samples, features::kEgemapsSampleRate, 1);
  e.functionals.assign(f.begin(), f.end());
  return e;
}

namespace {

// Mean and population std per feature of the functionals of `rows`.
void moments(std::span<const UtteranceEvidence> evidence, const std::vector<std::size_t>& rows, std::size_t d,
             std::vector<double>& mean, std::vector<double>& sd) {
  mean.assign(d, 0.0);
  sd.assign(d, 0.0);
  for (std::size_t r : rows)
    for (std::size_t f = 0; f < d; ++f) mean[f] += evidence[r].functionals[f];
  for (double& v : mean) v /= static_cast<double>(rows.size());
  for (std::size_t r : rows)
    for (std::size_t f = 0; f < d; ++f) {
      const double c = evidence[r].functionals[f] - mean[f];
      sd[f] += c * c;
    }
  for (double& v : sd) v = std::sqrt(v / static_cast<double>(rows.size()));
}

// n observations with (mean, sd) shrunk towards a prior (prior_mean, prior_sd) worth k observations.
void shrink(std::vector<double>& mean, std::vector<double>& sd, double n, const std::vector<double>& prior_mean,
            const std::vector<double>& prior_sd, double k) {
  for (std::size_t f = 0; f < mean.size(); ++f) {
    const double m = (n * mean[f] + k * prior_mean[f]) / (n + k);
    sd[f] = std::sqrt((n * sd[f] * sd[f] + k * prior_sd[f] * prior_sd[f]) / (n + k));
    mean[f] = m;
  }
}

}  // namespace

std::vector<std::vector<float>> LinearEmotionModel::logits(std::span<const UtteranceEvidence> evidence,
                                                           std::span<const int> speaker, std::size_t first) const {
  SENTIO_ASSERT(evidence.size() == speaker.size() && first <= evidence.size());
  const std::size_t d = model_.n_features;
  for (const auto& e : evidence) SENTIO_ASSERT(e.functionals.size() == d);
  std::map<int, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < evidence.size(); ++i) groups[speaker[i]].push_back(i);
  std::vector<std::vector<float>> out(evidence.size() - first);
  if (out.empty()) return out;
  const bool hierarchical = !model_.within_speaker_std.empty();
  // The recording's statistics, shrunk towards the population: the prior of each speaker's.
  std::vector<double> recording_mean, recording_sd;
  if (hierarchical) {
    std::vector<std::size_t> all(evidence.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    moments(evidence, all, d, recording_mean, recording_sd);
    shrink(recording_mean, recording_sd, static_cast<double>(all.size()), model_.population_mean,
           model_.within_speaker_std, model_.speaker_prior);
  }
  std::vector<double> mean(d), sd(d), row(d);
  for (const auto& [spk, rows] : groups) {
    if (rows.back() < first) continue;  // (rows ascend) none of this speaker's utterances is scored
    if (hierarchical) {
      moments(evidence, rows, d, mean, sd);
      shrink(mean, sd, static_cast<double>(rows.size()), recording_mean, recording_sd, model_.speaker_prior);
    } else if (rows.size() >= kMinSpeakerUtterances || model_.population_mean.empty()) {
      moments(evidence, rows, d, mean, sd);  // the statistics of normalise_per_speaker (training)
    } else {
      mean = model_.population_mean;
      sd = model_.population_std;
    }
    for (std::size_t r : rows) {
      if (r < first) continue;
      for (std::size_t f = 0; f < d; ++f) {
        const double v = evidence[r].functionals[f];
        row[f] = sd[f] > 1e-12 * (1.0 + std::fabs(mean[f])) ? (v - mean[f]) / sd[f] : 0.0;
      }
      const std::vector<double> z = model_.logits(row.data());
      out[r - first].assign(z.begin(), z.end());
    }
  }
  return out;
}

std::vector<std::vector<float>> LinearEmotionModel::predict(std::span<const UtteranceEvidence> evidence,
                                                            std::span<const int> speaker) const {
  return predict_from(evidence, speaker, 0);
}

std::vector<std::vector<float>> LinearEmotionModel::predict_from(std::span<const UtteranceEvidence> evidence,
                                                                 std::span<const int> speaker, std::size_t first) const {
  std::vector<std::vector<float>> z = logits(evidence, speaker, first);
  const auto t = static_cast<float>(model_.output_temperature);
  for (auto& row : z) {
    for (float& v : row) v /= t;
    row = softmax(row);
  }
  return z;
}

std::string LinearEmotionModel::to_json() const { return model_to_json(model_); }

}  // namespace sentio::ser
