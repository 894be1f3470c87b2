// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Engine: every model Sentio runs, loaded once and shared.
//
// An Engine is made from one options struct and is immutable afterwards: each modality's model is
// loaded the first time a session needs it (or by preload()), exactly once, and is then shared,
// read-only, by every Session on any thread. Loading errors (a missing or corrupt model file, a plugin
// that cannot be loaded) are InputErrors naming the file; they are thrown by the call that needed the
// model, and again by every later call that needs it.
//
// Threads: the engine owns one executor (or uses the application's) on which all its sessions run their
// parallel work (speech segments, faces); libtorch and OpenBLAS run one thread per model call
// (sentio_torch_runtime). Like whisper.cpp's context and state: the Engine is the context, a Session the
// state of one stream (sentio/engine/session.hpp).
#include <functional>
#include <memory>
#include <string>

#include "sentio/analysis/fusion.hpp"
#include "sentio/analysis/result.hpp"
#include "sentio/analysis/text_analysis.hpp"
#include "sentio/asr/recognizer.hpp"
#include "sentio/core/executor.hpp"
#include "sentio/ser/emotion_model.hpp"
#include "sentio/vision/face_model.hpp"

namespace sentio {

// A message of the library for the application's log (the library itself never prints).
enum class LogLevel { info, warning };
using LogCallback = std::function<void(LogLevel level, const std::string& message)>;

struct EngineOptions {
  // Speech emotion: a model file from `sentio train ser` ("" = the shipped default, models/ser/).
  std::string speech_model;
  // Faces: the folder with the face models ("" = the ones fetched by scripts/setup) and an expression
  // model that replaces the folder's ("" = the folder's).
  std::string face_models;
  std::string expression_model;
  // The cue model fused with the expression model (sentio/vision/cue_expression.hpp): a JSON file from
  // `sentio train face-cues`, "" = the shipped models/face/cues.json, "none" = the appearance alone.
  std::string cue_model;
  // Words: a text model from `sentio train text` ("" = the shipped default), or a language: a code or
  // alias selects that language's model from the multilingual pack, "auto" detects it per recording.
  // text_model wins over language.
  std::string text_model;
  std::string language;
  // Speech recognition (pocketsphinx): the model folder ("" = Debian's en-us).
  std::string asr_model_dir;
  // Fusion of the modalities into one call per moment: a model from `sentio train fusion` ("" = the shipped
  // default, models/fusion/default.json).
  std::string fusion_model;
  // Threads of the engine's executor (0 = all cores). Ignored when `executor` is given.
  int n_threads = 0;
  std::shared_ptr<Executor> executor;
  // Where the library's messages go (none when empty).
  LogCallback log;
};

// Throws InputError when a model path of `options` (speech_model, face_models, expression_model,
// text_model) is given but does not exist, naming it as `option_name(field)` says (e.g. "--speech-model"
// for "speech_model"). Engine::create loads nothing, so a program calls this to report a mistyped path at
// once rather than at the first recording that needs the model.
void check_model_paths(const EngineOptions& options, const std::function<std::string(const std::string& field)>& option_name);

// Which models a recording needs.
enum class Modality { speech, faces, words, recognition };

class Engine {
 public:
  // Checks the options (an unknown language code is an InputError listing the known ones); loads nothing.
  static std::shared_ptr<const Engine> create(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Each model, loaded on first use (thread-safe).
  const ser::SpeechEmotionModel& speech_model() const;
  const vision::FaceModel& face_model() const;
  // The words' model(s): a model, or a language pack (language "auto").
  const analysis::TextModels& text_models() const;
  const asr::SpeechRecognizer& recognizer() const;
  const analysis::FusionModel& fusion_model() const;
  // Files the loaded models came from ("" until loaded), recorded in the results.
  std::string speech_model_path() const;
  std::string text_model_path() const;
  // The models behind the parts of a result (speech, faces, text, and fusion when it has moments), each
  // with the licence its card states (sentio/core/model_card.hpp): what AnalysisResult::models holds.
  std::vector<analysis::ModelUse> models_used(const analysis::AnalysisResult& result) const;

  // Loads the model(s) of a modality now (e.g. when a server starts) instead of on first use.
  void preload(Modality modality) const;

  Executor& executor() const;
  const EngineOptions& options() const;
  void log(LogLevel level, const std::string& message) const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio
