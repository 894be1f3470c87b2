// SPDX-License-Identifier: Apache-2.0
#pragma once
// Each subcommand registers its options on the app and returns the function that runs it.
#include <functional>

#include <CLI/CLI.hpp>

namespace sentio::cli {

using Runner = std::function<int()>;

Runner add_features_command(CLI::App& app);
Runner add_eval_command(CLI::App& app);
Runner add_train_command(CLI::App& app);
Runner add_transcribe_command(CLI::App& app);  // cmd_transcribe.cpp
Runner add_analyze_command(CLI::App& app);  // runs in the torch plugin
Runner add_report_command(CLI::App& app);   // cmd_report.cpp
Runner add_serve_command(CLI::App& app);    // cmd_serve.cpp
// Modality subcommands, registered on `train` / `eval` by add_train_command / add_eval_command.
// Each returns a runner that reports kExitUsage when its subcommand was not the one parsed.
Runner add_train_ser_command(CLI::App& train);  // cmd_ser.cpp
Runner add_eval_ser_command(CLI::App& eval);    // cmd_ser.cpp
Runner add_train_text_command(CLI::App& train);  // cmd_text.cpp
Runner add_eval_text_command(CLI::App& eval);    // cmd_text.cpp
Runner add_train_face_command(CLI::App& train);  // cmd_face.cpp
Runner add_train_face_cues_command(CLI::App& train);  // cmd_face.cpp
Runner add_train_fusion_command(CLI::App& train);  // cmd_fusion.cpp
Runner add_eval_fusion_command(CLI::App& eval);    // cmd_fusion.cpp

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInputFailed = 1;  // some input could not be processed (others were)
inline constexpr int kExitUsage = 2;        // bad command line or unusable output path
inline constexpr int kExitInternal = 3;     // a bug: an unexpected exception

}  // namespace sentio::cli
