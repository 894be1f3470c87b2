// SPDX-License-Identifier: Apache-2.0
// `sentio train face` and `sentio train face-cues` in the torch plugin (see plugin_loader.hpp).
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "plugins/plugin_commands.hpp"
#include "plugins/plugin_guard.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/vision_neural/cue_training.hpp"
#include "sentio/vision_neural/face_training.hpp"
#include "train_face_args.hpp"

namespace {

int run_train_face(const sentio::cli::TrainFaceArgs& a) {
  using namespace sentio;
  vision::FaceTrainOptions o;
  o.manifest = a.data;
  o.split = a.split;
  o.base_model = a.base;
  o.output_dir = a.output;
  o.epochs = a.epochs;
  o.learning_rate = a.lr;
  o.weight_decay = a.weight_decay;
  o.label_smoothing = a.label_smoothing;
  o.batch_size = a.batch;
  o.seed = a.seed;
  o.holdout_fraction = a.holdout;
  o.augment = !a.no_augment;
  o.threads = a.threads;
  o.max_images = a.limit;
  vision::FaceTrainCallbacks cb;
  if (!a.quiet) {
    cb.epoch_progress = [](int epoch, int epochs) -> std::unique_ptr<Progress> {
      return std::make_unique<TerminalProgressBar>("epoch " + std::to_string(epoch) + "/" + std::to_string(epochs),
                                                   "img", stderr_is_terminal());
    };
    cb.on_epoch = [](const vision::FaceTrainEpoch& e) {
      if (e.epoch == 0) {
        std::fprintf(stderr, "sentio: base model: holdout accuracy %.4f\n", e.holdout_accuracy);
      } else {
        std::fprintf(stderr, "sentio: epoch %d: train loss %.4f, train accuracy %.4f, holdout accuracy %.4f, %.0f s\n",
                     e.epoch, e.train_loss, e.train_accuracy, e.holdout_accuracy, e.seconds);
      }
    };
  }
  const vision::FaceTrainReport r = vision::train_expression_model(o, cb);
  if (!a.quiet) {
    std::fprintf(stderr, "sentio: %zu training and %zu holdout images (%zu rows skipped); chose epoch %d; %.0f s\n",
                 r.n_train, r.n_holdout, r.n_skipped, r.chosen_epoch, r.seconds);
    for (const auto& f : r.files) std::fprintf(stderr, "sentio: wrote %s\n", f.c_str());
  }
  return cli::kExitOk;
}

int run_train_face_cues(const sentio::cli::TrainFaceCuesArgs& a) {
  using namespace sentio;
  vision::CueModelTrainOptions o;
  o.manifest = a.data;
  o.split = a.split;
  o.output = a.output;
  o.model_dir = a.models;
  o.holdout_fraction = a.holdout;
  o.seed = a.seed;
  o.fit.l2 = a.l2;
  o.fit.quadratic = !a.linear;
  o.fit.fusion_weight = a.fusion_weight;  // < 0: chosen on the holdout
  o.threads = a.threads;
  TerminalProgressBar bar("face cues", "img", !a.quiet && stderr_is_terminal());
  const vision::CueModelTrainReport r = vision::train_cue_model(o, &bar);
  if (!a.quiet) {
    std::fprintf(stderr, "sentio: %zu rows (%zu skipped), %zu crops without a face mesh; trained on %zu, held out %zu; %.0f s\n",
                 r.n_rows, r.n_skipped, r.n_no_face, r.n_train, r.n_holdout, r.seconds);
    if (r.n_holdout > 0)
      std::fprintf(stderr, "sentio: holdout accuracy on the crops: cues %.4f, appearance %.4f, fused %.4f\n",
                   r.holdout_cues, r.holdout_appearance, r.holdout_fused);
    if (r.n_holdout_detected > 0) {
      std::string grid;
      for (std::size_t g = 0; g < r.detected_fused.size(); ++g)
        grid += (g ? ", " : "") + std::to_string(vision::kCueWeightGrid[g]).substr(0, 3) + ": " +
                std::to_string(r.detected_fused[g]).substr(0, 6);
      std::fprintf(stderr, "sentio: holdout as analysed (%zu faces detected): appearance %.4f; fused by weight %s\n",
                   r.n_holdout_detected, r.detected_appearance, grid.c_str());
    }
    std::fprintf(stderr, "sentio: fusion weight %.2f\n", r.fusion_weight);
    std::fprintf(stderr, "sentio: wrote %s\n", a.output.c_str());
  }
  return cli::kExitOk;
}

}  // namespace

namespace sentio::cli {

// Exceptions never cross the plugin boundary: every error becomes a message and an exit code.

int train_face_command(const void* args) { return guarded(static_cast<const TrainFaceArgs*>(args), run_train_face); }
int train_face_cues_command(const void* args) {
  return guarded(static_cast<const TrainFaceCuesArgs*>(args), run_train_face_cues);
}

}  // namespace sentio::cli
