// SPDX-License-Identifier: Apache-2.0
// `sentio train face-cues`: cues of labelled face crops -> the cue expression model.
#include "sentio/vision_neural/cue_training.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "face/manifest.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "train/holdout.hpp"

namespace sentio::vision {

namespace {

struct Item {
  std::string path;
  Expression label = Expression::neutral;
  ExpressionProbs appearance{};
  bool has_cues = false;  // its features are in the flat feature table
};

std::size_t top(const ExpressionProbs& p) {
  return static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

}  // namespace

CueModelTrainReport train_cue_model(const CueModelTrainOptions& o, Progress* progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.holdout_fraction < 0 || o.holdout_fraction >= 1 || o.threads < 1)
    throw InputError("train face-cues: the holdout fraction must be in [0, 1) and threads >= 1");
  require_output_folder(o.output);
  CueModelTrainReport report;
  const auto rows = face::read_manifest(o.manifest, o.split);
  report.n_rows = rows.size();
  std::vector<Item> items;
  for (const auto& r : rows) {
    const LabelMapping m = map_expression_label(r.label);
    if (m.status != LabelStatus::supported) {
      ++report.n_skipped;
      continue;
    }
    items.push_back({r.path, m.expression, {}});
  }
  if (items.empty())
    throw InputError("'" + o.manifest + "': no row with a supported expression label" +
                     (o.split.empty() ? std::string() : " in split '" + o.split + "'"));

  FaceAnalyzerOptions ao;
  ao.model_dir = o.model_dir;
  ao.cue_fusion = false;  // the appearance alone; the cues are asked for explicitly
  ao.identity = false;
  const FaceAnalyzer analyzer(ao);
  if (progress) progress->set_total(static_cast<double>(items.size()));
  std::vector<std::string> errors(items.size());
  // One flat table, allocated up front: a small allocation kept per image between each image's large
  // temporary buffers would pin the heap and grow it by the size of those buffers per image.
  std::vector<double> table(items.size() * kCueBaseFeatures);
  const auto features_of = [&](std::size_t i) {
    const auto at = table.begin() + static_cast<std::ptrdiff_t>(i * kCueBaseFeatures);
    return std::vector<double>(at, at + static_cast<std::ptrdiff_t>(kCueBaseFeatures));
  };
  ThreadPool pool(o.threads);
  pool.parallel_for(items.size(), [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) {
      try {
        const CropAnalysis crop = analyzer.analyze_crop(decode_image_file(items[i].path), /*want_cues=*/true);
        items[i].appearance = crop.appearance;
        if (!crop.cue_features.empty()) {
          std::copy(crop.cue_features.begin(), crop.cue_features.end(),
                    table.begin() + static_cast<std::ptrdiff_t>(i * kCueBaseFeatures));
          items[i].has_cues = true;
        }
      } catch (const InputError& err) {
        errors[i] = err.what();
      }
      if (progress) progress->advance(1);
    }
  });
  if (progress) progress->finish();
  std::size_t n_bad = 0;
  std::string first;
  for (const auto& e : errors)
    if (!e.empty() && n_bad++ == 0) first = e;
  if (n_bad > 0) throw InputError(first + (n_bad > 1 ? " (and " + std::to_string(n_bad - 1) + " more unreadable images)" : ""));

  std::vector<std::int64_t> labels;
  labels.reserve(items.size());
  for (const Item& it : items) labels.push_back(static_cast<std::int64_t>(it.label));
  std::vector<std::size_t> train_rows, holdout_rows;
  train::split_holdout(labels, o.holdout_fraction, o.seed, train_rows, holdout_rows);

  std::vector<std::vector<double>> cues;
  std::vector<Expression> y;
  for (std::size_t i : train_rows) {
    if (!items[i].has_cues) {
      ++report.n_no_face;
      continue;
    }
    cues.push_back(features_of(i));
    y.push_back(items[i].label);
  }
  for (std::size_t i : holdout_rows)
    if (!items[i].has_cues) ++report.n_no_face;
  CueTrainOptions fit = o.fit;
  if (fit.trained_on.empty())
    fit.trained_on = o.manifest + (o.split.empty() ? std::string() : " (split " + o.split + ")") +
                     (holdout_rows.empty() ? std::string() : " minus a seeded holdout");
  const bool choose = fit.fusion_weight < 0;
  if (choose && holdout_rows.empty())
    throw InputError("train face-cues: choosing the fusion weight needs a holdout (--holdout > 0) or a given weight");
  if (choose) fit.fusion_weight = 0;
  CueExpressionModel model = train_cue_expression_model(cues, y, fit);
  report.n_train = cues.size();
  report.n_holdout = holdout_rows.size();

  if (!holdout_rows.empty()) {
    // The holdout as `sentio analyze` sees it: detection, mesh, aligned crop.
    std::vector<std::optional<FaceResult>> detected(holdout_rows.size());
    pool.parallel_for(holdout_rows.size(), [&](std::size_t b, std::size_t e, int) {
      for (std::size_t h = b; h < e; ++h) {
        auto faces = analyzer.analyze(decode_image_file(items[holdout_rows[h]].path));
        if (!faces.empty() && !faces.front().landmarks.empty()) detected[h] = std::move(faces.front());
      }
    });
    std::vector<std::size_t> right(std::size(kCueWeightGrid), 0);
    std::size_t detected_app = 0;
    for (std::size_t h = 0; h < holdout_rows.size(); ++h) {
      if (!detected[h]) continue;
      std::vector<double> features;
      try {
        features = cue_base_features(detected[h]->landmarks);
      } catch (const InputError&) {
        continue;
      }
      ++report.n_holdout_detected;
      const auto truth = static_cast<std::size_t>(items[holdout_rows[h]].label);
      detected_app += top(detected[h]->expression) == truth;
      for (std::size_t g = 0; g < std::size(kCueWeightGrid); ++g) {
        model.fusion_weight = kCueWeightGrid[g];
        right[g] += top(model.fuse(detected[h]->expression, features)) == truth;
      }
    }
    model.fusion_weight = fit.fusion_weight;
    if (report.n_holdout_detected > 0) {
      const auto n = static_cast<double>(report.n_holdout_detected);
      report.detected_appearance = static_cast<double>(detected_app) / n;
      std::size_t best = 0;
      for (std::size_t g = 0; g < right.size(); ++g) {
        report.detected_fused.push_back(static_cast<double>(right[g]) / n);
        if (right[g] > right[best]) best = g;  // ties keep the smaller weight
      }
      if (choose) model.fusion_weight = kCueWeightGrid[best];
    } else if (choose) {
      throw InputError("train face-cues: no face was detected in the holdout images, so the fusion weight cannot be "
                       "chosen; give --fusion-weight");
    }

    std::size_t with_cues = 0, right_cues = 0, right_app = 0, right_fused = 0;
    for (std::size_t i : holdout_rows) {
      const Item& it = items[i];
      const auto truth = static_cast<std::size_t>(it.label);
      right_app += top(it.appearance) == truth;
      if (it.has_cues) {
        ++with_cues;
        const std::vector<double> f = features_of(i);
        right_cues += top(model.predict(f)) == truth;
        right_fused += top(model.fuse(it.appearance, f)) == truth;
      } else {
        right_fused += top(it.appearance) == truth;
      }
    }
    const auto n = static_cast<double>(holdout_rows.size());
    report.holdout_appearance = static_cast<double>(right_app) / n;
    report.holdout_fused = static_cast<double>(right_fused) / n;
    report.holdout_cues = with_cues ? static_cast<double>(right_cues) / static_cast<double>(with_cues) : -1;
  }
  report.fusion_weight = model.fusion_weight;
  save_cue_expression_model(model, o.output);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace sentio::vision
