// SPDX-License-Identifier: Apache-2.0
// The neural and ensemble SpeechEmotionModels (models.hpp).
#include "sentio/ser_neural/models.hpp"

#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/ser_neural/calibration.hpp"

namespace sentio::ser {

using json = nlohmann::json;

ModelType parse_model_type(const std::string& name) {
  if (name == "linear" || name == "mlp") return ModelType::linear;
  if (name == "neural") return ModelType::neural;
  if (name == "ensemble") return ModelType::ensemble;
  throw InputError("unknown SER model type '" + name + "' (expected linear, mlp, neural or ensemble)");
}

void apply_model_type(const std::string& name, SerTrainOptions& options) {
  options.type = parse_model_type(name);
  if (name == "mlp") use_mlp_defaults(options.linear);
}

const char* model_type_name(const SerTrainOptions& options) {
  return options.type == ModelType::linear && options.linear.hidden > 0 ? "mlp" : model_type_name(options.type);
}

const char* model_type_name(ModelType type) {
  switch (type) {
    case ModelType::linear: return "linear";
    case ModelType::neural: return "neural";
    case ModelType::ensemble: return "ensemble";
  }
  return "?";
}

// ---- neural ---------------------------------------------------------------------------------------

NeuralEmotionModel::NeuralEmotionModel(NeuralModel model) : model_(std::move(model)) {}

UtteranceEvidence NeuralEmotionModel::analyse(std::span<const float> samples) const {
  UtteranceEvidence e;
  e.neural_logits = model_.logits(samples);
  return e;
}

std::vector<std::vector<float>> NeuralEmotionModel::predict(std::span<const UtteranceEvidence> evidence,
                                                            std::span<const int> speaker) const {
  SENTIO_ASSERT(evidence.size() == speaker.size());
  std::vector<std::vector<float>> out;
  out.reserve(evidence.size());
  for (const auto& e : evidence) {
    SENTIO_ASSERT(e.neural_logits.size() == labels().size());
    out.push_back(softmax(e.neural_logits));
  }
  return out;
}

// ---- ensemble -------------------------------------------------------------------------------------

EnsembleEmotionModel::EnsembleEmotionModel(LinearModel linear, NeuralModel neural, EnsembleCalibration calibration)
    : linear_(std::move(linear)), neural_(std::move(neural)), calibration_(std::move(calibration)) {
  if (linear_.labels() != neural_.labels())
    throw InputError("ensemble: the linear and neural components have different class lists");
  if (!(calibration_.linear_temperature > 0) || !(calibration_.neural_temperature > 0) ||
      !(calibration_.output_temperature > 0 && calibration_.output_temperature <= 100) ||
      !(calibration_.linear_weight >= 0 && calibration_.linear_weight <= 1))
    throw InputError("ensemble: temperatures must be > 0 and the weight in [0, 1]");
}

UtteranceEvidence EnsembleEmotionModel::analyse(std::span<const float> samples) const {
  UtteranceEvidence e = linear_.analyse(samples);
  e.neural_logits = neural_.model().logits(samples);
  return e;
}

std::vector<std::vector<float>> EnsembleEmotionModel::predict(std::span<const UtteranceEvidence> evidence,
                                                              std::span<const int> speaker) const {
  const std::vector<std::vector<float>> zl = linear_.logits(evidence, speaker);
  std::vector<std::vector<float>> out(evidence.size());
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    SENTIO_ASSERT(evidence[i].neural_logits.size() == labels().size());
    out[i] = combine(zl[i], calibration_.linear_temperature, evidence[i].neural_logits, calibration_.neural_temperature,
                     calibration_.linear_weight, calibration_.output_temperature);
  }
  return out;
}

std::string EnsembleEmotionModel::to_json() const {
  json j;
  j["format"] = "sentio.ser.ensemble";
  j["version"] = 1;
  j["labels"] = labels();
  j["combination"] = "weighted-mean-of-temperature-scaled-log-probabilities";
  j["calibration"] = {{"linear_temperature", calibration_.linear_temperature},
                      {"neural_temperature", calibration_.neural_temperature},
                      {"linear_weight", calibration_.linear_weight},
                      {"validation_speakers", calibration_.validation_speakers},
                      {"validation_ua_linear", calibration_.validation_ua_linear},
                      {"validation_ua_neural", calibration_.validation_ua_neural},
                      {"validation_ua", calibration_.validation_ua},
                      {"output_temperature", calibration_.output_temperature},
                      {"calibrated_on", calibration_.calibrated_on}};
  j["linear"] = json::parse(linear_.to_json());
  j["neural"] = json::parse(neural_.to_json());
  return j.dump() + "\n";
}

double concordance_ccc(std::span<const double> x, std::span<const double> y) {
  SENTIO_ASSERT(x.size() == y.size());
  const std::size_t n = x.size();
  if (n == 0) return 0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double vx = 0, vy = 0, cxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    vx += (x[i] - mx) * (x[i] - mx);
    vy += (y[i] - my) * (y[i] - my);
    cxy += (x[i] - mx) * (y[i] - my);
  }
  vx /= static_cast<double>(n);
  vy /= static_cast<double>(n);
  cxy /= static_cast<double>(n);
  const double den = vx + vy + (mx - my) * (mx - my);
  return den > 0 ? 2 * cxy / den : 0.0;
}

}  // namespace sentio::ser
