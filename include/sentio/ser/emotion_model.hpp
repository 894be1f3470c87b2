// SPDX-License-Identifier: Apache-2.0
#pragma once
// The interface the analysis uses to run any trained speech-emotion model over the utterances of
// one recording, and the loader of model files. Two phases, because per-speaker normalisation needs all of a speaker's utterances:
//  1. analyse(): per-utterance evidence (features, neural logits), thread-safe, any order;
//  2. predict(): class probabilities for every utterance once the speakers are known.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sentio::ser {

// What a model extracts from one utterance before the recording-level decisions.
struct UtteranceEvidence {
  std::vector<double> functionals;   // acoustic functionals (empty if the model uses none)
  std::vector<float> neural_logits;  // per-class logits of a neural component (empty if none)
};

class SpeechEmotionModel {
 public:
  virtual ~SpeechEmotionModel() = default;
  // Class order of the probabilities (canonical order, see manifest.hpp).
  virtual const std::vector<std::string>& labels() const = 0;
  // "linear", "mlp", "neural" or "ensemble".
  virtual std::string kind() const = 0;
  // Evidence for one utterance: 16 kHz mono float samples. Thread-safe.
  virtual UtteranceEvidence analyse(std::span<const float> samples) const = 0;
  // Probabilities (one vector of labels().size() values summing to 1 per utterance) for all
  // utterances of one recording. speaker[i] groups utterances for per-speaker normalisation; a group
  // with too few utterances for its own statistics falls back to documented population statistics.
  virtual std::vector<std::vector<float>> predict(std::span<const UtteranceEvidence> evidence,
                                                  std::span<const int> speaker) const = 0;
  // The rows first.. of predict(evidence, speaker): the utterances before `first` still count in the
  // normalisation statistics, but are not scored (a growing recording scores only its new utterances).
  virtual std::vector<std::vector<float>> predict_from(std::span<const UtteranceEvidence> evidence,
                                                       std::span<const int> speaker, std::size_t first) const {
    std::vector<std::vector<float>> all = predict(evidence, speaker);
    all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(first, all.size())));
    return all;
  }
};

// Loads any speech-emotion model file Sentio writes; the format is read from the file's "format" field:
// sentio.ser.linear here, sentio.ser.neural and sentio.ser.ensemble through the sentio-torch plugin (loaded
// on first use). Throws InputError naming `path` when the file is missing, corrupt, of an unknown format,
// or when the plugin it needs cannot be loaded.
std::unique_ptr<SpeechEmotionModel> load_emotion_model(const std::string& path);

// The model shipped with Sentio (models/ser/ in the source tree or the install prefix; $SENTIO_SER_MODEL
// overrides). InputError if absent.
std::string default_emotion_model_path();

// A reader of one model format: the file's whole text (a JSON object) and its path (for messages).
using EmotionModelReader = std::unique_ptr<SpeechEmotionModel> (*)(const std::string& text, const std::string& path);
// Makes load_emotion_model() read `format` with `reader` (plugins call this when they are loaded).
void register_emotion_model_format(const std::string& format, EmotionModelReader reader);

}  // namespace sentio::ser
