// SPDX-License-Identifier: Apache-2.0
// `sentio analyze` in the torch plugin (see plugin_loader.hpp): loads the models, runs the job,
// reports failed inputs one line each.
#include <cstdio>
#include <exception>
#include <optional>
#include <thread>

#include "analyze_args.hpp"
#include "commands.hpp"
#include "plugins/plugin_guard.hpp"
#include "sentio/analysis/analyze_job.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/ser_neural/load.hpp"
#include "sentio/ser_neural/neural_model.hpp"
#include "sentio/text/language.hpp"
#include "sentio/text_neural/neural_text_model.hpp"
#include "sentio/vision/face_analyzer.hpp"
#include "sentio/vision/graph_model.hpp"

namespace {

int run_analyze(const sentio::cli::AnalyzeArgs& a) {
  using namespace sentio;
  analysis::AnalyzeJob job;
  const pipeline::ExpandedInputs inputs = pipeline::expand_inputs(a.inputs, /*include_images=*/true);
  job.files = inputs.files;
  job.output = a.output;
  std::string format = a.format;
  if (format.empty()) format = a.output.ends_with(".csv") ? "csv" : "json";
  job.format = analysis::parse_document_format(format);
  job.speech.speaker_mode = analysis::parse_speaker_mode(a.speaker_mode);
  if (a.speakers < 0) throw InputError("--speakers: expected 0 (estimate) or a positive count");
  job.speech.diarization.n_speakers = a.speakers;
  if (!(a.min_segment_s > 0) || !(a.max_segment_s > a.min_segment_s))
    throw InputError("--min-segment/--max-segment: need 0 < min < max");
  job.speech.segmenter.min_segment_s = a.min_segment_s;
  job.speech.segmenter.max_segment_s = a.max_segment_s;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  job.speech.n_threads = a.jobs > 0 ? a.jobs : hw;
  job.generator = a.generator;
  job.show_progress = !a.quiet && stderr_is_terminal();
  if (!(a.fps > 0) || a.fps > 120) throw InputError("--fps: expected a rate in (0, 120] frames per second");
  job.faces.fps = a.fps;
  job.faces.n_threads = job.speech.n_threads;
  job.faces.window_s = a.window_s;
  if (a.detect_interval < 0) throw InputError("--detect-interval: expected 0 (automatic) or a positive frame count");
  job.faces.detect_interval = a.detect_interval;
  if (!(a.window_s > 0)) throw InputError("--window: expected a positive length in seconds");

  job.transcript = a.transcript;
  job.transcribe = a.transcribe;
  if (job.files.empty() && job.transcript.empty() && inputs.problems.empty())
    throw InputError("nothing to analyse: give media files and/or --transcript FILE");

  // Load only the models the inputs need.
  bool need_speech = false, need_faces = false, need_text = !job.transcript.empty();
  for (const std::string& f : job.files) {
    const analysis::InputKind kind = analysis::classify_input(f);
    need_speech = need_speech || kind == analysis::InputKind::audio || kind == analysis::InputKind::video;
    need_faces = need_faces || kind == analysis::InputKind::image || kind == analysis::InputKind::video;
    need_text = need_text || kind == analysis::InputKind::transcript;
  }
  const bool need_asr = job.transcribe && job.transcript.empty() && need_speech;
  need_text = need_text || need_asr;
  std::unique_ptr<ser::SpeechEmotionModel> speech_model;
  std::optional<vision::FaceAnalyzer> face_analyzer;
  std::optional<text::TextModel> text_model;
  std::optional<text::ContextModel> context_model;
  std::optional<text::LanguagePack> language_pack;
  std::optional<text_neural::NeuralTextModel> neural_text_model;
  text::TextScorer neural_scorer;
  std::unique_ptr<asr::Transcriber> transcriber;
  analysis::AnalysisModels models;
  if (need_speech) {
    job.model_path = a.speech_model.empty() ? ser::default_emotion_model_path() : a.speech_model;
    speech_model = ser::load_emotion_model(job.model_path);
    models.speech = speech_model.get();
  }
  if (need_faces) {
    vision::FaceAnalyzerOptions fo;
    fo.model_dir = a.face_models;
    fo.expression_model = a.expression_model;
    face_analyzer.emplace(fo);
    models.faces = &*face_analyzer;
  }
  if (need_text && !a.language.empty() && !a.text_model.empty())
    std::fprintf(stderr, "sentio: warning: --language %s ignored: --text-model given\n", a.language.c_str());
  if (need_text && !a.language.empty() && a.text_model.empty()) {
    // --language (docs/TEXT.md, "Multilingual"): a fixed language's model, or the pack for per-transcript
    // detection ("auto"; its English model is the default one, loaded on first use like the others).
    if (text::resolve_language_code(a.language) == "auto") {
      language_pack.emplace(text::multilingual_pack_dir());
      models.text.languages = &*language_pack;
    } else {
      const text::LanguageChoice choice = text::choose_language_model(a.language, {});
      job.text_model_path = choice.model_path;
      text_model = text::TextModel::load(job.text_model_path);
      models.text.base = &*text_model;
      models.text.language = choice.code;
    }
  } else if (need_text) {
    job.text_model_path = a.text_model.empty() ? text::default_text_model_path() : a.text_model;
    if (text_neural::NeuralTextModel::is_neural_text_model_file(job.text_model_path)) {
      neural_text_model = text_neural::NeuralTextModel::load(job.text_model_path);
      neural_scorer = neural_text_model->scorer();
      models.text.scorer = &neural_scorer;
      models.text.scorer_description = neural_text_model->description();
    } else if (text::ContextModel::is_context_model_file(job.text_model_path)) {
      context_model = text::ContextModel::load(job.text_model_path);
      models.text.base = &context_model->base();
      models.text.context = &*context_model;
    } else {
      text_model = text::TextModel::load(job.text_model_path);
      models.text.base = &*text_model;
    }
  }
  if (need_asr) {
    asr::TranscriberOptions to;
    to.n_threads = job.speech.n_threads;
    transcriber = std::make_unique<asr::Transcriber>(to);
    models.transcriber = transcriber.get();
  }
  // Parallelism is across speech segments and faces: every model call runs on one torch thread.
  vision::set_torch_threads(1);
  ser::set_neural_threads(1);

  analysis::AnalyzeReport report;
  if (!job.files.empty() || !job.transcript.empty()) report = analysis::run_analyze(job, models);
  std::vector<pipeline::InputProblem> problems = inputs.problems;
  problems.insert(problems.end(), report.failures.begin(), report.failures.end());
  for (const auto& p : problems) std::fprintf(stderr, "sentio: error: %s\n", p.message.c_str());
  if (!problems.empty()) {
    std::fprintf(stderr, "sentio: %zu input(s) failed, %d analysed\n", problems.size(), report.n_ok);
    return cli::kExitInputFailed;
  }
  return cli::kExitOk;
}

}  // namespace

// Exceptions never cross the plugin boundary: every error becomes a message and an exit code.
extern "C" __attribute__((visibility("default"))) int sentio_analyze(const sentio::cli::AnalyzeArgs* args) {
  return sentio::cli::guarded(args, run_analyze);
}
