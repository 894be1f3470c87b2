// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options of `sentio train ser` and `sentio eval ser`, shared by the command line (cmd_ser.cpp, which
// parses them) and the torch plugin (plugins/ser_neural.cpp, which runs neural/ensemble training and
// every evaluation). Plain data only: the struct crosses the dlopen boundary.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio::cli {

struct SerCommonArgs {
  std::vector<std::string> data;
  int jobs = 0;
  std::optional<std::uint64_t> seed;  // unset: 0 for train, the model's seed for eval --model
  bool quiet = false;
  std::string type;                   // linear | mlp | neural | ensemble ("" = command default)
  int epochs = 0;                     // > 0: override the CNN's training epochs
  std::string classes;                // core | all ("" = command default)
  std::string augment;                // on | off ("" = the recipe's default: on for mlp)
};

// --augment as a value for TrainOptions::augment, or the recipe's own default when not given.
inline bool augment_choice(const SerCommonArgs& a, bool recipe_default) {
  return a.augment.empty() ? recipe_default : a.augment == "on";
}

struct TrainSerArgs : SerCommonArgs {
  std::string output;
  std::optional<double> l2;  // unset: the type's default (0.01 linear, ser::kMlpL2 mlp)
  double speaker_prior = 8;
  std::string calibration;  // predictions CSV of held-out corpora ("" = calibrate on held-out speakers only)
};

// --l2 (when given; else the recipe's own value stays) and --speaker-prior into a training recipe's fields,
// range-checked: InputError naming the option.
inline void apply_penalties(const TrainSerArgs& a, double& l2, double& speaker_prior) {
  if (a.l2) l2 = *a.l2;
  if (!(l2 >= 0)) throw InputError("--l2 must be >= 0");
  speaker_prior = a.speaker_prior;
  if (!(speaker_prior >= 0 && speaker_prior <= 1e6)) throw InputError("--speaker-prior must be in [0, 1e6]");
}

struct EvalSerArgs : SerCommonArgs {
  std::string model;
  std::string protocol;
  int folds = 5;
  bool json = false;
  std::string predictions;  // CSV of every prediction ("" = none)
  int group_size = 0;       // > 0: normalisation groups of this many utterances per speaker
};

}  // namespace sentio::cli
