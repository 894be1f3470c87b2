// SPDX-License-Identifier: Apache-2.0
// Corpus loading, training of any model type, and speaker-independent evaluation (models.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "sentio/core/affect.hpp"
#include "sentio/core/error.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/ser_neural/calibration.hpp"
#include "sentio/ser_neural/models.hpp"

namespace sentio::ser {

namespace {

// printf-style formatting of a log line.
template <typename... Args>
std::string format(const char* fmt, Args... args) {
  const int n = std::snprintf(nullptr, 0, fmt, args...);
  std::string out(static_cast<std::size_t>(std::max(n, 0)), '\0');
  std::snprintf(out.data(), out.size() + 1, fmt, args...);
  return out;
}

}  // namespace

Corpus load_corpus(const Manifest& manifest, int n_threads, const TrainingLog& log, bool augment) {
  if (log)
    log(format("decoding %zu files, eGeMAPS%s on %d threads", manifest.items.size(),
               augment ? " (with augmented copies)" : "", n_threads));
  Corpus c;
  c.raw = extract_egemaps(manifest, n_threads, augment, &c.audio);
  return c;
}

namespace {

// Splits the speakers of `rows` into (train, held-out) rows; a seeded shuffle picks
// round(fraction * #speakers) held-out speakers, at least one and never all of them.
void hold_out_speakers(const Dataset& data, const std::vector<std::size_t>& rows, double fraction, std::uint64_t seed,
                       std::vector<std::size_t>& train, std::vector<std::size_t>& held, std::vector<std::string>& held_names) {
  std::set<std::string> spk;
  for (std::size_t r : rows) spk.insert(data.speakers[r]);
  std::vector<std::string> names(spk.begin(), spk.end());
  std::mt19937_64 rng(seed ^ 0x7a11d5eedull);
  for (std::size_t i = names.size(); i > 1; --i) std::swap(names[i - 1], names[rng() % i]);
  std::size_t n_held = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(names.size())));
  if (fraction > 0 && names.size() >= 2) n_held = std::clamp<std::size_t>(n_held, 1, names.size() - 1);
  else n_held = 0;
  held_names.assign(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(n_held));
  std::sort(held_names.begin(), held_names.end());
  const std::set<std::string> held_set(held_names.begin(), held_names.end());
  train.clear();
  held.clear();
  for (std::size_t r : rows) (held_set.count(data.speakers[r]) ? held : train).push_back(r);
}

Dataset normalised_copy(const Dataset& raw) {
  Dataset d = raw.originals();
  normalise_per_speaker(d);
  return d;
}

std::vector<std::size_t> truth_indices(const Dataset& data, const std::vector<std::size_t>& rows,
                                       const std::vector<std::string>& labels, std::vector<std::size_t>& kept) {
  std::vector<std::size_t> t;
  kept.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto it = std::find(labels.begin(), labels.end(), data.labels[rows[i]]);
    if (it == labels.end()) continue;
    t.push_back(static_cast<std::size_t>(it - labels.begin()));
    kept.push_back(i);
  }
  return t;
}

NeuralProgress epoch_reporter(const TrainingLog& log, const std::string& what) {
  if (!log) return {};
  return [log, what](int epoch, double loss, double ua) {
    if (ua >= 0)
      log(format("%s epoch %d: loss %.4f, held-out UA %.4f", what.c_str(), epoch, loss, ua));
    else
      log(format("%s epoch %d: loss %.4f", what.c_str(), epoch, loss));
  };
}

}  // namespace

std::unique_ptr<TrainedEmotionModel> train_emotion_model(const Corpus& corpus, const std::vector<std::size_t>& rows,
                                                         const SerTrainOptions& o) {
  if (rows.empty()) throw InputError("SER training: no training clips");
  if (o.type == ModelType::linear)
    return std::make_unique<LinearEmotionModel>(train_on_raw(corpus.raw, rows, o.linear));
  std::vector<std::size_t> train, held;
  std::vector<std::string> held_names;
  hold_out_speakers(corpus.raw, rows, o.neural.validation_fraction, o.neural.seed, train, held, held_names);
  if (o.log)
    o.log(format("neural: %zu training clips, %zu held-out clips (%zu speakers)", train.size(), held.size(),
                 held_names.size()));
  NeuralModel neural = train_neural(corpus.audio, corpus.raw.labels, train, held, o.neural, epoch_reporter(o.log, "neural"));
  if (o.type == ModelType::neural) return std::make_unique<NeuralEmotionModel>(std::move(neural));

  // Ensemble: calibrate on the held-out speakers' predictions of components that never saw them.
  if (held.empty()) throw InputError("ensemble training needs held-out speakers (validation fraction > 0, >= 2 speakers)");
  const LinearModel linear_part = train_on_raw(corpus.raw, train, o.linear);
  const Dataset norm = normalised_copy(corpus.raw);
  if (linear_part.labels != neural.labels())
    throw InputError("ensemble training: a class occurs only in the held-out speakers; use more speakers");
  const std::vector<std::string>& labels = neural.labels();
  const std::size_t k = labels.size();
  std::vector<std::size_t> kept;
  const std::vector<std::size_t> truth = truth_indices(corpus.raw, held, labels, kept);
  std::vector<float> zl, zn;
  for (std::size_t i : kept) {
    const std::vector<double> z = linear_part.logits(norm.row(held[i]));
    zl.insert(zl.end(), z.begin(), z.end());
    const std::vector<float> y = neural.logits(corpus.audio[held[i]]);
    zn.insert(zn.end(), y.begin(), y.end());
  }
  EnsembleCalibration cal;
  cal.validation_speakers = held_names;
  cal.linear_temperature = fit_temperature(zl, k, truth);
  cal.neural_temperature = fit_temperature(zn, k, truth);
  const EnsembleWeight w = choose_weight(zl, cal.linear_temperature, zn, cal.neural_temperature, k, truth);
  cal.linear_weight = w.linear_weight;
  cal.validation_ua = w.ua;
  cal.validation_ua_linear = unweighted_recall(zl, k, truth);
  cal.validation_ua_neural = unweighted_recall(zn, k, truth);
  if (o.log)
    o.log(format("ensemble calibration on %zu held-out clips: T_linear %.3f, T_neural %.3f, linear weight %.2f "
                 "(held-out UA linear %.4f, neural %.4f, ensemble %.4f)",
                 truth.size(), cal.linear_temperature, cal.neural_temperature, cal.linear_weight,
                 cal.validation_ua_linear, cal.validation_ua_neural, cal.validation_ua));
  // The linear component is cheap: re-train it on every training speaker.
  LinearModel linear_all = train_on_raw(corpus.raw, rows, o.linear);
  if (linear_all.labels != labels) linear_all = linear_part;
  return std::make_unique<EnsembleEmotionModel>(std::move(linear_all), std::move(neural), std::move(cal));
}

SerTrainOptions options_of(const SpeechEmotionModel& model) {
  SerTrainOptions o;
  if (const auto* l = dynamic_cast<const LinearEmotionModel*>(&model)) {
    o.type = ModelType::linear;
    o.linear = l->model().options;
  } else if (const auto* n = dynamic_cast<const NeuralEmotionModel*>(&model)) {
    o.type = ModelType::neural;
    o.neural = n->model().options();
  } else if (const auto* e = dynamic_cast<const EnsembleEmotionModel*>(&model)) {
    o.type = ModelType::ensemble;
    o.linear = e->linear().model().options;
    o.neural = e->neural().model().options();
  }
  return o;
}

namespace {

// Pooled predictions of one model variant over all folds.
struct Pool {
  struct Row {
    std::size_t row, fold;
    std::vector<float> probs;          // canonical label space, -1 for classes the fold's model lacks
  };
  std::vector<Row> rows;
};

void add_predictions(Pool& pool, std::size_t fold, const std::vector<std::size_t>& test,
                     const std::vector<std::string>& labels, const std::vector<std::vector<float>>& probs) {
  const auto& canon = canonical_labels();
  for (std::size_t i = 0; i < test.size(); ++i) {
    Pool::Row r{test[i], fold, std::vector<float>(canon.size(), -1.0f)};
    for (std::size_t c = 0; c < labels.size(); ++c) {
      const auto it = std::find(canon.begin(), canon.end(), labels[c]);
      r.probs[static_cast<std::size_t>(it - canon.begin())] = probs[i][c];
    }
    pool.rows.push_back(std::move(r));
  }
}

SerEvalResult score(const Corpus& corpus, const Pool& pool, Protocol protocol, const std::vector<Fold>& folds) {
  const auto& canon = canonical_labels();
  std::set<std::string> in_data, in_model;
  for (const auto& r : pool.rows) {
    in_data.insert(corpus.raw.labels[r.row]);
    for (std::size_t c = 0; c < canon.size(); ++c)
      if (r.probs[c] >= 0) in_model.insert(canon[c]);
  }
  SerEvalResult out;
  EvalResult& e = out.result;
  e.protocol = protocol;
  std::vector<std::size_t> canon_of_eval;
  for (std::size_t c = 0; c < canon.size(); ++c)
    if (in_data.count(canon[c]) && in_model.count(canon[c])) {
      e.labels.push_back(canon[c]);
      canon_of_eval.push_back(c);
    }
  const std::size_t k = e.labels.size();
  e.confusion = ConfusionMatrix(std::max<std::size_t>(k, 1));
  std::vector<ConfusionMatrix> per_fold(folds.size(), ConfusionMatrix(std::max<std::size_t>(k, 1)));
  // Restricted decisions choose among the evaluated classes that occur in the fold's own test data.
  std::vector<std::vector<bool>> in_fold(folds.size(), std::vector<bool>(k, false));
  for (const auto& r : pool.rows) {
    const auto ti = std::find(e.labels.begin(), e.labels.end(), corpus.raw.labels[r.row]);
    if (ti != e.labels.end()) in_fold[r.fold][static_cast<std::size_t>(ti - e.labels.begin())] = true;
  }
  // Free choice: hits and counts per evaluated class, pooled and per fold.
  std::vector<std::size_t> free_hits(k, 0), free_n(k, 0);
  std::vector<std::vector<std::size_t>> fold_free_hits(folds.size(), std::vector<std::size_t>(k, 0)),
      fold_free_n(folds.size(), std::vector<std::size_t>(k, 0));
  std::vector<double> pv, pa, tv, ta;
  for (const auto& r : pool.rows) {
    const std::string& truth = corpus.raw.labels[r.row];
    const auto ti = std::find(e.labels.begin(), e.labels.end(), truth);
    const std::size_t tc = static_cast<std::size_t>(std::find(canon.begin(), canon.end(), truth) - canon.begin());
    if (ti == e.labels.end() || r.probs[tc] < 0) {
      ++e.skipped_not_in_model[truth];
      continue;
    }
    std::vector<float> scores(k);
    std::vector<std::size_t> allowed;
    std::vector<std::string> model_labels;
    std::vector<float> model_probs;
    for (std::size_t j = 0; j < k; ++j) {
      scores[j] = r.probs[canon_of_eval[j]];
      if (scores[j] >= 0 && in_fold[r.fold][j]) allowed.push_back(j);
    }
    std::size_t free_best = canon.size();  // the model's own decision (ties: the first class)
    for (std::size_t c = 0; c < canon.size(); ++c)
      if (r.probs[c] >= 0) {
        model_labels.push_back(canon[c]);
        model_probs.push_back(r.probs[c]);
        if (free_best == canon.size() || r.probs[c] > r.probs[free_best]) free_best = c;
      }
    const std::size_t pred = restricted_argmax(scores, allowed);
    const std::size_t t = static_cast<std::size_t>(ti - e.labels.begin());
    e.confusion.add(t, pred);
    per_fold[r.fold].add(t, pred);
    const std::size_t hit = free_best == tc ? 1 : 0;
    free_hits[t] += hit;
    ++free_n[t];
    fold_free_hits[r.fold][t] += hit;
    ++fold_free_n[r.fold][t];
    const Affect p = mean_affect(model_labels, model_probs);
    const Affect a = label_affect(truth).value_or(Affect{});
    pv.push_back(p.valence);
    pa.push_back(p.arousal);
    tv.push_back(a.valence);
    ta.push_back(a.arousal);
  }
  // Mean recall over the classes with data; and accuracy.
  const auto free_scores = [k](const std::vector<std::size_t>& hits, const std::vector<std::size_t>& n,
                               std::vector<double>* recall, double* wa) {
    double sum = 0;
    std::size_t classes = 0, all_hits = 0, all_n = 0;
    if (recall) recall->assign(k, 0.0);
    for (std::size_t j = 0; j < k; ++j) {
      all_hits += hits[j];
      all_n += n[j];
      if (n[j] == 0) continue;
      const double rc = static_cast<double>(hits[j]) / static_cast<double>(n[j]);
      if (recall) (*recall)[j] = rc;
      sum += rc;
      ++classes;
    }
    if (wa) *wa = all_n ? static_cast<double>(all_hits) / static_cast<double>(all_n) : 0.0;
    return classes ? sum / static_cast<double>(classes) : 0.0;
  };
  e.metrics = compute_metrics(e.confusion);
  e.free_ua = free_scores(free_hits, free_n, &e.free_recall, &e.free_wa);
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const ClassificationMetrics m = compute_metrics(per_fold[f]);
    e.folds.push_back({folds[f].test_speakers, m.n, m.accuracy, m.balanced_accuracy,
                       free_scores(fold_free_hits[f], fold_free_n[f], nullptr, nullptr)});
  }
  for (const auto& r : pool.rows) out.predictions.push_back({r.row, r.fold, r.probs});
  out.ccc_valence = concordance_ccc(pv, tv);
  out.ccc_arousal = concordance_ccc(pa, ta);
  return out;
}

}  // namespace

namespace {

// predict() group of every test row: its speaker, or chunks of group_size of a speaker's rows in a seeded order.
std::vector<int> predict_groups(const Dataset& data, const std::vector<std::size_t>& test, int group_size,
                                std::uint64_t seed) {
  std::map<std::string, std::vector<std::size_t>> by_speaker;  // positions in test
  for (std::size_t i = 0; i < test.size(); ++i) by_speaker[data.speakers[test[i]]].push_back(i);
  std::vector<int> group(test.size());
  int next = 0;
  std::mt19937_64 rng(seed ^ 0x6a09e667f3bcc909ull);
  for (auto& [speaker, positions] : by_speaker) {
    if (group_size <= 0) {
      for (std::size_t i : positions) group[i] = next;
      ++next;
      continue;
    }
    for (std::size_t i = positions.size(); i > 1; --i) std::swap(positions[i - 1], positions[rng() % i]);
    for (std::size_t j = 0; j < positions.size(); ++j) {
      if (j > 0 && j % static_cast<std::size_t>(group_size) == 0) ++next;
      group[positions[j]] = next;
    }
    ++next;
  }
  return group;
}

}  // namespace

SerEvalResult evaluate_emotion_model(const Corpus& corpus, Protocol protocol, int n_folds, std::uint64_t seed,
                                     const SerTrainOptions& options, const SpeechEmotionModel* given, int n_threads,
                                     int group_size) {
  std::vector<Fold> folds;
  if (protocol == Protocol::split) {
    if (!given) throw InputError("--protocol split evaluates a trained model as-is: give --model");
    Fold f;
    std::set<std::string> spk(corpus.raw.speakers.begin(), corpus.raw.speakers.end());
    f.test_speakers.assign(spk.begin(), spk.end());
    for (std::size_t i = 0; i < corpus.raw.size(); ++i) f.test.push_back(i);
    folds.push_back(std::move(f));
  } else {
    folds = make_folds(corpus.raw, protocol, n_folds, seed);
  }
  Pool main_pool, lin_pool, neu_pool;
  bool has_components = false;
  ThreadPool pool(std::max(1, n_threads));
  for (std::size_t fi = 0; fi < folds.size(); ++fi) {
    const Fold& fold = folds[fi];
    std::unique_ptr<TrainedEmotionModel> trained;
    const SpeechEmotionModel* model = given;
    if (protocol != Protocol::split) {
      if (options.log) {
        std::string speakers;
        for (const auto& n : fold.test_speakers) speakers += " " + n;
        options.log(format("fold %zu/%zu (test speakers:%s), %zu training clips", fi + 1, folds.size(),
                           speakers.c_str(), fold.train.size()));
      }
      trained = train_emotion_model(corpus, fold.train, options);
      model = trained.get();
    }
    // Evidence: precomputed functionals where the model takes them, network logits computed here
    // (files in parallel, one torch thread each).
    const auto* lin = dynamic_cast<const LinearEmotionModel*>(model);
    const auto* neu = dynamic_cast<const NeuralEmotionModel*>(model);
    const auto* ens = dynamic_cast<const EnsembleEmotionModel*>(model);
    std::vector<UtteranceEvidence> ev(fold.test.size());
    if (neu || ens) torch_runtime::set_threads(1);
    pool.run_tasks(fold.test.size(), [&](std::size_t i, int) {
      const std::size_t r = fold.test[i];
      if (lin || ens) ev[i].functionals.assign(corpus.raw.row(r), corpus.raw.row(r) + corpus.raw.n_features);
      if (neu) ev[i].neural_logits = neu->model().logits(corpus.audio[r]);
      if (ens) ev[i].neural_logits = ens->neural().model().logits(corpus.audio[r]);
      if (!lin && !neu && !ens) ev[i] = model->analyse(corpus.audio[r]);
    });
    if (neu || ens) torch_runtime::set_threads(std::max(1, options.neural.threads));
    const std::vector<int> spk = predict_groups(corpus.raw, fold.test, group_size, seed);
    add_predictions(main_pool, fi, fold.test, model->labels(), model->predict(ev, spk));
    if (ens) {
      has_components = true;
      add_predictions(lin_pool, fi, fold.test, model->labels(), ens->linear().predict(ev, spk));
      add_predictions(neu_pool, fi, fold.test, model->labels(), ens->neural().predict(ev, spk));
    }
    if (options.log && protocol != Protocol::split) {
      SerEvalResult partial = score(corpus, main_pool, protocol, std::vector<Fold>(folds.begin(), folds.begin() + static_cast<std::ptrdiff_t>(fi + 1)));
      options.log(format("after fold %zu: pooled UA %.4f, WA %.4f", fi + 1, partial.result.metrics.balanced_accuracy,
                         partial.result.metrics.accuracy));
    }
  }
  SerEvalResult out = score(corpus, main_pool, protocol, folds);
  if (has_components) {
    out.linear_component = std::make_unique<SerEvalResult>(score(corpus, lin_pool, protocol, folds));
    out.neural_component = std::make_unique<SerEvalResult>(score(corpus, neu_pool, protocol, folds));
  }
  return out;
}

}  // namespace sentio::ser
