// SPDX-License-Identifier: Apache-2.0
// The neural encoder as a text::TextEmotionModel, registered with text::load_text_model.
#include <memory>

#include "sentio/text/emotion_model.hpp"
#include "sentio/text_neural/neural_text_model.hpp"

namespace sentio::text_neural {

namespace {

class NeuralEmotionModel final : public text::TextEmotionModel {
 public:
  explicit NeuralEmotionModel(NeuralTextModel model) : model_(std::move(model)), scorer_(model_.scorer()) {}
  const std::vector<std::string>& labels() const override { return model_.labels(); }
  bool multi_label() const override { return model_.multi_label(); }
  std::string description() const override { return model_.description(); }
  std::string kind() const override { return "neural"; }
  std::vector<text::TextPrediction> predict(const std::vector<std::string>& texts, std::size_t n_explain) const override {
    std::vector<text::TextPrediction> out;
    if (texts.empty()) return out;
    const std::vector<std::vector<float>> p = scorer_.probabilities(texts, 1);
    out.reserve(texts.size());
    for (const std::vector<float>& row : p) out.push_back(describe(row));
    text::explain_by_omission(scorer_, texts, n_explain, out);
    return out;
  }
  text::TextPrediction describe(std::vector<float> probabilities) const override {
    return text::describe_probabilities(scorer_.labels, scorer_.multi_label, scorer_.thresholds, probabilities);
  }

 private:
  NeuralTextModel model_;
  text::TextScorer scorer_;
};

std::unique_ptr<text::TextEmotionModel> read_neural(const std::string& path) {
  return std::make_unique<NeuralEmotionModel>(NeuralTextModel::load(path));
}

}  // namespace

void register_text_model_format() { text::register_text_model_format(kNeuralTextModelMagic, &read_neural); }

}  // namespace sentio::text_neural
