// SPDX-License-Identifier: Apache-2.0
#pragma once
// The interface the analysis runs for any text-emotion model, and the loader of model files.
//
// Implementations: the linear and lexicon models (text_model.hpp), the dialogue-context model
// (context_model.hpp, which also scores each utterance in the context of the ones before it), and the
// neural encoder (sentio_text_neural, registered by the sentio-torch plugin, loaded on first use).
// Models are immutable after loading and safe to share between threads.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sentio/text/context_model.hpp"
#include "sentio/text/text_model.hpp"

namespace sentio::text {

// The running state of one dialogue for a context model: turns are pushed in spoken order and each
// gets its call in the context of the turns before it (causal, so a call never changes later).
class DialogueState {
 public:
  virtual ~DialogueState() = default;
  // `alone`: the turn's call from its own words (TextEmotionModel::predict). Returns the probabilities
  // in context (labels() order).
  virtual std::vector<float> next(const DialogueTurn& turn, const TextPrediction& alone) = 0;
};

class TextEmotionModel {
 public:
  virtual ~TextEmotionModel() = default;
  virtual const std::vector<std::string>& labels() const = 0;
  virtual bool multi_label() const = 0;
  virtual std::string description() const = 0;  // one line: type, features, labels, training data
  virtual std::string kind() const = 0;         // "linear", "lexicon", "context" or "neural"
  // The call of each text from its own words, with up to `n_explain` driving terms (strongest first).
  virtual std::vector<TextPrediction> predict(const std::vector<std::string>& texts, std::size_t n_explain) const = 0;
  // Decision, sentiment and valence/arousal of given probabilities over labels() (no explanation).
  virtual TextPrediction describe(std::vector<float> probabilities) const = 0;
  // Context models: the state of a new dialogue. Others: nullptr.
  virtual std::unique_ptr<DialogueState> open_dialogue() const { return nullptr; }
};

// A linear or lexicon model as a TextEmotionModel (shares the model's weights).
std::unique_ptr<TextEmotionModel> as_emotion_model(const TextModel& model);
std::unique_ptr<TextEmotionModel> as_emotion_model(const ContextModel& model);

// Explanations for models that have no term weights (the neural encoder): each word of a text (up to
// kMaxAttributedWords) is left out in turn, all variants are scored in one batch with `scorer`, and the
// words whose absence lowers the probability of the text's top label most are its drivers (weight = that
// drop). `predictions` (one per text, from the same scorer) receive the explanations.
inline constexpr std::size_t kMaxAttributedWords = 64;
void explain_by_omission(const TextScorer& scorer, const std::vector<std::string>& texts, std::size_t n_explain,
                         std::vector<TextPrediction>& predictions);

// Loads any text-emotion model file Sentio writes, recognised by its first line: "SENTIO-TEXT-MODEL"
// (linear, lexicon), the context model's and the neural model's magic lines (the latter through the
// sentio-torch plugin). Throws InputError naming `path` when the file is missing, unreadable, of an
// unknown kind or corrupt, or when the plugin it needs cannot be loaded.
std::unique_ptr<TextEmotionModel> load_text_model(const std::string& path);

// The kind of a model file from its first line: "linear" (also lexicon models), "context", "neural", or
// "" when the file is unreadable or of no known kind (load_text_model then names the problem).
std::string text_model_kind(const std::string& path);

// A reader of one model file kind, recognised by the file's first line.
using TextModelReader = std::unique_ptr<TextEmotionModel> (*)(const std::string& path);
void register_text_model_format(const std::string& first_line, TextModelReader reader);

}  // namespace sentio::text
