// SPDX-License-Identifier: Apache-2.0
// The SpeechEmotionModel implementations (models.hpp).
#include "sentio/ser_neural/models.hpp"

#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/ser_neural/calibration.hpp"

namespace sentio::ser {

namespace {

using json = nlohmann::json;

std::vector<float> softmax_row(std::span<const float> z) {
  const std::vector<double> l = log_softmax(z, 1.0);
  std::vector<float> p(l.size());
  for (std::size_t c = 0; c < l.size(); ++c) p[c] = static_cast<float>(std::exp(l[c]));
  return p;
}

}  // namespace

ModelType parse_model_type(const std::string& name) {
  if (name == "linear") return ModelType::linear;
  if (name == "neural") return ModelType::neural;
  if (name == "ensemble") return ModelType::ensemble;
  throw InputError("unknown SER model type '" + name + "' (expected linear, neural or ensemble)");
}

const char* model_type_name(ModelType type) {
  switch (type) {
    case ModelType::linear: return "linear";
    case ModelType::neural: return "neural";
    case ModelType::ensemble: return "ensemble";
  }
  return "?";
}

void TrainedEmotionModel::save(const std::string& path) const {
  std::ofstream out(path, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!out) throw InputError("model '" + path + "': cannot open for writing");
  out << to_json();
  out.close();
  if (!out) throw InputError("model '" + path + "': write failed");
}

// ---- linear ---------------------------------------------------------------------------------------

LinearEmotionModel::LinearEmotionModel(LinearModel model) : model_(std::move(model)) {}

UtteranceEvidence LinearEmotionModel::analyse(std::span<const float> samples) const {
  UtteranceEvidence e;
  const features::EgemapsFunctionals f = features::egemaps_functionals(samples, features::kEgemapsSampleRate, 1);
  e.functionals.assign(f.begin(), f.end());
  return e;
}

std::vector<std::vector<float>> LinearEmotionModel::logits(std::span<const UtteranceEvidence> evidence,
                                                           std::span<const int> speaker) const {
  SENTIO_ASSERT(evidence.size() == speaker.size());
  const std::size_t d = model_.n_features;
  for (const auto& e : evidence) SENTIO_ASSERT(e.functionals.size() == d);
  std::map<int, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < evidence.size(); ++i) groups[speaker[i]].push_back(i);
  std::vector<std::vector<float>> out(evidence.size());
  std::vector<double> mean(d), sd(d), row(d);
  for (const auto& [spk, rows] : groups) {
    const bool own = rows.size() >= kMinSpeakerUtterances || model_.population_mean.empty();
    if (own) {
      // Same statistics as normalise_per_speaker (training), over this speaker's utterances.
      std::fill(mean.begin(), mean.end(), 0.0);
      std::fill(sd.begin(), sd.end(), 0.0);
      for (std::size_t r : rows)
        for (std::size_t f = 0; f < d; ++f) mean[f] += evidence[r].functionals[f];
      for (double& v : mean) v /= static_cast<double>(rows.size());
      for (std::size_t r : rows)
        for (std::size_t f = 0; f < d; ++f) {
          const double c = evidence[r].functionals[f] - mean[f];
          sd[f] += c * c;
        }
      for (double& v : sd) v = std::sqrt(v / static_cast<double>(rows.size()));
    } else {
      mean = model_.population_mean;
      sd = model_.population_std;
    }
    for (std::size_t r : rows) {
      for (std::size_t f = 0; f < d; ++f) {
        const double v = evidence[r].functionals[f];
        row[f] = sd[f] > 1e-12 * (1.0 + std::fabs(mean[f])) ? (v - mean[f]) / sd[f] : 0.0;
      }
      const std::vector<double> z = model_.logits(row.data());
      out[r].assign(z.begin(), z.end());
    }
  }
  return out;
}

std::vector<std::vector<float>> LinearEmotionModel::predict(std::span<const UtteranceEvidence> evidence,
                                                            std::span<const int> speaker) const {
  std::vector<std::vector<float>> z = logits(evidence, speaker);
  for (auto& row : z) row = softmax_row(row);
  return z;
}

std::string LinearEmotionModel::to_json() const { return model_to_json(model_); }

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
    out.push_back(softmax_row(e.neural_logits));
  }
  return out;
}

// ---- ensemble -------------------------------------------------------------------------------------

EnsembleEmotionModel::EnsembleEmotionModel(LinearModel linear, NeuralModel neural, EnsembleCalibration calibration)
    : linear_(std::move(linear)), neural_(std::move(neural)), calibration_(std::move(calibration)) {
  if (linear_.labels() != neural_.labels())
    throw InputError("ensemble: the linear and neural components have different class lists");
  if (!(calibration_.linear_temperature > 0) || !(calibration_.neural_temperature > 0) ||
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
                     calibration_.linear_weight);
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
                      {"validation_ua", calibration_.validation_ua}};
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
