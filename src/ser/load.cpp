// SPDX-License-Identifier: Apache-2.0
// Loading any SER model file by its declared format (a registry of readers), and locating the shipped
// default model.
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/core/plugin.hpp"
#include "sentio/core/resources.hpp"
#include "sentio/ser/emotion_model.hpp"
#include "sentio/ser/linear_emotion_model.hpp"

namespace sentio::ser {

namespace {

using json = nlohmann::json;

constexpr const char* kDefaultFile = "default.json";
constexpr const char* kLinearFormat = "sentio.ser.linear";

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw InputError("model '" + path + "': " + what); }

std::unique_ptr<SpeechEmotionModel> read_linear(const std::string& text, const std::string& path) {
  return std::make_unique<LinearEmotionModel>(model_from_json(text, path));
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, EmotionModelReader> readers{{kLinearFormat, &read_linear}};

  EmotionModelReader find(const std::string& format) {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto it = readers.find(format);
    return it == readers.end() ? nullptr : it->second;
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

// Formats whose reader lives in the sentio-torch plugin.
bool is_torch_format(const std::string& format) {
  return format == "sentio.ser.neural" || format == "sentio.ser.ensemble";
}

}  // namespace

void register_emotion_model_format(const std::string& format, EmotionModelReader reader) {
  SENTIO_ASSERT(reader != nullptr);
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  r.readers[format] = reader;
}

std::unique_ptr<SpeechEmotionModel> load_emotion_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open (missing or unreadable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.empty()) fail(path, "empty file");
  std::string format;
  try {
    const json j = json::parse(text);
    if (!j.is_object() || !j.contains("format") || !j["format"].is_string())
      fail(path, "no 'format' field: not a Sentio SER model");
    format = j["format"].get<std::string>();
  } catch (const json::exception& e) {
    fail(path, std::string("not valid JSON (truncated or corrupt?): ") + e.what());
  }
  EmotionModelReader reader = registry().find(format);
  if (reader == nullptr && is_torch_format(format)) {
    try {
      load_plugin(kTorchPlugin);
    } catch (const InputError& e) {
      throw with_context("model '" + path + "' (" + format + ")", e);
    }
    reader = registry().find(format);
  }
  if (reader == nullptr)
    fail(path, "unknown format '" + format + "' (expected sentio.ser.linear, sentio.ser.neural or sentio.ser.ensemble)");
  return reader(text, path);
}

std::string default_emotion_model_path() {
  if (auto p = find_shipped_file(std::string("models/ser/") + kDefaultFile, "SENTIO_SER_MODEL"))
    return *p;
  throw InputError("no default SER model found (looked for models/ser/" + std::string(kDefaultFile) +
                   " next to libsentio and the sentio binary, in the install prefix and in the source tree; set "
                   "SENTIO_SER_MODEL or pass the model)");
}

}  // namespace sentio::ser
