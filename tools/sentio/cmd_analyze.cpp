// SPDX-License-Identifier: Apache-2.0
// sentio analyze INPUT... [-o OUT] [--format json|csv] [--speech-model MODEL] [--speaker-mode M]
//                [--speakers N] [--min-segment S] [--max-segment S] [--fps N] [--detect-interval N] [--window S] [--face-models DIR] [--expression-model JSON]
//                [--transcript FILE] [--transcribe] [--text-model MODEL] [--language CODE|auto]
//                [--input-format FMT --rate R --channels C] [--report PATH] [-j N] [-q]
// A thin layer over the library: an Engine from the model options, a batch job over the inputs
// (sentio/engine/batch.hpp), errors and progress on stderr.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <utility>

#include "analyze_args.hpp"
#include "commands.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/engine/analyze.hpp"
#include "sentio/engine/batch.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/engine/session.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/report/report.hpp"

namespace sentio::cli {

namespace {

// Progress of the current input's stages as bars on stderr (one bar per stage).
class ProgressBars {
 public:
  explicit ProgressBars(bool enabled) : enabled_(enabled) {}
  void operator()(const ProgressUpdate& u) {
    if (!enabled_) return;
    if (!bar_ || u.stage != stage_) {
      if (bar_) bar_->finish();
      stage_ = u.stage;
      bar_ = std::make_unique<TerminalProgressBar>(u.stage, "s", true);
      done_ = 0;
    }
    if (u.total > 0) bar_->set_total(u.total);
    if (u.done > done_) {
      bar_->advance(u.done - done_);
      done_ = u.done;
    }
    if (u.finished) {
      bar_->finish();
      bar_.reset();
    }
  }

 private:
  bool enabled_;
  std::string stage_;
  std::unique_ptr<TerminalProgressBar> bar_;
  double done_ = 0;
};

std::string default_format(const std::string& output) {
  if (output.ends_with(".csv")) return "csv";
  if (output.ends_with(".jsonl")) return "jsonl";
  return "json";
}

// --report: the HTML report of each document written (docs/REPORT.md), with the input as its media.
// `written` are the documents of the inputs that succeeded, in input order ("" = standard output, whose
// text is `stdout_text`). Returns the problems (one per report that could not be written).
std::vector<pipeline::InputProblem> write_reports(const AnalyzeArgs& a, const std::vector<std::string>& files,
                                                  const BatchReport& batch, DocumentFormat format,
                                                  const std::string& stdout_text) {
  namespace fs = std::filesystem;
  std::vector<pipeline::InputProblem> problems;
  std::vector<std::string> ok;
  for (const std::string& f : files)
    if (std::none_of(batch.failures.begin(), batch.failures.end(),
                     [&](const pipeline::InputProblem& p) { return p.input == f; }))
      ok.push_back(f);
  if (ok.size() != batch.written.size()) ok.resize(std::min(ok.size(), batch.written.size()));
  const bool folder = files.size() > 1 || a.report.ends_with('/') || fs::is_directory(a.report);
  std::error_code dir_error;
  const fs::path report_dir = folder ? fs::path(a.report) : fs::path(a.report).parent_path();
  if (!report_dir.empty()) fs::create_directories(report_dir, dir_error);
  if (dir_error) throw InputError("--report " + a.report + ": cannot create the folder (" + dir_error.message() + ")");
  for (std::size_t i = 0; i < ok.size(); ++i) {
    const std::string& doc_path = batch.written[i];
    const std::string stem = fs::path(doc_path.empty() ? ok[i] : doc_path).stem().string();
    const fs::path out = folder ? fs::path(a.report) / (stem + ".html") : fs::path(a.report);
    const fs::path tmp_json = out.parent_path() / ("." + out.filename().string() + ".json.tmp");
    try {
      report::ReportOptions o;
      const InputKind kind = ok[i] == "-" ? InputKind::transcript : classify_input(ok[i]);
      if (kind == InputKind::audio || kind == InputKind::video) o.media_path = ok[i];
      fs::path source = doc_path;
      if (doc_path.empty() || format == DocumentFormat::jsonl) {
        std::string text = stdout_text;
        if (!doc_path.empty()) {
          std::ifstream in(doc_path, std::ios::binary);
          std::ostringstream ss;
          ss << in.rdbuf();
          text = ss.str();
        }
        if (format == DocumentFormat::jsonl) {  // the last line is the "result" event: the whole document
          while (!text.empty() && text.back() == '\n') text.pop_back();
          const std::size_t nl = text.rfind('\n');
          text = text.substr(nl == std::string::npos ? 0 : nl + 1);
        }
        std::ofstream(tmp_json, std::ios::binary) << text;
        source = tmp_json;
      }
      report::write_report(source, out, o);
    } catch (const std::exception& e) {
      problems.push_back({out.string(), std::string("report: ") + e.what()});
    }
    std::error_code ec;
    fs::remove(tmp_json, ec);
  }
  return problems;
}

int run_analyze(const AnalyzeArgs& a) {
  BatchJob job;
  pipeline::ExpandedInputs inputs;
  const bool from_stdin = std::find(a.inputs.begin(), a.inputs.end(), "-") != a.inputs.end();
  if (from_stdin) {
    if (a.inputs.size() != 1) throw InputError("'-' (standard input) must be the only input");
    inputs.files = {"-"};
  } else {
    inputs = pipeline::expand_inputs(a.inputs, /*include_images=*/true, /*txt_lists=*/false);
  }
  if (!from_stdin && (!a.input_format.empty() || a.rate > 0 || a.channels > 0))
    throw InputError("--input-format, --rate and --channels describe raw PCM on standard input: give '-' as the input");
  if (!a.input_format.empty()) {
    const auto& formats = media::raw_audio_formats();
    if (std::find(formats.begin(), formats.end(), a.input_format) == formats.end()) {
      std::string list;
      for (const std::string& f : formats) list += (list.empty() ? "" : ", ") + f;
      throw InputError("--input-format: unknown raw audio format '" + a.input_format + "' (accepted: " + list + ")");
    }
    if (a.rate <= 0 || a.channels <= 0)
      throw InputError("--input-format " + a.input_format + " needs --rate and --channels");
  } else if (a.rate > 0 || a.channels > 0) {
    throw InputError("--rate and --channels describe raw PCM: give --input-format too");
  }
  if (!(a.max_duration_s >= 0))  // NaN too
    throw InputError("--max-duration: expected a length in seconds, or 0 for no limit");
  job.files = inputs.files;
  job.output = a.output;
  job.format = parse_document_format(a.format.empty() ? default_format(a.output) : a.format);
  job.csv_table = analysis::parse_csv_table(a.table);
  job.generator = a.generator;
  job.transcript = a.transcript;
  job.analyze.speaker_prefixes = !a.no_speaker_names;
  if (!a.report.empty() && job.format == DocumentFormat::csv)
    throw InputError("--report: the report is made from the JSON document; use --format json or jsonl");
  if (job.files.empty() && job.transcript.empty() && inputs.problems.empty())
    throw InputError("nothing to analyse: give media files, '-' for standard input, and/or --transcript FILE");

  SessionOptions& so = job.analyze.session;
  so.speaker_mode = analysis::parse_speaker_mode(a.speaker_mode);
  so.speakers = a.speakers;
  so.min_segment_s = a.min_segment_s;
  so.min_confidence = static_cast<float>(a.min_confidence);
  so.max_segment_s = a.max_segment_s >= 0 ? a.max_segment_s : from_stdin ? 4.0 : 15.0;
  so.fps = a.fps;
  so.detect_interval = a.detect_interval;
  so.window_s = a.window_s;
  so.transcribe = a.transcribe;
  job.analyze.max_duration_s = a.max_duration_s;
  job.skip_existing = a.skip_existing;
  job.analyze.input_format = a.input_format;
  job.analyze.input_rate = a.rate;
  job.analyze.input_channels = a.channels;
  ProgressBars bars(!a.quiet && stderr_is_terminal());
  job.analyze.progress = [&bars](const ProgressUpdate& u) { bars(u); };

  // Models load when first needed; a given path that does not exist is a usage error even when this run
  // would not need it (e.g. --text-model without a transcript).
  const std::shared_ptr<const Engine> engine = make_engine(a.models);
  // Options are checked and the models the inputs need are loaded before the first input is decoded, so
  // a bad option or model file is one usage error, not a failure of every input.
  (void)Session(engine, so);
  bool speech = false, faces = false, words = !job.transcript.empty();
  for (const std::string& f : job.files) {
    const InputKind kind = classify_input(f);
    speech = speech || kind == InputKind::audio || kind == InputKind::video;
    faces = faces || kind == InputKind::image || kind == InputKind::video;
    words = words || kind == InputKind::transcript;
  }
  const bool recognition = so.transcribe && job.transcript.empty() && speech;
  if (speech) engine->preload(Modality::speech);
  if (faces) engine->preload(Modality::faces);
  if (words || recognition) engine->preload(Modality::words);
  if (recognition) engine->preload(Modality::recognition);

  BatchReport report;
  // With --report, a document for standard output is kept to make the report from, then printed.
  std::ostringstream captured;
  const bool capture = !a.report.empty() && (a.output.empty() || a.output == "-");
  if (!job.files.empty() || !job.transcript.empty()) report = run_batch(engine, job, capture ? captured : std::cout);
  if (capture) std::cout << captured.str() << std::flush;
  if (report.n_skipped > 0)
    std::fprintf(stderr, "sentio: %d input(s) skipped: their output already exists (--skip-existing)\n",
                 report.n_skipped);
  std::vector<pipeline::InputProblem> problems = inputs.problems;
  problems.insert(problems.end(), report.failures.begin(), report.failures.end());
  if (!a.report.empty()) {
    const std::vector<std::string> analysed = job.files.empty() ? std::vector<std::string>{job.transcript} : job.files;
    const auto failed = write_reports(a, analysed, report, job.format, captured.str());
    problems.insert(problems.end(), failed.begin(), failed.end());
  }
  for (const auto& p : problems) std::fprintf(stderr, "sentio: error: %s\n", p.message.c_str());
  if (!problems.empty()) {
    std::fprintf(stderr, "sentio: %zu input(s) failed, %d analysed\n", problems.size(), report.n_ok);
    return kExitInputFailed;
  }
  return kExitOk;
}

}  // namespace

Runner add_analyze_command(CLI::App& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  args->generator = std::string("sentio ") + SENTIO_VERSION;
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Who felt what, when. Audio: speech segments with speaker, emotion probabilities, arousal and valence, an "
      "emotion timeline and a per-speaker summary. Video and images: every face tracked with its expression, "
      "valence/arousal and facial cues, per-track summaries and the group view (JSON schema sentio.analysis/2, "
      "docs/ANALYSIS.md). Words: a transcript's utterances (or recognised speech) with text emotion. '-' reads "
      "audio from standard input and, with --format jsonl, prints each result as soon as it is final.");
  cmd->add_option("inputs", args->inputs,
                  "Audio, video or image files, transcripts (.srt/.vtt subtitles, .txt plain text), directories "
                  "(searched recursively), list files (*.lst or @FILE, one path per line), or '-' for audio on "
                  "standard input (live: results as the audio arrives)");
  cmd->add_option("-o,--output", args->output,
                  "Output: file (one input), folder (one document per input; required for several inputs), or '-' "
                  "/ omitted for standard output");
  cmd->add_option("--format", args->format,
                  "json (default), csv (one row per speech segment) or jsonl (one JSON object per line as soon as each "
                  "result is final, then the whole document; docs/ANALYSIS.md); default from OUT's extension");
  cmd->add_option("--table", args->table,
                  "With --format csv: segments (one row per speech segment) or moments (one row per moment: person, "
                  "each modality's label, the fused call, agreement, compound, explanation)")
      ->capture_default_str();
  cmd->add_option("--speaker-mode", args->speaker_mode,
                  "diarize: find the speakers of the mono mix; channels: one speaker per channel (stereo calls); "
                  "single: one speaker")
      ->capture_default_str();
  cmd->add_option("--speakers", args->speakers, "Number of speakers if known (diarize mode; 0 = estimate)")
      ->capture_default_str();
  cmd->add_option("--min-segment", args->min_segment_s, "Shortest speech segment kept (s)")->capture_default_str();
  cmd->add_option("--min-confidence", args->min_confidence,
                  "A speech segment whose top probability is below this (or that is shorter than 0.5 s) is marked "
                  "uncertain: kept in segments, left out of the timeline and counted apart in the speaker summaries "
                  "(0 = never)")
      ->capture_default_str();
  cmd->add_option("--max-segment", args->max_segment_s,
                  "Longer turns are split (s); default 15 for files and 4 for standard input, so that a long turn's "
                  "results arrive within ~3 s while live");
  cmd->add_option("--fps", args->fps, "Video frames analysed per second (faces)")->capture_default_str();
  cmd->add_option("--detect-interval", args->detect_interval,
                  "Run the face detector every N analysed frames (between them faces are followed by their landmarks; "
                  "a lost face triggers detection); 1 = every frame, 0 = every 0.4 s of video")
      ->capture_default_str();
  cmd->add_option("--window", args->window_s, "Length of the group-view windows over all faces (s)")->capture_default_str();
  cmd->add_option("--transcript", args->transcript,
                  "Transcript of the recording (SRT, WebVTT, JSON, CSV, MELD CSV or plain text, docs/TRANSCRIPTS.md): "
                  "adds the words part (text emotion per utterance). Without media inputs it is analysed on its own");
  cmd->add_flag("--no-speaker-names", args->no_speaker_names,
                "Keep transcript lines 'Name: text' (plain text, SRT, WebVTT) as text; by default a short name before "
                "the colon is the speaker's name (docs/ANALYSIS.md)");
  cmd->add_flag("--transcribe", args->transcribe,
                "Recognise the speech (pocketsphinx, English) of recordings without --transcript and add the words "
                "part; slower (about 0.3 x real time per thread)");
  cmd->add_option("--input-format", args->input_format,
                  "Standard input is raw PCM in this format: s16le, s32le or f32le (needs --rate and --channels); "
                  "default: probe the stream (WAV or anything FFmpeg reads from a pipe)");
  cmd->add_option("--rate", args->rate, "Sample rate of raw PCM on standard input (Hz)");
  cmd->add_option("--channels", args->channels, "Channels of raw PCM on standard input");
  cmd->add_option("--report", args->report,
                  "Also write a self-contained HTML report of each result (docs/REPORT.md; the input itself is "
                  "linked as the page's media): a file for one input, a folder (one <name>.html per input) for "
                  "several. Needs --format json or jsonl");
  cmd->add_flag("--skip-existing", args->skip_existing,
                "Resume an interrupted batch: skip inputs whose output document already exists (documents appear "
                "under their final name only when complete)");
  cmd->add_option("--max-duration", args->max_duration_s,
                  "Longest input accepted (s; 0 = no limit): longer files are refused before decoding, standard "
                  "input stops with an error after this much audio")
      ->capture_default_str();
  add_model_options(cmd, args->models);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  return [args] { return run_analyze(*args); };
}

}  // namespace sentio::cli
