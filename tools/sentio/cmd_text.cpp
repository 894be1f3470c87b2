// SPDX-License-Identifier: Apache-2.0
// sentio train text --data FILE... [--dev FILE] [--type linear|lexicon|neural] -o MODEL [options]
// sentio eval text [--model MODEL] --data FILE... [--format F] [--json] [-j N]
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_corpora_io.hpp"
#include "plugin_loader.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/text/context_model.hpp"
#include "sentio/text/emotion_model.hpp"
#include "sentio/text/language.hpp"
#include "sentio/text/text_model.hpp"
#include "text_neural_args.hpp"

namespace sentio::cli {

namespace {


struct TrainTextArgs {
  std::vector<std::string> data;
  std::string dev;
  std::string format = "auto";
  std::string type = "linear";
  std::string output;
  std::string labels;
  bool float16 = false;
  bool quiet = false;
  text::TextTrainOptions opt;
  bool context = false;
  text::ContextTrainOptions ctx;
  // --type neural: the encoder's own options; shared options (--epochs, ...) override its defaults only
  // when given (`given` names them).
  cli::TrainTextNeuralArgs neural;
  std::function<bool(const char*)> given;
};

struct EvalTextArgs {
  std::vector<std::string> data;
  std::string model;
  std::string format = "auto";
  bool json = false;
  int jobs = 2;
  bool quiet = false;
  std::string language;  // --language: "" = the default model, a code, or "auto"
};

// --language CODE|auto (docs/TEXT.md, "Multilingual"): the language's emotion model from the multilingual
// pack; "auto" detects the language of the data's texts. --model wins over it.
std::optional<text::LanguageChoice> choose_eval_language(const EvalTextArgs& a) {
  if (a.language.empty()) return std::nullopt;
  if (!a.model.empty()) {
    std::fprintf(stderr, "sentio: warning: --language %s ignored: --model given\n", a.language.c_str());
    return std::nullopt;
  }
  std::vector<std::string> texts;
  if (text::resolve_language_code(a.language) == "auto")
    for (auto& u : text::read_corpora(a.data, text::parse_corpus_format(a.format)).items) texts.push_back(std::move(u.text));
  text::LanguageChoice c = text::choose_language_model(a.language, texts, a.jobs);
  const auto& d = c.detection;
  if (c.source == "detected")
    std::fprintf(stderr, "sentio: language %s (%s) detected, confidence %.2f over %zu texts\n", c.code.c_str(),
                 text::language_name(c.code).c_str(), static_cast<double>(d.confidence), d.n_texts);
  if (c.source == "fallback")
    std::fprintf(stderr, "sentio: warning: language not recognised (best %s, confidence %.2f < %.2f); using English\n",
                 d.code.empty() ? "none" : d.code.c_str(), static_cast<double>(d.confidence),
                 static_cast<double>(text::kLanguageConfidenceFloor));
  return c;
}

nlohmann::json language_json(const text::LanguageChoice& c) {
  nlohmann::json j = {{"code", c.code}, {"name", text::language_name(c.code)}, {"source", c.source}};
  if (c.source != "option") {
    j["detected"] = c.detection.code;
    j["confidence"] = c.detection.confidence;
  }
  return j;
}


// The neural encoder trains in the torch plugin (plugins/text_neural.cpp).
int run_train_neural(TrainTextArgs& a) {
  if (a.context) throw InputError("--context is not available with --type neural");
  if (!a.opt.lexicons.empty()) throw InputError("--lexicon is not used by --type neural");
  if (a.given("--normalize")) throw InputError("--normalize is not used by --type neural");
  auto& n = a.neural;
  n.data = a.data;
  n.dev = a.dev;
  n.format = a.format;
  n.output = a.output;
  n.quiet = a.quiet;
  auto& o = n.options;
  if (a.given("--hash-bits")) o.hash_bits = a.opt.hash_bits;
  if (a.given("--char-min")) o.char_min = a.opt.char_min;
  if (a.given("--char-max")) o.char_max = a.opt.char_max;
  if (a.given("--epochs")) o.epochs = a.opt.epochs;
  if (a.given("--learning-rate")) o.learning_rate = a.opt.learning_rate;
  if (a.given("--class-weights")) o.class_weights = a.opt.class_weights;
  if (a.given("-j")) o.threads = a.ctx.threads;
  o.multi_label = a.opt.multi_label;
  o.tune_metric = a.opt.tune_metric;
  o.seed = a.opt.seed;
  o.keep_labels = a.opt.keep_labels;
  o.float16 = a.float16;
  return run_plugin_command("train-text-neural", &n);
}

int run_train(TrainTextArgs& a) {
  require_output_folder(a.output);
  refuse_output_over_inputs(a.output, a.data);
  if (!a.dev.empty()) refuse_output_over_inputs(a.output, std::span<const std::string>(&a.dev, 1));
  if (a.type == "linear") {
    a.opt.type = text::TextModelType::linear;
  } else if (a.type == "lexicon") {
    a.opt.type = text::TextModelType::lexicon;
  } else if (a.type != "neural") {
    throw InputError("--type must be linear, lexicon or neural");
  }
  if (a.labels == "core") {
    for (const auto l : text::kCoreLabels) a.opt.keep_labels.emplace_back(l);
  } else if (!a.labels.empty()) {
    std::string_view s = a.labels;
    for (;;) {
      const std::size_t c = s.find(',');
      const std::string l = text::canonical_label(s.substr(0, c));
      if (!l.empty()) a.opt.keep_labels.push_back(l);
      if (c == std::string_view::npos) break;
      s = s.substr(c + 1);
    }
  }
  a.opt.float16 = a.float16;
  if (a.type == "neural") return run_train_neural(a);
  const auto [train, dev] = read_training_corpora(a.data, a.dev, a.format);
  if (!a.quiet)
    std::fprintf(stderr, "sentio: training a %s text model on %zu utterances (%s)\n", a.type.c_str(),
                 train.items.size(), train.format.c_str());
  if (a.context) {
    if (!a.quiet)
      std::fprintf(stderr, "sentio: context model: %d out-of-fold base models + the full one on %d thread(s)\n",
                   a.ctx.folds, a.ctx.threads);
    TerminalProgressBar cbar("train", "base models", !a.quiet && stderr_is_terminal());
    cbar.set_total(a.ctx.folds + 1);
    const text::ContextModel model = text::ContextModel::train(train, dev ? &*dev : nullptr, a.opt, a.ctx,
                                                               [&](int, int) { cbar.advance(1); });
    cbar.finish();
    model.save(a.output);
    std::fprintf(stderr, "sentio: %s; model written to %s\n", model.description().c_str(), a.output.c_str());
    return kExitOk;
  }
  TerminalProgressBar bar("train", "epochs", !a.quiet && stderr_is_terminal());
  bar.set_total(a.opt.epochs);
  const text::TextModel model =
      text::TextModel::train(train, dev ? &*dev : nullptr, a.opt, [&](int, int) { bar.advance(1); });
  bar.finish();
  model.save(a.output);
  std::fprintf(stderr, "sentio: %s; model written to %s\n", model.description().c_str(), a.output.c_str());
  return kExitOk;
}

double utterances_per_second(const text::Corpus& data, const text::TextEvalResult& r) {
  return r.seconds > 0 ? static_cast<double>(data.items.size()) / r.seconds : 0.0;
}

// One line (no newline) of the headline metrics after `prefix`.
void print_headline_metrics(const char* prefix, const text::TextEvalResult& r) {
  std::printf("%saccuracy %.4f  macro-F1 %.4f  weighted-F1 %.4f", prefix, r.metrics.accuracy, r.metrics.macro_f1,
              r.metrics.weighted_f1);
  if (r.micro_f1_no_neutral >= 0) std::printf("  micro-F1 without neutral %.4f", r.micro_f1_no_neutral);
}

// The free-choice line: the model may choose any of its labels, as `sentio analyze` shows it.
void print_free_choice(const text::TextEvalResult& r) {
  const auto& f = r.free_choice;
  std::printf("free choice (any label of the model; %zu predictions outside the data's classes): %s %.4f  "
              "macro-F1 %.4f  weighted-F1 %.4f",
              f.outside, r.multi_label ? "exact match" : "accuracy", f.metrics.accuracy, f.metrics.macro_f1,
              f.metrics.weighted_f1);
  if (f.micro_f1_no_neutral >= 0) std::printf("  micro-F1 without neutral %.4f", f.micro_f1_no_neutral);
  std::printf("\n");
}

void print_table(const text::TextEvalResult& r, const std::string& description, const text::Corpus& data, int jobs) {
  const auto& m = r.metrics;
  std::printf("model: %s\n", description.c_str());
  std::printf("data: %s, %zu utterances evaluated, %zu with labels the model lacks, %zu bad rows\n",
              data.format.c_str(), r.n, r.skipped_unknown, data.bad_rows);
  std::printf("%s     %.4f\nmacro-F1     %.4f\nweighted-F1  %.4f\nmicro-F1     %.4f\n",
              r.multi_label ? "exact match" : "accuracy   ", m.accuracy, m.macro_f1, m.weighted_f1, r.micro_f1);
  if (r.micro_f1_no_neutral >= 0) std::printf("micro-F1 without neutral  %.4f\n", r.micro_f1_no_neutral);
  print_free_choice(r);
  std::printf("speed        %.0f utterances/s on %d thread(s)\n\n", utterances_per_second(data, r), jobs);
  std::printf("%-15s %7s %7s %7s %7s\n", "class", "recall", "prec", "f1", "n");
  for (std::size_t c = 0; c < r.labels.size(); ++c)
    std::printf("%-15s %7.4f %7.4f %7.4f %7zu\n", r.labels[c].c_str(), m.recall[c], m.precision[c], m.f1[c],
                m.support[c]);
  if (r.multi_label) return;
  std::printf("\nconfusion (rows: truth, columns: predicted)\n%-15s", "");
  for (const auto& l : r.labels) std::printf(" %5.5s", l.c_str());
  std::printf("\n");
  for (std::size_t t = 0; t < r.labels.size(); ++t) {
    std::printf("%-15s", r.labels[t].c_str());
    for (std::size_t p = 0; p < r.labels.size(); ++p) std::printf(" %5zu", r.confusion.count(t, p));
    std::printf("\n");
  }
}

// The metric keys of `sentio eval text --json` for one result.
nlohmann::json metrics_json(const text::TextEvalResult& r) {
  const auto& m = r.metrics;
  nlohmann::json j;
  j["multi_label"] = r.multi_label;
  j["n"] = r.n;
  j["skipped_unknown_labels"] = r.skipped_unknown;
  j["labels"] = r.labels;
  j["accuracy"] = m.accuracy;
  j["macro_f1"] = m.macro_f1;
  j["weighted_f1"] = m.weighted_f1;
  j["micro_f1"] = r.micro_f1;
  j["balanced_accuracy"] = m.balanced_accuracy;
  if (r.micro_f1_no_neutral >= 0) j["micro_f1_no_neutral"] = r.micro_f1_no_neutral;
  nlohmann::json per_class = nlohmann::json::object();
  for (std::size_t c = 0; c < r.labels.size(); ++c)
    per_class[r.labels[c]] = {{"precision", m.precision[c]}, {"recall", m.recall[c]}, {"f1", m.f1[c]},
                              {"support", m.support[c]}};
  j["per_class"] = per_class;
  const auto& f = r.free_choice;
  nlohmann::json free = {{"accuracy", f.metrics.accuracy},       {"macro_f1", f.metrics.macro_f1},
                         {"weighted_f1", f.metrics.weighted_f1}, {"micro_f1", f.micro_f1},
                         {"balanced_accuracy", f.metrics.balanced_accuracy}, {"outside", f.outside}};
  if (f.micro_f1_no_neutral >= 0) free["micro_f1_no_neutral"] = f.micro_f1_no_neutral;
  nlohmann::json free_per_class = nlohmann::json::object();
  for (std::size_t c = 0; c < r.labels.size() && c < f.metrics.f1.size(); ++c)
    free_per_class[r.labels[c]] = {{"precision", f.metrics.precision[c]}, {"recall", f.metrics.recall[c]},
                                   {"f1", f.metrics.f1[c]}};
  free["per_class"] = free_per_class;
  j["free_choice"] = free;
  if (r.multi_label) {
    nlohmann::json conf = nlohmann::json::object();
    for (std::size_t c = 0; c < r.labels.size(); ++c)
      conf[r.labels[c]] = {{"tp", r.tp[c]}, {"fp", r.fp[c]}, {"fn", r.fn[c]}};
    j["confusion"] = conf;
  } else {
    nlohmann::json conf = nlohmann::json::array();
    for (std::size_t t = 0; t < r.labels.size(); ++t) {
      std::vector<std::size_t> row(r.labels.size());
      for (std::size_t p = 0; p < r.labels.size(); ++p) row[p] = r.confusion.count(t, p);
      conf.push_back(row);
    }
    j["confusion"] = conf;
  }
  return j;
}

// The fields every `eval text --json` report has besides the metrics.
nlohmann::json eval_report(const text::TextEvalResult& r, const EvalTextArgs& a, const std::string& model_path,
                           const std::string& description, const text::Corpus& data) {
  nlohmann::json j = metrics_json(r);
  j["model"] = model_path;
  j["model_description"] = description;
  j["data"] = a.data;
  j["format"] = data.format;
  j["label_set"] = data.label_set;
  j["bad_rows"] = data.bad_rows;
  j["threads"] = a.jobs;
  j["utterances_per_second"] = utterances_per_second(data, r);
  return j;
}

// A neural model (or its ensemble with a linear model) is scored in the torch plugin; the report is the
// same as for the other models, plus the ensemble's components.
int run_eval_neural(const EvalTextArgs& a, const std::string& model_path) {
  const text::Corpus data = text::read_corpora(a.data, text::parse_corpus_format(a.format));
  print_problems(data);
  text::TextEvalResult r;
  std::string description;
  std::vector<std::pair<std::string, text::TextEvalResult>> components;
  const cli::EvalTextNeuralArgs args{model_path, &data, a.jobs, &r, &description, &components};
  const int rc = run_plugin_command("eval-text-neural", &args);
  if (rc != kExitOk) return rc;
  if (r.n == 0) throw InputError("none of the data's labels is known to the model (" + description + ")");
  if (!a.json) {
    print_table(r, description, data, a.jobs);
    for (const auto& [name, c] : components) {
      print_headline_metrics(("\ncomponent " + name + " alone: ").c_str(), c);
    }
    if (!components.empty()) std::printf("\n");
    return kExitOk;
  }
  nlohmann::json j = eval_report(r, a, model_path, description, data);
  j["model_type"] = components.empty() ? "neural" : "neural+linear";
  j["context"] = false;
  if (!components.empty()) {
    nlohmann::json comp = nlohmann::json::object();
    for (const auto& [name, c] : components) {
      comp[name] = metrics_json(c);
      comp[name]["utterances_per_second"] = utterances_per_second(data, c);
    }
    j["components"] = comp;
  }
  std::cout << j.dump(2) << "\n";
  return kExitOk;
}

int run_eval(const EvalTextArgs& a) {
  if (a.jobs < 1) throw InputError("-j must be >= 1");
  const std::optional<text::LanguageChoice> language = choose_eval_language(a);
  const std::string model_path = !a.model.empty() ? a.model
                                 : language      ? language->model_path
                                                 : text::default_text_model_path();
  const std::string kind = text::text_model_kind(model_path);
  if (kind == "neural") return run_eval_neural(a, model_path);
  // A context model scores with and without context when the data has dialogues; otherwise its base
  // model scores each utterance alone.
  std::optional<text::ContextModel> ctx;
  text::TextModel model;
  if (kind == "context") {
    ctx = text::ContextModel::load(model_path);
    model = ctx->base();
  } else {
    model = text::TextModel::load(model_path);
  }
  const text::Corpus data = text::read_corpora(a.data, text::parse_corpus_format(a.format));
  print_problems(data);
  std::optional<text::ContextEvalResult> cr;
  text::TextEvalResult r;
  if (ctx && !data.multi_label && text::has_dialogues(data)) {
    cr = text::evaluate_context(*ctx, data, a.jobs);
    r = cr->context;
  } else {
    r = text::evaluate(model, data, a.jobs);
  }
  if (r.n == 0) throw InputError("none of the data's labels is known to the model (" + model.description() + ")");
  if (!a.json) {
    if (cr) {
      std::printf("context model: %s\n%zu dialogues; the table is WITH context (causal); without context:\n",
                  ctx->description().c_str(), cr->dialogues);
      print_headline_metrics("  no context: ", cr->no_context);
      std::printf("\n\n");
    }
    if (language) std::printf("language: %s (%s, %s)\n", language->code.c_str(), text::language_name(language->code).c_str(), language->source.c_str());
    print_table(r, model.description(), data, a.jobs);
    return kExitOk;
  }
  nlohmann::json j = eval_report(r, a, model_path, ctx ? ctx->description() : model.description(), data);
  if (language) j["language"] = language_json(*language);
  j["context"] = cr.has_value();
  if (cr) {
    j["dialogues"] = cr->dialogues;
    j["no_context"] = metrics_json(cr->no_context);
  }
  std::cout << j.dump(2) << "\n";
  return kExitOk;
}

// The subcommand's runner; InputError is reported by main() like for every command.
template <typename F>
Runner when_parsed(CLI::App* s, F run) {
  return [s, run] { return s->parsed() ? run() : kExitUsage; };
}

const char* kDataHelp =
    "Labelled text: MELD / EmoryNLP CSV, EmoryNLP TSV, DailyDialog dialogues_*.txt, GoEmotions TSV, BRIGHTER CSV, XED TSV, CARER text;label lines, or a CSV with "
    "'text' and 'label' columns (';' separates several labels; optional dialogue_id, speaker, utterance_id)";

}  // namespace

Runner add_train_text_command(CLI::App& train) {
  auto a = std::make_shared<TrainTextArgs>();
  CLI::App* s = train.add_subcommand(
      "text", "Text emotion model: hashed word/char n-gram linear model, or a VADER/AFINN lexicon baseline.");
  s->add_option("--data", a->data, kDataHelp)->required();
  s->add_option("--dev", a->dev,
                "Development set: tunes multi-label thresholds or the neutral offset (never the test set)");
  s->add_option("--format", a->format, "auto, meld, emorynlp, dailydialog, goemotions, brighter, xed, carer or csv")->capture_default_str();
  s->add_option("--type", a->type,
                "linear, lexicon or neural (the CNN encoder of docs/TEXT.md, trained with libtorch; its own "
                "defaults: --hash-bits 17 --char-min 3 --char-max 5 --epochs 20 --learning-rate 1e-3 "
                "--class-weights sqrt -j 1)")
      ->capture_default_str();
  s->add_option("-o,--output", a->output, "Model file to write (sentio.text.model v1)")->required();
  s->add_option("--lexicon", a->opt.lexicons,
                "KIND=PATH with KIND vader, afinn, nrc-emolex or nrc-vad (lexicon model; default: VADER and "
                "AFINN-en-165 from ../shared/data/text when present). The model file embeds the entries");
  s->add_option("--word-vectors", a->opt.word_vectors,
                "Pretrained word vectors (GloVe / word2vec text file, e.g. from scripts/fetch-word-vectors) for a "
                "linear model: the mean vectors of the plain and the negated words become features; the model file "
                "embeds the vectors it uses");
  s->add_option("--word-vectors-max", a->opt.word_vectors_max,
                "Words kept from --word-vectors (the file's first ones: the most frequent)")
      ->capture_default_str();
  s->add_option("--labels", a->labels, "Labels to keep: 'core' (the 7 core labels) or a comma list; default all");
  s->add_option("--hash-bits", a->opt.hash_bits, "log2 of the hash buckets")->capture_default_str();
  s->add_option("--char-min", a->opt.char_min, "Shortest character n-gram (0 = none)")->capture_default_str();
  s->add_option("--char-max", a->opt.char_max, "Longest character n-gram")->capture_default_str();
  s->add_option("--normalize", a->opt.normalize,
                "Token normalisation of the linear model: none, or everyday (emoji and emoticons spelled out, "
                "elongations and missing apostrophes undone, negation scope and 'but' contrast marked; docs/TEXT.md)")
      ->check(CLI::IsMember({"none", "everyday"}))
      ->capture_default_str();
  s->add_option("--epochs", a->opt.epochs, "Passes over the data")->capture_default_str();
  s->add_option("--learning-rate", a->opt.learning_rate, "AdaGrad step")->capture_default_str();
  s->add_option("--l2", a->opt.l2, "L2 penalty")->capture_default_str();
  s->add_option("--class-weights", a->opt.class_weights, "none, balanced or sqrt")->capture_default_str();
  s->add_option("--multi-label", a->opt.multi_label, "auto (from the data), yes (sigmoid per label) or no (softmax)")
      ->capture_default_str();
  s->add_option("--tune-metric", a->opt.tune_metric,
                "weighted_f1, macro_f1 or micro_f1_no_neutral (default: by data, see docs/TEXT.md)");
  s->add_option("--seed", a->opt.seed, "Shuffling seed")->capture_default_str();
  s->add_flag("--float16", a->float16, "Store the weights as half precision (half the file size)");
  s->add_flag("-q,--quiet", a->quiet, "No progress messages");
  s->add_flag("--context", a->context,
              "Train a conversation-context (ERC) model: the base model above plus a stacked second stage over "
              "the previous utterances and speakers (causal; needs dialogue ids). Writes sentio.text.context");
  s->add_option("--context-window", a->ctx.window, "Previous utterances the context model sees")->capture_default_str();
  s->add_option("--context-folds", a->ctx.folds, "Folds over dialogues for the out-of-fold base scores")
      ->capture_default_str();
  s->add_option("--context-epochs", a->ctx.epochs, "Second-stage passes")->capture_default_str();
  s->add_option("--context-learning-rate", a->ctx.learning_rate, "Second-stage AdaGrad step")->capture_default_str();
  s->add_option("--context-l2", a->ctx.l2, "Second-stage L2 penalty")->capture_default_str();
  s->add_option("--context-class-weights", a->ctx.class_weights, "Second stage: none, balanced or sqrt")
      ->capture_default_str();
  s->add_option("--context-text-bits", a->ctx.text_bits,
                "0, or log2 buckets for the previous utterance's words in the context model")
      ->capture_default_str();
  s->add_option("-j,--jobs", a->ctx.threads,
                "Threads for the context model's fold models, or the neural model's torch threads (default 1 there)")
      ->capture_default_str();
  auto& no = a->neural.options;
  s->add_option("--embedding-dim", no.embedding_dim, "Neural: embedding size")->capture_default_str();
  s->add_option("--filters", no.filters, "Neural: convolution filters per width (1, 2, 3)")->capture_default_str();
  s->add_option("--dropout", no.dropout, "Neural: dropout before the output layer")->capture_default_str();
  s->add_option("--batch-size", no.batch_size, "Neural: mini-batch size")->capture_default_str();
  s->add_option("--patience", no.patience, "Neural: epochs without a better dev score before stopping (0 = never)")
      ->capture_default_str();
  s->add_option("--max-tokens", no.max_tokens, "Neural: tokens kept per utterance")->capture_default_str();
  s->add_option("--weight-decay", no.weight_decay, "Neural: L2 on the dense layers (Adam)")->capture_default_str();
  s->add_option("--ensemble-with", no.ensemble_with,
                "Neural: a linear model (.stm, same labels) to average with; the weight and decision are tuned on "
                "--dev and the linear model is embedded in the output");
  s->add_option("--init-from", no.init_from,
                "Neural: start from this neural model's weights (same --hash-bits, --char-min/max, --embedding-dim, "
                "--filters), e.g. one trained on several corpora");
  a->given = [s](const char* name) { return s->get_option(name)->count() > 0; };
  return when_parsed(s, [a] { return run_train(*a); });
}

Runner add_eval_text_command(CLI::App& eval) {
  auto a = std::make_shared<EvalTextArgs>();
  CLI::App* s = eval.add_subcommand(
      "text", "Text emotion accuracy, macro/weighted-F1, micro-F1 without neutral, per-class scores, confusion.");
  s->add_option("--data", a->data, kDataHelp)->required();
  s->add_option("--model", a->model, "Model from 'sentio train text' (default: models/text/default.stm)");
  s->add_option("--format", a->format, "auto, meld, emorynlp, dailydialog, goemotions, brighter, xed, carer or csv")->capture_default_str();
  s->add_flag("--json", a->json, "Print one JSON object instead of a table");
  s->add_option("-j,--jobs", a->jobs, "Prediction threads")->capture_default_str();
  s->add_option("--language", a->language,
                "The emotion model of a language from models/text/multilingual/: a BRIGHTER code or alias (de, es, "
                "zh, pt, ru, sv, ...; en = the default model) or 'auto' (detect from the data); --model wins");
  return when_parsed(s, [a] { return run_eval(*a); });
}

}  // namespace sentio::cli
