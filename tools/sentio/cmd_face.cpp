// SPDX-License-Identifier: Apache-2.0
// sentio train face --data MANIFEST -o DIR [--split S] [--base MODEL.json] [--epochs N] [--lr X] ...
// sentio train face-cues --data MANIFEST -o FILE [--split S] [--holdout F] [--l2 X] ...
// Runs in the torch plugin (plugins/train_face.cpp).
#include <memory>

#include "commands.hpp"
#include "plugin_loader.hpp"
#include "train_face_args.hpp"

namespace sentio::cli {

Runner add_train_face_command(CLI::App& train) {
  auto a = std::make_shared<TrainFaceArgs>();
  CLI::App* cmd = train.add_subcommand(
      "face", "Fine-tune the facial expression model (emotion, 64x64 grey, 7 classes) on labelled face crops; "
              "writes DIR/emotion.json + emotion.bin (TF.js graph model), training.json and SHA256SUMS.");
  cmd->add_option("--data", a->data,
                  "CSV manifest with 'path' and 'label' columns (optional 'split'); paths relative to its folder, "
                  "or 'ARCHIVE.tar:MEMBER' to read an image from an uncompressed tar. Labels as in 'eval face'; "
                  "rows with other labels (e.g. contempt) are skipped and counted")
      ->required();
  cmd->add_option("-o,--output", a->output, "Output folder (created if missing)")->required();
  cmd->add_option("--split", a->split, "Use only the rows whose 'split' column has this value (e.g. Training)");
  cmd->add_option("--base", a->base,
                  "Expression model json to start from (default: emotion.json of the face models fetched by "
                  "scripts/setup)");
  cmd->add_option("--epochs", a->epochs, "Training epochs (the best on the holdout is kept)")->capture_default_str();
  cmd->add_option("--lr", a->lr, "Peak learning rate (AdamW; linear warm-up over the first epoch, then cosine decay)")
      ->capture_default_str();
  cmd->add_option("--weight-decay", a->weight_decay, "AdamW decoupled weight decay on filters")->capture_default_str();
  cmd->add_option("--label-smoothing", a->label_smoothing, "Label smoothing of the cross-entropy")->capture_default_str();
  cmd->add_option("--batch", a->batch, "Images per training step")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the holdout, data order and augmentation")->capture_default_str();
  cmd->add_option("--holdout", a->holdout,
                  "Fraction of every class held out to choose the epoch (0: keep the last epoch)")
      ->capture_default_str();
  cmd->add_flag("--no-augment", a->no_augment,
                "Train on the plain crops (default: random flip, shift, scale, rotation, brightness, contrast)");
  cmd->add_option("-j,--threads", a->threads, "Torch threads and image-decoding threads")->capture_default_str();
  cmd->add_option("--limit", a->limit, "Use only N usable rows, a seeded random subset (quick trials)");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or per-epoch lines");
  return [a, cmd] {
    if (!cmd->parsed()) return kExitUsage;
    return run_plugin_command("train-face", a.get());
  };
}

Runner add_train_face_cues_command(CLI::App& train) {
  auto a = std::make_shared<TrainFaceCuesArgs>();
  CLI::App* cmd = train.add_subcommand(
      "face-cues",
      "Train the cue expression model: FaceMesh on labelled face crops, the facial cues (mouth opening, "
      "lip-corner lift, mouth width, brows, eyes, head pose) and a softmax regression over them, which the face "
      "pipeline fuses with the appearance model (docs/FACES.md, 'Cue fusion'). Writes one JSON file and prints "
      "the holdout accuracy of the cues, the appearance and the fusion.");
  cmd->add_option("--data", a->data,
                  "CSV manifest with 'path' and 'label' columns (optional 'split'), as for 'train face'")
      ->required();
  cmd->add_option("-o,--output", a->output, "The cue model JSON to write (e.g. models/face/cues.json)")->required();
  cmd->add_option("--split", a->split, "Use only the rows whose 'split' column has this value (e.g. Training)");
  cmd->add_option("--models", a->models, "Face model folder (default: the models fetched by scripts/setup)");
  cmd->add_option("--holdout", a->holdout,
                  "Fraction of every class held out and scored (the model is fitted on the rest; 0: fit on all)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the holdout")->capture_default_str();
  cmd->add_option("--l2", a->l2, "L2 penalty of the regression (on standardised features)")->capture_default_str();
  cmd->add_flag("--linear", a->linear, "Only the twelve cue features, without their pairwise products");
  cmd->add_option("--fusion-weight", a->fusion_weight,
                  "Weight w of the cue model in the fusion p ~ p_appearance * (p_cues / prior)^w, recorded in the model "
                  "(default: chosen among 0, 0.1, 0.2, 0.3, 0.5, 0.7, 1 on the holdout, its images analysed as "
                  "'sentio analyze' does)");
  cmd->add_option("-j,--threads", a->threads, "Images analysed in parallel")->capture_default_str();
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or summary lines");
  return [a, cmd] {
    if (!cmd->parsed()) return kExitUsage;
    return run_plugin_command("train-face-cues", a.get());
  };
}

}  // namespace sentio::cli
