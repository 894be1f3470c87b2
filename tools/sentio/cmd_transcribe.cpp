// SPDX-License-Identifier: Apache-2.0
// sentio transcribe AUDIO_OR_VIDEO... [-o OUT] [--format json|srt|vtt|txt] [--grammar FILE.jsgf] [-j N]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <span>
#include <thread>

#include "commands.hpp"
#include "sentio/asr/transcriber.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/pipeline/inputs.hpp"

namespace sentio::cli {

namespace {

namespace fs = std::filesystem;

struct TranscribeArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string format;
  std::string grammar;
  std::string keywords;
  std::string model_dir;
  int jobs = 0;
  bool quiet = false;
};

std::string format_from_extension(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".srt") return "srt";
  if (ext == ".vtt") return "vtt";
  if (ext == ".txt") return "txt";
  return "json";
}

void write_file(const fs::path& path, const asr::TranscriptResult& t, asr::TranscriptFormat format) {
  OutputFile file(path.string(), false);
  asr::write_transcript(file.stream(), t, format);
  file.commit();
}

int run_transcribe_command(const TranscribeArgs& a) {
  pipeline::ExpandedInputs inputs = pipeline::expand_inputs(a.inputs);
  // Output: one file (one input), a folder (several inputs, or OUT is a folder), or standard output.
  const bool to_stdout = a.output.empty() || a.output == "-";
  std::error_code ec;
  const bool to_dir = !to_stdout && (inputs.files.size() > 1 || a.output.ends_with('/') || fs::is_directory(a.output, ec));
  const std::string format_name = !a.format.empty() ? a.format : to_stdout || to_dir ? "json" : format_from_extension(a.output);
  const asr::TranscriptFormat format = asr::parse_transcript_format(format_name);
  if (to_stdout && inputs.files.size() > 1 &&
      (format == asr::TranscriptFormat::srt || format == asr::TranscriptFormat::vtt))
    throw InputError("several inputs in " + format_name + " need -o FOLDER (one file per input)");
  if (to_dir) {
    fs::create_directories(a.output, ec);
    if (!fs::is_directory(a.output)) throw InputError("'" + a.output + "': cannot create the output folder");
  } else if (!to_stdout) {
    require_output_folder(a.output);
    refuse_output_over_inputs(a.output, inputs.files);
    refuse_output_over_inputs(a.output, a.inputs);
  }

  asr::TranscriberOptions options;
  options.recognizer.model_dir = a.model_dir;
  options.recognizer.grammar = a.grammar;
  options.recognizer.keywords = a.keywords;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.n_threads = a.jobs > 0 ? a.jobs : hw;
  std::vector<pipeline::InputProblem> problems = inputs.problems;
  if (inputs.files.empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "sentio: error: %s\n", p.message.c_str());
    std::fprintf(stderr, "sentio: error: no input files\n");
    return problems.empty() ? kExitUsage : kExitInputFailed;
  }
  asr::Transcriber transcriber(options);  // model or grammar errors: usage error, nothing processed

  TerminalProgressBar bar("transcribe", "files", !a.quiet && stderr_is_terminal());
  bar.set_total(static_cast<double>(inputs.files.size()));
  int n_ok = 0;
  std::set<std::string> written;  // output names in folder mode
  for (const std::string& path : inputs.files) {
    asr::TranscriptResult t;
    try {
      t = transcriber.transcribe_file(path);
    } catch (const InputError& e) {
      problems.push_back({path, e.what()});
      bar.advance(1);
      continue;
    }
    if (to_stdout) {
      // Several JSON transcripts on standard output: one document per line (JSON Lines).
      const bool several = inputs.files.size() > 1;
      if (several && format == asr::TranscriptFormat::txt) std::cout << "# " << path << '\n';
      asr::write_transcript(std::cout, t, format, several);
      std::cout.flush();
    } else if (to_dir) {
      const std::string name = pipeline::base_name_without_extension(path) + "." + asr::transcript_extension(format);
      if (!written.insert(name).second) {
        problems.push_back({path, "'" + path + "': another input already wrote " + name + " (same file name)"});
        bar.advance(1);
        continue;
      }
      const std::string target = (fs::path(a.output) / name).string();
      refuse_output_over_inputs(target, a.inputs);
      refuse_output_over_inputs(target, std::span<const std::string>(&path, 1));
      write_file(target, t, format);
    } else {
      write_file(a.output, t, format);
    }
    ++n_ok;
    bar.advance(1);
  }
  bar.finish();
  for (const auto& p : problems) std::fprintf(stderr, "sentio: error: %s\n", p.message.c_str());
  if (!problems.empty()) {
    std::fprintf(stderr, "sentio: %zu input(s) failed, %d transcript(s) written\n", problems.size(), n_ok);
    return kExitInputFailed;
  }
  return kExitOk;
}

}  // namespace

Runner add_transcribe_command(CLI::App& app) {
  auto args = std::make_shared<TranscribeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "transcribe",
      "Speech recognition (pocketsphinx, US English): utterances from voice-activity detection, words with "
      "timestamps and confidences.");
  cmd->add_option("inputs", args->inputs,
                  "Audio or video files, directories (searched recursively for media files) or list files "
                  "(*.txt/*.lst, one path per line)")
      ->required();
  cmd->add_option("-o,--output", args->output,
                  "Output file, or folder (one <name>.<format> per input; required for several inputs in srt/vtt). "
                  "'-' or omitted = standard output (several JSON transcripts: one per line)");
  cmd->add_option("--format", args->format,
                  "json (schema sentio.transcript/1, docs/TRANSCRIPTS.md), srt, vtt or txt; default: from OUT's "
                  "extension, else json");
  cmd->add_option("--grammar", args->grammar, "JSGF grammar file: recognize only its sentences (replaces the language model)");
  cmd->add_option("--keywords", args->keywords,
                  "Keyword list (one phrase per line, optional /threshold/): spot only these phrases");
  cmd->add_option("--model-dir", args->model_dir,
                  "pocketsphinx model folder (en-us/, en-us.lm.bin, cmudict-en-us.dict); default: "
                  "$SENTIO_POCKETSPHINX_MODEL or /usr/share/pocketsphinx/model/en-us");
  cmd->add_option("-j,--jobs", args->jobs, "Threads over utterances, one recognizer each (default: all cores)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  return [args] { return run_transcribe_command(*args); };
}

}  // namespace sentio::cli
