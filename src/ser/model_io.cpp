// SPDX-License-Identifier: Apache-2.0
// Model file of the linear SER baseline. JSON object:
//   format        "sentio.ser.linear"
//   version       1
//   feature_set   "egemaps-v02-functionals"
//   n_features    88
//   normalisation "speaker-z"  (per-speaker z-scores, see linear_model.hpp)
//   classifier    "softmax-l2", or "mlp-relu-l2" (one hidden layer of H ReLU units)
//   labels        [K distinct canonical labels], K >= 2
//   weights       K arrays of n_features finite numbers (logit_c = weights[c] . x + bias[c]); for the MLP,
//                 K arrays of H numbers (logit_c = weights[c] . relu(hidden_weights . x + hidden_bias) + bias[c])
//   bias          K finite numbers
//   hidden_weights, hidden_bias  (MLP only) H arrays of n_features finite numbers; H finite numbers
//   hyper         {"l2": >= 0, "max_iterations": >= 0, "tolerance": > 0, "balanced": bool, "seed": uint}, and
//                 for the MLP also "hidden": H (1..4096), "dropout": [0, 1), "steps": >= 0, "learning_rate": > 0;
//                 optional "augmentation": the names of augment_variants() in order, when trained with them
//   n_train       rows trained on (informative)
//   population_mean, population_std  (optional) n_features finite numbers each, std >= 0: raw-feature
//                 statistics of the training rows, the normalisation prior for speakers with few clips
//   within_speaker_std, speaker_prior  (optional, together) n_features numbers >= 0: the pooled
//                 within-speaker std of the training rows; a number >= 0: the prior's weight in utterances.
//                 With them, a speaker's statistics are shrunk towards its recording's, and those towards the
//                 population (linear_emotion_model.hpp);
//                 without, speakers with fewer than 4 clips use the population statistics.
//   output_temperature, calibrated_on  (optional) a number in (0, 100]: predicted probabilities are
//                 softmax(logits / output_temperature); a string naming the held-out data it was fitted on.
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/ser/augment.hpp"
#include "sentio/ser/linear_model.hpp"

namespace sentio::ser {

namespace {

constexpr const char* kFormat = "sentio.ser.linear";
constexpr int kVersion = 1;
constexpr const char* kClassifier = "softmax-l2";
constexpr const char* kClassifierMlp = "mlp-relu-l2";
constexpr long long kMaxHidden = 4096;

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw InputError("model '" + source + "': " + what);
}

const json& need(const json& j, const char* key, const std::string& source) {
  if (!j.contains(key)) fail(source, std::string("missing field '") + key + "'");
  return j.at(key);
}

std::string need_string(const json& j, const char* key, const std::string& source) {
  const json& v = need(j, key, source);
  if (!v.is_string()) fail(source, std::string("field '") + key + "' must be a string");
  return v.get<std::string>();
}

double need_number(const json& j, const char* key, const std::string& source) {
  const json& v = need(j, key, source);
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    fail(source, std::string("field '") + key + "' must be a finite number");
  return v.get<double>();
}

std::vector<double> number_array(const json& v, std::size_t expected, const std::string& what,
                                 const std::string& source) {
  if (!v.is_array()) fail(source, what + " must be an array");
  if (v.size() != expected)
    fail(source, what + " has " + std::to_string(v.size()) + " values, expected " + std::to_string(expected));
  std::vector<double> out;
  out.reserve(expected);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
      fail(source, what + "[" + std::to_string(i) + "] is not a finite number");
    out.push_back(v[i].get<double>());
  }
  return out;
}

// hyper.<key>: an integer in [lo, hi].
int hyper_int(const json& hyper, const char* key, long long lo, long long hi, const std::string& source) {
  const json& v = need(hyper, key, source);
  if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
    fail(source, std::string("hyper.") + key + " must be an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  return static_cast<int>(v.get<long long>());
}

// n rows of `width` numbers from a row-major vector.
json rows_of(const std::vector<double>& values, std::size_t n, std::size_t width) {
  json out = json::array();
  for (std::size_t r = 0; r < n; ++r)
    out.push_back(std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(r * width),
                                      values.begin() + static_cast<std::ptrdiff_t>((r + 1) * width)));
  return out;
}

// n rows of `width` numbers (row-major) from a JSON array of arrays.
std::vector<double> read_rows(const json& v, std::size_t n, std::size_t width, const std::string& field,
                              const std::string& what, const std::string& source) {
  if (!v.is_array() || v.size() != n)
    fail(source, "field '" + field + "' must be an array of " + std::to_string(n) + " rows (" + what + ")");
  std::vector<double> out;
  out.reserve(n * width);
  for (std::size_t r = 0; r < n; ++r) {
    const std::vector<double> row = number_array(v[r], width, field + "[" + std::to_string(r) + "]", source);
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

// hyper.augmentation of a model trained with TrainOptions::augment: the variants' names, in order.
json augmentation_names() {
  json names = json::array();
  for (const AudioVariant& v : augment_variants()) names.push_back(v.name);
  return names;
}

}  // namespace

std::string model_to_json(const LinearModel& model) {
  const std::size_t h = model.hidden_units();
  const std::size_t width = h > 0 ? h : model.n_features;
  SENTIO_ASSERT(model.weights.size() == model.labels.size() * width);
  SENTIO_ASSERT(model.hidden_weights.size() == h * model.n_features);
  SENTIO_ASSERT(model.bias.size() == model.labels.size());
  json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["feature_set"] = model.feature_set;
  j["n_features"] = model.n_features;
  j["normalisation"] = model.normalisation;
  j["classifier"] = h > 0 ? kClassifierMlp : kClassifier;
  j["labels"] = model.labels;
  j["weights"] = rows_of(model.weights, model.labels.size(), width);
  j["bias"] = model.bias;
  if (h > 0) {
    j["hidden_weights"] = rows_of(model.hidden_weights, h, model.n_features);
    j["hidden_bias"] = model.hidden_bias;
  }
  j["hyper"] = {{"l2", model.options.l2},
                {"max_iterations", model.options.max_iterations},
                {"tolerance", model.options.tolerance},
                {"balanced", model.options.balanced},
                {"seed", model.options.seed}};
  if (h > 0) {
    j["hyper"]["hidden"] = model.options.hidden;
    j["hyper"]["dropout"] = model.options.dropout;
    j["hyper"]["steps"] = model.options.steps;
    j["hyper"]["learning_rate"] = model.options.learning_rate;
  }
  if (model.options.augment) j["hyper"]["augmentation"] = augmentation_names();
  j["n_train"] = model.n_train;
  if (!model.population_mean.empty()) {
    SENTIO_ASSERT(model.population_mean.size() == model.n_features && model.population_std.size() == model.n_features);
    j["population_mean"] = model.population_mean;
    j["population_std"] = model.population_std;
  }
  if (!model.within_speaker_std.empty()) {
    SENTIO_ASSERT(model.within_speaker_std.size() == model.n_features && !model.population_mean.empty());
    j["within_speaker_std"] = model.within_speaker_std;
    j["speaker_prior"] = model.speaker_prior;
  }
  if (model.output_temperature != 1.0 || !model.calibrated_on.empty()) {
    j["output_temperature"] = model.output_temperature;
    j["calibrated_on"] = model.calibrated_on;
  }
  return j.dump(1) + "\n";  // nlohmann prints doubles with round-trip precision
}

LinearModel model_from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // also a number out of range (1e400)
    fail(source, std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) fail(source, "top level must be a JSON object");
  if (need_string(j, "format", source) != kFormat)
    fail(source, "field 'format' is '" + j["format"].get<std::string>() + "', expected '" + kFormat + "'");
  const json& version = need(j, "version", source);
  if (!version.is_number_integer() || version.get<long long>() != kVersion)
    fail(source, "unsupported 'version' " + version.dump() + " (this build reads version 1)");
  LinearModel m;
  m.feature_set = need_string(j, "feature_set", source);
  if (m.feature_set != kFeatureSetEgemaps)
    fail(source, "unsupported 'feature_set' '" + m.feature_set + "' (expected '" + kFeatureSetEgemaps + "')");
  const json& nf = need(j, "n_features", source);
  if (!nf.is_number_unsigned() || nf.get<std::size_t>() != features::kEgemapsFunctionalCount)
    fail(source, "field 'n_features' is " + nf.dump() + ", expected " +
                     std::to_string(features::kEgemapsFunctionalCount) + " for " + kFeatureSetEgemaps);
  m.n_features = nf.get<std::size_t>();
  m.normalisation = need_string(j, "normalisation", source);
  if (m.normalisation != kNormalisationSpeakerZ)
    fail(source, "unsupported 'normalisation' '" + m.normalisation + "' (expected '" + kNormalisationSpeakerZ + "')");
  const std::string classifier = need_string(j, "classifier", source);
  if (classifier != kClassifier && classifier != kClassifierMlp)
    fail(source, "unsupported 'classifier' '" + classifier + "' (expected '" + kClassifier + "' or '" + kClassifierMlp + "')");
  const bool mlp = classifier == kClassifierMlp;
  const json& labels = need(j, "labels", source);
  if (!labels.is_array() || labels.size() < 2) fail(source, "field 'labels' must be an array of at least 2 labels");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!labels[i].is_string()) fail(source, "labels[" + std::to_string(i) + "] is not a string");
    const std::string label = labels[i].get<std::string>();
    if (map_emotion_label(label) != label)
      fail(source, "labels[" + std::to_string(i) + "] '" + label + "' is not a canonical emotion label");
    if (!seen.insert(label).second) fail(source, "label '" + label + "' appears twice in 'labels'");
    m.labels.push_back(label);
  }
  const std::size_t k = m.labels.size();
  const json& hyper = need(j, "hyper", source);
  if (!hyper.is_object()) fail(source, "field 'hyper' must be an object");
  if (mlp) {
    m.options.hidden = hyper_int(hyper, "hidden", 1, kMaxHidden, source);
    m.options.dropout = need_number(hyper, "dropout", source);
    if (!(m.options.dropout >= 0 && m.options.dropout < 1)) fail(source, "hyper.dropout must be in [0, 1)");
    m.options.steps = hyper_int(hyper, "steps", 0, 1000000, source);
    m.options.learning_rate = need_number(hyper, "learning_rate", source);
    if (!(m.options.learning_rate > 0)) fail(source, "hyper.learning_rate must be > 0");
    const std::size_t h = static_cast<std::size_t>(m.options.hidden);
    m.hidden_weights = read_rows(need(j, "hidden_weights", source), h, m.n_features, "hidden_weights", "one per hidden unit", source);
    m.hidden_bias = number_array(need(j, "hidden_bias", source), h, "field 'hidden_bias'", source);
  }
  m.weights = read_rows(need(j, "weights", source), k, mlp ? m.hidden_units() : m.n_features, "weights",
                        "one per label", source);
  m.bias = number_array(need(j, "bias", source), k, "field 'bias'", source);
  if (hyper.contains("augmentation")) {  // this version's list, or an earlier one (re-training uses this version's)
    const json names = augmentation_names();
    if (hyper["augmentation"] != names && hyper["augmentation"] != json(earlier_augmentation_names()))
      fail(source, "hyper.augmentation must be " + names.dump() + " (the augmentation this version knows)");
    m.options.augment = true;
  }
  m.options.l2 = need_number(hyper, "l2", source);
  if (m.options.l2 < 0) fail(source, "hyper.l2 must be >= 0");
  m.options.max_iterations = hyper_int(hyper, "max_iterations", 0, 1000000, source);
  m.options.tolerance = need_number(hyper, "tolerance", source);
  if (!(m.options.tolerance > 0)) fail(source, "hyper.tolerance must be > 0");
  const json& balanced = need(hyper, "balanced", source);
  if (!balanced.is_boolean()) fail(source, "hyper.balanced must be true or false");
  m.options.balanced = balanced.get<bool>();
  const json& seed = need(hyper, "seed", source);
  if (!seed.is_number_unsigned()) fail(source, "hyper.seed must be a non-negative integer");
  m.options.seed = seed.get<std::uint64_t>();
  if (j.contains("n_train")) {
    if (!j["n_train"].is_number_unsigned()) fail(source, "field 'n_train' must be a non-negative integer");
    m.n_train = j["n_train"].get<std::size_t>();
  }
  if (j.contains("population_mean") || j.contains("population_std")) {
    m.population_mean = number_array(need(j, "population_mean", source), m.n_features, "field 'population_mean'", source);
    m.population_std = number_array(need(j, "population_std", source), m.n_features, "field 'population_std'", source);
    for (double v : m.population_std)
      if (v < 0) fail(source, "field 'population_std' has a negative value");
  }
  if (j.contains("within_speaker_std") || j.contains("speaker_prior")) {
    if (m.population_mean.empty()) fail(source, "field 'within_speaker_std' needs 'population_mean'");
    m.within_speaker_std =
        number_array(need(j, "within_speaker_std", source), m.n_features, "field 'within_speaker_std'", source);
    for (double v : m.within_speaker_std)
      if (v < 0) fail(source, "field 'within_speaker_std' has a negative value");
    m.speaker_prior = need_number(j, "speaker_prior", source);
    if (!(m.speaker_prior >= 0 && m.speaker_prior <= 1e6)) fail(source, "field 'speaker_prior' must be in [0, 1e6]");
    m.options.speaker_prior = m.speaker_prior;
  }
  if (j.contains("output_temperature")) {
    m.output_temperature = need_number(j, "output_temperature", source);
    if (!(m.output_temperature > 0 && m.output_temperature <= 100))
      fail(source, "field 'output_temperature' must be in (0, 100]");
  }
  if (j.contains("calibrated_on")) {
    if (!j["calibrated_on"].is_string()) fail(source, "field 'calibrated_on' must be a string");
    m.calibrated_on = j["calibrated_on"].get<std::string>();
  }
  return m;
}

void save_model(const LinearModel& model, const std::string& path) {
  write_file_atomically(path, model_to_json(model));
}

LinearModel load_model(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("model '" + path + "': cannot open (missing or unreadable)");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().empty()) throw InputError("model '" + path + "': empty file");
  return model_from_json(text.str(), path);
}

}  // namespace sentio::ser
