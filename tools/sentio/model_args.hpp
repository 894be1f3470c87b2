// SPDX-License-Identifier: Apache-2.0
#pragma once
// The model options shared by the commands that run an Engine (analyze, serve): the flags, and the
// Engine they make (paths checked up front, the library's messages on stderr).
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "sentio/engine/engine.hpp"

namespace sentio::cli {

struct ModelArgs {
  std::string speech_model;      // "" = the shipped default
  std::string face_models;       // "" = the models fetched by scripts/setup
  std::string expression_model;  // "" = <face_models>/emotion.json; else a json from `sentio train face`
  std::string cue_model;         // "" = models/face/cues.json; "none"; else a json from `sentio train face-cues`
  std::string text_model;        // "" = the shipped default
  std::string language;          // "" = the text model above, a language code, or "auto"
  int jobs = 0;                  // engine threads; 0 = all cores
};

// --speech-model, --face-models, --expression-model, --text-model, --language, -j.
void add_model_options(CLI::App* cmd, ModelArgs& args);

// The Engine of these options. Throws InputError for a given path that does not exist (even when this run
// would not need that model) and for a negative -j.
std::shared_ptr<const Engine> make_engine(const ModelArgs& args);

}  // namespace sentio::cli
