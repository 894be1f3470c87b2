// SPDX-License-Identifier: Apache-2.0
#pragma once
// Fine-tuning of the expression model (`sentio train face`, docs/FACES.md "Training"): the TF.js
// `emotion` graph (64x64 grey in [-1, 1] -> 7 FER-order probabilities) trained on labelled face crops,
// written back as a TF.js graph model the face pipeline loads unchanged.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sentio/core/progress.hpp"

namespace sentio::vision {

struct FaceTrainOptions {
  std::string manifest;     // CSV with path,label[,split] (face manifest; paths may be "ARCHIVE.tar:MEMBER")
  std::string split;        // keep only rows with this `split` value ("" = all rows)
  std::string base_model;   // the emotion model json to start from ("" = <default face model dir>/emotion.json)
  std::string output_dir;   // receives emotion.json, emotion.bin, training.json (and SHA256SUMS)
  int epochs = 12;
  double learning_rate = 3e-4;  // peak of the schedule (linear warm-up over the first epoch, cosine decay)
  double weight_decay = 1e-4;   // AdamW, decoupled
  double label_smoothing = 0.1;
  int batch_size = 64;
  std::uint64_t seed = 1;
  double holdout_fraction = 0.1;  // per class, of the selected rows; chooses the epoch (0 = keep the last)
  bool augment = true;            // flips, small shifts/scale/rotation, brightness/contrast
  int threads = 2;                // torch intra-op threads and image decoding
  std::int64_t max_images = 0;    // > 0: use only N usable rows, a seeded random subset (quick trials, tests)
};

struct FaceTrainEpoch {
  int epoch = 0;                  // 1-based
  double train_loss = 0;          // mean training loss (with label smoothing)
  double train_accuracy = 0;      // on the augmented training batches
  double holdout_accuracy = -1;   // -1 without a holdout
  double holdout_loss = -1;
  double seconds = 0;             // wall time of the epoch (training + holdout)
};

struct FaceTrainReport {
  std::vector<FaceTrainEpoch> epochs;
  int chosen_epoch = 0;           // the epoch whose weights were written: best holdout accuracy (the last without a holdout)
  double base_holdout_accuracy = -1;  // the base model on the holdout, before training (optimistic when the base
                                      // model was trained on these images, as FER2013's was: not a candidate)
  std::size_t n_train = 0, n_holdout = 0;
  std::size_t n_skipped = 0;      // rows whose label has no class in the model (e.g. contempt) or is unknown
  std::vector<std::string> files;  // written files
  double seconds = 0;              // total wall time
};

struct FaceTrainCallbacks {
  // Progress of one epoch in images (created per epoch; may be null).
  std::function<std::unique_ptr<Progress>(int epoch, int epochs)> epoch_progress;
  // Called after each epoch (and once with epoch 0 for the base model's holdout accuracy).
  std::function<void(const FaceTrainEpoch&)> on_epoch;
};

// Reads and decodes the images (same preprocessing as FaceAnalyzer::classify_crop: grey, bilinear resize
// to 64x64, x/127.5 - 1), splits off a stratified, seeded holdout, fine-tunes and writes the model of the
// best holdout epoch. Throws InputError for a bad manifest, unreadable images (naming the first one and
// the count), a base model that is not an N x 64 x 64 x 1 -> 7 softmax graph, or an unwritable folder.
FaceTrainReport train_expression_model(const FaceTrainOptions& options, const FaceTrainCallbacks& callbacks = {});

// training.json content: the options and the report.
std::string face_training_json(const FaceTrainOptions& options, const FaceTrainReport& report);

}  // namespace sentio::vision
