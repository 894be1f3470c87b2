// SPDX-License-Identifier: Apache-2.0
// The cue expression model: features, training (softmax regression, sentio/core), fusion, JSON file.
#include "sentio/vision/cue_expression.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <array>

#include <nlohmann/json.hpp>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/resources.hpp"
#include "sentio/core/softmax_regression.hpp"

namespace sentio::vision {

namespace {

std::size_t expanded_size(std::size_t base, bool quadratic) {
  return quadratic ? base + base * (base + 1) / 2 : base;
}

std::vector<double> expand(const std::vector<double>& base, const CueExpressionModel& m) {
  const std::size_t n = base.size();
  std::vector<double> z(n);
  for (std::size_t i = 0; i < n; ++i) z[i] = (base[i] - m.mean[i]) / m.scale[i];
  if (!m.quadratic) return z;
  std::vector<double> out = z;
  out.reserve(expanded_size(n, true));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j) out.push_back(z[i] * z[j]);
  return out;
}

ExpressionProbs normalised(const std::array<double, kExpressionCount>& score) {
  // score holds log-probabilities up to a constant.
  const double top = *std::max_element(score.begin(), score.end());
  double sum = 0;
  std::array<double, kExpressionCount> e{};
  for (std::size_t k = 0; k < kExpressionCount; ++k) sum += (e[k] = std::exp(score[k] - top));
  ExpressionProbs p{};
  for (std::size_t k = 0; k < kExpressionCount; ++k) p[k] = static_cast<float>(e[k] / sum);
  return p;
}

void check_model(const CueExpressionModel& m, const std::string& where) {
  const auto bad = [&](const std::string& what) { throw InputError("'" + where + "': not a valid cue model (" + what + ")"); };
  if (m.mean.size() != kCueBaseFeatures || m.scale.size() != kCueBaseFeatures) bad("standardisation size");
  for (double s : m.scale)
    if (!(s > 0) || !std::isfinite(s)) bad("non-positive scale");
  if (m.weights.size() != kExpressionCount * m.n_features() || m.bias.size() != kExpressionCount) bad("weight size");
  for (double v : m.weights)
    if (!std::isfinite(v)) bad("non-finite weight");
  for (double v : m.bias)
    if (!std::isfinite(v)) bad("non-finite bias");
  for (float p : m.prior)
    if (!(p > 0) || !std::isfinite(p)) bad("prior not positive");
  if (!(m.fusion_weight >= 0) || !std::isfinite(m.fusion_weight)) bad("negative fusion weight");
}

}  // namespace

std::vector<double> cue_base_features(const std::vector<Point3>& landmarks) {
  const FacialCues c = compute_facial_cues(landmarks);
  const InnerBrows inner = compute_inner_brows(landmarks);
  const auto mean = [](float a, float b) { return 0.5 * (static_cast<double>(a) + b); };
  const auto gap = [](float a, float b) { return std::fabs(static_cast<double>(a) - b); };
  return {c.mouth_opening,
          c.lip_corner_lift,
          c.mouth_width,
          mean(c.brow_right, c.brow_left),
          gap(c.brow_right, c.brow_left),
          mean(c.eye_right, c.eye_left),
          gap(c.eye_right, c.eye_left),
          mean(inner.raise_right, inner.raise_left),
          inner.gap,
          std::fabs(c.pose.yaw),
          c.pose.pitch,
          std::fabs(c.pose.roll)};
}

std::size_t CueExpressionModel::n_features() const { return expanded_size(kCueBaseFeatures, quadratic); }

ExpressionProbs CueExpressionModel::predict(const std::vector<double>& base) const {
  SENTIO_ASSERT(base.size() == kCueBaseFeatures);
  const std::vector<double> x = expand(base, *this);
  const std::size_t d = x.size();
  std::array<double, kExpressionCount> z{};
  for (std::size_t k = 0; k < kExpressionCount; ++k) {
    double s = bias[k];
    for (std::size_t f = 0; f < d; ++f) s += weights[k * d + f] * x[f];
    z[k] = s;
  }
  return normalised(z);
}

ExpressionProbs CueExpressionModel::fuse(const ExpressionProbs& appearance, const std::vector<double>& base) const {
  const ExpressionProbs q = predict(base);
  constexpr double kFloor = 1e-6;  // a zero from either expert must not veto the other outright
  std::array<double, kExpressionCount> s{};
  for (std::size_t k = 0; k < kExpressionCount; ++k)
    s[k] = std::log(std::max<double>(appearance[k], kFloor)) +
           fusion_weight * (std::log(std::max<double>(q[k], kFloor)) - std::log(static_cast<double>(prior[k])));
  return normalised(s);
}

CueExpressionModel train_cue_expression_model(const std::vector<std::vector<double>>& base,
                                              const std::vector<Expression>& labels, const CueTrainOptions& options) {
  SENTIO_ASSERT(base.size() == labels.size());
  std::array<std::size_t, kExpressionCount> count{};
  for (Expression e : labels) ++count[static_cast<std::size_t>(e)];
  for (std::size_t k = 0; k < kExpressionCount; ++k)
    if (count[k] == 0)
      throw InputError("cue model training: no face labelled '" + std::string(expression_name(static_cast<Expression>(k))) +
                       "' (every core expression needs examples)");

  CueExpressionModel m;
  m.quadratic = options.quadratic;
  m.trained_on = options.trained_on;
  m.n_train = base.size();
  m.l2 = options.l2;
  m.fusion_weight = options.fusion_weight;
  for (const auto& b : base) SENTIO_ASSERT(b.size() == kCueBaseFeatures);
  m.mean.assign(kCueBaseFeatures, 0.0);
  m.scale.assign(kCueBaseFeatures, 0.0);
  for (const auto& b : base)
    for (std::size_t i = 0; i < kCueBaseFeatures; ++i) m.mean[i] += b[i];
  for (double& v : m.mean) v /= static_cast<double>(base.size());
  for (const auto& b : base)
    for (std::size_t i = 0; i < kCueBaseFeatures; ++i) m.scale[i] += (b[i] - m.mean[i]) * (b[i] - m.mean[i]);
  for (double& v : m.scale) v = std::max(std::sqrt(v / static_cast<double>(base.size())), 1e-9);

  std::vector<std::vector<double>> x;
  x.reserve(base.size());
  for (const auto& b : base) x.push_back(expand(b, m));
  std::vector<const double*> rows;
  rows.reserve(x.size());
  for (const auto& r : x) rows.push_back(r.data());
  std::vector<std::size_t> y;
  y.reserve(labels.size());
  for (Expression e : labels) y.push_back(static_cast<std::size_t>(e));
  const std::size_t d = m.n_features();
  const std::vector<double> theta = fit_softmax_regression(rows, d, y, {}, kExpressionCount,
                                                           {options.l2, options.max_iterations, 1e-6});
  m.weights.assign(theta.begin(), theta.begin() + static_cast<std::ptrdiff_t>(kExpressionCount * d));
  m.bias.assign(theta.begin() + static_cast<std::ptrdiff_t>(kExpressionCount * d), theta.end());
  for (std::size_t k = 0; k < kExpressionCount; ++k)
    m.prior[k] = static_cast<float>(static_cast<double>(count[k]) / static_cast<double>(labels.size()));
  return m;
}

CueExpressionModel load_cue_expression_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("'" + path + "': cue model not found or not readable");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("'" + path + "': not a cue model (invalid JSON: " + e.what() + ")");
  }
  CueExpressionModel m;
  try {
    if (!j.is_object() || j.value("format", std::string()) != kCueModelFormat)
      throw InputError("'" + path + "': not a cue model (format is not " + std::string(kCueModelFormat) + ")");
    m.mean = j.at("mean").get<std::vector<double>>();
    m.scale = j.at("scale").get<std::vector<double>>();
    m.quadratic = j.at("quadratic").get<bool>();
    const auto& w = j.at("weights");
    const auto& prior = j.at("prior");
    for (std::size_t k = 0; k < kExpressionCount; ++k) {
      const std::string name(expression_name(static_cast<Expression>(k)));
      const auto row = w.at(name).get<std::vector<double>>();
      m.weights.insert(m.weights.end(), row.begin(), row.end());
      m.prior[k] = prior.at(name).get<float>();
    }
    for (std::size_t k = 0; k < kExpressionCount; ++k)
      m.bias.push_back(j.at("bias").at(std::string(expression_name(static_cast<Expression>(k)))).get<double>());
    m.fusion_weight = j.at("fusion_weight").get<double>();
    m.trained_on = j.value("trained_on", std::string());
    m.n_train = j.value("n_train", std::size_t{0});
    m.l2 = j.value("l2", 0.0);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("'" + path + "': not a valid cue model (" + e.what() + ")");
  }
  check_model(m, path);
  return m;
}

void save_cue_expression_model(const CueExpressionModel& m, const std::string& path) {
  check_model(m, path);
  nlohmann::ordered_json j;
  j["format"] = kCueModelFormat;
  j["features"] = {"mouth_opening", "lip_corner_lift", "mouth_width", "brow_mean", "brow_asymmetry", "eye_mean",
                   "eye_asymmetry", "inner_brow_raise", "inner_brow_gap", "abs_yaw_deg", "pitch_deg", "abs_roll_deg"};
  j["mean"] = m.mean;
  j["scale"] = m.scale;
  j["quadratic"] = m.quadratic;
  const std::size_t d = m.n_features();
  nlohmann::ordered_json w, b, prior;
  for (std::size_t k = 0; k < kExpressionCount; ++k) {
    const std::string name(expression_name(static_cast<Expression>(k)));
    w[name] = std::vector<double>(m.weights.begin() + static_cast<std::ptrdiff_t>(k * d),
                                  m.weights.begin() + static_cast<std::ptrdiff_t>((k + 1) * d));
    b[name] = m.bias[k];
    prior[name] = m.prior[k];
  }
  j["weights"] = w;
  j["bias"] = b;
  j["prior"] = prior;
  j["fusion_weight"] = m.fusion_weight;
  j["trained_on"] = m.trained_on;
  j["n_train"] = m.n_train;
  j["l2"] = m.l2;
  write_file_atomically(path, j.dump(1) + "\n");
}

std::string default_cue_model_path() {
  if (auto p = find_shipped_file("models/face/cues.json", "SENTIO_FACE_CUES")) return *p;
  return {};
}

}  // namespace sentio::vision
