// SPDX-License-Identifier: Apache-2.0
#pragma once
// `sentio analyze` over many inputs: each file is analysed (using all threads inside the file) and its
// document written as soon as it is done, so a failure or an interruption never loses finished results.
//  * one input: the document goes to standard output, to OUT, or into OUT/ when OUT is a directory;
//  * several inputs: OUT must be a directory (created if missing); one document per input named after
//    the input's base name (".json" or ".csv"; "-2", "-3", ... appended when two inputs share a name).
// Files are written to a temporary name and renamed, so a document is either complete or absent.
#include <string>
#include <vector>

#include "sentio/analysis/face_analysis.hpp"
#include "sentio/analysis/speech_analysis.hpp"
#include "sentio/analysis/text_analysis.hpp"
#include "sentio/pipeline/inputs.hpp"

namespace sentio::analysis {

enum class DocumentFormat { json, csv };
// What an input is, from its extension: audio -> speech; video -> faces + speech (when it has an audio
// stream); image -> faces. Unknown extensions are treated as video (a file without a video stream then
// falls back to audio). .srt and .vtt files are transcripts (words only).
enum class InputKind { audio, video, image, transcript };
InputKind classify_input(const std::string& path);
DocumentFormat parse_document_format(const std::string& name);  // "json" / "csv"

struct AnalyzeJob {
  std::vector<std::string> files;   // expanded inputs
  std::string output;               // "" or "-" = standard output (one input only), file, or directory
  DocumentFormat format = DocumentFormat::json;
  SpeechAnalysisOptions speech;
  FaceAnalysisOptions faces;
  std::string transcript;           // transcript of the (single) media input, or analysed on its own
                                    // when `files` is empty (any format of text/transcript.hpp)
  bool transcript_only = false;     // every file is a transcript, whatever its extension
  bool transcribe = false;          // recognise the speech of inputs without a transcript (words part)
  std::string text_model_path;      // recorded in the documents
  std::string model_path;           // recorded in the documents
  std::string generator;            // e.g. "sentio 0.1.0"
  bool show_progress = false;       // progress bar on stderr (per file: seconds of audio)
};

struct AnalyzeReport {
  int n_ok = 0;
  std::vector<pipeline::InputProblem> failures;  // one line per failed input, in input order
  std::vector<std::string> written;             // documents written (empty entries for stdout)
};

// The models a job needs (see classify_input); either may be null when no input needs it.
struct AnalysisModels {
  const ser::SpeechEmotionModel* speech = nullptr;
  const vision::FaceAnalyzer* faces = nullptr;
  TextModels text;
  asr::Transcriber* transcriber = nullptr;  // used one input at a time
};

// Throws InputError for job-level problems (output not writable, several inputs without a
// directory); per-input problems are collected in the report.
AnalyzeReport run_analyze(const AnalyzeJob& job, const AnalysisModels& models);

}  // namespace sentio::analysis
