// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/analyze_job.hpp"

#include <cstdio>
#include <optional>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/pipeline/inputs.hpp"

namespace sentio::analysis {

namespace fs = std::filesystem;

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string extension(DocumentFormat f) { return f == DocumentFormat::json ? ".json" : ".csv"; }

// Writes `text` to `path` through a temporary file in the same folder, so the document is either
// complete or absent.
void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("'" + path.string() + "': cannot open for writing");
    out << text;
    out.close();
    if (!out) throw InputError("'" + path.string() + "': write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError("'" + path.string() + "': cannot be written: " + ec.message());
  }
}

// Where each input's document goes ("" = standard output).
std::vector<std::string> destinations(const AnalyzeJob& job) {
  const bool to_stdout = job.output.empty() || job.output == "-";
  std::error_code ec;
  const bool is_dir = !to_stdout && (fs::is_directory(job.output, ec) || job.output.ends_with('/'));
  if (job.files.size() > 1 && !is_dir) {
    if (to_stdout || fs::exists(job.output, ec))
      throw InputError("several inputs: give an output folder with -o DIR (one document per input)");
  }
  if (to_stdout) return {""};
  if (job.files.size() == 1 && !is_dir) return {job.output};
  fs::create_directories(job.output, ec);
  if (ec) throw InputError("'" + job.output + "': cannot create the output folder: " + ec.message());
  std::vector<std::string> out;
  std::set<std::string> used;
  for (const std::string& file : job.files) {
    const std::string stem = pipeline::base_name_without_extension(file);
    std::string name = stem + extension(job.format);
    for (int k = 2; used.count(name); ++k) name = stem + "-" + std::to_string(k) + extension(job.format);
    used.insert(name);
    out.push_back((fs::path(job.output) / name).string());
  }
  return out;
}

}  // namespace

InputKind classify_input(const std::string& path) {
  switch (pipeline::media_kind_from_extension(path)) {
    case pipeline::MediaKind::subtitles: return InputKind::transcript;
    case pipeline::MediaKind::image: return InputKind::image;
    case pipeline::MediaKind::audio: return InputKind::audio;
    default: return InputKind::video;
  }
}

DocumentFormat parse_document_format(const std::string& name) {
  if (name == "json") return DocumentFormat::json;
  if (name == "csv") return DocumentFormat::csv;
  throw InputError("unknown output format '" + name + "' (expected json or csv)");
}

namespace {

// The words part of a transcript; speakers come from the speech part when the transcript has none.
TextResult text_part(text::Transcript transcript, const std::string& source, const std::string& name,
                     const AnalyzeJob& job, const AnalysisModels& models, AnalysisResult& result) {
  SENTIO_ASSERT(models.text.base || models.text.languages || models.text.scorer);
  if (result.speech) attribute_speakers(transcript, *result.speech);
  TextResult t = analyze_transcript(transcript, models.text, source, name);
  if (t.model_path.empty()) t.model_path = job.text_model_path;  // a language pack sets its own
  if (t.language_source == "fallback" && t.status == "ok") {
    char line[160];
    std::snprintf(line, sizeof line, "language of the words not recognised (best %s, confidence %.2f); English model used",
                  t.language_detected.empty() ? "none" : t.language_detected.c_str(),
                  static_cast<double>(t.language_confidence));
    result.warnings.emplace_back(line);
  }
  return t;
}

// Speech and faces of one input into `result`. A video whose audio cannot be analysed keeps its faces
// (and vice versa), with a warning; the input fails only when no part could be analysed.
void analyse_media(const std::string& file, InputKind kind, const AnalyzeJob& job, const AnalysisModels& models,
                   AnalysisResult& result) {
  std::optional<std::string> faces_error, speech_error;
  if (kind == InputKind::video) {
    SENTIO_ASSERT(models.faces);
    try {
      TerminalProgressBar bar("faces", "s", job.show_progress);
      result.faces = analyze_faces_video(file, *models.faces, job.faces, bar, result.input);
      result.input.kind = "video";
      if (result.faces->frames_skipped > 0)
        result.warnings.push_back(std::to_string(result.faces->frames_skipped) +
                                  " corrupt video frame(s) skipped");
    } catch (const InputError& e) {
      faces_error = e.what();
    }
  }
  SENTIO_ASSERT(models.speech);
  try {
    TerminalProgressBar bar("speech", "s", job.show_progress);
    result.speech = analyze_speech(file, *models.speech, job.speech, bar, result.input);
    result.speech->model_path = job.model_path;
    if (result.input.kind.empty()) result.input.kind = "audio";
    if (result.speech->status == "no_speech")
      result.warnings.push_back("no speech found (silence, noise, or shorter than the minimum segment of " +
                                seconds(job.speech.segmenter.min_segment_s) + ")");
  } catch (const InputError& e) {
    speech_error = e.what();
  }
  if (!result.speech && !result.faces) throw InputError(faces_error ? *faces_error : *speech_error);
  if (speech_error) result.warnings.push_back("speech not analysed: " + *speech_error);
  if (faces_error) result.warnings.push_back("faces not analysed: " + *faces_error);
}

void analyse_input(const std::string& file, const AnalyzeJob& job, const AnalysisModels& models,
                   AnalysisResult& result) {
  const InputKind kind = classify_input(file);
  result.input.path = file;
  switch (kind) {
    case InputKind::transcript:
      result.input.kind = "transcript";
      result.text = text_part(text::read_transcript(file), "given", file, job, models, result);
      return;
    case InputKind::image:
      SENTIO_ASSERT(models.faces);
      result.input.kind = "image";
      result.faces = analyze_faces_image(file, *models.faces, result.input);
      return;
    default:
      analyse_media(file, kind, job, models, result);
  }
  // Words: the given transcript, else recognised speech when asked for.
  if (!job.transcript.empty()) {
    result.text = text_part(text::read_transcript(job.transcript), "given", job.transcript, job, models, result);
  } else if (job.transcribe && result.speech && result.speech->status == "ok") {
    SENTIO_ASSERT(models.transcriber);
    const asr::TranscriptResult recognized = models.transcriber->transcribe_file(file);
    result.text = text_part(to_transcript(recognized), "asr", recognized.engine + " " + recognized.model, job, models,
                            result);
  }
}

}  // namespace

AnalyzeReport run_analyze(const AnalyzeJob& job, const AnalysisModels& models) {
  if (job.files.empty() && !job.transcript.empty()) {  // a transcript on its own
    AnalyzeJob alone = job;
    alone.files = {job.transcript};
    alone.transcript.clear();
    alone.transcript_only = true;
    return run_analyze(alone, models);
  }
  if (!job.transcript.empty() && job.files.size() > 1)
    throw InputError("--transcript belongs to one recording; give a single media input with it");
  const std::vector<std::string> dest = destinations(job);
  AnalyzeReport report;
  for (std::size_t i = 0; i < job.files.size(); ++i) {
    const std::string& file = job.files[i];
    try {
      AnalysisResult result;
      if (job.transcript_only) {
        result.input.path = file;
        result.input.kind = "transcript";
        result.text = text_part(text::read_transcript(file), "given", file, job, models, result);
      } else {
        analyse_input(file, job, models, result);
      }
      if (result.text && result.text->status == "no_text")
        result.warnings.push_back(result.text->source == "asr" ? "no words recognised" : "the transcript has no utterance");
      const std::string text =
          job.format == DocumentFormat::json ? to_json(result, job.generator) : to_csv(result);
      const std::string& target = dest.size() == 1 ? dest[0] : dest[i];
      if (target.empty()) {
        std::cout << text;
        std::cout.flush();
      } else {
        write_atomically(target, text);
      }
      report.written.push_back(target);
      ++report.n_ok;
    } catch (const InputError& e) {
      report.failures.push_back({file, e.what()});
    }
  }
  return report;
}

}  // namespace sentio::analysis
