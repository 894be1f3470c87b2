// SPDX-License-Identifier: Apache-2.0
// Loading any SER model file by its declared format, and locating the shipped default model.
#include "sentio/ser_neural/load.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/core/resources.hpp"
#include "sentio/ser_neural/models.hpp"

#ifndef SENTIO_SER_SOURCE_MODELS
#define SENTIO_SER_SOURCE_MODELS ""
#endif

namespace sentio::ser {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kDefaultFile = "default.json";

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw InputError("model '" + path + "': " + what); }

double need_number(const json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_number()) fail(path, std::string("calibration.") + key + " must be a number");
  return j[key].get<double>();
}

}  // namespace

std::unique_ptr<SpeechEmotionModel> load_emotion_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open (missing or unreadable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.empty()) fail(path, "empty file");
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail(path, std::string("not valid JSON (truncated or corrupt?): ") + e.what());
  }
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string())
    fail(path, "no 'format' field: not a Sentio SER model");
  const std::string format = j["format"].get<std::string>();
  if (format == "sentio.ser.linear") return std::make_unique<LinearEmotionModel>(model_from_json(text, path));
  if (format == "sentio.ser.neural") return std::make_unique<NeuralEmotionModel>(NeuralModel::from_json(text, path));
  if (format != "sentio.ser.ensemble")
    fail(path, "unknown format '" + format + "' (expected sentio.ser.linear, sentio.ser.neural or sentio.ser.ensemble)");
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

std::string default_emotion_model_path() {
  // SENTIO_SER_SOURCE_MODELS: this source tree's models/ser, baked in at configure time.
  const std::string source_root = fs::path(SENTIO_SER_SOURCE_MODELS).parent_path().parent_path().string();
  if (auto p = find_shipped_file(std::string("models/ser/") + kDefaultFile, "SENTIO_SER_MODEL", {source_root}))
    return *p;
  throw InputError("no default SER model found (looked for models/ser/" + std::string(kDefaultFile) +
                   " next to the sentio binary, in the install prefix and in the source tree; set SENTIO_SER_MODEL "
                   "or pass --model)");
}

}  // namespace sentio::ser
