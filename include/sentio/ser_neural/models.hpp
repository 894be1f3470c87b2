// SPDX-License-Identifier: Apache-2.0
#pragma once
// The libtorch SpeechEmotionModel implementations, and the training/evaluation of any of the three types.
//  * linear:   eGeMAPS functionals, per-speaker z-normalisation, softmax regression (sentio/ser/linear_emotion_model.hpp).
//  * neural:   the log-mel CNN (neural_model.hpp).
//  * ensemble: both, temperature-calibrated, weighted mean of log-probabilities (calibration.hpp).
//
// The neural component normalises each utterance on its own and ignores the speaker grouping.
// Thread-safety: analyse() may run on many threads at once; predict() is const and re-entrant.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sentio/ser/emotion_model.hpp"
#include "sentio/ser/evaluation.hpp"
#include "sentio/ser/linear_emotion_model.hpp"
#include "sentio/ser/linear_model.hpp"
#include "sentio/ser/manifest.hpp"
#include "sentio/ser_neural/neural_model.hpp"

namespace sentio::ser {

enum class ModelType { linear, neural, ensemble };
ModelType parse_model_type(const std::string& name);  // linear, mlp (= linear), neural, ensemble; else InputError
const char* model_type_name(ModelType type);

// Registers the sentio.ser.neural and sentio.ser.ensemble file formats with ser::load_emotion_model
// (called by the sentio-torch plugin when it is loaded).
void register_neural_model_formats();

class NeuralEmotionModel final : public TrainedEmotionModel {
 public:
  explicit NeuralEmotionModel(NeuralModel model);
  const std::vector<std::string>& labels() const override { return model_.labels(); }
  std::string kind() const override { return "neural"; }
  UtteranceEvidence analyse(std::span<const float> samples) const override;
  std::vector<std::vector<float>> predict(std::span<const UtteranceEvidence> evidence,
                                          std::span<const int> speaker) const override;
  std::string to_json() const override { return model_.to_json(); }
  const NeuralModel& model() const { return model_; }

 private:
  NeuralModel model_;
};

struct EnsembleCalibration {
  double linear_temperature = 1, neural_temperature = 1, linear_weight = 0.5;
  std::vector<std::string> validation_speakers;  // the held-out training speakers it was fitted on
  double validation_ua_linear = 0, validation_ua_neural = 0, validation_ua = 0;  // informative
  // Calibration on held-out corpora (calibrate_on_predictions): the temperature of the combined
  // log-probabilities (1 = none), and what it and linear_weight were fitted on ("" = held-out speakers).
  double output_temperature = 1;
  std::string calibrated_on;
};

class EnsembleEmotionModel final : public TrainedEmotionModel {
 public:
  // Both components must have the same labels (InputError otherwise).
  EnsembleEmotionModel(LinearModel linear, NeuralModel neural, EnsembleCalibration calibration);
  const std::vector<std::string>& labels() const override { return linear_.labels(); }
  std::string kind() const override { return "ensemble"; }
  UtteranceEvidence analyse(std::span<const float> samples) const override;
  std::vector<std::vector<float>> predict(std::span<const UtteranceEvidence> evidence,
                                          std::span<const int> speaker) const override;
  std::string to_json() const override;
  const EnsembleCalibration& calibration() const { return calibration_; }
  // Re-fits linear_weight and output_temperature on predictions of held-out corpora (see
  // calibrate_on_predictions).
  void set_calibration(EnsembleCalibration calibration) { calibration_ = std::move(calibration); }
  const LinearEmotionModel& linear() const { return linear_; }
  const NeuralEmotionModel& neural() const { return neural_; }

 private:
  LinearEmotionModel linear_;
  NeuralEmotionModel neural_;
  EnsembleCalibration calibration_;
};

// A manifest decoded once: raw eGeMAPS functionals (unnormalised), with `augment` also those of every
// row's augmented copies (TrainOptions::augment), and the 16 kHz audio of every row.
struct Corpus {
  Dataset raw;
  std::vector<std::vector<float>> audio;  // one per row of raw
};
// Messages about long work (files decoded, epochs, folds) for the user; the library never prints them.
using TrainingLog = std::function<void(const std::string& message)>;

Corpus load_corpus(const Manifest& manifest, int n_threads, const TrainingLog& log = {}, bool augment = false);

struct SerTrainOptions {
  ModelType type = ModelType::ensemble;
  TrainOptions linear;
  NeuralOptions neural;
  TrainingLog log;  // progress messages (none when empty)
};

// The options of a model type named on the command line: "mlp" is the linear pipeline with a hidden layer
// (kMlpHidden units, L2 kMlpL2); the others only set the type.
void apply_model_type(const std::string& name, SerTrainOptions& options);
// "mlp" for a linear type with a hidden layer, else model_type_name(options.type).
const char* model_type_name(const SerTrainOptions& options);

// Trains a model of options.type on corpus rows `rows`. Ensemble: a seeded share of the training
// speakers (neural.validation_fraction) is held out; the CNN and a linear model are trained on the
// rest, temperatures and the weight are fitted on the held-out speakers' predictions, and the linear
// component is then re-trained on all rows (the CNN keeps its best held-out epoch).
std::unique_ptr<TrainedEmotionModel> train_emotion_model(const Corpus& corpus, const std::vector<std::size_t>& rows,
                                                         const SerTrainOptions& options);
// Hyper-parameters recorded in a trained model (for re-training per fold), type included.
SerTrainOptions options_of(const SpeechEmotionModel& model);

struct SerEvalResult {
  EvalResult result;
  double ccc_valence = 0, ccc_arousal = 0;  // predicted: probability-weighted circumplex points
  // Every scored prediction: corpus row, fold and probabilities over canonical_labels() (-1 for classes
  // the fold's model lacks), in fold order.
  struct Prediction {
    std::size_t row = 0, fold = 0;
    std::vector<float> probs;
  };
  std::vector<Prediction> predictions;
  // Ensemble only: the same folds scored by each component alone.
  std::unique_ptr<SerEvalResult> linear_component, neural_component;
};

// loso / kfold_speaker / loco: re-trains with `options` per fold; split: evaluates `model` (required) as is.
// Every test speaker's utterances form one predict() group (per-speaker normalisation); with group_size
// > 0, each speaker's utterances are shuffled (seeded) and cut into groups of that many, as if every
// recording held only group_size utterances of a speaker.
SerEvalResult evaluate_emotion_model(const Corpus& corpus, Protocol protocol, int folds, std::uint64_t seed,
                                     const SerTrainOptions& options, const SpeechEmotionModel* model, int n_threads,
                                     int group_size = 0);

// Calibration on held-out corpora: reads the CSV of `sentio eval ser --protocol loco --predictions` with
// the same recipe (each fold's model never heard the corpus it predicts). Ensemble: chooses the ensemble
// weight on the components' predictions (highest UA over the model's classes, ties to the lowest NLL), then
// fits the output temperature of the combination (lowest NLL). Linear: fits the output temperature of
// the logits. Returns a one-line description. Throws InputError when the file is unreadable, malformed,
// shares no class with the model, or the model is neural.
std::string calibrate_on_predictions(TrainedEmotionModel& model, const std::string& csv_path);

// Lin's concordance correlation coefficient (0 when either side has zero variance and they differ).
double concordance_ccc(std::span<const double> x, std::span<const double> y);

}  // namespace sentio::ser
