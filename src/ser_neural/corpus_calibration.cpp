// SPDX-License-Identifier: Apache-2.0
// Calibration of a linear or ensemble model on predictions of held-out corpora (models.hpp,
// calibrate_on_predictions).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "sentio/core/csv.hpp"
#include "sentio/core/error.hpp"
#include "sentio/ser_neural/calibration.hpp"
#include "sentio/ser_neural/models.hpp"

namespace sentio::ser {

namespace {

// Log-probabilities over the model's classes of one component's prediction of one clip.
struct Row {
  std::vector<float> log_p;
  std::size_t truth = 0;
  std::string corpus;
};

}  // namespace

namespace {

// Component predictions ("linear", "neural", ...) of a predictions CSV, keyed by fold + path.
using Predictions = std::map<std::string, std::map<std::string, Row>>;

Predictions read_predictions(const std::string& csv_path, const std::vector<std::string>& labels) {
  std::ifstream in(csv_path);
  if (!in) throw InputError("calibration predictions '" + csv_path + "': cannot open (missing or unreadable)");
  const auto fail = [&](std::size_t line, const std::string& what) {
    return InputError("calibration predictions '" + csv_path + "'" + (line ? ":" + std::to_string(line) : "") + ": " + what);
  };
  std::string line;
  if (!std::getline(in, line)) throw fail(0, "empty file");
  const std::vector<std::string> header = split_csv_line(line);
  const auto column = [&](const std::string& name) -> std::size_t {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      throw fail(1, "no '" + name + "' column (write the file with sentio eval ser --protocol loco --predictions)");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_path = column("path"), c_fold = column("fold"), c_component = column("component"),
                    c_truth = column("truth"), c_corpus = column("corpus");
  const std::size_t k = labels.size();
  std::vector<std::size_t> c_label(k);
  for (std::size_t c = 0; c < k; ++c) c_label[c] = column(labels[c]);
  Predictions out;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv_line(line);
    if (f.size() != header.size()) throw fail(line_no, "expected " + std::to_string(header.size()) + " fields");
    const auto truth = std::find(labels.begin(), labels.end(), f[c_truth]);
    if (truth == labels.end()) continue;  // a class the model does not have
    Row r;
    r.truth = static_cast<std::size_t>(truth - labels.begin());
    r.corpus = f[c_corpus];
    bool complete = true;
    for (std::size_t c = 0; c < k; ++c) {
      const std::string& v = f[c_label[c]];
      if (v.empty()) {
        complete = false;  // the fold's model lacked this class
        break;
      }
      char* end = nullptr;
      const double p = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(p >= 0 && p <= 1))
        throw fail(line_no, "probability '" + v + "' is not a number in [0, 1]");
      r.log_p.push_back(static_cast<float>(std::log(std::max(p, 1e-12))));
    }
    if (complete) out[f[c_component]][f[c_fold] + "\n" + f[c_path]] = std::move(r);
  }
  return out;
}

std::string describe(const std::set<std::string>& corpora, std::size_t n, double ua) {
  std::string names;
  for (const auto& c : corpora) names += (names.empty() ? "" : ", ") + c;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", ua);
  return "held-out-corpus predictions of " + std::to_string(n) + " clips (" + names + "), UA " + buf;
}

[[noreturn]] void no_rows(const std::string& csv_path, const std::string& what) {
  throw InputError("calibration predictions '" + csv_path + "': no " + what + " prediction over the model's classes");
}

EnsembleCalibration calibrate_ensemble(const EnsembleEmotionModel& model, const std::string& csv_path) {
  const std::size_t k = model.labels().size();
  Predictions p = read_predictions(csv_path, model.labels());
  std::vector<float> zl, zn;
  std::vector<std::size_t> truth;
  std::set<std::string> corpora;
  for (const auto& [key, l] : p["linear"]) {
    const auto n = p["neural"].find(key);
    if (n == p["neural"].end()) continue;
    zl.insert(zl.end(), l.log_p.begin(), l.log_p.end());
    zn.insert(zn.end(), n->second.log_p.begin(), n->second.log_p.end());
    truth.push_back(l.truth);
    corpora.insert(l.corpus);
  }
  if (truth.empty()) no_rows(csv_path, "pair of linear and neural");
  EnsembleCalibration cal = model.calibration();
  // The components' probabilities are already temperature-scaled: log-probabilities at T = 1.
  const EnsembleWeight w = choose_weight(zl, 1.0, zn, 1.0, k, truth);
  cal.linear_weight = w.linear_weight;
  std::vector<float> combined(truth.size() * k);
  for (std::size_t i = 0; i < combined.size(); ++i)
    combined[i] = static_cast<float>(w.linear_weight * zl[i] + (1 - w.linear_weight) * zn[i]);
  cal.output_temperature = fit_temperature(combined, k, truth);
  cal.calibrated_on = describe(corpora, truth.size(), w.ua);
  return cal;
}

}  // namespace

std::string calibrate_on_predictions(TrainedEmotionModel& model, const std::string& csv_path) {
  if (auto* ensemble = dynamic_cast<EnsembleEmotionModel*>(&model)) {
    ensemble->set_calibration(calibrate_ensemble(*ensemble, csv_path));
    char buf[96];
    std::snprintf(buf, sizeof buf, ": linear weight %.2f, output temperature %.3f",
                  ensemble->calibration().linear_weight, ensemble->calibration().output_temperature);
    return ensemble->calibration().calibrated_on + buf;
  }
  auto* linear = dynamic_cast<LinearEmotionModel*>(&model);
  if (!linear) throw InputError("--calibration: only linear, mlp and ensemble models take a held-out-corpus calibration");
  const std::size_t k = linear->labels().size();
  Predictions p = read_predictions(csv_path, linear->labels());
  std::vector<float> z;
  std::vector<std::size_t> truth;
  std::set<std::string> corpora;
  const std::string component = linear->kind();  // "linear" or "mlp": predictions of the same recipe
  for (const auto& [key, r] : p[component]) {
    z.insert(z.end(), r.log_p.begin(), r.log_p.end());
    truth.push_back(r.truth);
    corpora.insert(r.corpus);
  }
  if (truth.empty()) no_rows(csv_path, component);
  const double t = fit_temperature(z, k, truth);
  linear->set_output_temperature(t, describe(corpora, truth.size(), unweighted_recall(z, k, truth)));
  char buf[64];
  std::snprintf(buf, sizeof buf, ": output temperature %.3f", t);
  return linear->model().calibrated_on + buf;
}

}  // namespace sentio::ser
