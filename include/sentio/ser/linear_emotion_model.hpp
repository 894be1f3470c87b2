// SPDX-License-Identifier: Apache-2.0
#pragma once
// The linear speech-emotion model as a SpeechEmotionModel: eGeMAPS functionals, per-speaker
// z-normalisation, softmax regression (linear_model.hpp). Needs no libtorch.
//
// Normalisation in predict(), per recording and per speaker, from the first utterance on (one predict()
// call = one recording). With k = LinearModel::speaker_prior (in utterances):
//   recording (all N utterances): mean_R = (N mean_all + k mean_pop) / (N + k),
//                                 var_R  = (N var_all  + k var_within) / (N + k)
//   speaker (its n utterances):   mean   = (n mean_s + k mean_R) / (n + k),  var = (n var_s + k var_R) / (n + k)
// with the training population's mean and pooled within-speaker variance. A short recording is judged
// mostly against the population, a long one against itself; a speaker with few utterances mostly against
// its recording, so a diarization error that moves utterances between speakers moves the statistics only
// a little (bench/ser_trust.md measures how often a segment's label changes with --speakers).
// Model files without the prior (older ones): a speaker with at least kMinSpeakerUtterances utterances uses
// its own statistics, one with fewer the population's.
// Thread-safety: analyse() may run on many threads at once; predict() is const and re-entrant.
#include <cstddef>
#include <string>
#include <vector>

#include "sentio/ser/emotion_model.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

inline constexpr std::size_t kMinSpeakerUtterances = 4;

// A trained model that can be written to a file.
class TrainedEmotionModel : public SpeechEmotionModel {
 public:
  virtual std::string to_json() const = 0;
  void save(const std::string& path) const;  // InputError when the file cannot be written
};

class LinearEmotionModel final : public TrainedEmotionModel {
 public:
  explicit LinearEmotionModel(LinearModel model);
  const std::vector<std::string>& labels() const override { return model_.labels; }
  std::string kind() const override { return model_.hidden_units() > 0 ? "mlp" : "linear"; }
  UtteranceEvidence analyse(std::span<const float> samples) const override;
  std::vector<std::vector<float>> predict(std::span<const UtteranceEvidence> evidence,
                                          std::span<const int> speaker) const override;
  std::vector<std::vector<float>> predict_from(std::span<const UtteranceEvidence> evidence, std::span<const int> speaker,
                                               std::size_t first) const override;
  std::string to_json() const override;
  // Logits after per-speaker normalisation (rows of n_features raw functionals per utterance), before
  // the output temperature; of the utterances first.. only (the earlier ones count in the statistics).
  std::vector<std::vector<float>> logits(std::span<const UtteranceEvidence> evidence, std::span<const int> speaker,
                                         std::size_t first = 0) const;
  const LinearModel& model() const { return model_; }
  // Sets the output temperature fitted on held-out corpora and what it was fitted on.
  void set_output_temperature(double temperature, std::string calibrated_on) {
    model_.output_temperature = temperature;
    model_.calibrated_on = std::move(calibrated_on);
  }

 private:
  LinearModel model_;
};

}  // namespace sentio::ser
