// SPDX-License-Identifier: Apache-2.0
// `sentio eval face` in the torch plugin (see plugin_loader.hpp).
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "plugins/plugin_commands.hpp"
#include "plugins/plugin_guard.hpp"
#include "eval_face_args.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_eval.hpp"
#include "sentio/vision_neural/graph_model.hpp"

namespace {

int run_eval_face(const sentio::cli::EvalFaceArgs& a) {
  using namespace sentio;
  vision::FaceEvalOptions o;
  o.manifest = a.data;
  o.split = a.split;
  o.analyzer.expression_flip_average = a.flip;
  if (!a.crop_scales.empty()) o.analyzer.expression_crop_scales = a.crop_scales;
  if (a.cue_model == "none")
    o.analyzer.cue_fusion = false;
  else
    o.analyzer.cue_model = a.cue_model;
  // --model: a model folder, or one expression model json (the other models from the default folder).
  std::error_code ec;
  if (std::filesystem::is_regular_file(a.model, ec) || std::filesystem::path(a.model).extension() == ".json")
    o.analyzer.expression_model = a.model;
  else
    o.analyzer.model_dir = a.model;
  if (a.crops == "auto")
    o.crops = vision::CropMode::automatic;
  else if (a.crops == "yes")
    o.crops = vision::CropMode::crop;
  else if (a.crops == "no")
    o.crops = vision::CropMode::detect;
  else
    throw InputError("--crops: expected auto, yes or no, got '" + a.crops + "'");
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.n_threads = a.jobs > 0 ? a.jobs : hw;
  const vision::FaceEvalReport r = vision::evaluate_faces(o);
  std::cout << (a.json ? vision::face_eval_json(r) : vision::face_eval_table(r));
  std::cout.flush();
  for (const auto& f : r.failures) std::fprintf(stderr, "sentio: error: %s\n", f.c_str());
  return r.failures.empty() ? cli::kExitOk : cli::kExitInputFailed;
}

}  // namespace

namespace sentio::cli {

// Exceptions never cross the plugin boundary: every error becomes a message and an exit code.

int eval_face_command(const void* args) { return guarded(static_cast<const EvalFaceArgs*>(args), run_eval_face); }

}  // namespace sentio::cli
