// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speech-emotion baseline: eGeMAPS v02 functionals (88 per clip), per-speaker z-normalisation and a
// multinomial logistic-regression (softmax) classifier with L2, trained by full-batch L-BFGS in double
// precision, or a one-hidden-layer perceptron (MLP) over the same inputs, trained by full-batch Adam with
// dropout. The regression starts from zero weights and visits the data in a fixed order, the MLP draws its
// initial weights and dropout masks from a generator seeded with `seed`: results are bit-identical run to
// run (the seed also shuffles speakers into folds, see evaluation.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sentio/ser/manifest.hpp"

namespace sentio::ser {

inline constexpr const char* kFeatureSetEgemaps = "egemaps-v02-functionals";
inline constexpr const char* kNormalisationSpeakerZ = "speaker-z";

// Feature rows of a data set, one per clip that could be decoded. x is n x n_features, row-major.
struct Dataset {
  std::size_t n_features = 0;
  std::vector<double> x;
  std::vector<std::string> labels;    // canonical label per row
  std::vector<std::string> speakers;  // per row
  std::vector<std::string> paths;     // per row
  std::vector<std::string> corpora;   // per row (ManifestItem::corpus)
  std::vector<std::string> problems;  // clips that failed to decode or gave non-finite features
  // Functionals of augmented copies of rows (TrainOptions::augment, augment.hpp), n_features each, row-major:
  // copy i is of row augmented_source[i] as variant augmented_variant[i] (an index into augment_variants()).
  // Trained on beside their source row, never evaluated; empty unless asked for.
  std::vector<double> augmented_x;
  std::vector<std::size_t> augmented_source;
  std::vector<int> augmented_variant;

  std::size_t size() const { return labels.size(); }
  const double* row(std::size_t i) const { return x.data() + i * n_features; }
  // A copy of the rows without the augmented copies (which are eight times their size), for work on the
  // rows alone: normalising them, adding to them.
  Dataset originals() const {
    Dataset d;
    d.n_features = n_features;
    d.x = x;
    d.labels = labels;
    d.speakers = speakers;
    d.paths = paths;
    d.corpora = corpora;
    d.problems = problems;
    return d;
  }
};

// Decodes every item (16 kHz mono, sentio::media) and computes its 88 eGeMAPS functionals, files in
// parallel on n_threads (>= 1) threads, and with `augment` those of its augmented copies too. Failed files
// are listed in problems and left out. With `keep_audio`, it also receives the samples of every clip kept,
// one per row, and clips shorter than 0.1 s are refused (what a model of the audio itself needs).
Dataset extract_egemaps(const Manifest& manifest, int n_threads, bool augment = false,
                        std::vector<std::vector<float>>* keep_audio = nullptr);

// Appends the row `functionals` of `item` to `data`: its 88 eGeMAPS functionals, then, if any, those of each
// augmented copy in augment_variants() order, which go to data.augmented_*.
void add_clip(Dataset& data, const ManifestItem& item, const std::vector<double>& functionals);

// Mean and population std per feature over `rows` of raw (unnormalised) data (for LinearModel::population_*).
void population_statistics(const Dataset& raw, const std::vector<std::size_t>& rows, std::vector<double>& mean,
                           std::vector<double>& sd);
// Pooled within-speaker std per feature over `rows` of raw data: sqrt of the mean squared deviation of
// each row from its own speaker's mean.
std::vector<double> within_speaker_std(const Dataset& raw, const std::vector<std::size_t>& rows);

// Per-speaker z-normalisation, in place: for each speaker s and feature f,
//   x' = (x - mean_s,f) / std_s,f   with the population std over that speaker's own rows,
// and x' = 0 where std_s,f == 0 (a constant feature carries no information for that speaker).
// At test time the statistics come from the test speaker's own clips (the usual "speaker
// normalisation" of SER papers: it needs several unlabelled clips per speaker, never their labels).
void normalise_per_speaker(Dataset& data);

struct TrainOptions {
  double l2 = 1e-2;          // lambda in  mean_i w_i CE_i / mean_i w_i + lambda/2 * ||W||^2 (bias not penalised)
  int max_iterations = 400;  // L-BFGS iterations
  double tolerance = 1e-6;   // stop when the gradient's max-norm is below this (objective then within ~1e-9 of its minimum)
  bool balanced = true;      // class weights n / (K n_k), so every class counts equally in the loss
  std::uint64_t seed = 0;    // recorded in the model; used by the fold construction (and the MLP's initialisation)
  double speaker_prior = 8;  // weight of the normalisation prior, in utterances (linear_emotion_model.hpp)
  // > 0: one hidden layer of this many ReLU units before the softmax (a multilayer perceptron), trained
  // by full-batch Adam for `steps` steps at `learning_rate` with dropout on the hidden units; l2 then
  // penalises both weight matrices. 0: the softmax regression above (L-BFGS).
  int hidden = 0;
  double dropout = 0.5;
  int steps = 300;
  double learning_rate = 0.01;
  // Also train on augmented copies of every training clip (augment.hpp): shifted by -6, -4, -2, +2, +4 and
  // +6 semitones (tempo kept), and played at 0.9 and 1.1 times the speed. Each copy is normalised with the other copies of its speaker and
  // variant, as if it were another speaker; the normalisation prior comes from the original clips only.
  // Needs a Dataset extracted with augmentation.
  bool augment = false;
};

// Defaults of `--type mlp`, chosen by leave-one-corpus-out UA (bench/ser_trust.md).
inline constexpr int kMlpHidden = 64;
inline constexpr double kMlpL2 = 0.03;
// Turns `options` into the MLP recipe of `--type mlp` (hidden layer and its L2; the rest unchanged).
inline void use_mlp_defaults(TrainOptions& options) {
  options.hidden = kMlpHidden;
  options.l2 = kMlpL2;
  options.augment = true;
}

struct LinearModel {
  std::string feature_set = kFeatureSetEgemaps;
  std::string normalisation = kNormalisationSpeakerZ;
  std::vector<std::string> labels;  // class order (canonical order, restricted to trained classes)
  std::size_t n_features = 0;
  std::vector<double> weights;      // labels.size() x n_features (or x hidden units), row-major
  std::vector<double> bias;         // labels.size()
  // The MLP's hidden layer (options.hidden > 0): units x n_features, row-major, and units biases; empty
  // for the softmax regression. logits = weights . relu(hidden_weights . x + hidden_bias) + bias.
  std::vector<double> hidden_weights, hidden_bias;
  TrainOptions options;
  std::size_t n_train = 0;          // rows it was trained on (informative)
  // Mean and population std of the raw (unnormalised) functionals over the training rows, n_features
  // each, or empty (older files). Used to z-normalise utterances of a speaker with too few utterances
  // for their own statistics (SpeechEmotionModel::predict, see docs/SER.md).
  std::vector<double> population_mean, population_std;
  // Pooled within-speaker std of the raw functionals (n_features) and the prior's weight in utterances,
  // or empty (older files): the shrinkage of per-speaker statistics (linear_emotion_model.hpp).
  std::vector<double> within_speaker_std;
  double speaker_prior = 0;
  // Temperature of the logits in predicted probabilities (1 = none), fitted on predictions of held-out
  // corpora by `sentio train ser --calibration`, and a description of those predictions ("" = none).
  double output_temperature = 1;
  std::string calibrated_on;

  // Logits (one per class) of one normalised feature row of n_features values.
  std::vector<double> logits(const double* row) const;
  std::size_t hidden_units() const { return hidden_bias.size(); }
};

// Sets the population and within-speaker statistics and the prior of `model` from the raw training rows.
void set_normalisation_prior(LinearModel& model, const Dataset& raw, const std::vector<std::size_t>& rows);

// Trains on the rows `rows` of data (already normalised): the softmax regression, or the MLP when
// options.hidden > 0. Classes are the labels present in those rows, in canonical order. Needs at least two
// classes (sentio::InputError otherwise). Deterministic for given data, rows and options.
LinearModel train_linear(const Dataset& data, const std::vector<std::size_t>& rows, const TrainOptions& options);

// The whole recipe from raw (unnormalised) rows: per-speaker normalisation, with options.augment the rows'
// augmented copies added (InputError when `raw` has none), train_linear, and the normalisation prior of
// the original rows. n_train counts the original rows.
LinearModel train_on_raw(const Dataset& raw, const std::vector<std::size_t>& rows, const TrainOptions& options);

// Model file: JSON, format "sentio.ser.linear" version 1 (see src/ser/model_io.cpp for the fields).
std::string model_to_json(const LinearModel& model);
// Validates every field and shape; throws sentio::InputError naming `source` and the faulty field.
LinearModel model_from_json(const std::string& text, const std::string& source);
void save_model(const LinearModel& model, const std::string& path);
LinearModel load_model(const std::string& path);

}  // namespace sentio::ser
