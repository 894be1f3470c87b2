// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options of `sentio train face` and `sentio train face-cues`, shared by the command line (cmd_face.cpp, which parses them) and the
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

// `sentio train face-cues` (cmd_face.cpp parses, plugins/train_face.cpp trains).
struct TrainFaceCuesArgs {
  std::string data;
  std::string split;
  std::string output;
  std::string models;
  double holdout = 0.1;
  std::uint64_t seed = 1;
  double l2 = 1e-3;
  bool linear = false;
  double fusion_weight = -1;  // < 0: chosen on the holdout
  int threads = 2;
  bool quiet = false;
};

}  // namespace sentio::cli
