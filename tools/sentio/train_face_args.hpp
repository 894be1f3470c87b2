// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options of `sentio train face`, shared by the command line (cmd_face.cpp, which parses them) and the
// torch plugin (plugins/train_face.cpp, which trains). Plain data only: the struct crosses the dlopen boundary.
#include <cstdint>
#include <string>

namespace sentio::cli {

struct TrainFaceArgs {
  std::string data;
  std::string split;
  std::string base;
  std::string output;
  int epochs = 12;
  double lr = 3e-4;
  double weight_decay = 1e-4;
  double label_smoothing = 0.1;
  int batch = 64;
  std::uint64_t seed = 1;
  double holdout = 0.1;
  bool no_augment = false;
  int threads = 2;
  std::int64_t limit = 0;
  bool quiet = false;
};

}  // namespace sentio::cli
