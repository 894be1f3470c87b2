// SPDX-License-Identifier: Apache-2.0
// `sentio train text --type neural` and `sentio eval text` of a neural text model, in the torch plugin
// (see plugin_loader.hpp). Training progress goes to stderr; evaluation results go back to the command
// line, which prints them like every text model's.
#include <chrono>
#include <cstdio>
#include <optional>

#include "plugins/plugin_commands.hpp"
#include "plugins/plugin_guard.hpp"
#include "text_corpora_io.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/text_neural/neural_text_model.hpp"
#include "text_neural_args.hpp"

namespace {

using namespace sentio;

int run_train(const cli::TrainTextNeuralArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto [train, dev] = cli::read_training_corpora(a.data, a.dev, a.format);
  if (!a.quiet)
    std::fprintf(stderr, "sentio: training a neural text model on %zu utterances (%s) on %d thread(s)\n",
                 train.items.size(), train.format.c_str(), a.options.threads);
  TerminalProgressBar bar("train", "epochs", !a.quiet && stderr_is_terminal());
  bar.set_total(a.options.epochs);
  int shown = 0;
  const auto model = text_neural::NeuralTextModel::train(
      train, dev ? &*dev : nullptr, a.options, [&](int epoch, int, double loss, double score) {
        bar.advance(epoch - shown);
        shown = epoch;
        if (!a.quiet && !stderr_is_terminal())
          std::fprintf(stderr, "sentio: epoch %d: loss %.4f%s\n", epoch, loss,
                       score >= 0 ? (", dev " + std::to_string(score)).c_str() : "");
      });
  bar.finish();
  model.save(a.output);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "sentio: %s; trained in %.1f s; model written to %s\n", model.description().c_str(), s,
               a.output.c_str());
  return cli::kExitOk;
}

int run_eval(const cli::EvalTextNeuralArgs& a) {
  SENTIO_ASSERT(a.data && a.result && a.description && a.components);
  const auto model = text_neural::NeuralTextModel::load(a.model);
  *a.result = text::evaluate(model.scorer(), *a.data, a.jobs);
  *a.description = model.description();
  a.components->clear();
  if (model.is_ensemble())
    for (const char* part : {"neural", "linear"})
      a.components->emplace_back(part, text::evaluate(model.scorer(part), *a.data, a.jobs));
  return cli::kExitOk;
}

}  // namespace

namespace sentio::cli {

int train_text_neural_command(const void* args) { return guarded(static_cast<const TrainTextNeuralArgs*>(args), run_train); }
int eval_text_neural_command(const void* args) { return guarded(static_cast<const EvalTextNeuralArgs*>(args), run_eval); }

}  // namespace sentio::cli
