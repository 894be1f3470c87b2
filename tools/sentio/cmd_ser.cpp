// SPDX-License-Identifier: Apache-2.0
// sentio train ser --data MANIFEST... -o MODEL.json [--seed N] [--l2 X] [-j N]
// sentio eval ser [--model MODEL.json] --data MANIFEST... [--protocol loso|kfold-speaker|split] [--folds K]
//                 [--seed N] [--json] [-j N]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sentio/core/error.hpp"
#include "sentio/ser/evaluation.hpp"

namespace sentio::cli {

namespace {

struct SerCommonArgs {
  std::vector<std::string> data;
  int jobs = 0;
  std::optional<std::uint64_t> seed;  // unset: 0 for train, the model's seed for eval --model
  bool quiet = false;
};

struct TrainSerArgs : SerCommonArgs {
  std::string output;
  double l2 = ser::TrainOptions{}.l2;
};

struct EvalSerArgs : SerCommonArgs {
  std::string model;
  std::string protocol;
  int folds = 5;
  bool json = false;
};

int thread_count(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void print_problems(const std::vector<std::string>& problems) {
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < problems.size() && i < kShown; ++i)
    std::fprintf(stderr, "sentio: warning: %s\n", problems[i].c_str());
  if (problems.size() > kShown) std::fprintf(stderr, "sentio: warning: ... and %zu more\n", problems.size() - kShown);
}

struct LoadedData {
  ser::Manifest manifest;
  ser::Dataset data;
};

// Reads the manifests, extracts and speaker-normalises the features, reports what was skipped.
LoadedData load_data(const SerCommonArgs& a) {
  LoadedData d;
  d.manifest = ser::read_manifests(a.data);
  print_problems(d.manifest.problems);
  if (d.manifest.items.empty()) throw InputError("no usable rows in the manifest(s)");
  if (!a.quiet)
    std::fprintf(stderr, "sentio: extracting eGeMAPS from %zu files on %d threads\n", d.manifest.items.size(),
                 thread_count(a.jobs));
  d.data = ser::extract_egemaps(d.manifest, thread_count(a.jobs));
  print_problems(d.data.problems);
  if (d.data.size() == 0) throw InputError("no clip of the manifest(s) could be decoded");
  ser::normalise_per_speaker(d.data);
  return d;
}

nlohmann::json skipped_json(const LoadedData& d, const ser::EvalResult* r) {
  nlohmann::json s;
  s["missing_files"] = d.manifest.n_missing_files;
  s["unknown_labels"] = d.manifest.unknown_labels;
  s["decode_failed"] = d.data.problems.size();
  if (r) s["not_in_model"] = r->skipped_not_in_model;
  return s;
}

int run_train(const TrainSerArgs& a) {
  ser::TrainOptions opt;
  opt.seed = a.seed.value_or(0);
  opt.l2 = a.l2;
  if (!(opt.l2 >= 0)) throw InputError("--l2 must be >= 0");
  const LoadedData d = load_data(a);
  std::vector<std::size_t> rows(d.data.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const ser::LinearModel model = ser::train_linear(d.data, rows, opt);
  ser::save_model(model, a.output);
  std::string labels;
  for (const auto& l : model.labels) labels += (labels.empty() ? "" : ",") + l;
  std::fprintf(stderr, "sentio: trained on %zu clips (%s); model written to %s\n", model.n_train, labels.c_str(),
               a.output.c_str());
  return kExitOk;
}

void print_table(const ser::EvalResult& r, const LoadedData& d) {
  const auto& m = r.metrics;
  std::printf("protocol %s, %zu clips, %zu folds\n", ser::protocol_name(r.protocol), m.n, r.folds.size());
  std::printf("WA (accuracy)  %.4f\nUA (mean recall) %.4f\nmacro-F1       %.4f\n\n", m.accuracy, m.balanced_accuracy,
              m.macro_f1);
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
  const std::size_t unknown = [&] {
    std::size_t s = 0;
    for (const auto& [k, v] : d.manifest.unknown_labels) s += v;
    return s;
  }();
  std::printf("\nskipped: %zu missing files, %zu unknown labels, %zu undecodable\n", d.manifest.n_missing_files, unknown,
              d.data.problems.size());
}

int run_eval(const EvalSerArgs& a) {
  ser::EvalOptions opt;
  std::unique_ptr<ser::LinearModel> model;
  if (!a.model.empty()) {
    model = std::make_unique<ser::LinearModel>(ser::load_model(a.model));
    opt.train = model->options;  // its hyper-parameters for re-trained folds
  }
  opt.protocol = ser::parse_protocol(a.protocol.empty() ? (model ? "split" : "loso") : a.protocol);
  opt.folds = a.folds;
  if (a.seed) opt.train.seed = *a.seed;
  if (opt.protocol == ser::Protocol::split && !model)
    throw InputError("--protocol split evaluates a trained model as-is: give --model MODEL.json "
                     "(no default SER model is shipped yet)");
  const LoadedData d = load_data(a);
  const ser::EvalResult r = ser::evaluate(d.data, opt, model.get());
  if (!a.json) {
    print_table(r, d);
    return kExitOk;
  }
  const auto& m = r.metrics;
  nlohmann::json j;
  j["protocol"] = ser::protocol_name(r.protocol);
  j["n"] = m.n;
  j["wa"] = m.accuracy;
  j["ua"] = m.balanced_accuracy;
  j["macro_f1"] = m.macro_f1;
  j["weighted_f1"] = m.weighted_f1;
  j["labels"] = r.labels;
  nlohmann::json per_class = nlohmann::json::object(), per_class_f1 = nlohmann::json::object();
  nlohmann::json confusion = nlohmann::json::array();
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
  nlohmann::json folds = nlohmann::json::array();
  for (const auto& f : r.folds) folds.push_back({{"test_speakers", f.test_speakers}, {"n", f.n}, {"wa", f.wa}, {"ua", f.ua}});
  j["folds"] = folds;
  j["features"] = ser::kFeatureSetEgemaps;
  j["normalisation"] = ser::kNormalisationSpeakerZ;
  j["classifier"] = {{"type", "softmax-l2"}, {"l2", opt.train.l2}, {"balanced", opt.train.balanced},
                     {"max_iterations", opt.train.max_iterations}, {"seed", opt.train.seed}};
  j["skipped"] = skipped_json(d, &r);
  std::cout << j.dump(2) << "\n";
  return kExitOk;
}

void add_common(CLI::App* cmd, SerCommonArgs& a) {
  cmd->add_option("--data", a.data,
                  "CSV manifest(s) with columns path,speaker,gender,emotion,language,text_id (paths relative to "
                  "the manifest's folder); rows with missing files or unknown labels are skipped and counted")
      ->required();
  cmd->add_option("--seed", a.seed,
                  "Seed (speaker shuffling of kfold-speaker folds; recorded in the model). Default: 0, or the "
                  "seed recorded in --model");
  cmd->add_option("-j,--jobs", a.jobs, "Files decoded in parallel (default: all cores)");
  cmd->add_flag("-q,--quiet", a.quiet, "No progress messages");
}

}  // namespace

Runner add_train_ser_command(CLI::App& train) {
  auto args = std::make_shared<TrainSerArgs>();
  CLI::App* s = train.add_subcommand(
      "ser", "Speech emotion baseline: eGeMAPS functionals, per-speaker z-normalisation, L2 softmax regression.");
  add_common(s, *args);
  s->add_option("-o,--output", args->output, "Model file to write (JSON, format sentio.ser.linear)")->required();
  s->add_option("--l2", args->l2, "L2 penalty lambda on the weights")->capture_default_str();
  return [args, s] {
    if (!s->parsed()) return kExitUsage;
    try {
      return run_train(*args);
    } catch (const InputError& e) {
      std::fprintf(stderr, "sentio: error: %s\n", e.what());
      return kExitUsage;
    }
  };
}

Runner add_eval_ser_command(CLI::App& eval) {
  auto args = std::make_shared<EvalSerArgs>();
  CLI::App* s = eval.add_subcommand(
      "ser", "Speech emotion accuracy (WA, UA, macro-F1, per-class recall, confusion) on labelled manifests.");
  add_common(s, *args);
  s->add_option("--model", args->model,
                "Model from 'sentio train ser'. loso/kfold-speaker re-train per fold with its hyper-parameters "
                "(defaults without it); split evaluates it as-is");
  s->add_option("--protocol", args->protocol,
                "loso (one fold per speaker), kfold-speaker (--folds K speaker-disjoint folds) or split "
                "(default: split with --model, loso without)");
  s->add_option("--folds", args->folds, "K for kfold-speaker")->capture_default_str();
  s->add_flag("--json", args->json, "Print one JSON object instead of a table");
  return [args, s] {
    if (!s->parsed()) return kExitUsage;
    try {
      return run_eval(*args);
    } catch (const InputError& e) {
      std::fprintf(stderr, "sentio: error: %s\n", e.what());
      return kExitUsage;
    }
  };
}

}  // namespace sentio::cli
