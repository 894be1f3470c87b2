// SPDX-License-Identifier: Apache-2.0
// sentio train MODALITY ...: each modality registers its own subcommand (cmd_<modality>.cpp).
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"

namespace sentio::cli {

Runner add_train_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("train", "Train models on labelled data.");
  cmd->require_subcommand(1);
  const std::vector<std::pair<std::string, Runner>> subs = {
      {"ser", add_train_ser_command(*cmd)},
      {"text", add_train_text_command(*cmd)},
      {"face", add_train_face_command(*cmd)},
      {"face-cues", add_train_face_cues_command(*cmd)},
      {"fusion", add_train_fusion_command(*cmd)},
  };
  return [cmd, subs] {
    for (const auto& [name, run] : subs)
      if (cmd->got_subcommand(name)) return run();
    return kExitUsage;
  };
}

}  // namespace sentio::cli
