// SPDX-License-Identifier: Apache-2.0
// sentio train face --data MANIFEST -o DIR [--split S] [--base MODEL.json] [--epochs N] [--lr X] ...
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

}  // namespace sentio::cli
