// SPDX-License-Identifier: Apache-2.0
// `sentio train ser --type neural|ensemble` and `sentio eval ser` (all model types) in the torch plugin
// (see plugin_loader.hpp). Progress goes to stderr, results to stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "plugins/plugin_commands.hpp"
#include "plugins/plugin_guard.hpp"
#include "sentio/core/csv.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/ser/evaluation.hpp"
#include "sentio/ser/emotion_model.hpp"
#include "sentio/ser_neural/models.hpp"
#include "ser_args.hpp"

namespace {

using namespace sentio;
using json = nlohmann::json;

int thread_count(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void print_problems(const std::vector<std::string>& problems) {
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < problems.size() && i < kShown; ++i)
    std::fprintf(stderr, "sentio: warning: %s\n", problems[i].c_str());
  if (problems.size() > kShown) std::fprintf(stderr, "sentio: warning: ... and %zu more\n", problems.size() - kShown);
}

struct Loaded {
  ser::Manifest manifest;
  ser::Corpus corpus;
};

// Training messages on stderr unless -q.
ser::TrainingLog stderr_log(bool quiet) {
  if (quiet) return {};
  return [](const std::string& message) { std::fprintf(stderr, "sentio: %s\n", message.c_str()); };
}

// classes: the class set to train/evaluate on ("core" or "all"); augment: extract the augmented copies too.
Loaded load(const cli::SerCommonArgs& a, const std::string& classes, bool augment) {
  Loaded d;
  d.manifest = ser::read_manifests(a.data);
  ser::apply_class_set(d.manifest, ser::parse_class_set(classes));
  print_problems(d.manifest.problems);
  if (d.manifest.items.empty()) throw InputError("no usable rows in the manifest(s)");
  d.corpus = ser::load_corpus(d.manifest, thread_count(a.jobs), stderr_log(a.quiet), augment);
  print_problems(d.corpus.raw.problems);
  if (d.corpus.raw.size() == 0) throw InputError("no clip of the manifest(s) could be decoded");
  return d;
}

void apply_overrides(const cli::SerCommonArgs& a, ser::SerTrainOptions& o) {
  if (a.seed) {
    o.linear.seed = *a.seed;
    o.neural.seed = *a.seed;
  }
  if (a.epochs > 0) o.neural.epochs = a.epochs;
  if (!a.augment.empty() && o.type == ser::ModelType::neural)
    throw InputError("--augment applies to the eGeMAPS models (linear, mlp, the ensemble's linear part); the neural "
                     "model has its own augmentation (docs/SER.md)");
  o.linear.augment = cli::augment_choice(a, o.linear.augment);
  o.log = stderr_log(a.quiet);
}

int run_train(const cli::TrainSerArgs& a) {
  ser::SerTrainOptions o;
  ser::apply_model_type(a.type, o);
  cli::apply_penalties(a, o.linear.l2, o.linear.speaker_prior);
  apply_overrides(a, o);
  const auto t0 = std::chrono::steady_clock::now();
  const Loaded d = load(a, a.classes.empty() ? "all" : a.classes, o.linear.augment);
  std::vector<std::size_t> rows(d.corpus.raw.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const auto model = ser::train_emotion_model(d.corpus, rows, o);
  if (!a.calibration.empty())
    std::fprintf(stderr, "sentio: calibrated on %s\n", ser::calibrate_on_predictions(*model, a.calibration).c_str());
  model->save(a.output);
  std::string labels;
  for (const auto& l : model->labels()) labels += (labels.empty() ? "" : ",") + l;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "sentio: trained the %s model on %zu clips (%s) in %.1f s; written to %s\n", model->kind().c_str(),
               rows.size(), labels.c_str(), s, a.output.c_str());
  return cli::kExitOk;
}

json result_json(const ser::SerEvalResult& sr) {
  const ser::EvalResult& r = sr.result;
  const auto& m = r.metrics;
  json j;
  j["n"] = m.n;
  j["wa"] = m.accuracy;
  j["ua"] = m.balanced_accuracy;
  j["macro_f1"] = m.macro_f1;
  j["weighted_f1"] = m.weighted_f1;
  j["labels"] = r.labels;
  json per_class = json::object(), per_class_f1 = json::object(), confusion = json::array();
  for (std::size_t t = 0; t < r.labels.size(); ++t) {
    per_class[r.labels[t]] = m.recall[t];
    per_class_f1[r.labels[t]] = m.f1[t];
    std::vector<std::size_t> row(r.labels.size());
    for (std::size_t p = 0; p < r.labels.size(); ++p) row[p] = r.confusion.count(t, p);
    confusion.push_back(row);
  }
  j["per_class"] = per_class;
  j["per_class_f1"] = per_class_f1;
  j["confusion"] = confusion;
  j["ccc"] = {{"valence", sr.ccc_valence}, {"arousal", sr.ccc_arousal}};
  json free_recall = json::object();
  for (std::size_t t = 0; t < r.labels.size() && t < r.free_recall.size(); ++t) free_recall[r.labels[t]] = r.free_recall[t];
  j["free_choice"] = {{"ua", r.free_ua}, {"wa", r.free_wa}, {"per_class", free_recall}};
  return j;
}

void print_table(const ser::SerEvalResult& sr) {
  const ser::EvalResult& r = sr.result;
  const auto& m = r.metrics;
  std::printf("WA (accuracy)  %.4f\nUA (mean recall) %.4f\nmacro-F1       %.4f\nCCC valence %.4f, arousal %.4f\n"
              "free choice (any class of the model): UA %.4f, WA %.4f\n\n",
              m.accuracy, m.balanced_accuracy, m.macro_f1, sr.ccc_valence, sr.ccc_arousal, r.free_ua, r.free_wa);
  std::printf("%-10s %7s %7s %7s %7s\n", "class", "recall", "prec", "f1", "n");
  for (std::size_t c = 0; c < r.labels.size(); ++c)
    std::printf("%-10s %7.4f %7.4f %7.4f %7zu\n", r.labels[c].c_str(), m.recall[c], m.precision[c], m.f1[c],
                m.support[c]);
  std::printf("\nconfusion (rows: truth, columns: predicted)\n%-10s", "");
  for (const auto& l : r.labels) std::printf(" %5.5s", l.c_str());
  std::printf("\n");
  for (std::size_t t = 0; t < r.labels.size(); ++t) {
    std::printf("%-10s", r.labels[t].c_str());
    for (std::size_t p = 0; p < r.labels.size(); ++p) std::printf(" %5zu", r.confusion.count(t, p));
    std::printf("\n");
  }
}

// One row per test prediction (--predictions), of the model and, for an ensemble, of each component.
void write_predictions(const std::string& path, const ser::Corpus& corpus, const ser::SerEvalResult& r,
                       const std::string& kind) {
  const auto& canon = ser::canonical_labels();
  std::string csv = "path,corpus,speaker,fold,component,truth";
  for (const auto& l : canon) csv += "," + l;
  csv += "\n";
  char buf[32];
  const auto add = [&](const ser::SerEvalResult& part, const char* component) {
    for (const auto& p : part.predictions) {
      csv += csv_field(corpus.raw.paths[p.row]) + "," + csv_field(corpus.raw.corpora[p.row]) + "," +
             csv_field(corpus.raw.speakers[p.row]) + "," + std::to_string(p.fold) + "," + component + "," +
             corpus.raw.labels[p.row];
      for (float v : p.probs) {
        csv += ",";
        if (v >= 0) {
          std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(v));
          csv += buf;
        }
      }
      csv += "\n";
    }
  };
  add(r, kind.c_str());
  if (r.linear_component) add(*r.linear_component, "linear");
  if (r.neural_component) add(*r.neural_component, "neural");
  write_file_atomically(path, csv);
}

int run_eval(const cli::EvalSerArgs& a) {
  if (a.group_size < 0) throw InputError("--group-size must be >= 0");
  std::unique_ptr<ser::SpeechEmotionModel> model;
  std::string model_path = a.model;
  if (model_path.empty() && a.type.empty()) model_path = ser::default_emotion_model_path();
  ser::SerTrainOptions o;
  if (!model_path.empty()) {
    model = ser::load_emotion_model(model_path);
    o = ser::options_of(*model);  // its type and hyper-parameters for re-trained folds
    if (!a.type.empty() && a.type != model->kind())
      throw InputError("--type " + a.type + " contradicts the model's type " + model->kind());
  } else {
    ser::apply_model_type(a.type, o);
  }
  apply_overrides(a, o);
  const ser::Protocol protocol = ser::parse_protocol(a.protocol.empty() ? (model ? "split" : "loso") : a.protocol);
  if (protocol == ser::Protocol::split && !model) throw InputError("--protocol split evaluates a trained model: give --model");
  const auto t0 = std::chrono::steady_clock::now();
  std::string classes = a.classes;
  if (classes.empty()) {  // core unless the model answers a corpus-specific class
    classes = "core";
    if (model)
      for (const auto& l : model->labels())
        if (ser::core_label(l) != l) classes = "all";
  }
  // Augmented copies only where eGeMAPS models are trained (not to score a given model as-is).
  const bool augment = o.linear.augment && protocol != ser::Protocol::split;
  const Loaded d = load(a, classes, augment);
  const std::uint64_t seed = a.seed.value_or(o.linear.seed);
  const ser::SerEvalResult r =
      ser::evaluate_emotion_model(d.corpus, protocol, a.folds, seed, o, model.get(), thread_count(a.jobs), a.group_size);
  if (!a.predictions.empty()) write_predictions(a.predictions, d.corpus, r, ser::model_type_name(o));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::size_t unknown = 0;
  for (const auto& [k, v] : d.manifest.unknown_labels) unknown += v;
  double mean_ua = 0, mean_free = 0;  // over folds (with loco: over corpora)
  for (const auto& f : r.result.folds) {
    mean_ua += f.ua / static_cast<double>(r.result.folds.size());
    mean_free += f.free_ua / static_cast<double>(r.result.folds.size());
  }
  if (!a.json) {
    std::printf("model %s (%s), protocol %s, %zu clips, %zu folds, %.1f s\n",
                model_path.empty() ? "re-trained per fold" : model_path.c_str(), ser::model_type_name(o),
                ser::protocol_name(protocol), r.result.metrics.n, r.result.folds.size(), seconds);
    print_table(r);
    if (protocol == ser::Protocol::loco) {
      std::printf("\nper held-out corpus:\n");
      for (const auto& f : r.result.folds)
        std::printf("  %-12s n %5zu  UA %.4f  WA %.4f  free-choice UA %.4f\n", f.test_speakers.front().c_str(), f.n,
                    f.ua, f.wa, f.free_ua);
      std::printf("  mean over corpora: UA %.4f, free-choice UA %.4f\n", mean_ua, mean_free);
    }
    if (r.linear_component && r.neural_component)
      std::printf("\ncomponents: linear UA %.4f WA %.4f; neural UA %.4f WA %.4f\n",
                  r.linear_component->result.metrics.balanced_accuracy, r.linear_component->result.metrics.accuracy,
                  r.neural_component->result.metrics.balanced_accuracy, r.neural_component->result.metrics.accuracy);
    std::printf("\nskipped: %zu missing files, %zu unknown labels, %zu undecodable\n", d.manifest.n_missing_files,
                unknown, d.corpus.raw.problems.size());
    return cli::kExitOk;
  }
  json j = result_json(r);
  j["protocol"] = ser::protocol_name(protocol);
  j["model"] = {{"type", ser::model_type_name(o)}, {"path", model_path}};
  j["seconds"] = seconds;
  json folds = json::array();
  for (const auto& f : r.result.folds)
    folds.push_back({{"test_speakers", f.test_speakers}, {"n", f.n}, {"wa", f.wa}, {"ua", f.ua}, {"free_ua", f.free_ua}});
  j["folds"] = folds;
  j["classes"] = classes;
  j["group_size"] = a.group_size;
  j["mean_fold_ua"] = mean_ua;
  j["mean_fold_free_ua"] = mean_free;
  j["features"] = o.type == ser::ModelType::neural ? "log-mel-64" : o.type == ser::ModelType::linear
                                                                       ? ser::kFeatureSetEgemaps
                                                                       : "egemaps-v02-functionals+log-mel-64";
  j["normalisation"] = ser::kNormalisationSpeakerZ;
  j["classifier"] = {{"type", ser::model_type_name(o)}, {"l2", o.linear.l2}, {"balanced", o.linear.balanced},
                     {"max_iterations", o.linear.max_iterations}, {"seed", o.linear.seed},
                     {"neural_epochs", o.neural.epochs}};
  if (r.linear_component && r.neural_component)
    j["components"] = {{"linear", result_json(*r.linear_component)}, {"neural", result_json(*r.neural_component)}};
  j["skipped"] = {{"missing_files", d.manifest.n_missing_files}, {"unknown_labels", d.manifest.unknown_labels},
                  {"decode_failed", d.corpus.raw.problems.size()}, {"not_in_model", r.result.skipped_not_in_model}};
  std::cout << j.dump(2) << "\n";
  return cli::kExitOk;
}

}  // namespace

namespace sentio::cli {

// Exceptions never cross the plugin boundary: every error becomes a message and an exit code.

int train_ser_command(const void* args) { return guarded(static_cast<const TrainSerArgs*>(args), run_train); }
int eval_ser_command(const void* args) { return guarded(static_cast<const EvalSerArgs*>(args), run_eval); }

}  // namespace sentio::cli
