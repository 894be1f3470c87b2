// SPDX-License-Identifier: Apache-2.0
// `sentio eval face`: run the expression pipeline over a labelled manifest and score it.
#include "sentio/vision_neural/face_eval.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "face/manifest.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/thread_pool.hpp"

namespace sentio::vision {

namespace {

struct Item {
  std::string path;
  Expression truth = Expression::neutral;
};

enum class Treated { crop, detected, no_face };

// Probabilities for one image under the crop rule of FaceEvalOptions (see face_eval.hpp).
// Returns false (no_face) when detection was required and found nothing.
bool predict(const FaceAnalyzer& analyzer, const FaceEvalOptions& o, const Image& image, ExpressionProbs& probs,
             Treated& how) {
  const bool small = std::max(image.width, image.height) <= o.small_side_px;
  if (o.crops == CropMode::crop || (o.crops == CropMode::automatic && small)) {
    probs = analyzer.classify_crop(image);
    how = Treated::crop;
    return true;
  }
  const auto faces = analyzer.analyze(image);
  if (!faces.empty()) {
    probs = faces.front().expression;  // most confident face
    how = Treated::detected;
    return true;
  }
  if (o.crops == CropMode::automatic) {
    probs = analyzer.classify_crop(image);
    how = Treated::crop;
    return true;
  }
  how = Treated::no_face;
  return false;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

FaceEvalReport evaluate_faces(const FaceEvalOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  FaceEvalReport report;
  const auto rows = face::read_manifest(options.manifest, options.split);
  report.n_rows = rows.size();
  std::vector<Item> items;
  bool present[kExpressionCount] = {};
  for (const auto& r : rows) {
    const LabelMapping m = map_expression_label(r.label);
    if (m.status == LabelStatus::unsupported) {
      ++report.unsupported[r.label];
    } else if (m.status == LabelStatus::unknown) {
      ++report.unknown[r.label];
    } else {
      items.push_back({r.path, m.expression});
      present[static_cast<std::size_t>(m.expression)] = true;
    }
  }
  if (items.empty())
    throw InputError("'" + options.manifest + "': no row with a supported expression label" +
                     (options.split.empty() ? std::string() : " in split '" + options.split + "'"));
  std::vector<std::size_t> allowed;  // core indices of the present classes
  std::vector<int> class_of(kExpressionCount, -1);
  for (std::size_t k = 0; k < kExpressionCount; ++k)
    if (present[k]) {
      class_of[k] = static_cast<int>(allowed.size());
      allowed.push_back(k);
      report.classes.push_back(static_cast<Expression>(k));
    }

  FaceAnalyzerOptions ao = options.analyzer;
  report.model_dir = ao.model_dir.empty() ? default_face_model_dir() : ao.model_dir;
  ao.model_dir = report.model_dir;
  report.expression_model = ao.expression_model;
  const FaceAnalyzer analyzer(ao);

  // Predicted core index per item; -1 = failed to read, -2 = no face.
  std::vector<int> predicted(items.size(), -1);
  std::vector<Treated> treated(items.size(), Treated::crop);
  std::vector<std::string> errors(items.size());
  ThreadPool pool(std::max(1, options.n_threads));
  // Small interleaved chunks keep the threads balanced when some images are large.
  const std::size_t n_chunks = std::min<std::size_t>(items.size(), 64 * static_cast<std::size_t>(pool.size()));
  pool.parallel_for(n_chunks, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t c = b; c < e; ++c)
      for (std::size_t i = c; i < items.size(); i += n_chunks) {
        try {
          const Image image = decode_image_file(items[i].path);
          ExpressionProbs probs{};
          if (predict(analyzer, options, image, probs, treated[i]))
            predicted[i] = static_cast<int>(restricted_argmax(probs, allowed));
          else
            predicted[i] = -2;
        } catch (const InputError& err) {
          errors[i] = err.what();
        }
      }
  });

  ConfusionMatrix cm(allowed.size() + 1);  // last column: no face found (counts as wrong)
  const std::size_t none = allowed.size();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (predicted[i] == -1) {
      report.failures.push_back(errors[i]);
      continue;
    }
    const auto truth = static_cast<std::size_t>(class_of[static_cast<std::size_t>(items[i].truth)]);
    if (predicted[i] == -2) {
      ++report.n_no_face;
      cm.add(truth, none);
    } else {
      if (treated[i] == Treated::crop) ++report.n_as_crop;
      else ++report.n_detected;
      cm.add(truth, static_cast<std::size_t>(class_of[static_cast<std::size_t>(predicted[i])]));
    }
  }
  ClassificationMetrics full = compute_metrics(cm);
  // Drop the "no face" pseudo-class from the per-class vectors (it has no support, so the averages skip it).
  for (auto* v : {&full.recall, &full.precision, &full.f1}) v->pop_back();
  full.support.pop_back();
  report.metrics = full;
  report.confusion.assign(allowed.size(), std::vector<std::size_t>(allowed.size(), 0));
  for (std::size_t t = 0; t < allowed.size(); ++t)
    for (std::size_t p = 0; p < allowed.size(); ++p) report.confusion[t][p] = cm.count(t, p);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

std::string face_eval_json(const FaceEvalReport& r) {
  nlohmann::ordered_json j;
  j["n"] = r.metrics.n;
  j["accuracy"] = r.metrics.accuracy;
  j["macro_f1"] = r.metrics.macro_f1;
  j["weighted_f1"] = r.metrics.weighted_f1;
  j["balanced_accuracy"] = r.metrics.balanced_accuracy;
  nlohmann::ordered_json labels = nlohmann::ordered_json::array(), recall = nlohmann::ordered_json::object(),
                         f1 = nlohmann::ordered_json::object(), support = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < r.classes.size(); ++c) {
    const std::string name(expression_name(r.classes[c]));
    labels.push_back(name);
    recall[name] = r.metrics.recall[c];
    f1[name] = r.metrics.f1[c];
    support[name] = r.metrics.support[c];
  }
  j["labels"] = labels;
  j["per_class"] = recall;
  j["per_class_f1"] = f1;
  j["support"] = support;
  j["confusion"] = r.confusion;
  j["skipped"] = {{"unsupported", r.unsupported}, {"unknown", r.unknown}, {"failed", r.failures.size()}};
  j["images"] = {{"as_crop", r.n_as_crop}, {"detected", r.n_detected}, {"no_face", r.n_no_face}};
  j["seconds"] = r.seconds;
  j["model"] = r.model_dir;
  if (!r.expression_model.empty()) j["expression_model"] = r.expression_model;
  return j.dump(1) + "\n";
}

std::string face_eval_table(const FaceEvalReport& r) {
  std::string s;
  s += "images evaluated: " + std::to_string(r.metrics.n) + " (as crop " + std::to_string(r.n_as_crop) + ", detected " +
       std::to_string(r.n_detected) + ", no face " + std::to_string(r.n_no_face) + ")\n";
  s += "accuracy " + fmt("%.4f", r.metrics.accuracy) + "   macro-F1 " + fmt("%.4f", r.metrics.macro_f1) +
       "   weighted-F1 " + fmt("%.4f", r.metrics.weighted_f1) + "\n\n";
  s += "class        recall      F1   support\n";
  for (std::size_t c = 0; c < r.classes.size(); ++c) {
    std::string name(expression_name(r.classes[c]));
    name.resize(10, ' ');
    s += name + fmt("%9.4f", r.metrics.recall[c]) + fmt("%8.4f", r.metrics.f1[c]) +
         fmt("%10.0f", static_cast<double>(r.metrics.support[c])) + "\n";
  }
  s += "\nconfusion (rows = truth, columns = predicted)\n          ";
  for (const Expression e : r.classes) s += std::string(expression_name(e)).substr(0, 7) + std::string(8 - std::min<std::size_t>(7, expression_name(e).size()), ' ');
  s += "\n";
  for (std::size_t t = 0; t < r.classes.size(); ++t) {
    std::string name(expression_name(r.classes[t]));
    name.resize(10, ' ');
    s += name;
    for (const std::size_t v : r.confusion[t]) s += fmt("%-8.0f", static_cast<double>(v));
    s += "\n";
  }
  for (const auto& [label, n] : r.unsupported)
    s += "skipped " + std::to_string(n) + " row(s) labelled '" + label + "' (no such class in the expression model)\n";
  for (const auto& [label, n] : r.unknown)
    s += "skipped " + std::to_string(n) + " row(s) with unknown label '" + label + "'\n";
  if (!r.failures.empty()) s += "failed to read " + std::to_string(r.failures.size()) + " image(s)\n";
  s += fmt("time %.1f s\n", r.seconds);
  return s;
}

}  // namespace sentio::vision
