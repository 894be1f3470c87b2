// SPDX-License-Identifier: Apache-2.0
#pragma once
// The linear speech-emotion model as a SpeechEmotionModel: eGeMAPS functionals, per-speaker
// z-normalisation, softmax regression (linear_model.hpp). Needs no libtorch.
//
// Per-speaker normalisation in predict(): a speaker with at least kMinSpeakerUtterances utterances is
// z-normalised with the mean/std of its own utterances; a speaker with fewer (too few for a stable
// std) is normalised with the population statistics of the training data stored in the model.
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
  std::string kind() const override { return "linear"; }
  UtteranceEvidence analyse(std::span<const float> samples) const override;
  std::vector<std::vector<float>> predict(std::span<const UtteranceEvidence> evidence,
                                          std::span<const int> speaker) const override;
  std::string to_json() const override;
  // Logits after per-speaker normalisation (rows of n_features raw functionals per utterance).
  std::vector<std::vector<float>> logits(std::span<const UtteranceEvidence> evidence, std::span<const int> speaker) const;
  const LinearModel& model() const { return model_; }

 private:
  LinearModel model_;
};

}  // namespace sentio::ser
