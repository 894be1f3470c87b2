// SPDX-License-Identifier: Apache-2.0
// The `sentio` command: a thin shell over the libraries. Each subcommand lives in cmd_<name>.cpp.
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "sentio/core/error.hpp"
#include "suggest.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Sentio: emotion recognition from speech, faces and words.\n"
               "Run 'sentio COMMAND --help' for the options of a command."};
  app.set_version_flag("--version", std::string("sentio ") + SENTIO_VERSION);
  app.require_subcommand(1);
  std::map<std::string, sentio::cli::Runner> runners;
  runners.emplace("analyze", sentio::cli::add_analyze_command(app));
  runners.emplace("features", sentio::cli::add_features_command(app));
  runners.emplace("eval", sentio::cli::add_eval_command(app));
  runners.emplace("report", sentio::cli::add_report_command(app));
  runners.emplace("serve", sentio::cli::add_serve_command(app));
  runners.emplace("train", sentio::cli::add_train_command(app));
  runners.emplace("transcribe", sentio::cli::add_transcribe_command(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code == 0) return sentio::cli::kExitOk;
    for (const std::string& hint : sentio::cli::suggestions(app, std::vector<std::string>(argv + 1, argv + argc)))
      std::fprintf(stderr, "sentio: %s\n", hint.c_str());
    return sentio::cli::kExitUsage;
  }
  try {
    for (auto& [name, run] : runners)
      if (app.got_subcommand(name)) return run();
  } catch (const sentio::InputError& e) {
    std::fprintf(stderr, "sentio: error: %s\n", e.what());
    return sentio::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sentio: internal error: %s\n", e.what());
    return sentio::cli::kExitInternal;
  }
  return sentio::cli::kExitUsage;
}
