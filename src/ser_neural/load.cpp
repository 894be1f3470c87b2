// SPDX-License-Identifier: Apache-2.0
// Readers of the neural and ensemble SER model files, registered with ser::load_emotion_model.
#include <vector>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/ser_neural/models.hpp"

namespace sentio::ser {

namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw InputError("model '" + path + "': " + what); }

double need_number(const json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_number()) fail(path, std::string("calibration.") + key + " must be a number");
  return j[key].get<double>();
}

std::unique_ptr<SpeechEmotionModel> read_neural(const std::string& text, const std::string& path) {
  return std::make_unique<NeuralEmotionModel>(NeuralModel::from_json(text, path));
}

std::unique_ptr<SpeechEmotionModel> read_ensemble(const std::string& text, const std::string& path) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail(path, std::string("not valid JSON (truncated or corrupt?): ") + e.what());
  }
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<long long>() != 1)
    fail(path, "unsupported or missing 'version' (this build reads ensemble version 1)");
  for (const char* key : {"linear", "neural", "calibration"})
    if (!j.contains(key) || !j[key].is_object()) fail(path, std::string("missing object '") + key + "'");
  LinearModel linear = model_from_json(j["linear"].dump(), path + " (linear part)");
  NeuralModel neural = NeuralModel::from_json(j["neural"].dump(), path + " (neural part)");
  const json& c = j["calibration"];
  EnsembleCalibration cal;
  cal.linear_temperature = need_number(c, "linear_temperature", path);
  cal.neural_temperature = need_number(c, "neural_temperature", path);
  cal.linear_weight = need_number(c, "linear_weight", path);
  if (c.contains("output_temperature")) cal.output_temperature = need_number(c, "output_temperature", path);
  if (c.contains("calibrated_on") && c["calibrated_on"].is_string()) cal.calibrated_on = c["calibrated_on"].get<std::string>();
  if (c.contains("validation_speakers") && c["validation_speakers"].is_array())
    for (const auto& s : c["validation_speakers"])
      if (s.is_string()) cal.validation_speakers.push_back(s.get<std::string>());
  for (auto [key, dst] : {std::pair{"validation_ua_linear", &cal.validation_ua_linear},
                          std::pair{"validation_ua_neural", &cal.validation_ua_neural},
                          std::pair{"validation_ua", &cal.validation_ua}})
    if (c.contains(key) && c[key].is_number()) *dst = c[key].get<double>();
  if (j.contains("labels") && j["labels"] != json(linear.labels)) fail(path, "'labels' differ from the components' labels");
  try {
    return std::make_unique<EnsembleEmotionModel>(std::move(linear), std::move(neural), std::move(cal));
  } catch (const InputError& e) {
    throw with_context("model '" + path + "'", e);
  }
}

}  // namespace

void register_neural_model_formats() {
  register_emotion_model_format("sentio.ser.neural", &read_neural);
  register_emotion_model_format("sentio.ser.ensemble", &read_ensemble);
}

}  // namespace sentio::ser
