// SPDX-License-Identifier: Apache-2.0
// TextEmotionModel adapters of the linear and context models, explanation by omission, and the loader
// of model files (a registry keyed by the file's first line).
#include "sentio/text/emotion_model.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <utility>

#include "sentio/core/error.hpp"
#include "sentio/core/plugin.hpp"

namespace sentio::text {

namespace {

class LinearEmotionModel final : public TextEmotionModel {
 public:
  explicit LinearEmotionModel(TextModel model) : model_(std::move(model)) {}
  const std::vector<std::string>& labels() const override { return model_.labels(); }
  bool multi_label() const override { return model_.multi_label(); }
  std::string description() const override { return model_.description(); }
  std::string kind() const override { return model_.type() == TextModelType::lexicon ? "lexicon" : "linear"; }
  std::vector<TextPrediction> predict(const std::vector<std::string>& texts, std::size_t n_explain) const override {
    std::vector<TextPrediction> out;
    out.reserve(texts.size());
    for (const std::string& t : texts) out.push_back(model_.predict(t, n_explain));
    return out;
  }
  TextPrediction describe(std::vector<float> probabilities) const override {
    return model_.describe(std::move(probabilities));
  }

 private:
  TextModel model_;
};

class ContextDialogue final : public DialogueState {
 public:
  explicit ContextDialogue(ContextModel::Dialogue d) : dialogue_(std::move(d)) {}
  std::vector<float> next(const DialogueTurn& turn, const TextPrediction& alone) override {
    return dialogue_.next(turn, alone.probabilities);
  }

 private:
  ContextModel::Dialogue dialogue_;
};

class ContextEmotionModel final : public TextEmotionModel {
 public:
  explicit ContextEmotionModel(ContextModel model) : model_(std::move(model)) {}
  const std::vector<std::string>& labels() const override { return model_.labels(); }
  bool multi_label() const override { return false; }
  std::string description() const override { return model_.description(); }
  std::string kind() const override { return "context"; }
  std::vector<TextPrediction> predict(const std::vector<std::string>& texts, std::size_t n_explain) const override {
    std::vector<TextPrediction> out;
    out.reserve(texts.size());
    for (const std::string& t : texts) out.push_back(model_.base().predict(t, n_explain));
    return out;
  }
  TextPrediction describe(std::vector<float> probabilities) const override {
    return model_.base().describe(std::move(probabilities));
  }
  std::unique_ptr<DialogueState> open_dialogue() const override {
    return std::make_unique<ContextDialogue>(model_.dialogue());
  }

 private:
  ContextModel model_;
};

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// The word as reported: without punctuation around it ("angry!" -> "angry"), unless that is all it is.
std::string trim_punctuation(const std::string& word) {
  std::size_t b = 0, e = word.size();
  while (b < e && std::ispunct(static_cast<unsigned char>(word[b]))) ++b;
  while (e > b && std::ispunct(static_cast<unsigned char>(word[e - 1]))) --e;
  return b < e ? word.substr(b, e - b) : word;
}

constexpr const char* kLinearMagic = "SENTIO-TEXT-MODEL";
constexpr const char* kContextMagic = "SENTIO-TEXT-CONTEXT";
constexpr const char* kNeuralMagic = "SENTIO-TEXT-NEURAL";  // read by the sentio-torch plugin

std::unique_ptr<TextEmotionModel> read_linear(const std::string& path) { return as_emotion_model(TextModel::load(path)); }
std::unique_ptr<TextEmotionModel> read_context(const std::string& path) {
  return as_emotion_model(ContextModel::load(path));
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, TextModelReader> readers{{kLinearMagic, &read_linear}, {kContextMagic, &read_context}};

  TextModelReader find(const std::string& first_line) {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto it = readers.find(first_line);
    return it == readers.end() ? nullptr : it->second;
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

std::unique_ptr<TextEmotionModel> as_emotion_model(const TextModel& model) {
  return std::make_unique<LinearEmotionModel>(model);
}

std::unique_ptr<TextEmotionModel> as_emotion_model(const ContextModel& model) {
  return std::make_unique<ContextEmotionModel>(model);
}

void explain_by_omission(const TextScorer& scorer, const std::vector<std::string>& texts, std::size_t n_explain,
                         std::vector<TextPrediction>& predictions) {
  SENTIO_ASSERT(predictions.size() == texts.size());
  if (n_explain == 0) return;
  std::vector<std::string> variants;
  std::vector<std::pair<std::size_t, std::string>> left_out;  // (text, word) per variant
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::vector<std::string> words = split_words(texts[i]);
    if (words.size() < 2) continue;  // nothing to compare a lone word with
    words.resize(std::min(words.size(), kMaxAttributedWords));
    for (std::size_t j = 0; j < words.size(); ++j) {
      std::string variant;
      for (std::size_t k = 0; k < words.size(); ++k)
        if (k != j) variant += (variant.empty() ? "" : " ") + words[k];
      variants.push_back(std::move(variant));
      left_out.emplace_back(i, trim_punctuation(words[j]));
    }
  }
  const std::vector<std::vector<float>> without =
      variants.empty() ? std::vector<std::vector<float>>{} : scorer.probabilities(variants, 1);
  for (std::size_t v = 0; v < without.size(); ++v) {
    const auto& [i, word] = left_out[v];
    const std::size_t top = predictions[i].top;
    const float drop = predictions[i].probabilities[top] - without[v][top];
    if (drop > 0) predictions[i].explanation.push_back({word, drop});
  }
  for (TextPrediction& p : predictions) {
    std::stable_sort(p.explanation.begin(), p.explanation.end(),
                     [](const Contribution& a, const Contribution& b) { return a.weight > b.weight; });
    if (p.explanation.size() > n_explain) p.explanation.resize(n_explain);
  }
}

std::string text_model_kind(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string first;
  if (!in || !std::getline(in, first)) return "";
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (first == kLinearMagic) return "linear";
  if (first == kContextMagic) return "context";
  if (first == kNeuralMagic) return "neural";
  return "";
}

void register_text_model_format(const std::string& first_line, TextModelReader reader) {
  SENTIO_ASSERT(reader != nullptr);
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  r.readers[first_line] = reader;
}

std::unique_ptr<TextEmotionModel> load_text_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("text model '" + path + "': cannot open (missing or unreadable)");
  std::string first;
  std::getline(in, first);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  TextModelReader reader = registry().find(first);
  if (reader == nullptr && first == kNeuralMagic) {
    try {
      load_plugin(kTorchPlugin);
    } catch (const InputError& e) {
      throw with_context("text model '" + path + "' (neural)", e);
    }
    reader = registry().find(first);
  }
  // Unknown first lines go to the linear reader, whose error names what it expected.
  if (reader == nullptr) reader = &read_linear;
  return reader(path);
}

}  // namespace sentio::text
