// SPDX-License-Identifier: Apache-2.0
#pragma once
// Neural speech-emotion model: a compact CNN on per-utterance-normalised log-mel frames with attentive
// statistics pooling, trained with libtorch on the CPU (docs/SER.md). This header has no torch types;
// the network lives behind a pointer to an implementation in src/ser_neural.
//
// Input pipeline (training and inference alike): 16 kHz mono -> log-mel (features/log_mel.hpp, 25 ms /
// 10 ms / 64 bands) -> leading and trailing frames more than `trim_db` below the loudest frame dropped ->
// per-utterance normalisation (minus the mean of all its log-mel values, divided by their standard
// deviation: removes the gain, keeps the spectral shape) -> CNN -> one logit per class.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sentio::ser {

struct NeuralOptions {
  // Architecture: 4 conv blocks (3x3 conv, batch norm, ReLU; the 1st strides by 2, the 2nd and 3rd
  // max-pool 2x2, the 4th pools frequency only) with channels c, 2c, 4c, 4c; a linear projection of each time step to `embedding`; attentive
  // statistics pooling (weighted mean and std over time); dropout; a linear classifier.
  int channels = 8;
  int embedding = 96;
  double dropout = 0.3;
  double trim_db = 40.0;  // silence trimming threshold (see above)
  // Training (AdamW, cosine learning-rate decay, class-balanced cross-entropy with label smoothing).
  int epochs = 30;
  int batch_size = 32;
  double learning_rate = 3e-3;
  double weight_decay = 1e-3;
  double label_smoothing = 0.1;
  double crop_seconds = 2.0;  // training crops (random position); shorter clips are zero-padded
  // Augmentation, per training example, in this order: speed perturbation (resampling, which moves
  // pitch, formants and tempo together), random crop, gain, reverberation (a synthetic room: Schroeder
  // combs and all-passes), telephone band (300-3400 Hz band-pass), additive white noise, then SpecAugment
  // on the normalised log-mel.
  bool augment = true;
  double speed_probability = 0.5, speed_max = 0.1;  // factor uniform in [1 - speed_max, 1 + speed_max]
  double reverb_probability = 0.25;                  // RT60 uniform in 0.2-0.8 s, wet share 0.1-0.4
  double telephone_probability = 0.2;
  double gain_db = 6.0;             // uniform in [-gain_db, +gain_db]
  double noise_probability = 0.5;   // probability of adding white noise ...
  double snr_min_db = 5.0, snr_max_db = 35.0;  // ... at an SNR uniform in this range
  int time_masks = 2, time_mask_max = 20;      // frames
  int freq_masks = 2, freq_mask_max = 8;       // mel bands
  // Share of the training speakers held out (seeded choice) to pick the best epoch (by UA) and, in an
  // ensemble, to calibrate. 0: no hold-out, the last epoch is kept.
  double validation_fraction = 0.2;
  std::uint64_t seed = 0;
  // torch intra-op threads while training. 1 by default: on a loaded 2-core machine OpenMP's second
  // thread made each step 3-8x slower (spinning barriers), and folds can run as separate processes.
  int threads = 1;
};

class NeuralModel {
 public:
  NeuralModel();
  ~NeuralModel();
  NeuralModel(const NeuralModel&);
  NeuralModel& operator=(const NeuralModel&);
  NeuralModel(NeuralModel&&) noexcept;
  NeuralModel& operator=(NeuralModel&&) noexcept;

  const std::vector<std::string>& labels() const;
  const NeuralOptions& options() const;
  // Logits (one per label) for one utterance, 16 kHz mono. Thread-safe (inference mode; torch
  // intra-op threads are whatever the caller set, 1 is best when many threads call this).
  std::vector<float> logits(std::span<const float> samples) const;
  // Model file: JSON, format "sentio.ser.neural" version 1 (docs/SER.md).
  std::string to_json() const;
  // Validates everything (fields, shapes, checksum); InputError naming `source` otherwise.
  static NeuralModel from_json(const std::string& text, const std::string& source);

  struct Impl;
  explicit NeuralModel(std::shared_ptr<Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

// Progress callback of training: (epoch 1..epochs, training loss, validation UA or -1).
using NeuralProgress = std::function<void(int, double, double)>;

// Trains on audio[train] (labels as canonical names; the class list is the labels present, in canonical
// order). `validation` rows (held-out speakers) select the best epoch; may be empty. Deterministic for a
// given seed, data and thread count.
NeuralModel train_neural(const std::vector<std::vector<float>>& audio, const std::vector<std::string>& labels,
                         const std::vector<std::size_t>& train, const std::vector<std::size_t>& validation,
                         const NeuralOptions& options, const NeuralProgress& progress = {});

}  // namespace sentio::ser
