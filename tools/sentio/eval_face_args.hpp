// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options of `sentio eval face`, shared by the command line (which parses them) and the vision
// plugin (which runs the evaluation).
#include <string>
#include <vector>

namespace sentio::cli {

struct EvalFaceArgs {
  std::string model;
  std::string data;
  std::string split;
  std::string crops = "auto";
  bool json = false;
  bool flip = false;
  std::string cue_model;
  std::vector<float> crop_scales;  // empty: the library's default (vision::kDefaultExpressionCropScales)
  int jobs = 0;
};

}  // namespace sentio::cli
