// SPDX-License-Identifier: Apache-2.0
// TextModel: features (hashing.cpp / lexicon.cpp) -> linear layer -> softmax or per-label sigmoid.
//
// Training is AdaGrad (Duchi et al. 2011) over single examples in a seeded shuffled order, with an L2
// penalty applied to the weights an example touches (the usual lazy form for sparse data). Single-label
// targets are one-hot (an item with several labels spreads its mass evenly); multi-label targets are
// independent 0/1 per label. Class weights scale an example's gradient (softmax) or a label's positive
// term (sigmoid). All of this runs on one thread so the same seed always gives the same bits.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numeric>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "eval_internal.hpp"
#include "model_internal.hpp"
#include "sentio/core/affect.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/labels.hpp"
#include "sentio/core/resources.hpp"
#include "sentio/core/thread_pool.hpp"

namespace sentio::text {

using detail::SparseVec;
using detail::Trace;

namespace {

constexpr const char* kMagic = "SENTIO-TEXT-MODEL";
constexpr const char* kFormat = "sentio.text.model";
constexpr int kVersion = 1;

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Fisher-Yates with our own generator: identical on every standard library.
void shuffle(std::vector<std::size_t>& v, std::uint64_t& state) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[splitmix(state) % i]);
}

// The label whose circumplex point (core/affect.hpp) stands for a model label in the affect summary:
// the label itself when it has a point (core labels, calm, boredom); else the standard name of its entry
// in the shared label table when that has a point (EmoryNLP peaceful -> calm), else its core equivalent
// there (GoEmotions' Ekman grouping, EmoryNLP powerful -> happiness). GoEmotions' sentiment groups are not
// emotions and not in the table: positive/negative/ambiguous stand for happiness/sadness/surprise here.
// Anything else stays as it is (no point: left out of the affect).
std::string affect_proxy(const std::string& l) {
  if (label_affect(l)) return l;
  if (l == "positive") return std::string(emotion_name(Emotion::happiness));
  if (l == "negative") return std::string(emotion_name(Emotion::sadness));
  if (l == "ambiguous") return std::string(emotion_name(Emotion::surprise));
  if (const std::optional<LabelInfo> info = lookup_label(l)) {
    if (label_affect(info->name)) return std::string(info->name);
    if (info->core) return std::string(emotion_name(*info->core));
  }
  return l;
}

void softmax(std::vector<float>& z) {
  const float mx = *std::max_element(z.begin(), z.end());
  float s = 0;
  for (float& v : z) s += (v = std::exp(v - mx));
  for (float& v : z) v /= s;
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

[[noreturn]] void bad_model(const std::string& path, const std::string& cause) {
  throw InputError(path + ": not a valid Sentio text model: " + cause);
}

}  // namespace

struct TextModel::Impl {
  TextModelType type = TextModelType::linear;
  detail::HashConfig hash;
  detail::Lexicons lex;
  std::vector<float> mean, inv_std;  // lexicon feature standardisation
  std::vector<std::string> labels;
  std::vector<std::string> proxies;  // affect_proxy of each label
  bool multi = false;
  std::vector<float> thresholds;  // multi-label decision thresholds
  std::vector<float> offset;      // added to the logits (single-label dev tuning)
  std::size_t n_features = 0;
  std::vector<float> w;           // n_features x K, feature-major
  std::vector<float> bias;
  std::string training_json = "{}";
  bool float16 = false;  // weights stored as half precision
  // Lexicon features: the whole input of a lexicon model; appended after the hash buckets of a linear
  // model trained with --lexicon, scaled by 1/sqrt(D) so the group weighs about as much as one hashed group.
  bool lex_features = false;
  std::size_t lex_offset = 0;
  float lex_scale = 1.0f;
  // Word-vector features (a linear model trained with --word-vectors): 2 x dims standardised values after
  // the lexicon features, scaled by 1/sqrt(2 dims) like the lexicon group.
  detail::WordVectors wv;
  std::size_t wv_offset = 0;
  float wv_scale = 1.0f;
  std::vector<float> wv_mean, wv_inv_std;
  bool wv_features() const { return wv.dims > 0; }

  std::size_t k() const { return labels.size(); }

  void features(std::string_view text, SparseVec& out, Trace* trace,
                std::vector<std::pair<std::string, float>>* hits) const {
    out.clear();
    detail::FeatureTokens tokens;  // read by the hashed groups and the word vectors (linear models only)
    if (type == TextModelType::linear) {
      tokens = detail::feature_tokens(hash, text);
      detail::hashed_features(hash, tokens, out, trace);
    }
    if (lex_features) append_dense(detail::lexicon_features(lex, text, hits), lex_offset, mean, inv_std, lex_scale, out);
    if (wv_features()) {
      std::vector<float> raw;
      detail::word_vector_features(wv, tokens, raw);
      append_dense(raw, wv_offset, wv_mean, wv_inv_std, wv_scale, out);
    }
  }

  // Appends a dense group, standardised and scaled, at feature `offset`.
  static void append_dense(const std::vector<float>& raw, std::size_t offset, const std::vector<float>& mu,
                           const std::vector<float>& inv_sd, float scale, SparseVec& out) {
    for (std::size_t j = 0; j < raw.size(); ++j) {
      out.index.push_back(static_cast<std::uint32_t>(offset + j));
      out.value.push_back((raw[j] - mu[j]) * inv_sd[j] * scale);
    }
  }

  void logits(const SparseVec& x, std::vector<float>& z) const {
    const std::size_t K = k();
    z.assign(bias.begin(), bias.end());
    for (std::size_t i = 0; i < x.index.size(); ++i) {
      const float* row = w.data() + static_cast<std::size_t>(x.index[i]) * K;
      const float v = x.value[i];
      for (std::size_t c = 0; c < K; ++c) z[c] += v * row[c];
    }
  }

  void to_probabilities(std::vector<float>& z) const {
    for (std::size_t c = 0; c < z.size() && c < offset.size(); ++c) z[c] += offset[c];
    if (multi) {
      for (float& v : z) v = sigmoid(v);
    } else {
      softmax(z);
    }
  }

  std::vector<float> probs(std::string_view text) const {
    SparseVec x;
    features(text, x, nullptr, nullptr);
    std::vector<float> z;
    logits(x, z);
    to_probabilities(z);
    return z;
  }
};

TextModel::TextModel() : impl_(std::make_shared<Impl>()) {}
TextModel::~TextModel() = default;
TextModel::TextModel(const TextModel&) = default;
TextModel& TextModel::operator=(const TextModel&) = default;
TextModel::TextModel(TextModel&&) noexcept = default;
TextModel& TextModel::operator=(TextModel&&) noexcept = default;

const std::vector<std::string>& TextModel::labels() const { return impl_->labels; }
bool TextModel::multi_label() const { return impl_->multi; }
const std::vector<float>& TextModel::thresholds() const { return impl_->thresholds; }
const std::vector<float>& TextModel::logit_offsets() const { return impl_->offset; }
TextModelType TextModel::type() const { return impl_->type; }

std::string TextModel::description() const {
  const Impl& m = *impl_;
  std::string s = m.type == TextModelType::linear
                      ? "linear (hashed word 1-" + std::string(m.hash.bigrams ? "2" : "1") + "-grams + char " +
                            std::to_string(m.hash.char_min) + "-" + std::to_string(m.hash.char_max) + "-grams, 2^" +
                            std::to_string(m.hash.bits) + " buckets" + (m.hash.everyday ? ", everyday normalisation" : "") +
                            (m.lex_features ? " + lexicon features" : "") +
                            (m.wv_features() ? " + " + std::to_string(m.wv.dims) + "-d word vectors" : "") + ")"
                      : "lexicon (VADER/AFINN/NRC features)";
  s += m.multi ? ", multi-label sigmoid" : ", softmax";
  s += ", labels ";
  for (std::size_t c = 0; c < m.labels.size(); ++c) s += (c ? "," : "") + m.labels[c];
  return s;
}

std::vector<float> TextModel::probabilities(std::string_view text) const { return impl_->probs(text); }

std::vector<std::vector<float>> TextModel::probabilities(const std::vector<std::string>& texts, int threads) const {
  std::vector<std::vector<float>> out(texts.size());
  ThreadPool pool(std::max(1, threads));
  pool.parallel_for(texts.size(), [&](std::size_t b, std::size_t e, int) {
    SparseVec x;
    std::vector<float> z;
    for (std::size_t i = b; i < e; ++i) {
      impl_->features(texts[i], x, nullptr, nullptr);
      impl_->logits(x, z);
      impl_->to_probabilities(z);
      out[i] = z;
    }
  });
  return out;
}

namespace {
// Decision, sentiment and affect of the probabilities in p.probabilities over `labels` (`proxies`: their
// affect_proxy).
void describe_into(const std::vector<std::string>& labels, const std::vector<std::string>& proxies, bool multi,
                   const std::vector<float>& thresholds, TextPrediction& p) {
  const std::size_t K = labels.size();
  p.top = static_cast<std::size_t>(std::max_element(p.probabilities.begin(), p.probabilities.end()) -
                                   p.probabilities.begin());
  if (multi) {
    for (std::size_t c = 0; c < K; ++c)
      if (p.probabilities[c] >= thresholds[c]) p.active.push_back(c);
  }
  if (p.active.empty()) p.active.push_back(p.top);
  // Sentiment and affect from the probabilities normalised to sum 1.
  std::vector<float> norm = p.probabilities;
  const float total = std::accumulate(norm.begin(), norm.end(), 0.0f);
  if (total > 0)
    for (float& v : norm) v /= total;
  for (std::size_t c = 0; c < K; ++c) {
    const int pol = label_polarity(labels[c]);
    (pol > 0 ? p.positive : pol < 0 ? p.negative : p.neutral) += norm[c];
  }
  p.affect = mean_affect(proxies, norm);
}
void describe_into(const TextModel::Impl& m, TextPrediction& p) {
  describe_into(m.labels, m.proxies, m.multi, m.thresholds, p);
}
}  // namespace

TextPrediction TextModel::describe(std::vector<float> probabilities) const {
  SENTIO_ASSERT(probabilities.size() == impl_->k());
  TextPrediction p;
  p.probabilities = std::move(probabilities);
  describe_into(*impl_, p);
  return p;
}

TextPrediction describe_probabilities(const std::vector<std::string>& labels, bool multi_label,
                                      const std::vector<float>& thresholds, std::vector<float> probabilities) {
  SENTIO_ASSERT(probabilities.size() == labels.size() && (!multi_label || thresholds.size() == labels.size()));
  std::vector<std::string> proxies;
  for (const auto& l : labels) proxies.push_back(affect_proxy(l));
  TextPrediction p;
  p.probabilities = std::move(probabilities);
  describe_into(labels, proxies, multi_label, thresholds, p);
  return p;
}

std::vector<std::string> tokenize(std::string_view text) { return detail::tokenize(text); }

TextPrediction TextModel::predict(std::string_view text, std::size_t n_explain) const {
  const Impl& m = *impl_;
  TextPrediction p;
  SparseVec x;
  Trace trace;
  std::vector<std::pair<std::string, float>> hits;
  m.features(text, x, n_explain > 0 ? &trace : nullptr, n_explain > 0 ? &hits : nullptr);
  m.logits(x, p.probabilities);
  m.to_probabilities(p.probabilities);
  const std::size_t K = m.k();
  describe_into(m, p);
  if (n_explain == 0) return p;
  std::map<std::string, float> per_term;
  if (m.type == TextModelType::linear) {
    // summed per term index first: a map lookup per occurrence compared the (possibly 1 MB long) term
    // string once per character n-gram, quadratic in the token's length
    std::vector<float> by_term(trace.terms.size(), 0.0f);
    for (const auto& o : trace.occurrences) {
      const float* row = m.w.data() + static_cast<std::size_t>(o.index) * K;
      float contribution = row[p.top];
      if (!m.multi) {  // softmax is shift-invariant: what matters is the margin over the mean class
        float mean = 0;
        for (std::size_t c = 0; c < K; ++c) mean += row[c];
        contribution -= mean / static_cast<float>(K);
      }
      by_term[o.term] += contribution * o.share;
    }
    for (std::size_t t = 0; t < by_term.size(); ++t) per_term[trace.terms[t]] += by_term[t];
  } else {
    for (const auto& [word, valence] : hits) per_term[word] += valence;
  }
  std::vector<Contribution> all;
  for (const auto& [term, wgt] : per_term) {
    if (m.type == TextModelType::linear ? wgt > 0 : wgt != 0) all.push_back({term, wgt});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Contribution& a, const Contribution& b) { return std::fabs(a.weight) > std::fabs(b.weight); });
  if (all.size() > n_explain) all.resize(n_explain);
  p.explanation = std::move(all);
  return p;
}

int label_polarity(std::string_view label) {
  // GoEmotions' sentiment groups (not in the label table)
  if (label == "positive") return 1;
  if (label == "negative") return -1;
  const std::optional<LabelInfo> info = lookup_label(label);
  if (!info) return 0;
  // Extras by their own valence: calm (EmoryNLP peaceful) is pleasant; boredom and contempt are not.
  if (info->name == "calm") return 1;
  if (info->name == "boredom" || info->name == "contempt") return -1;
  // Otherwise the core equivalent: happiness (with GoEmotions' joy group and EmoryNLP powerful) positive,
  // sadness/anger/fear/disgust (and their GoEmotions groups) negative, neutral and surprise neither.
  if (!info->core) return 0;
  switch (*info->core) {
    case Emotion::happiness: return 1;
    case Emotion::sadness:
    case Emotion::anger:
    case Emotion::fear:
    case Emotion::disgust: return -1;
    case Emotion::neutral:
    case Emotion::surprise: return 0;
  }
  return 0;
}

// ---- training ----

namespace detail {

nlohmann::json read_model_header(std::istream& in, const std::string& path, std::string_view magic,
                                 std::string_view format, int version, std::string_view kind) {
  const auto bad = [&](const std::string& cause) {
    throw InputError(path + ": not a valid Sentio " + std::string(kind) + ": " + cause);
  };
  std::string first, header;
  std::getline(in, first);
  if (first != magic) bad("missing '" + std::string(magic) + "' first line");
  std::getline(in, header);
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(header);
    if (h.at("format") != format) bad("format is not " + std::string(format));
    if (h.at("version").get<int>() != version)
      bad("version " + h.at("version").dump() + " (this Sentio reads version " + std::to_string(version) + ")");
  } catch (const nlohmann::json::exception& e) {
    bad(std::string("header is not JSON or lacks format/version (") + e.what() + ")");
  }
  return h;
}

}  // namespace detail

namespace detail {

void fit_adagrad(const std::vector<SparseVec>& xs, const std::vector<std::vector<std::uint32_t>>& ys,
                 std::size_t n_features, std::size_t K, bool multi, const std::vector<float>& cw,
                 const TextTrainOptions& opt, const std::function<void(int, int)>& progress, std::vector<float>& w,
                 std::vector<float>& bias) {
  w.assign(n_features * K, 0.0f);
  bias.assign(K, 0.0f);
  std::vector<float> gw(n_features * K, 0.0f), gb(K, 0.0f);
  constexpr float kEps = 1e-8f;
  const float lr = static_cast<float>(opt.learning_rate), l2 = static_cast<float>(opt.l2);
  std::vector<std::size_t> order(xs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::uint64_t rng = opt.seed ^ 0x5e471055eedULL;
  std::vector<float> z(K), g(K), y(K);
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    shuffle(order, rng);
    for (const std::size_t i : order) {
      const SparseVec& x = xs[i];
      z.assign(bias.begin(), bias.end());
      for (std::size_t f = 0; f < x.index.size(); ++f) {
        const float* row = w.data() + static_cast<std::size_t>(x.index[f]) * K;
        for (std::size_t c = 0; c < K; ++c) z[c] += x.value[f] * row[c];
      }
      std::fill(y.begin(), y.end(), 0.0f);
      for (const auto c : ys[i]) y[c] = multi ? 1.0f : 1.0f / static_cast<float>(ys[i].size());
      if (multi) {
        for (std::size_t c = 0; c < K; ++c) {
          const float p = sigmoid(z[c]);
          g[c] = (p - y[c]) * (y[c] > 0 ? cw[c] : 1.0f);
        }
      } else {
        softmax(z);
        float ew = 0;
        for (const auto c : ys[i]) ew += cw[c] / static_cast<float>(ys[i].size());
        for (std::size_t c = 0; c < K; ++c) g[c] = (z[c] - y[c]) * ew;
      }
      for (std::size_t c = 0; c < K; ++c) {
        gb[c] += g[c] * g[c];
        bias[c] -= lr * g[c] / (std::sqrt(gb[c]) + kEps);
      }
      for (std::size_t f = 0; f < x.index.size(); ++f) {
        const std::size_t base = static_cast<std::size_t>(x.index[f]) * K;
        const float v = x.value[f];
        float* wr = w.data() + base;
        float* gr = gw.data() + base;
        for (std::size_t c = 0; c < K; ++c) {
          const float gg = g[c] * v + l2 * wr[c];
          if (gg == 0) continue;
          gr[c] += gg * gg;
          wr[c] -= lr * gg / (std::sqrt(gr[c]) + kEps);
        }
      }
    }
    if (progress) progress(epoch + 1, opt.epochs);
  }
}

void softmax_inplace(std::vector<float>& z) { softmax(z); }

std::vector<float> class_weights(const std::vector<double>& counts, std::size_t n_items, const std::string& mode) {
  const std::size_t K = counts.size();
  std::vector<float> cw(K, 1.0f);
  if (mode == "none") return cw;
  const double n = static_cast<double>(n_items);
  for (std::size_t c = 0; c < K; ++c) {
    double wgt = counts[c] > 0 ? n / (static_cast<double>(K) * counts[c]) : 1.0;
    if (mode == "sqrt") wgt = std::sqrt(wgt);
    cw[c] = static_cast<float>(std::min(wgt, 50.0));
  }
  return cw;
}

float tune_neutral_offset(const std::vector<std::vector<float>>& dev_logits, const std::vector<std::string>& labels,
                          std::size_t neutral, const Corpus& dev, const std::string& metric) {
  auto metric_of = [&](const TextEvalResult& r) {
    if (metric == "macro_f1") return r.metrics.macro_f1;
    if (metric == "micro_f1_no_neutral") return r.micro_f1_no_neutral < 0 ? r.metrics.weighted_f1 : r.micro_f1_no_neutral;
    return r.metrics.weighted_f1;
  };
  const std::vector<float> thresholds(labels.size(), 0.5f);
  float best_o = 0;
  double best = -1;
  for (int s = -30; s <= 30; ++s) {
    const float o = static_cast<float>(s) / 10.0f;
    std::vector<std::vector<float>> probs = dev_logits;
    for (auto& p : probs) {
      p[neutral] += o;
      softmax(p);
    }
    const double v = metric_of(score_probabilities(labels, false, thresholds, probs, dev));
    if (v > best + 1e-9 || (std::fabs(v - best) <= 1e-9 && std::fabs(o) < std::fabs(best_o))) {
      best = v;
      best_o = o;
    }
  }
  return best_o;
}

}  // namespace detail


DecisionTuning tune_decision(const std::vector<std::vector<float>>& dev_logits, const std::vector<std::string>& labels,
                             bool multi, const Corpus& dev, const std::string& metric) {
  SENTIO_ASSERT(dev_logits.size() == dev.items.size());
  const std::size_t K = labels.size();
  DecisionTuning d;
  d.thresholds.assign(K, 0.5f);
  d.logit_offsets.assign(K, 0.0f);
  d.metric = metric;
  if (d.metric.empty())
    d.metric = dev.format == "dailydialog" ? "micro_f1_no_neutral" : multi || dev.multi_label ? "macro_f1" : "weighted_f1";
  if (d.metric != "weighted_f1" && d.metric != "macro_f1" && d.metric != "micro_f1_no_neutral")
    throw InputError("--tune-metric must be weighted_f1, macro_f1 or micro_f1_no_neutral");
  if (multi) {
    // Per-label threshold maximising that label's F1 on dev (= macro-F1 when labels are independent).
    std::vector<std::vector<float>> probs = dev_logits;
    for (auto& p : probs)
      for (float& v : p) v = sigmoid(v);
    for (std::size_t c = 0; c < K; ++c) {
      std::vector<std::pair<float, bool>> pc;
      std::size_t positives = 0;
      for (std::size_t i = 0; i < dev.items.size(); ++i) {
        const auto& ls = dev.items[i].labels;
        const bool pos = std::find(ls.begin(), ls.end(), labels[c]) != ls.end();
        positives += pos;
        pc.emplace_back(probs[i][c], pos);
      }
      if (positives == 0) continue;
      float best_t = 0.5f;
      double best_f = -1;
      for (int t = 2; t <= 95; ++t) {
        const float th = static_cast<float>(t) / 100.0f;
        std::size_t tp = 0, fp = 0;
        for (const auto& [p, pos] : pc)
          if (p >= th) (pos ? tp : fp)++;
        const double f = 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + (positives - tp));
        if (f > best_f + 1e-12) {
          best_f = f;
          best_t = th;
        }
      }
      d.thresholds[c] = best_t;
    }
  } else {
    // An offset on the neutral logit trades neutral recall for the other classes' recall.
    const auto it = std::find(labels.begin(), labels.end(), "neutral");
    if (it != labels.end()) {
      const auto nc = static_cast<std::size_t>(it - labels.begin());
      d.logit_offsets[nc] = detail::tune_neutral_offset(dev_logits, labels, nc, dev, d.metric);
    }
  }
  return d;
}

TextModel TextModel::train(const Corpus& train_in, const Corpus* dev, const TextTrainOptions& opt,
                           const std::function<void(int, int)>& progress) {
  if (opt.hash_bits < 8 || opt.hash_bits > 26) throw InputError("--hash-bits must be in 8..26");
  if (!detail::char_range_ok(opt.char_min, opt.char_max))
    throw InputError("--char-min/--char-max: 0 (no character n-grams), or 1 <= min <= max <= " +
                     std::to_string(detail::kMaxCharGram));
  if (opt.epochs < 1) throw InputError("--epochs must be >= 1");
  if (!(opt.learning_rate > 0)) throw InputError("--learning-rate must be > 0");
  if (!(opt.l2 >= 0)) throw InputError("--l2 must be >= 0");
  if (opt.class_weights != "none" && opt.class_weights != "balanced" && opt.class_weights != "sqrt")
    throw InputError("--class-weights must be none, balanced or sqrt");
  if (opt.multi_label != "auto" && opt.multi_label != "yes" && opt.multi_label != "no")
    throw InputError("--multi-label must be auto, yes or no");
  TextModel model;
  Impl& m = *model.impl_;
  m.type = opt.type;
  if (opt.normalize != "none" && opt.normalize != "everyday")
    throw InputError("--normalize must be none or everyday, got '" + opt.normalize + "'");
  m.hash = {opt.hash_bits, opt.word_bigrams, opt.char_min, opt.char_max, opt.normalize == "everyday"};
  m.float16 = opt.float16;
  m.multi = opt.multi_label == "yes" || (opt.multi_label == "auto" && train_in.multi_label);

  // Items and labels (optionally only keep_labels).
  std::vector<const LabelledUtterance*> items;
  std::vector<std::vector<std::string>> item_labels;
  std::set<std::string> present;
  for (const auto& u : train_in.items) {
    std::vector<std::string> ls;
    for (const auto& l : u.labels)
      if (opt.keep_labels.empty() || std::find(opt.keep_labels.begin(), opt.keep_labels.end(), l) != opt.keep_labels.end())
        ls.push_back(l);
    if (ls.empty()) continue;
    for (const auto& l : ls) present.insert(l);
    items.push_back(&u);
    item_labels.push_back(std::move(ls));
  }
  if (present.size() < 2) throw InputError("training data has fewer than 2 labels");
  // The weights are 2^hash_bits x labels floats: a label column that holds free text (a wrong --format)
  // would otherwise ask for gigabytes.
  if (present.size() > detail::kMaxLabels)
    throw InputError("training data has " + std::to_string(present.size()) + " distinct labels (at most " +
                     std::to_string(detail::kMaxLabels) + "; is the label column the right one?)");
  for (const auto core : kCoreLabels)
    if (present.count(std::string(core))) m.labels.emplace_back(core);
  for (const auto& l : present)
    if (std::find(m.labels.begin(), m.labels.end(), l) == m.labels.end()) m.labels.push_back(l);
  for (const auto& l : m.labels) m.proxies.push_back(affect_proxy(l));
  const std::size_t K = m.k();
  std::map<std::string, std::size_t> index;
  for (std::size_t c = 0; c < K; ++c) index[m.labels[c]] = c;

  // Features once.
  const bool linear = m.type == TextModelType::linear;
  m.lex_features = !linear || !opt.lexicons.empty();
  if (m.lex_features) m.lex = detail::load_lexicons(opt.lexicons);
  if (!opt.word_vectors.empty()) {
    if (!linear) throw InputError("--word-vectors needs a linear model");
    if (opt.word_vectors_max < 1) throw InputError("--word-vectors-max must be >= 1");
    m.wv = detail::read_word_vectors(opt.word_vectors, opt.word_vectors_max);
    for (float& v : m.wv.values) v = detail::half_to_float(detail::float_to_half(v));  // as the file stores them
  }
  std::vector<SparseVec> xs(items.size());
  m.n_features = 0;
  if (linear) {
    m.n_features = std::size_t{1} << opt.hash_bits;
    for (std::size_t i = 0; i < items.size(); ++i) detail::hashed_features(m.hash, items[i]->text, xs[i], nullptr);
  }
  // A dense group of D values per item at the end of the features, standardised with the training mean
  // and standard deviation, scaled by `scale`.
  auto dense_group = [&](std::size_t D, float scale, const std::function<std::vector<float>(std::string_view)>& raw_of,
                         std::size_t& offset, std::vector<float>& mu, std::vector<float>& inv_sd) {
    offset = m.n_features;
    m.n_features += D;
    std::vector<std::vector<float>> raw(items.size());
    std::vector<double> sum(D, 0), sum2(D, 0);
    for (std::size_t i = 0; i < items.size(); ++i) {
      raw[i] = raw_of(items[i]->text);
      for (std::size_t j = 0; j < D; ++j) {
        sum[j] += raw[i][j];
        sum2[j] += static_cast<double>(raw[i][j]) * raw[i][j];
      }
    }
    mu.resize(D);
    inv_sd.resize(D);
    const double n = static_cast<double>(items.size());
    for (std::size_t j = 0; j < D; ++j) {
      const double mean = sum[j] / n, var = std::max(0.0, sum2[j] / n - mean * mean);
      mu[j] = static_cast<float>(mean);
      inv_sd[j] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 0.0f;  // constant feature: off
    }
    for (std::size_t i = 0; i < items.size(); ++i) Impl::append_dense(raw[i], offset, mu, inv_sd, scale, xs[i]);
  };
  auto inv_sqrt = [](std::size_t D) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(D))); };
  if (m.lex_features) {
    const std::size_t D = detail::lexicon_feature_count();
    m.lex_scale = linear ? inv_sqrt(D) : 1.0f;
    dense_group(D, m.lex_scale, [&](std::string_view t) { return detail::lexicon_features(m.lex, t, nullptr); },
                m.lex_offset, m.mean, m.inv_std);
  }
  if (m.wv_features()) {
    const std::size_t D = 2 * static_cast<std::size_t>(m.wv.dims);
    m.wv_scale = inv_sqrt(D);
    dense_group(D, m.wv_scale,
                [&](std::string_view t) {
                  std::vector<float> v;
                  detail::word_vector_features(m.wv, detail::feature_tokens(m.hash, t), v);
                  return v;
                },
                m.wv_offset, m.wv_mean, m.wv_inv_std);
  }

  // Targets and class weights.
  std::vector<std::vector<std::uint32_t>> ys(items.size());
  std::vector<double> counts(K, 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (const auto& l : item_labels[i]) {
      ys[i].push_back(static_cast<std::uint32_t>(index[l]));
      counts[index[l]] += 1.0 / static_cast<double>(item_labels[i].size());
    }
  }
  const std::vector<float> cw = detail::class_weights(counts, items.size(), opt.class_weights);

  detail::fit_adagrad(xs, ys, m.n_features, K, m.multi, cw, opt, progress, m.w, m.bias);
  m.thresholds.assign(K, 0.5f);
  m.offset.assign(K, 0.0f);

  // Dev tuning.
  std::string tune = opt.tune_metric;
  if (dev) {
    std::vector<std::vector<float>> dev_logits(dev->items.size());
    {
      SparseVec x;
      for (std::size_t i = 0; i < dev->items.size(); ++i) {
        m.features(dev->items[i].text, x, nullptr, nullptr);
        m.logits(x, dev_logits[i]);
      }
    }
    DecisionTuning d = tune_decision(dev_logits, m.labels, m.multi, *dev, tune);
    m.thresholds = std::move(d.thresholds);
    m.offset = std::move(d.logit_offsets);
    tune = d.metric;
  }

  nlohmann::json t;
  t["n_train"] = items.size();
  t["train_format"] = train_in.format;
  t["train_label_set"] = train_in.label_set;
  t["epochs"] = opt.epochs;
  t["learning_rate"] = opt.learning_rate;
  t["l2"] = opt.l2;
  t["class_weights"] = opt.class_weights;
  t["seed"] = opt.seed;
  t["tune_metric"] = dev ? tune : "";
  t["n_dev"] = dev ? dev->items.size() : 0;
  m.training_json = t.dump();
  return model;
}

// ---- files ----

namespace detail {

std::uint16_t float_to_half(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const std::uint32_t exp = (x >> 23) & 0xffu;
  std::uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return static_cast<std::uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));
  const int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<std::uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - e;
    std::uint32_t h = mant >> shift;
    const std::uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) ++h;
    return static_cast<std::uint16_t>(sign | h);
  }
  std::uint32_t h = (static_cast<std::uint32_t>(e) << 10) | (mant >> 13);
  const std::uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // may carry into the exponent: still correct
  return static_cast<std::uint16_t>(sign | h);
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    if (mant == 0) return std::bit_cast<float>(sign);
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400u) == 0);
    return std::bit_cast<float>(sign | (static_cast<std::uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13));
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
  return std::bit_cast<float>(sign | ((exp + 127 - 15) << 23) | (mant << 13));
}

}  // namespace detail

void TextModel::save(const std::string& path) const {
  OutputFile out(path);
  save(out.stream());
  out.commit();
}

void TextModel::save(std::ostream& out) const {
  const Impl& m = *impl_;
  static_assert(std::endian::native == std::endian::little, "model files are little-endian");
  nlohmann::json h;
  h["format"] = kFormat;
  h["version"] = kVersion;
  h["type"] = m.type == TextModelType::linear ? "linear" : "lexicon";
  h["labels"] = m.labels;
  h["multi_label"] = m.multi;
  h["thresholds"] = m.thresholds;
  h["logit_offset"] = m.offset;
  h["bias"] = m.bias;
  h["n_features"] = m.n_features;
  nlohmann::json features = nlohmann::json::object();
  if (m.type == TextModelType::linear)
    features = {{"hash_bits", m.hash.bits},   {"word_bigrams", m.hash.bigrams},
                {"char_min", m.hash.char_min}, {"char_max", m.hash.char_max},
                {"normalize", m.hash.everyday ? "everyday" : "none"},
                {"weighting", "signed-log1p-count-l2-per-group"}, {"lexicon_features", m.lex_features}};
  if (m.lex_features) {
    nlohmann::json lex;
    lex["vader"] = m.lex.vader;
    lex["afinn"] = m.lex.afinn;
    lex["nrc_emolex"] = m.lex.emolex;
    nlohmann::json vad = nlohmann::json::object();
    for (const auto& [word, v] : m.lex.vad) vad[word] = {v[0], v[1], v[2]};
    lex["nrc_vad"] = vad;
    features["names"] = detail::lexicon_feature_names();
    features["mean"] = m.mean;
    features["inv_std"] = m.inv_std;
    features["lexicon_offset"] = m.lex_offset;
    features["lexicon_scale"] = m.lex_scale;
    h["lexicon"] = lex;
  }
  if (m.wv_features()) {
    features["word_vectors"] = {{"dims", m.wv.dims},         {"count", m.wv.words.size()}, {"dtype", "float16"},
                                {"offset", m.wv_offset},     {"scale", m.wv_scale},        {"mean", m.wv_mean},
                                {"inv_std", m.wv_inv_std},   {"words", m.wv.words}};
  }
  h["features"] = features;
  const bool half = m.float16;
  h["weights"] = {{"dtype", half ? "float16" : "float32"}, {"count", m.w.size()}, {"layout", "feature-major"}};
  h["training"] = nlohmann::json::parse(m.training_json);
  out << kMagic << "\n" << h.dump() << "\n";
  if (half) {
    std::vector<std::uint16_t> buf(m.w.size());
    for (std::size_t i = 0; i < m.w.size(); ++i) buf[i] = detail::float_to_half(m.w[i]);
    out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size() * 2));
  } else {
    out.write(reinterpret_cast<const char*>(m.w.data()), static_cast<std::streamsize>(m.w.size() * 4));
  }
  if (m.wv_features()) {  // the embedded word vectors follow the weights, always half precision
    std::vector<std::uint16_t> buf(m.wv.values.size());
    for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = detail::float_to_half(m.wv.values[i]);
    out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size() * 2));
  }
}

std::string default_text_model_path() {
  if (auto p = find_shipped_file("models/text/default.stm", "SENTIO_TEXT_MODEL")) return *p;
  throw InputError("no default text model found (models/text/default.stm next to the sentio binary, in the install "
                   "prefix or the working folder; set SENTIO_TEXT_MODEL or give --model)");
}

TextModel TextModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": model file not found or unreadable");
  return load(in, path);
}

TextModel TextModel::load(std::istream& in, const std::string& path) {
  const nlohmann::json h = detail::read_model_header(in, path, kMagic, kFormat, kVersion, "text model");
  TextModel model;
  Impl& m = *model.impl_;
  try {
    const std::string type = h.at("type");
    if (type != "linear" && type != "lexicon") bad_model(path, "unknown type '" + type + "'");
    m.type = type == "linear" ? TextModelType::linear : TextModelType::lexicon;
    m.labels = h.at("labels").get<std::vector<std::string>>();
    if (m.labels.size() < 2 || m.labels.size() > detail::kMaxLabels)
      bad_model(path, "needs 2 to " + std::to_string(detail::kMaxLabels) + " labels");
    m.multi = h.at("multi_label");
    // a JSON number beyond float range (1e39) is refused, not read as infinity
    if (!detail::read_finite_floats(h.at("thresholds"), m.thresholds) ||
        !detail::read_finite_floats(h.at("logit_offset"), m.offset) ||
        !detail::read_finite_floats(h.at("bias"), m.bias))
      bad_model(path, "thresholds/logit_offset/bias has a value that is not a finite float");
    m.n_features = h.at("n_features");
    const std::size_t K = m.labels.size();
    if (m.thresholds.size() != K || m.offset.size() != K || m.bias.size() != K)
      bad_model(path, "thresholds/logit_offset/bias do not have one value per label");
    const auto& f = h.at("features");
    if (m.type == TextModelType::linear) {
      m.hash.bits = f.at("hash_bits");
      m.hash.bigrams = f.at("word_bigrams");
      m.hash.char_min = f.at("char_min");
      m.hash.char_max = f.at("char_max");
      const std::string normalize = f.value("normalize", "none");  // absent before everyday normalisation
      if (normalize != "none" && normalize != "everyday") bad_model(path, "unknown normalize '" + normalize + "'");
      m.hash.everyday = normalize == "everyday";
      m.lex_features = f.value("lexicon_features", false);
      if (!detail::char_range_ok(m.hash.char_min, m.hash.char_max))
        bad_model(path, "char_min/char_max out of range (0, or 1 <= min <= max <= " +
                            std::to_string(detail::kMaxCharGram) + ")");
      std::size_t wv_values = 0;
      if (f.contains("word_vectors")) {
        const auto& wj = f.at("word_vectors");
        m.wv.dims = wj.at("dims");
        m.wv.words = wj.at("words").get<std::vector<std::string>>();
        std::vector<float> scale;
        if (m.wv.dims < 1 || m.wv.dims > detail::kMaxWordVectorDims || m.wv.words.empty() ||
            wj.at("count").get<std::size_t>() != m.wv.words.size() || wj.at("dtype") != "float16")
          bad_model(path, "word_vectors has a bad dims, count, words or dtype");
        if (!detail::read_finite_floats(wj.at("mean"), m.wv_mean) ||
            !detail::read_finite_floats(wj.at("inv_std"), m.wv_inv_std) ||
            !detail::read_finite_floats(nlohmann::json::array({wj.at("scale")}), scale))
          bad_model(path, "word_vectors mean/inv_std/scale has a value that is not a finite float");
        m.wv_scale = scale[0];
        m.wv_offset = wj.at("offset");
        const std::size_t D = 2 * static_cast<std::size_t>(m.wv.dims);
        if (m.wv_mean.size() != D || m.wv_inv_std.size() != D || m.wv_offset + D != m.n_features)
          bad_model(path, "word_vectors mean/inv_std/offset do not match n_features");
        for (std::size_t i = 0; i < m.wv.words.size(); ++i)
          if (!m.wv.index.emplace(m.wv.words[i], static_cast<std::uint32_t>(i)).second)
            bad_model(path, "word_vectors lists '" + m.wv.words[i] + "' twice");
        wv_values = m.wv.words.size() * static_cast<std::size_t>(m.wv.dims);
      }
      const std::size_t expected = (std::size_t{1} << std::clamp(m.hash.bits, 8, 26)) +
                                   (m.lex_features ? detail::lexicon_feature_count() : 0) +
                                   (wv_values ? 2 * static_cast<std::size_t>(m.wv.dims) : 0);
      if (m.hash.bits < 8 || m.hash.bits > 26 || m.n_features != expected)
        bad_model(path, "n_features does not match hash_bits");
    } else {
      m.lex_features = true;
      if (m.n_features != detail::lexicon_feature_count())
        bad_model(path, "lexicon feature count does not match this Sentio version");
    }
    if (m.lex_features) {
      const std::size_t D = detail::lexicon_feature_count();
      std::vector<float> scale;
      if (!detail::read_finite_floats(f.at("mean"), m.mean) || !detail::read_finite_floats(f.at("inv_std"), m.inv_std) ||
          !detail::read_finite_floats(nlohmann::json::array({f.at("lexicon_scale")}), scale))
        bad_model(path, "lexicon mean/inv_std/scale has a value that is not a finite float");
      m.lex_offset = f.at("lexicon_offset");
      m.lex_scale = scale[0];
      if (m.mean.size() != D || m.inv_std.size() != D ||
          m.lex_offset + D + (m.wv_features() ? 2 * static_cast<std::size_t>(m.wv.dims) : 0) != m.n_features)
        bad_model(path, "lexicon feature count does not match this Sentio version");
      const auto& lex = h.at("lexicon");
      m.lex.vader = lex.at("vader").get<std::unordered_map<std::string, float>>();
      m.lex.afinn = lex.at("afinn").get<std::unordered_map<std::string, float>>();
      m.lex.emolex = lex.at("nrc_emolex").get<std::unordered_map<std::string, std::uint16_t>>();
      for (const auto& [word, v] : lex.at("nrc_vad").items()) m.lex.vad[word] = {v.at(0), v.at(1), v.at(2)};
    }
    const auto& wj = h.at("weights");
    const std::string dtype = wj.at("dtype");
    const std::size_t count = wj.at("count");
    if (count != m.n_features * K) bad_model(path, "weight count does not match features x labels");
    if (dtype != "float32" && dtype != "float16") bad_model(path, "unknown weight dtype '" + dtype + "'");
    const std::size_t bytes = count * (dtype == "float16" ? 2 : 4);
    const std::size_t wv_bytes = m.wv.words.size() * static_cast<std::size_t>(m.wv.dims) * 2;
    std::string blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (blob.size() != bytes + wv_bytes)
      bad_model(path, "weights" + std::string(wv_bytes ? " and word vectors" : "") + " are " +
                          std::to_string(blob.size()) + " bytes, expected " + std::to_string(bytes + wv_bytes) +
                          " (truncated file?)");
    m.wv.values.resize(wv_bytes / 2);
    for (std::size_t i = 0; i < m.wv.values.size(); ++i) {
      std::uint16_t v;
      std::memcpy(&v, blob.data() + bytes + 2 * i, 2);
      m.wv.values[i] = detail::half_to_float(v);
      if (!std::isfinite(m.wv.values[i])) bad_model(path, "non-finite word vector value");
    }
    m.w.resize(count);
    m.float16 = dtype == "float16";
    if (dtype == "float32") {
      std::memcpy(m.w.data(), blob.data(), bytes);
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        std::uint16_t v;
        std::memcpy(&v, blob.data() + 2 * i, 2);
        m.w[i] = detail::half_to_float(v);
      }
    }
    for (const float v : m.w)
      if (!std::isfinite(v)) bad_model(path, "non-finite weight");
    m.training_json = h.value("training", nlohmann::json::object()).dump();
  } catch (const nlohmann::json::exception& e) {
    bad_model(path, std::string("header field missing or of the wrong type (") + e.what() + ")");
  }
  for (const auto& l : m.labels) m.proxies.push_back(affect_proxy(l));
  return model;
}

}  // namespace sentio::text
