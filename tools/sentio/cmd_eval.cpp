// SPDX-License-Identifier: Apache-2.0
// sentio eval face [--model DIR|MODEL.json] --data MANIFEST [--split S] [--crops auto|yes|no] [--json] [-j N]
// sentio eval ser ... (cmd_ser.cpp), sentio eval fusion ... (cmd_fusion.cpp)
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "eval_face_args.hpp"
#include "plugin_loader.hpp"

namespace sentio::cli {

Runner add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalFaceArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Measure accuracy on labelled data.");
  cmd->require_subcommand(1);
  CLI::App* face = cmd->add_subcommand(
      "face", "Facial expression accuracy on a labelled image manifest (accuracy, macro-F1, per-class recall, confusion).");
  face->add_option("--data", args->data,
                   "CSV manifest with 'path' and 'label' columns (paths relative to its folder; FER-style labels "
                   "angry, happy, sad, neutral, surprise, fear, disgust; 'contempt' rows are skipped and counted)")
      ->required();
  face->add_option("--model", args->model,
                   "Folder with blazeface/facemesh/emotion .json+.bin (default: the models fetched by scripts/setup), "
                   "or an expression model json (e.g. DIR/emotion.json from 'sentio train face') that replaces only "
                   "the expression model");
  face->add_option("--split", args->split, "Only the rows whose 'split' column has this value (e.g. PublicTest)");
  face->add_option("--crops", args->crops,
                   "auto: images whose longer side is <= 96 px are face crops, larger ones go through detection "
                   "(whole image if no face is found); yes: every image is a face crop; no: always detect")
      ->capture_default_str();
  face->add_flag("--flip", args->flip,
                 "Average the expression probabilities of each crop and its mirror image (test-time augmentation)");
  face->add_option("--crop-scale", args->crop_scales,
                   "Sides of the expression crops over the extent of the face's landmarks (the crops' probabilities "
                   "are averaged; default 1.25), for images that go through detection; face crops are used whole")
      ->delimiter(',');
  face->add_option("--cue-model", args->cue_model,
                   "Cue expression model fused with the expression model (from 'sentio train face-cues'; default: "
                   "the shipped models/face/cues.json); 'none': the expression model alone");
  face->add_flag("--json", args->json, "Print one JSON object instead of a table");
  face->add_option("-j,--jobs", args->jobs, "Images in parallel (default: all cores)");
  const std::vector<std::pair<std::string, Runner>> subs = {
      {"ser", add_eval_ser_command(*cmd)},
      {"text", add_eval_text_command(*cmd)},
      {"fusion", add_eval_fusion_command(*cmd)},
  };
  return [args, cmd, face, subs] {
    for (const auto& [name, run] : subs)
      if (cmd->got_subcommand(name)) return run();
    if (!face->parsed()) return kExitUsage;
    return run_plugin_command("eval-face", args.get());
  };
}

}  // namespace sentio::cli
