// SPDX-License-Identifier: Apache-2.0
// sentio train ser --data MANIFEST... -o MODEL.json [--type linear|mlp|neural|ensemble] [--seed N] [--l2 X]
//                  [--epochs N] [-j N]
// sentio eval ser [--model MODEL.json | --type T] --data MANIFEST... [--protocol loso|kfold-speaker|loco|split]
//                 [--folds K] [--seed N] [--json] [-j N]
// Linear training runs here (no libtorch needed); neural/ensemble training and every evaluation run in
// the torch plugin (plugins/ser_neural.cpp), which scores all three model types the same way.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "plugin_loader.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/ser/evaluation.hpp"
#include "ser_args.hpp"

namespace sentio::cli {

namespace {


int thread_count(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void print_problems(const std::vector<std::string>& problems) {
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < problems.size() && i < kShown; ++i)
    std::fprintf(stderr, "sentio: warning: %s\n", problems[i].c_str());
  if (problems.size() > kShown) std::fprintf(stderr, "sentio: warning: ... and %zu more\n", problems.size() - kShown);
}

int run_train_linear(const TrainSerArgs& a, bool mlp) {
  ser::TrainOptions opt;
  opt.seed = a.seed.value_or(0);
  if (mlp) ser::use_mlp_defaults(opt);
  opt.augment = augment_choice(a, opt.augment);
  apply_penalties(a, opt.l2, opt.speaker_prior);
  ser::Manifest manifest = ser::read_manifests(a.data);
  ser::apply_class_set(manifest, ser::parse_class_set(a.classes.empty() ? "all" : a.classes));
  print_problems(manifest.problems);
  if (manifest.items.empty()) throw InputError("no usable rows in the manifest(s)");
  if (!a.quiet)
    std::fprintf(stderr, "sentio: extracting eGeMAPS from %zu files%s on %d threads\n", manifest.items.size(),
                 opt.augment ? " and their augmented copies" : "", thread_count(a.jobs));
  const ser::Dataset data = ser::extract_egemaps(manifest, thread_count(a.jobs), opt.augment);
  print_problems(data.problems);
  if (data.size() == 0) throw InputError("no clip of the manifest(s) could be decoded");
  std::vector<std::size_t> rows(data.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const ser::LinearModel model = ser::train_on_raw(data, rows, opt);
  ser::save_model(model, a.output);
  std::string labels;
  for (const auto& l : model.labels) labels += (labels.empty() ? "" : ",") + l;
  std::fprintf(stderr, "sentio: trained on %zu clips (%s); model written to %s\n", model.n_train, labels.c_str(),
               a.output.c_str());
  return kExitOk;
}

void add_common(CLI::App* cmd, SerCommonArgs& a) {
  cmd->add_option("--data", a.data,
                  "CSV manifest(s) with columns path,speaker,gender,emotion,language,text_id (paths relative to "
                  "the manifest's folder); rows with missing files or unknown labels are skipped and counted")
      ->required();
  cmd->add_option("--seed", a.seed,
                  "Seed (network initialisation, data order, augmentation, held-out speakers, kfold-speaker "
                  "folds; recorded in the model). Default: 0, or the seed recorded in --model");
  cmd->add_option("-j,--jobs", a.jobs, "Files decoded in parallel (default: all cores; torch uses at most 2)");
  cmd->add_flag("-q,--quiet", a.quiet, "No progress messages");
  cmd->add_option("--epochs", a.epochs, "Override the CNN's number of training epochs (neural, ensemble)");
  cmd->add_option("--classes", a.classes,
                  "core: merge the corpus-specific classes into the 7 core labels (calm, boredom -> neutral), as "
                  "the shipped model does; all: keep every class of the data. Default: all for training; for "
                  "evaluation, core unless --model answers a corpus-specific class");
  cmd->add_option("--augment", a.augment,
                  "on: also train the eGeMAPS models (linear, mlp, the ensemble's linear part) on copies of every "
                  "training clip shifted in pitch by -6, -4, -2, +2, +4, +6 semitones (tempo kept) and played at "
                  "0.9 and 1.1 times the speed (evaluation "
                  "re-trains folds with them; test clips stay as they are); off: the clips only. Default: on for "
                  "mlp, off otherwise, or as recorded in --model")
      ->check(CLI::IsMember({"on", "off"}));
}

int run_train(const TrainSerArgs& a) {
  require_output_folder(a.output);
  refuse_output_over_inputs(a.output, a.data);
  const std::string type = a.type.empty() ? "ensemble" : a.type;
  if ((type == "linear" || type == "mlp") && a.calibration.empty())
    return run_train_linear(a, type == "mlp");  // no libtorch needed
  if (type != "linear" && type != "mlp" && type != "neural" && type != "ensemble")
    throw InputError("--type: expected linear, mlp, neural or ensemble, got '" + type + "'");
  TrainSerArgs b = a;
  b.type = type;
  return run_plugin_command("train-ser", &b);
}

int run_eval(const EvalSerArgs& a) {
  if (!a.predictions.empty()) {
    require_output_folder(a.predictions);
    refuse_output_over_inputs(a.predictions, a.data);
  }
  return run_plugin_command("eval-ser", &a);
}

}  // namespace

Runner add_train_ser_command(CLI::App& train) {
  auto args = std::make_shared<TrainSerArgs>();
  CLI::App* s = train.add_subcommand(
      "ser", "Train a speech emotion model: linear (eGeMAPS + per-speaker z + L2 softmax regression), mlp (the "
             "same inputs through one hidden layer), neural (log-mel CNN, libtorch) or the calibrated ensemble of "
             "linear and neural (default).");
  add_common(s, *args);
  s->add_option("-o,--output", args->output, "Model file to write (JSON; format sentio.ser.<type>)")->required();
  s->add_option("--type", args->type,
                "linear, mlp (64 ReLU units, dropout 0.5, 300 full-batch Adam steps, pitch- and speed-changed copies), neural or "
                "ensemble (default: ensemble)");
  s->add_option("--l2", args->l2, "L2 penalty lambda on the weights (default: 0.01 linear, 0.03 mlp)");
  s->add_option("--speaker-prior", args->speaker_prior,
                "Weight, in utterances, of the prior in the normalisation statistics: a recording's are shrunk "
                "towards the training population's, a speaker's towards its recording's (0 = own statistics only)")
      ->capture_default_str();
  s->add_option("--calibration", args->calibration,
                "Fit an output temperature (ensemble: and choose the ensemble weight) on these predictions of held-out "
                "corpora (the CSV of 'sentio eval ser --protocol loco --predictions' with the same recipe), so "
                "that probabilities hold on corpora the model never heard")
      ->check(CLI::ExistingFile);
  return [args, s] {
    if (!s->parsed()) return kExitUsage;
    return run_train(*args);
  };
}

Runner add_eval_ser_command(CLI::App& eval) {
  auto args = std::make_shared<EvalSerArgs>();
  CLI::App* s = eval.add_subcommand(
      "ser", "Speech emotion accuracy (WA, UA, macro-F1, per-class recall, confusion, valence/arousal CCC) on "
             "labelled manifests.");
  add_common(s, *args);
  s->add_option("--model", args->model,
                "Model from 'sentio train ser' (any type). split evaluates it as-is; loso/kfold-speaker re-train "
                "per fold with its type and hyper-parameters. Default: the shipped model (models/ser/default.json) "
                "unless --type is given");
  s->add_option("--type", args->type,
                "Without --model: re-train this type (linear, mlp, neural, ensemble) per fold with default "
                "hyper-parameters");
  s->add_option("--protocol", args->protocol,
                "loso (one fold per speaker), kfold-speaker (--folds K speaker-disjoint folds), loco (leave one "
                "corpus out: one fold per manifest folder) or split (default: loso with --type, split otherwise)");
  s->add_option("--folds", args->folds, "K for kfold-speaker")->capture_default_str();
  s->add_flag("--json", args->json, "Print one JSON object instead of a table");
  s->add_option("--group-size", args->group_size,
                "Normalise each test speaker in random groups of this many utterances, as if a recording held only "
                "that many (default 0: all of a speaker's utterances form one group)");
  s->add_option("--predictions", args->predictions,
                "Also write every test prediction to this CSV: path, corpus, speaker, fold, component, truth, then one "
                "probability column per class (empty where the fold's model lacks the class)");
  return [args, s] {
    if (!s->parsed()) return kExitUsage;
    return run_eval(*args);
  };
}

}  // namespace sentio::cli
