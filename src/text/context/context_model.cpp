// SPDX-License-Identifier: Apache-2.0
// ContextModel: stacked ERC model (see context_model.hpp). The second stage reuses the text module's
// AdaGrad softmax trainer and dev tuning (models/model_internal.hpp) on a small dense feature vector built
// from the base model's per-utterance probabilities.
//
// Why the base offset is undone: the base model's neutral logit offset is tuned on dev for the no-context
// decision, while the out-of-fold models that produce the training features are not tuned. The features
// therefore always use the raw base distribution softmax(logits) = normalise(p * exp(-offset)).
#include "sentio/text/context_model.hpp"

#include <algorithm>
#include <deque>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "../models/eval_internal.hpp"
#include "../models/model_internal.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/core/thread_pool.hpp"

namespace sentio::text {

namespace {

constexpr const char* kMagic = "SENTIO-TEXT-CONTEXT";
constexpr const char* kFormat = "sentio.text.context";
constexpr int kVersion = 1;
constexpr float kLogFloor = -13.8f;  // log(1e-6): keeps log-probabilities finite

[[noreturn]] void bad_model(const std::string& path, const std::string& cause) {
  throw InputError(path + ": not a valid Sentio context model: " + cause);
}

// Feature layout for K labels and window W (documented in docs/TEXT.md):
//   [0, K)      own log-probabilities;  [K, 2K) own probabilities
//   then per distance j = 1..W: same-speaker probabilities (K), other-speaker probabilities (K)
//   then 2W presence indicators (same_j, other_j)
//   then the same speaker's previous utterance probabilities (K) and its presence indicator
//   then the mean probabilities of all previous utterances (K) and of the speaker's previous ones (K)
//   then own x previous utterance probabilities (K x K: emotion transitions given the utterance's own scores)
//   then first-utterance indicator, log(1 + index) / 3
std::size_t feature_count(std::size_t K, std::size_t W) { return 2 * K + 2 * W * K + 2 * W + K + 1 + 2 * K + K * K + 2; }

// Raw base distribution: undo the logit offset (see the file comment).
void undo_offset(std::vector<float>& p, const std::vector<float>& offset) {
  float s = 0;
  for (std::size_t c = 0; c < p.size(); ++c) s += (p[c] *= std::exp(-offset[c]));
  if (s > 0)
    for (float& v : p) v /= s;
}

// Dialogues of a corpus: item indices in spoken order. Items without a dialogue id are singletons.
std::vector<std::vector<std::size_t>> group_dialogues(const Corpus& data) {
  std::vector<std::vector<std::size_t>> groups;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < data.items.size(); ++i) {
    const auto& id = data.items[i].dialogue_id;
    if (id.empty()) {
      groups.push_back({i});
      continue;
    }
    const auto [it, fresh] = index.emplace(id, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  // Order by utterance index when every item of the dialogue has one, else keep file order.
  for (auto& g : groups) {
    if (std::any_of(g.begin(), g.end(), [&](std::size_t i) { return data.items[i].order < 0; })) continue;
    std::stable_sort(g.begin(), g.end(),
                     [&](std::size_t a, std::size_t b) { return data.items[a].order < data.items[b].order; });
  }
  return groups;
}

}  // namespace

// The dense second-stage features of a dialogue, turn by turn (causal): what a turn's features need of
// the turns before it is kept here (the last W turns, each speaker's last turn and running sums).
class DenseFeatures {
 public:
  DenseFeatures(std::size_t K, std::size_t W) : K_(K), W_(W), sum_all_(K, 0.0), x_(feature_count(K, W)) {}

  // Features of the next turn from its raw base probabilities `p` (K values) and its speaker.
  void next(const std::vector<float>& p, const std::string& me, detail::SparseVec& sv) {
    const std::size_t K = K_, W = W_, D = x_.size();
    const std::size_t slots = 2 * K, presence = slots + 2 * W * K, own_prev = presence + 2 * W;
    const std::size_t mean_all = own_prev + K + 1, mean_own = mean_all + K, cross = mean_own + K,
                      position = cross + K * K;
    const std::size_t i = n_;
    std::vector<float>& x = x_;
    std::fill(x.begin(), x.end(), 0.0f);
    for (std::size_t c = 0; c < K; ++c) {
      x[c] = std::max(kLogFloor, std::log(std::max(p[c], 1e-30f)));
      x[K + c] = p[c];
    }
    // recent_[0] is the previous turn, recent_[j - 1] the turn j back.
    for (std::size_t j = 1; j <= W && j <= recent_.size(); ++j) {
      const Turn& prev = recent_[j - 1];
      const bool same = !me.empty() && prev.speaker == me;
      const std::size_t block = slots + (2 * (j - 1) + (same ? 0 : 1)) * K;
      for (std::size_t c = 0; c < K; ++c) x[block + c] = prev.p[c];
      x[presence + 2 * (j - 1) + (same ? 0 : 1)] = 1.0f;
    }
    if (i > 0) {
      for (std::size_t c = 0; c < K; ++c) x[mean_all + c] = static_cast<float>(sum_all_[c] / static_cast<double>(i));
      const std::vector<float>& before = recent_.front().p;
      for (std::size_t a = 0; a < K; ++a)
        for (std::size_t b = 0; b < K; ++b) x[cross + a * K + b] = p[a] * before[b];
    }
    if (!me.empty()) {
      SpeakerState& st = speakers_[me];
      if (st.n > 0) {
        for (std::size_t c = 0; c < K; ++c) {
          x[own_prev + c] = st.last[c];
          x[mean_own + c] = static_cast<float>(st.sum[c] / static_cast<double>(st.n));
        }
        x[own_prev + K] = 1.0f;
      }
      if (st.sum.empty()) st.sum.assign(K, 0.0);
      for (std::size_t c = 0; c < K; ++c) st.sum[c] += p[c];
      st.last = p;
      ++st.n;
    }
    for (std::size_t c = 0; c < K; ++c) sum_all_[c] += p[c];
    x[position] = i == 0 ? 1.0f : 0.0f;
    x[position + 1] = static_cast<float>(std::log1p(static_cast<double>(i)) / 3.0);
    sv.index.clear();
    sv.value.clear();
    for (std::size_t f = 0; f < D; ++f)
      if (x[f] != 0.0f) {
        sv.index.push_back(static_cast<std::uint32_t>(f));
        sv.value.push_back(x[f]);
      }
    recent_.push_front({p, me});
    if (recent_.size() > std::max<std::size_t>(W, 1)) recent_.pop_back();
    ++n_;
  }

 private:
  struct Turn {
    std::vector<float> p;
    std::string speaker;
  };
  struct SpeakerState {
    std::size_t n = 0;
    std::vector<float> last;
    std::vector<double> sum;
  };
  std::size_t K_, W_;
  std::size_t n_ = 0;
  std::deque<Turn> recent_;
  std::unordered_map<std::string, SpeakerState> speakers_;
  std::vector<double> sum_all_;
  std::vector<float> x_;
};

struct ContextModel::Impl {
  TextModel base;
  std::vector<std::string> labels;
  std::size_t window = 3;
  std::size_t n_features = 0;
  std::vector<float> w;     // n_features x K, feature-major
  std::vector<float> bias;  // K
  std::vector<float> offset;  // K (dev-tuned neutral offset of the second stage)
  std::string training_json = "{}";

  std::size_t k() const { return labels.size(); }

  // Second-stage features of each turn from the raw base probabilities `p` (one row per turn, spoken order).
  int text_bits = 0;  // > 0: hashed words of the previous utterance (same/other speaker namespaces)

  std::size_t dense_count() const { return feature_count(k(), window); }
  std::size_t total_count() const { return dense_count() + (text_bits > 0 ? std::size_t{2} << text_bits : 0); }

  void features(const std::vector<std::vector<float>>& p, const std::vector<const std::string*>& speakers,
                const std::vector<const std::string*>& texts, std::vector<detail::SparseVec>& out) const {
    features_of(p, speakers, k(), window, out);
    if (text_bits <= 0) return;
    // The previous utterance's words, in a same-speaker or an other-speaker block: what was said just
    // before (a question, a joke) beyond the emotion scores.
    const detail::HashConfig cfg{text_bits, false, 0, 0};
    const std::size_t first = dense_count(), block = std::size_t{1} << text_bits;
    detail::SparseVec words;
    for (std::size_t i = 1; i < p.size(); ++i) {
      const bool same = !speakers[i]->empty() && *speakers[i - 1] == *speakers[i];
      detail::hashed_features(cfg, *texts[i - 1], words, nullptr);
      for (std::size_t f = 0; f < words.index.size(); ++f) {
        out[i].index.push_back(static_cast<std::uint32_t>(first + (same ? 0 : block) + words.index[f]));
        out[i].value.push_back(words.value[f]);
      }
    }
  }

  static void features_of(const std::vector<std::vector<float>>& p, const std::vector<const std::string*>& speakers,
                          std::size_t K, std::size_t W, std::vector<detail::SparseVec>& out) {
    out.assign(p.size(), {});
    DenseFeatures f(K, W);
    for (std::size_t i = 0; i < p.size(); ++i) f.next(p[i], *speakers[i], out[i]);
  }
  std::vector<float> logits(const detail::SparseVec& x) const {
    const std::size_t K = k();
    std::vector<float> z(bias);
    for (std::size_t i = 0; i < x.index.size(); ++i) {
      const float* row = w.data() + static_cast<std::size_t>(x.index[i]) * K;
      for (std::size_t c = 0; c < K; ++c) z[c] += x.value[i] * row[c];
    }
    return z;
  }

  std::vector<float> probabilities(const detail::SparseVec& x) const {
    std::vector<float> z = logits(x);
    for (std::size_t c = 0; c < z.size(); ++c) z[c] += offset[c];
    detail::softmax_inplace(z);
    return z;
  }

  // Base (tuned) and raw base probabilities for a list of texts.
  void base_scores(const std::vector<std::string>& texts, int threads, std::vector<std::vector<float>>& tuned,
                   std::vector<std::vector<float>>& raw) const {
    tuned = base.probabilities(texts, threads);
    raw = tuned;
    for (auto& r : raw) undo_offset(r, base.logit_offsets());
  }

  // Context probabilities for every item of `data`, given the raw base probabilities per item.
  std::vector<std::vector<float>> context_probabilities(const Corpus& data,
                                                        const std::vector<std::vector<float>>& raw) const {
    std::vector<std::vector<float>> out(data.items.size());
    std::vector<detail::SparseVec> xs;
    for (const auto& g : group_dialogues(data)) {
      std::vector<std::vector<float>> p;
      std::vector<const std::string*> sp, tx;
      for (const std::size_t i : g) {
        p.push_back(raw[i]);
        sp.push_back(&data.items[i].speaker);
        tx.push_back(&data.items[i].text);
      }
      features(p, sp, tx, xs);
      for (std::size_t t = 0; t < g.size(); ++t) out[g[t]] = probabilities(xs[t]);
    }
    return out;
  }
};

ContextModel::ContextModel() : impl_(std::make_shared<Impl>()) {}
ContextModel::~ContextModel() = default;
ContextModel::ContextModel(const ContextModel&) = default;
ContextModel& ContextModel::operator=(const ContextModel&) = default;
ContextModel::ContextModel(ContextModel&&) noexcept = default;
ContextModel& ContextModel::operator=(ContextModel&&) noexcept = default;

const TextModel& ContextModel::base() const { return impl_->base; }
const std::vector<std::string>& ContextModel::labels() const { return impl_->labels; }
int ContextModel::window() const { return static_cast<int>(impl_->window); }

std::string ContextModel::description() const {
  return "context (stacked softmax over the base scores of the utterance, the previous " +
         std::to_string(impl_->window) + " utterances by same/other speaker, the speaker's previous one, running means" +
         (impl_->text_bits > 0 ? ", previous words" : "") + "; causal) on " + impl_->base.description();
}

bool has_dialogues(const Corpus& data) {
  return std::any_of(data.items.begin(), data.items.end(), [](const auto& u) { return !u.dialogue_id.empty(); });
}

// ---- training ----

ContextModel ContextModel::train(const Corpus& train, const Corpus* dev, const TextTrainOptions& base_opt,
                                 const ContextTrainOptions& opt, const std::function<void(int, int)>& progress) {
  if (opt.window < 1 || opt.window > 16) throw InputError("--context-window must be in 1..16");
  if (opt.folds < 2 || opt.folds > 20) throw InputError("--context-folds must be in 2..20");
  if (opt.epochs < 1) throw InputError("--context-epochs must be >= 1");
  if (!(opt.learning_rate > 0)) throw InputError("--context-learning-rate must be > 0");
  if (!(opt.l2 >= 0)) throw InputError("--context-l2 must be >= 0");
  if (opt.text_bits != 0 && (opt.text_bits < 8 || opt.text_bits > 22))
    throw InputError("--context-text-bits must be 0 or in 8..22");
  if (opt.class_weights != "none" && opt.class_weights != "balanced" && opt.class_weights != "sqrt")
    throw InputError("--context-class-weights must be none, balanced or sqrt");
  if (train.multi_label || base_opt.multi_label == "yes")
    throw InputError("the context model needs single-label data (multi-label training data given)");
  if (!has_dialogues(train)) throw InputError("the context model needs training data with dialogue ids");

  // Dialogues -> folds: dialogues in file order dealt round-robin after a seeded shuffle.
  const auto groups = group_dialogues(train);
  std::vector<std::size_t> perm(groups.size());
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  std::uint64_t state = base_opt.seed ^ 0xc0f7e47ULL;
  for (std::size_t i = perm.size(); i > 1; --i) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    std::swap(perm[i - 1], perm[(z ^ (z >> 31)) % i]);
  }
  const std::size_t F = std::min<std::size_t>(static_cast<std::size_t>(opt.folds), groups.size());
  if (F < 2) throw InputError("the context model needs at least 2 dialogues in the training data");
  std::vector<std::size_t> fold_of_item(train.items.size());
  for (std::size_t r = 0; r < perm.size(); ++r)
    for (const std::size_t i : groups[perm[r]]) fold_of_item[i] = r % F;

  // Base models: index 0 = the full model (dev-tuned, the no-context model), 1..F = one per held-out fold.
  ContextModel model;
  Impl& m = *model.impl_;
  std::vector<TextModel> models(F + 1);
  std::vector<std::vector<float>> oof(train.items.size());
  int done = 0;
  std::mutex progress_mutex;
  ThreadPool pool(std::max(1, opt.threads));
  pool.run_tasks(F + 1, [&](std::size_t t, int) {
    if (t == 0) {
      models[0] = TextModel::train(train, dev, base_opt);
    } else {
      Corpus part;
      part.format = train.format;
      part.label_set = train.label_set;
      std::vector<std::size_t> held;
      for (std::size_t i = 0; i < train.items.size(); ++i) {
        if (fold_of_item[i] == t - 1) {
          held.push_back(i);
        } else {
          part.items.push_back(train.items[i]);
        }
      }
      models[t] = TextModel::train(part, nullptr, base_opt);
      std::vector<std::string> texts;
      for (const std::size_t i : held) texts.push_back(train.items[i].text);
      auto probs = models[t].probabilities(texts, 1);
      for (std::size_t h = 0; h < held.size(); ++h) oof[held[h]] = std::move(probs[h]);
    }
    if (progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(++done, static_cast<int>(F + 1));
    }
  });
  m.base = models[0];
  m.labels = m.base.labels();
  m.window = static_cast<std::size_t>(opt.window);
  const std::size_t K = m.k();
  m.text_bits = opt.text_bits;
  m.n_features = m.total_count();
  // A fold model may lack a rare label: map its columns onto the full label order (missing = 0).
  for (std::size_t t = 1; t <= F; ++t) {
    const auto& fl = models[t].labels();
    if (fl == m.labels) continue;
    std::vector<int> to(fl.size(), -1);
    for (std::size_t c = 0; c < fl.size(); ++c) {
      const auto it = std::find(m.labels.begin(), m.labels.end(), fl[c]);
      if (it != m.labels.end()) to[c] = static_cast<int>(it - m.labels.begin());
    }
    for (std::size_t i = 0; i < train.items.size(); ++i) {
      if (fold_of_item[i] != t - 1) continue;
      std::vector<float> full(K, 0.0f);
      for (std::size_t c = 0; c < fl.size(); ++c)
        if (to[c] >= 0) full[static_cast<std::size_t>(to[c])] = oof[i][c];
      oof[i] = std::move(full);
    }
  }

  // Second-stage examples: every training item with a label the model knows (the first label).
  std::vector<detail::SparseVec> xs_all;
  std::vector<detail::SparseVec> xs;
  std::vector<std::vector<std::uint32_t>> ys;
  std::vector<double> counts(K, 0);
  for (const auto& g : groups) {
    std::vector<std::vector<float>> p;
    std::vector<const std::string*> sp, tx;
    for (const std::size_t i : g) {
      p.push_back(oof[i]);
      sp.push_back(&train.items[i].speaker);
      tx.push_back(&train.items[i].text);
    }
    m.features(p, sp, tx, xs_all);
    for (std::size_t t = 0; t < g.size(); ++t) {
      const auto& l = train.items[g[t]].labels.front();
      const auto it = std::find(m.labels.begin(), m.labels.end(), l);
      if (it == m.labels.end()) continue;
      const auto c = static_cast<std::uint32_t>(it - m.labels.begin());
      xs.push_back(std::move(xs_all[t]));
      ys.push_back({c});
      counts[c] += 1;
    }
  }
  TextTrainOptions second;
  second.epochs = opt.epochs;
  second.learning_rate = opt.learning_rate;
  second.l2 = opt.l2;
  second.seed = base_opt.seed;
  const std::vector<float> cw = detail::class_weights(counts, xs.size(), opt.class_weights);
  detail::fit_adagrad(xs, ys, m.n_features, K, false, cw, second, {}, m.w, m.bias);
  m.offset.assign(K, 0.0f);

  std::string tune;
  if (dev) {
    tune = base_opt.tune_metric.empty() ? (dev->format == "dailydialog" ? "micro_f1_no_neutral" : "weighted_f1")
                                        : base_opt.tune_metric;
    const auto neutral = std::find(m.labels.begin(), m.labels.end(), "neutral");
    if (neutral != m.labels.end()) {
      std::vector<std::string> texts;
      for (const auto& u : dev->items) texts.push_back(u.text);
      std::vector<std::vector<float>> tuned, raw;
      m.base_scores(texts, opt.threads, tuned, raw);
      std::vector<std::vector<float>> dev_logits(dev->items.size());
      std::vector<detail::SparseVec> dx;
      for (const auto& g : group_dialogues(*dev)) {
        std::vector<std::vector<float>> p;
        std::vector<const std::string*> sp, tx;
        for (const std::size_t i : g) {
          p.push_back(raw[i]);
          sp.push_back(&dev->items[i].speaker);
          tx.push_back(&dev->items[i].text);
        }
        m.features(p, sp, tx, dx);
        for (std::size_t t = 0; t < g.size(); ++t) dev_logits[g[t]] = m.logits(dx[t]);
      }
      m.offset[static_cast<std::size_t>(neutral - m.labels.begin())] =
          detail::tune_neutral_offset(dev_logits, m.labels, static_cast<std::size_t>(neutral - m.labels.begin()),
                                      *dev, tune);
    }
  }
  nlohmann::json t;
  t["n_train"] = xs.size();
  t["dialogues"] = groups.size();
  t["folds"] = F;
  t["epochs"] = opt.epochs;
  t["learning_rate"] = opt.learning_rate;
  t["l2"] = opt.l2;
  t["class_weights"] = opt.class_weights;
  t["text_bits"] = opt.text_bits;
  t["tune_metric"] = tune;
  t["n_dev"] = dev ? dev->items.size() : 0;
  m.training_json = t.dump();
  return model;
}

// ---- prediction ----

struct ContextModel::Dialogue::State {
  std::shared_ptr<const Impl> model;
  DenseFeatures dense;
  std::string previous_text, previous_speaker;
  std::size_t n = 0;
  detail::SparseVec x, words;

  explicit State(std::shared_ptr<const Impl> m) : model(std::move(m)), dense(model->k(), model->window) {}

  std::vector<float> next(const DialogueTurn& turn, const std::vector<float>& base_probabilities) {
    const Impl& m = *model;
    SENTIO_ASSERT(base_probabilities.size() == m.k());
    std::vector<float> raw = base_probabilities;
    undo_offset(raw, m.base.logit_offsets());
    dense.next(raw, turn.speaker, x);
    if (m.text_bits > 0 && n > 0) {
      // The previous utterance's words, in a same-speaker or an other-speaker block (Impl::features).
      const bool same = !turn.speaker.empty() && previous_speaker == turn.speaker;
      const detail::HashConfig cfg{m.text_bits, false, 0, 0};
      const std::size_t first = m.dense_count(), block = std::size_t{1} << m.text_bits;
      detail::hashed_features(cfg, previous_text, words, nullptr);
      for (std::size_t f = 0; f < words.index.size(); ++f) {
        x.index.push_back(static_cast<std::uint32_t>(first + (same ? 0 : block) + words.index[f]));
        x.value.push_back(words.value[f]);
      }
    }
    previous_text = turn.text;
    previous_speaker = turn.speaker;
    ++n;
    return m.probabilities(x);
  }
};

ContextModel::Dialogue::Dialogue(std::unique_ptr<State> state) : state_(std::move(state)) {}
ContextModel::Dialogue::~Dialogue() = default;
ContextModel::Dialogue::Dialogue(Dialogue&&) noexcept = default;
ContextModel::Dialogue& ContextModel::Dialogue::operator=(Dialogue&&) noexcept = default;

std::vector<float> ContextModel::Dialogue::next(const DialogueTurn& turn, const std::vector<float>& base_probabilities) {
  return state_->next(turn, base_probabilities);
}

ContextModel::Dialogue ContextModel::dialogue() const { return Dialogue(std::make_unique<Dialogue::State>(impl_)); }

std::vector<ContextPrediction> ContextModel::predict_dialogue(const std::vector<DialogueTurn>& turns) const {
  const Impl& m = *impl_;
  std::vector<ContextPrediction> out(turns.size());
  Dialogue d = dialogue();
  for (std::size_t i = 0; i < turns.size(); ++i) {
    auto& p = out[i];
    p.no_context = m.base.probabilities(turns[i].text);
    p.probabilities = d.next(turns[i], p.no_context);
    p.top = static_cast<std::size_t>(std::max_element(p.probabilities.begin(), p.probabilities.end()) -
                                     p.probabilities.begin());
    p.top_no_context = static_cast<std::size_t>(std::max_element(p.no_context.begin(), p.no_context.end()) -
                                                p.no_context.begin());
  }
  return out;
}

void ContextModel::corpus_probabilities(const Corpus& data, int threads, std::vector<std::vector<float>>& with_context,
                                        std::vector<std::vector<float>>& without_context) const {
  std::vector<std::string> texts;
  texts.reserve(data.items.size());
  for (const auto& u : data.items) texts.push_back(u.text);
  std::vector<std::vector<float>> raw;
  impl_->base_scores(texts, threads, without_context, raw);
  with_context = impl_->context_probabilities(data, raw);
}

ContextEvalResult evaluate_context(const ContextModel& model, const Corpus& data, int threads) {
  if (data.multi_label) throw InputError("context evaluation needs single-label data");
  ContextEvalResult r;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<float>> with, without;
  model.corpus_probabilities(data, threads, with, without);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::vector<float> thresholds(model.labels().size(), 0.5f);
  r.context = detail::score_probabilities(model.labels(), false, thresholds, with, data);
  r.no_context = detail::score_probabilities(model.labels(), false, thresholds, without, data);
  r.context.seconds = seconds;
  r.no_context.seconds = seconds;
  std::map<std::string, int> ids;
  for (const auto& u : data.items)
    if (!u.dialogue_id.empty()) ids[u.dialogue_id] = 1;
  r.dialogues = ids.size();
  return r;
}

// ---- files ----

void ContextModel::save(const std::string& path) const {
  const Impl& m = *impl_;
  nlohmann::json h;
  h["format"] = kFormat;
  h["version"] = kVersion;
  h["labels"] = m.labels;
  h["window"] = m.window;
  h["n_features"] = m.n_features;
  h["text_bits"] = m.text_bits;
  h["feature_layout"] =
      "own log-probabilities; own probabilities; per distance 1..window same-speaker and other-speaker "
      "probabilities; presence indicators; speaker's previous utterance probabilities and presence; mean of all "
      "previous utterances; mean of the speaker's previous utterances; own x previous (KxK); first utterance; "
      "log(1+index)/3";
  h["bias"] = m.bias;
  h["logit_offset"] = m.offset;
  h["weights"] = {{"dtype", "float32"}, {"count", m.w.size()}, {"layout", "feature-major"}};
  h["base"] = "embedded sentio.text.model after the weights";
  h["training"] = nlohmann::json::parse(m.training_json);
  OutputFile file(path);
  std::ostream& out = file.stream();
  out << kMagic << "\n" << h.dump() << "\n";
  out.write(reinterpret_cast<const char*>(m.w.data()), static_cast<std::streamsize>(m.w.size() * sizeof(float)));
  m.base.save(out);
  file.commit();
}

bool ContextModel::is_context_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  return in && std::getline(in, magic) && magic == kMagic;
}

ContextModel ContextModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": model file not found or unreadable");
  const nlohmann::json h = detail::read_model_header(in, path, kMagic, kFormat, kVersion, "context model");
  ContextModel model;
  Impl& m = *model.impl_;
  try {
    m.labels = h.at("labels").get<std::vector<std::string>>();
    const int window = h.at("window");
    if (window < 1 || window > 16) bad_model(path, "window out of range");
    m.window = static_cast<std::size_t>(window);
    const std::size_t K = m.labels.size();
    if (K < 2) bad_model(path, "fewer than 2 labels");
    m.n_features = h.at("n_features");
    m.text_bits = h.at("text_bits");
    if (m.text_bits != 0 && (m.text_bits < 8 || m.text_bits > 22)) bad_model(path, "text_bits out of range");
    if (m.n_features != m.total_count()) bad_model(path, "n_features does not match labels, window and text_bits");
    m.bias = h.at("bias").get<std::vector<float>>();
    m.offset = h.at("logit_offset").get<std::vector<float>>();
    if (m.bias.size() != K || m.offset.size() != K) bad_model(path, "bias/logit_offset do not have one value per label");
    const auto& wj = h.at("weights");
    if (wj.at("dtype") != "float32") bad_model(path, "weights must be float32");
    if (wj.at("count").get<std::size_t>() != m.n_features * K) bad_model(path, "weight count does not match");
    m.training_json = h.value("training", nlohmann::json::object()).dump();
  } catch (const nlohmann::json::exception& e) {
    bad_model(path, std::string("header field missing or of the wrong type (") + e.what() + ")");
  }
  m.w.resize(m.n_features * m.k());
  in.read(reinterpret_cast<char*>(m.w.data()), static_cast<std::streamsize>(m.w.size() * sizeof(float)));
  if (static_cast<std::size_t>(in.gcount()) != m.w.size() * sizeof(float)) bad_model(path, "truncated weights");
  for (const float v : m.w)
    if (!std::isfinite(v)) bad_model(path, "non-finite weight");
  for (const float v : m.bias)
    if (!std::isfinite(v)) bad_model(path, "non-finite bias");
  for (const float v : m.offset)
    if (!std::isfinite(v)) bad_model(path, "non-finite logit_offset");
  m.base = TextModel::load(in, path + " (embedded base model)");
  if (m.base.labels() != m.labels) bad_model(path, "embedded base model has other labels");
  if (m.base.multi_label()) bad_model(path, "embedded base model is multi-label");
  return model;
}

}  // namespace sentio::text
