// SPDX-License-Identifier: Apache-2.0
#pragma once
// `sentio train text --type neural` and `sentio eval text` of a neural model: the command line
// (cmd_text.cpp) parses and reads, the torch plugin (plugins/text_neural.cpp) trains or scores. Plain data
// only: the structs cross the dlopen boundary (both sides are built from the same sources).
#include <string>
#include <utility>
#include <vector>

#include "sentio/text/corpus.hpp"
#include "sentio/text/text_model.hpp"
#include "sentio/text_neural/neural_text_model.hpp"

namespace sentio::cli {

struct TrainTextNeuralArgs {
  std::vector<std::string> data;
  std::string dev;
  std::string format = "auto";
  std::string output;
  bool quiet = false;
  text_neural::NeuralTextOptions options;
};

// Inputs and result slots (filled by the plugin).
struct EvalTextNeuralArgs {
  std::string model;
  const text::Corpus* data = nullptr;
  int jobs = 2;
  text::TextEvalResult* result = nullptr;
  std::string* description = nullptr;
  // An ensemble's parts ("neural", "linear"), each with its own dev-tuned decision.
  std::vector<std::pair<std::string, text::TextEvalResult>>* components = nullptr;
};

}  // namespace sentio::cli
