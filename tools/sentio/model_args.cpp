// SPDX-License-Identifier: Apache-2.0
#include "model_args.hpp"

#include <cstdio>

#include "sentio/core/error.hpp"

namespace sentio::cli {

void add_model_options(CLI::App* cmd, ModelArgs& args) {
  cmd->add_option("--speech-model", args.speech_model,
                  "Speech-emotion model from 'sentio train ser' (default: the shipped model, models/ser/)");
  cmd->add_option("--face-models", args.face_models,
                  "Folder with blazeface/facemesh/emotion .json+.bin (default: the models fetched by scripts/setup)");
  cmd->add_option("--expression-model", args.expression_model,
                  "Expression model json (e.g. DIR/emotion.json written by 'sentio train face') used instead of the "
                  "face-model folder's emotion.json");
  cmd->add_option("--cue-model", args.cue_model,
                  "Cue expression model fused with the expression model (from 'sentio train face-cues'; default: the "
                  "shipped models/face/cues.json); 'none': the expression model alone");
  cmd->add_option("--text-model", args.text_model,
                  "Text-emotion model from 'sentio train text' (default: models/text/); a context model (--context) "
                  "also gives each utterance's call in the dialogue context; a neural model (--type neural) finds each "
                  "call's driving words by leaving words out");
  cmd->add_option("--language", args.language,
                  "Language of the words part: a BRIGHTER code or alias (de, es, zh, pt, ru, sv, ...; en = the default "
                  "text model) selects that language's model from models/text/multilingual/; 'auto' detects it per "
                  "transcript (English below confidence 0.5, with a warning). --text-model wins");
  cmd->add_option("-j,--jobs", args.jobs, "Threads (default: all cores)");
}

std::shared_ptr<const Engine> make_engine(const ModelArgs& args) {
  EngineOptions eo;
  eo.speech_model = args.speech_model;
  eo.face_models = args.face_models;
  eo.expression_model = args.expression_model;
  eo.cue_model = args.cue_model;
  eo.text_model = args.text_model;
  eo.language = args.language;
  check_model_paths(eo, [](const std::string& field) {
    std::string flag = "--" + field;
    for (char& c : flag)
      if (c == '_') c = '-';
    return flag;
  });
  if (args.jobs < 0) throw InputError("-j: expected 0 (all cores) or a positive thread count");
  eo.n_threads = args.jobs;
  eo.log = [](LogLevel level, const std::string& message) {
    std::fprintf(stderr, "sentio: %s%s\n", level == LogLevel::warning ? "warning: " : "", message.c_str());
  };
  return Engine::create(eo);
}

}  // namespace sentio::cli
