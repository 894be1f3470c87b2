// SPDX-License-Identifier: Apache-2.0
// sentio features [--set egemaps|egemaps-lld] INPUT... [-o OUT] [--format csv|json] [-j N]
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/pipeline/features_job.hpp"
#include "sentio/pipeline/inputs.hpp"

namespace sentio::cli {

namespace {

struct FeaturesArgs {
  std::vector<std::string> inputs;
  std::string set = "egemaps";
  std::string output;
  std::string format;
  int jobs = 0;
  bool quiet = false;
};

int run_features_command(const FeaturesArgs& a) {
  pipeline::FeaturesJob job;
  job.set = pipeline::parse_feature_set(a.set);
  std::string format = a.format;
  if (format.empty()) format = (a.output.size() > 5 && a.output.ends_with(".json")) ? "json" : "csv";
  job.format = pipeline::parse_output_format(format);
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  job.n_threads = a.jobs > 0 ? a.jobs : hw;

  pipeline::ExpandedInputs inputs = pipeline::expand_inputs(a.inputs);
  job.files = inputs.files;

  std::optional<OutputFile> file;  // complete or untouched: an existing OUT survives a failed run
  std::ostream* out = &std::cout;
  if (!a.output.empty() && a.output != "-") {
    refuse_output_over_inputs(a.output, inputs.files);
    refuse_output_over_inputs(a.output, a.inputs);  // list files too
    file.emplace(a.output, false);
    out = &file->stream();
  }
  TerminalProgressBar bar("features", job.files.size() == 1 ? "s" : "files", !a.quiet && stderr_is_terminal());
  pipeline::FeaturesReport report;
  if (!job.files.empty()) report = pipeline::run_features(job, *out, bar);
  if (file && report.n_ok > 0) file->commit();  // nothing extracted: leave OUT as it was
  for (const std::string& w : report.warnings) std::fprintf(stderr, "sentio: warning: %s\n", w.c_str());
  std::vector<pipeline::InputProblem> problems = inputs.problems;
  problems.insert(problems.end(), report.failures.begin(), report.failures.end());
  for (const auto& p : problems) std::fprintf(stderr, "sentio: error: %s\n", p.message.c_str());
  if (job.files.empty() && problems.empty()) {
    std::fprintf(stderr, "sentio: error: no input files\n");
    return kExitUsage;
  }
  if (!problems.empty()) {
    std::fprintf(stderr, "sentio: %zu input(s) failed, %d file(s) written%s%s\n", problems.size(), report.n_ok,
                 a.output.empty() ? "" : " to ", a.output.c_str());
    return kExitInputFailed;
  }
  return kExitOk;
}

}  // namespace

Runner add_features_command(CLI::App& app) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "features",
      "Extract standard acoustic feature sets (eGeMAPS v02, identical in names, order and CSV layout to openSMILE 3.0).");
  cmd->add_option("inputs", args->inputs,
                  "Audio or video files, directories (searched recursively for media files) or list files "
                  "(*.txt/*.lst, one path per line, relative to the list's folder)")
      ->required();
  cmd->add_option("--set", args->set,
                  "Feature set: 'egemaps' = 88 functionals per file (one row per file); "
                  "'egemaps-lld' = 25 low-level descriptors every 10 ms (one row per frame)")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Output file ('-' or omitted = standard output)");
  cmd->add_option("--format", args->format,
                  "csv (openSMILE-compatible: ';' separator, quoted name, frameTime) or json "
                  "(schema sentio.features/1, see docs/FEATURES.md); default: json if OUT ends in .json, else csv");
  cmd->add_option("-j,--jobs", args->jobs, "Threads: across files for 'egemaps', inside each file otherwise (default: all cores)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  return [args] { return run_features_command(*args); };
}

}  // namespace sentio::cli
