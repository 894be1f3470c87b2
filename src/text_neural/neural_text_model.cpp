// SPDX-License-Identifier: Apache-2.0
// The neural text encoder: network, training, inference, ensemble with a linear model and the model file
// (the only file of the module that includes torch, which compiles slowly).
//
// Network (Kim 2014's sentence CNN over fastText-style token vectors, Bojanowski et al. 2017):
//   token t = mean of the embedding rows of its word and its character n-grams  [n_tokens, D]
//   -> padded to [B, D, T] -> Conv1d widths 1, 2, 3 (F filters each), ReLU
//   -> per width: max and mean over the valid positions (a text shorter than the width has one position)
//   -> concat [B, 6F] -> dropout -> linear [B, K].
// Padding positions are multiplied by 0 after the ReLU, so they never win the max (outputs are >= 0) and
// are left out of the mean.
#include "sentio/text_neural/neural_text_model.hpp"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>

#include "featurize.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/core/thread_pool.hpp"

namespace sentio::text_neural {

namespace {

using json = nlohmann::json;
constexpr const char* kMagic = kNeuralTextModelMagic;
constexpr const char* kFormat = "sentio.text.neural";
constexpr int kVersion = 1;
constexpr int kWidths[] = {1, 2, 3};
constexpr std::size_t kChunk = 64;  // texts per inference batch

// ---- network --------------------------------------------------------------------------------------

struct EncoderImpl : torch::nn::Module {
  // `sparse`: the embedding gradient is a sparse tensor of the rows a batch touched (training).
  EncoderImpl(int64_t rows, int64_t dim, int64_t filters, double dropout, int64_t n_classes,
              bool sparse = false)
      : emb(register_module(
            "emb", torch::nn::EmbeddingBag(
                       torch::nn::EmbeddingBagOptions(rows, dim).mode(torch::kMean).sparse(sparse)))),
        c1(register_module("conv1", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, filters, 1)))),
        c2(register_module("conv2", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, filters, 2)))),
        c3(register_module("conv3", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, filters, 3)))),
        drop(register_module("drop", torch::nn::Dropout(dropout))),
        head(register_module("head", torch::nn::Linear(6 * filters, n_classes))) {}

  // rows/offsets: the token bags of the batch (concatenated); position[i] = b * T + t of token i;
  // lengths[b] = tokens of text b; T = max length (>= 3).
  torch::Tensor forward(const torch::Tensor& rows, const torch::Tensor& offsets,
                        const torch::Tensor& position, const torch::Tensor& lengths, int64_t B, int64_t T) {
    const torch::Tensor tok = emb(rows, offsets);  // [N, D]
    const int64_t D = tok.size(1);
    torch::Tensor x = torch::zeros({B * T, D}, tok.options()).index_copy(0, position, tok);
    x = x.view({B, T, D}).transpose(1, 2);  // [B, D, T]
    std::vector<torch::Tensor> pooled;
    torch::nn::Conv1d* convs[] = {&c1, &c2, &c3};
    for (int w = 0; w < 3; ++w) {
      const torch::Tensor c = torch::relu((*convs[w])(x));  // [B, F, T - width + 1]
      const int64_t L = c.size(2);
      const torch::Tensor valid = torch::clamp_min(lengths - kWidths[w] + 1, 1);  // [B]
      const torch::Tensor mask =
          (torch::arange(L, lengths.options()).unsqueeze(0) < valid.unsqueeze(1)).to(c.dtype()).unsqueeze(1);
      const torch::Tensor m = c * mask;
      pooled.push_back(std::get<0>(m.max(2)));
      pooled.push_back(m.sum(2) / valid.to(c.dtype()).unsqueeze(1));
    }
    return head(drop(torch::cat(pooled, 1)));
  }

  torch::nn::EmbeddingBag emb;
  torch::nn::Conv1d c1, c2, c3;
  torch::nn::Dropout drop;
  torch::nn::Linear head;
};
TORCH_MODULE(Encoder);

// A featurised batch as tensors.
struct Batch {
  torch::Tensor rows, offsets, position, lengths;
  int64_t B = 0, T = 0;
};

Batch make_batch(const std::vector<const detail::TokenBags*>& texts) {
  Batch b;
  b.B = static_cast<int64_t>(texts.size());
  std::size_t T = 3;  // the widest convolution needs 3 positions
  std::size_t n_rows = 0, n_tok = 0;
  for (const auto* t : texts) {
    T = std::max(T, t->n_tokens());
    n_rows += t->rows.size();
    n_tok += t->n_tokens();
  }
  b.T = static_cast<int64_t>(T);
  std::vector<int64_t> rows, offsets, position, lengths;
  rows.reserve(n_rows);
  offsets.reserve(n_tok);
  position.reserve(n_tok);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& t = *texts[i];
    const auto base = static_cast<int64_t>(rows.size());
    for (std::size_t k = 0; k < t.n_tokens(); ++k) {
      offsets.push_back(base + t.offsets[k]);
      position.push_back(static_cast<int64_t>(i * T + k));
    }
    rows.insert(rows.end(), t.rows.begin(), t.rows.end());
    lengths.push_back(static_cast<int64_t>(t.n_tokens()));
  }
  b.rows = torch::tensor(rows, torch::kInt64);
  b.offsets = torch::tensor(offsets, torch::kInt64);
  b.position = torch::tensor(position, torch::kInt64);
  b.lengths = torch::tensor(lengths, torch::kInt64);
  return b;
}

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a, 64 bit: detects edited or damaged weight blobs (not a security measure).
std::uint64_t fnv1a(const unsigned char* p, std::size_t n, std::uint64_t h) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

std::uint16_t to_half(float f) {
  return at::Half(f).x;
}
float from_half(std::uint16_t h) {
  return static_cast<float>(at::Half(h, at::Half::from_bits()));
}

float sigmoid(float z) {
  return 1.0f / (1.0f + std::exp(-z));
}

void softmax(std::vector<float>& z) {
  const float mx = *std::max_element(z.begin(), z.end());
  float s = 0;
  for (float& v : z) s += (v = std::exp(v - mx));
  for (float& v : z) v /= s;
}

// Raw probabilities (no decision offset) of a linear model: its neutral offset undone.
std::vector<float> linear_raw(const text::TextModel& lin, std::string_view text) {
  std::vector<float> p = lin.probabilities(text);
  if (lin.multi_label()) return p;
  const auto& off = lin.logit_offsets();
  double s = 0;
  for (std::size_t c = 0; c < p.size(); ++c) s += (p[c] *= std::exp(-off[c]));
  for (float& v : p) v = static_cast<float>(v / s);
  return p;
}

// Mixed probabilities -> the logits the decision tuning works on (log for softmax, logit for sigmoid).
std::vector<float> mix_to_logits(const std::vector<float>& pn, const std::vector<float>& pl, float w,
                                 bool multi) {
  std::vector<float> z(pn.size());
  for (std::size_t c = 0; c < z.size(); ++c) {
    const double p = std::clamp(static_cast<double>(w) * pn[c] + (1.0 - w) * pl[c], 1e-7, 1.0 - 1e-7);
    z[c] = static_cast<float>(multi ? std::log(p / (1 - p)) : std::log(p));
  }
  return z;
}

}  // namespace

// ---- model ----------------------------------------------------------------------------------------

struct NeuralTextModel::Impl {
  NeuralTextOptions options;
  std::vector<std::string> labels;
  bool multi = false;
  Encoder net{nullptr};
  // The network's own decision (dev-tuned) and, for an ensemble, the mixture's.
  std::vector<float> offsets, thresholds;
  bool ensemble = false;
  float mix = 1.0f;  // weight of the neural probabilities in the ensemble
  std::vector<float> ens_offsets, ens_thresholds;
  text::TextModel linear;
  std::string training_json = "{}";

  detail::HashInput input() const {
    return {options.hash_bits, options.char_min, options.char_max, options.max_tokens};
  }

  // Raw logits of texts[b..e) (inference mode, the calling thread's torch settings).
  std::vector<std::vector<float>> logits(const std::vector<std::string>& texts, std::size_t b,
                                         std::size_t e) const {
    c10::InferenceMode guard;
    std::vector<detail::TokenBags> bags;
    bags.reserve(e - b);
    for (std::size_t i = b; i < e; ++i) bags.push_back(detail::featurize(input(), texts[i]));
    std::vector<const detail::TokenBags*> ptrs;
    for (const auto& x : bags) ptrs.push_back(&x);
    const Batch batch = make_batch(ptrs);
    Encoder holder = net;  // a holder copy shares the module; forward() is not const
    const torch::Tensor out =
        holder->forward(batch.rows, batch.offsets, batch.position, batch.lengths, batch.B, batch.T)
            .contiguous();
    const std::size_t K = labels.size();
    const float* p = out.data_ptr<float>();
    std::vector<std::vector<float>> z(e - b);
    for (std::size_t i = 0; i < z.size(); ++i) z[i].assign(p + i * K, p + (i + 1) * K);
    return z;
  }

  // Final probabilities of one text from its network logits; `component` as in scorer().
  std::vector<float> finish(std::vector<float> z, std::string_view text, const std::string& component) const {
    const bool use_ensemble = ensemble && component.empty();
    if (!use_ensemble) {
      for (std::size_t c = 0; c < z.size(); ++c) z[c] += offsets[c];
      if (multi) {
        for (float& v : z) v = sigmoid(v);
      } else {
        softmax(z);
      }
      return z;
    }
    std::vector<float> pn = z;
    if (multi) {
      for (float& v : pn) v = sigmoid(v);
    } else {
      softmax(pn);
    }
    std::vector<float> mixed = mix_to_logits(pn, linear_raw(linear, text), mix, multi);
    for (std::size_t c = 0; c < mixed.size(); ++c) mixed[c] += ens_offsets[c];
    if (multi) {
      for (float& v : mixed) v = sigmoid(v);
    } else {
      softmax(mixed);
    }
    return mixed;
  }

  std::vector<std::vector<float>> probabilities(const std::vector<std::string>& texts, int threads,
                                                const std::string& component) const {
    std::vector<std::vector<float>> out(texts.size());
    if (component == "linear") {
      SENTIO_ASSERT(ensemble);
      return linear.probabilities(texts, threads);
    }
    const std::size_t n_chunks = (texts.size() + kChunk - 1) / kChunk;
    ThreadPool pool(std::max(1, threads));
    pool.parallel_for(n_chunks, [&](std::size_t cb, std::size_t ce, int) {
      torch_runtime::apply_to_this_thread();
      for (std::size_t c = cb; c < ce; ++c) {
        const std::size_t b = c * kChunk, e = std::min(texts.size(), b + kChunk);
        auto z = logits(texts, b, e);
        for (std::size_t i = b; i < e; ++i) out[i] = finish(std::move(z[i - b]), texts[i], component);
      }
    });
    return out;
  }
};

NeuralTextModel::NeuralTextModel() : impl_(std::make_shared<Impl>()) {}
NeuralTextModel::~NeuralTextModel() = default;
NeuralTextModel::NeuralTextModel(const NeuralTextModel&) = default;
NeuralTextModel& NeuralTextModel::operator=(const NeuralTextModel&) = default;
NeuralTextModel::NeuralTextModel(NeuralTextModel&&) noexcept = default;
NeuralTextModel& NeuralTextModel::operator=(NeuralTextModel&&) noexcept = default;

const std::vector<std::string>& NeuralTextModel::labels() const {
  return impl_->labels;
}
bool NeuralTextModel::multi_label() const {
  return impl_->multi;
}
const std::vector<float>& NeuralTextModel::thresholds() const {
  return impl_->ensemble ? impl_->ens_thresholds : impl_->thresholds;
}
bool NeuralTextModel::is_ensemble() const {
  return impl_->ensemble;
}
const NeuralTextOptions& NeuralTextModel::options() const {
  return impl_->options;
}

std::string NeuralTextModel::description() const {
  const Impl& m = *impl_;
  const auto& o = m.options;
  std::string s = "neural (hashed word + char " + std::to_string(o.char_min) + "-" +
                  std::to_string(o.char_max) + "-gram embeddings, 2^" + std::to_string(o.hash_bits) + " x " +
                  std::to_string(o.embedding_dim) + ", CNN widths 1-3 x " + std::to_string(o.filters) +
                  ", max+mean pooling)";
  if (m.ensemble) {
    char w[32];
    std::snprintf(w, sizeof w, "%.2f", static_cast<double>(m.mix));
    // The linear model's own description without its head and labels (the same as ours).
    const std::string lin = m.linear.description();
    s += " + ensemble with " + lin.substr(0, lin.find("), ") + 1) + " (neural weight " + w + ")";
  }
  s += m.multi ? ", multi-label sigmoid" : ", softmax";
  s += ", labels ";
  for (std::size_t c = 0; c < m.labels.size(); ++c) s += (c ? "," : "") + m.labels[c];
  return s;
}

std::vector<std::vector<float>> NeuralTextModel::probabilities(const std::vector<std::string>& texts,
                                                               int threads) const {
  return impl_->probabilities(texts, threads, "");
}

std::vector<float> NeuralTextModel::probabilities(std::string_view text) const {
  // On the calling thread (no pool for one text), with its own torch thread settings.
  const std::vector<std::string> one{std::string(text)};
  torch_runtime::apply_to_this_thread();
  return impl_->finish(std::move(impl_->logits(one, 0, 1).front()), text, "");
}

text::TextPrediction NeuralTextModel::predict(std::string_view text) const {
  return text::describe_probabilities(impl_->labels, impl_->multi, thresholds(), probabilities(text));
}

text::TextScorer NeuralTextModel::scorer(const std::string& component) const {
  if (component != "" && component != "neural" && component != "linear")
    throw InputError("unknown model component '" + component + "'");
  if (component == "linear" && !impl_->ensemble)
    throw InputError("the model is not an ensemble: no linear component");
  text::TextScorer s;
  s.labels = impl_->labels;
  s.multi_label = impl_->multi;
  s.thresholds = component.empty()       ? thresholds()
                 : component == "neural" ? impl_->thresholds
                                         : impl_->linear.thresholds();
  auto impl = impl_;
  s.probabilities = [impl, component](const std::vector<std::string>& texts, int threads) {
    return impl->probabilities(texts, threads, component);
  };
  return s;
}

// ---- training -------------------------------------------------------------------------------------

namespace {

void check_options(const NeuralTextOptions& o) {
  auto need = [](bool ok, const char* what) {
    if (!ok) throw InputError(what);
  };
  need(o.hash_bits >= 8 && o.hash_bits <= 24, "--hash-bits must be in 8..24 for the neural model");
  need(o.char_min >= 0 &&
           (o.char_min == 0 || (o.char_min >= 1 && o.char_max >= o.char_min && o.char_max <= 8)),
       "--char-min/--char-max: 0, or 1 <= min <= max <= 8");
  need(o.max_tokens >= 1 && o.max_tokens <= 4096, "--max-tokens must be in 1..4096");
  need(o.embedding_dim >= 1 && o.embedding_dim <= 1024, "--embedding-dim must be in 1..1024");
  need(o.filters >= 1 && o.filters <= 4096, "--filters must be in 1..4096");
  need(o.dropout >= 0 && o.dropout < 1, "--dropout must be in [0, 1)");
  need(o.epochs >= 1, "--epochs must be >= 1");
  need(o.patience >= 0, "--patience must be >= 0");
  need(o.batch_size >= 2, "--batch-size must be >= 2");
  need(o.learning_rate > 0, "--learning-rate must be > 0");
  need(o.weight_decay >= 0, "--weight-decay must be >= 0");
  need(o.class_weights == "none" || o.class_weights == "balanced" || o.class_weights == "sqrt",
       "--class-weights must be none, balanced or sqrt");
  need(o.multi_label == "auto" || o.multi_label == "yes" || o.multi_label == "no",
       "--multi-label must be auto, yes or no");
  need(o.threads >= 1, "-j must be >= 1");
}

// Scores precomputed dev probabilities with a decision (the shared evaluation code).
text::TextEvalResult score(const std::vector<std::vector<float>>& probs,
                           const std::vector<std::string>& labels, bool multi,
                           const std::vector<float>& thresholds, const text::Corpus& dev) {
  text::TextScorer s;
  s.labels = labels;
  s.multi_label = multi;
  s.thresholds = thresholds;
  s.probabilities = [&probs](const std::vector<std::string>&, int) { return probs; };
  return text::evaluate(s, dev, 1);
}

std::vector<std::vector<float>> apply_decision(std::vector<std::vector<float>> logits,
                                               const std::vector<float>& offsets, bool multi) {
  for (auto& z : logits) {
    for (std::size_t c = 0; c < z.size(); ++c) z[c] += offsets[c];
    if (multi) {
      for (float& v : z) v = sigmoid(v);
    } else {
      softmax(z);
    }
  }
  return logits;
}

}  // namespace

NeuralTextModel NeuralTextModel::train(const text::Corpus& train_in, const text::Corpus* dev,
                                       const NeuralTextOptions& o, const Progress& progress) {
  check_options(o);
  NeuralTextModel model;
  Impl& m = *model.impl_;
  m.options = o;
  m.multi = o.multi_label == "yes" || (o.multi_label == "auto" && train_in.multi_label);

  // Items and labels (the label order of the linear model: core labels first, then the others sorted).
  std::vector<const text::LabelledUtterance*> items;
  std::vector<std::vector<std::string>> item_labels;
  std::set<std::string> present;
  for (const auto& u : train_in.items) {
    std::vector<std::string> ls;
    for (const auto& l : u.labels)
      if (o.keep_labels.empty() ||
          std::find(o.keep_labels.begin(), o.keep_labels.end(), l) != o.keep_labels.end())
        ls.push_back(l);
    if (ls.empty()) continue;
    for (const auto& l : ls) present.insert(l);
    items.push_back(&u);
    item_labels.push_back(std::move(ls));
  }
  if (present.size() < 2) throw InputError("training data has fewer than 2 labels");
  for (const auto core : text::kCoreLabels)
    if (present.count(std::string(core))) m.labels.emplace_back(core);
  for (const auto& l : present)
    if (std::find(m.labels.begin(), m.labels.end(), l) == m.labels.end()) m.labels.push_back(l);
  const std::size_t K = m.labels.size();
  std::map<std::string, std::size_t> index;
  for (std::size_t c = 0; c < K; ++c) index[m.labels[c]] = c;
  m.offsets.assign(K, 0.0f);
  m.thresholds.assign(K, 0.5f);

  // Targets (single-label: an item with several labels spreads its mass evenly) and class weights.
  const std::size_t n = items.size();
  std::vector<float> target(n * K, 0.0f);
  std::vector<double> counts(K, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& l : item_labels[i]) {
      const float share = m.multi ? 1.0f : 1.0f / static_cast<float>(item_labels[i].size());
      target[i * K + index[l]] = share;
      counts[index[l]] += 1.0 / static_cast<double>(item_labels[i].size());
    }
  std::vector<float> cw(K, 1.0f);
  if (o.class_weights != "none")
    for (std::size_t c = 0; c < K; ++c) {
      double wgt = counts[c] > 0 ? static_cast<double>(n) / (static_cast<double>(K) * counts[c]) : 1.0;
      if (o.class_weights == "sqrt") wgt = std::sqrt(wgt);
      cw[c] = static_cast<float>(std::min(wgt, 50.0));
    }

  // Inputs once.
  const detail::HashInput input = m.input();
  std::vector<detail::TokenBags> bags(n);
  for (std::size_t i = 0; i < n; ++i) bags[i] = detail::featurize(input, items[i]->text);
  std::vector<std::string> dev_texts;
  if (dev)
    for (const auto& u : dev->items) dev_texts.push_back(u.text);

  torch_runtime::set_threads(std::max(1, o.threads));
  torch::manual_seed(o.seed);
  m.net = Encoder(int64_t{1} << o.hash_bits, o.embedding_dim, o.filters, o.dropout, static_cast<int64_t>(K),
                  true);
  {
    torch::NoGradGuard g;
    m.net->emb->weight.normal_(0.0, 0.1);
  }
  json init_json;
  if (!o.init_from.empty()) {
    // Transfer: start from another neural model's weights (same input hashing and sizes); the output
    // layer too when both have the same labels.
    const NeuralTextModel src = load(o.init_from);
    const NeuralTextOptions& so = src.options();
    if (so.hash_bits != o.hash_bits || so.char_min != o.char_min || so.char_max != o.char_max ||
        so.embedding_dim != o.embedding_dim || so.filters != o.filters)
      throw InputError(o.init_from +
                       ": --init-from needs the same --hash-bits, --char-min/max, --embedding-dim and "
                       "--filters as the model being trained");
    std::map<std::string, torch::Tensor> from;
    for (const auto& p : src.impl_->net->named_parameters()) from[p.key()] = p.value();
    torch::NoGradGuard g;
    std::vector<std::string> copied;
    for (auto& p : m.net->named_parameters()) {
      const auto it = from.find(p.key());
      const bool head = p.key().rfind("head.", 0) == 0;
      if (it == from.end() || it->second.sizes() != p.value().sizes() || (head && src.labels() != m.labels))
        continue;
      p.value().copy_(it->second);
      copied.push_back(p.key());
    }
    init_json = {{"model", o.init_from}, {"tensors", copied}};
  }
  // Dense layers: Adam (weight decay on them only). The embedding table: "lazy" Adam on the rows a batch
  // touched (sparse gradient; moments of untouched rows are left as they are) -- a dense Adam step over
  // all 2^hash_bits rows cost more than the rest of the step together.
  std::vector<torch::Tensor> dense;
  for (const auto& p : m.net->named_parameters())
    if (p.key().rfind("emb.", 0) != 0) dense.push_back(p.value());
  torch::optim::Adam opt(dense, torch::optim::AdamOptions(o.learning_rate).weight_decay(o.weight_decay));
  torch::Tensor& table = m.net->emb->weight;
  const torch::Tensor moment1 = torch::zeros_like(table), moment2 = torch::zeros_like(table);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  int64_t sparse_steps = 0;
  auto sparse_adam_step = [&] {
    torch::Tensor g = table.grad();
    if (!g.defined()) return;
    torch::NoGradGuard no_grad;
    g = g.coalesce();
    const torch::Tensor idx = g.indices().select(0, 0), val = g.values();
    ++sparse_steps;
    const torch::Tensor m1 = moment1.index_select(0, idx).mul_(kBeta1).add_(val, 1 - kBeta1);
    const torch::Tensor m2 = moment2.index_select(0, idx).mul_(kBeta2).addcmul_(val, val, 1 - kBeta2);
    moment1.index_copy_(0, idx, m1);
    moment2.index_copy_(0, idx, m2);
    const double bc1 = 1 - std::pow(kBeta1, static_cast<double>(sparse_steps));
    const double bc2 = 1 - std::pow(kBeta2, static_cast<double>(sparse_steps));
    table.index_add_(0, idx, m1.div(m2.div(bc2).sqrt_().add_(kEps)).mul_(-o.learning_rate / bc1));
    table.mutable_grad() = torch::Tensor();
  };
  const torch::Tensor class_weights = torch::tensor(cw);

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::uint64_t rng = o.seed ^ 0x7e47ce11ULL;
  double best = -1;
  int best_epoch = 0, since_best = 0;
  std::vector<torch::Tensor> best_state;
  detail::TokenBags none;
  std::string tune_metric = o.tune_metric;
  const auto bs = static_cast<std::size_t>(o.batch_size);
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[splitmix(rng) % i]);
    m.net->train();
    double loss_sum = 0;
    std::size_t loss_n = 0;
    for (std::size_t b0 = 0; b0 < n; b0 += bs) {
      const std::size_t b1 = std::min(n, b0 + bs);
      std::vector<const detail::TokenBags*> ptrs;
      std::vector<float> y;
      for (std::size_t i = b0; i < b1; ++i) {
        ptrs.push_back(&bags[order[i]]);
        y.insert(y.end(), target.begin() + static_cast<std::ptrdiff_t>(order[i] * K),
                 target.begin() + static_cast<std::ptrdiff_t>((order[i] + 1) * K));
      }
      const Batch batch = make_batch(ptrs);
      const torch::Tensor yt =
          torch::from_blob(y.data(), {batch.B, static_cast<int64_t>(K)}, torch::kFloat32);
      const torch::Tensor z =
          m.net->forward(batch.rows, batch.offsets, batch.position, batch.lengths, batch.B, batch.T);
      torch::Tensor loss;
      if (m.multi) {
        // Class weights scale each label's positive term (as the linear model's sigmoid training).
        loss = torch::nn::functional::binary_cross_entropy_with_logits(
            z, yt,
            torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(class_weights));
      } else {
        // Soft-target cross-entropy; an example weighs the mean class weight of its labels.
        const torch::Tensor ew = (yt * class_weights.unsqueeze(0)).sum(1);
        const torch::Tensor ce = -(yt * torch::log_softmax(z, 1)).sum(1);
        loss = (ce * ew).sum() / ew.sum();
      }
      opt.zero_grad();
      loss.backward();
      opt.step();
      sparse_adam_step();
      loss_sum += loss.item<double>();
      ++loss_n;
    }
    double dev_score = -1;
    if (dev) {
      m.net->eval();
      std::vector<std::vector<float>> dev_logits;
      for (std::size_t b = 0; b < dev_texts.size(); b += kChunk) {
        auto z = m.logits(dev_texts, b, std::min(dev_texts.size(), b + kChunk));
        for (auto& r : z) dev_logits.push_back(std::move(r));
      }
      const text::DecisionTuning d = text::tune_decision(dev_logits, m.labels, m.multi, *dev, o.tune_metric);
      tune_metric = d.metric;
      dev_score = text::metric_value(
          score(apply_decision(dev_logits, d.logit_offsets, m.multi), m.labels, m.multi, d.thresholds, *dev),
          d.metric);
      if (dev_score > best) {
        best = dev_score;
        best_epoch = epoch;
        since_best = 0;
        m.offsets = d.logit_offsets;
        m.thresholds = d.thresholds;
        best_state.clear();
        for (const auto& p : m.net->parameters()) best_state.push_back(p.detach().clone());
      } else {
        ++since_best;
      }
    }
    if (progress) progress(epoch, o.epochs, loss_n ? loss_sum / static_cast<double>(loss_n) : 0.0, dev_score);
    if (dev && o.patience > 0 && since_best >= o.patience) break;
  }
  if (!best_state.empty()) {
    torch::NoGradGuard g;
    std::size_t i = 0;
    for (auto& p : m.net->parameters()) p.copy_(best_state[i++]);
  }
  m.net->eval();

  json t;
  t["n_train"] = n;
  t["train_format"] = train_in.format;
  t["train_label_set"] = train_in.label_set;
  t["n_dev"] = dev ? dev->items.size() : 0;
  t["tune_metric"] = dev ? tune_metric : "";
  t["best_epoch"] = best_epoch;
  t["dev_score"] = best;
  if (!init_json.is_null()) t["init_from"] = init_json;

  // Ensemble: mixing weight (grid 0..1 by 0.1) and the mixture's decision, both chosen on dev.
  if (!o.ensemble_with.empty()) {
    if (!dev)
      throw InputError("--ensemble-with needs --dev (the mixing weight is chosen on the development set)");
    text::TextModel lin = text::TextModel::load(o.ensemble_with);
    if (lin.labels() != m.labels || lin.multi_label() != m.multi)
      throw InputError(o.ensemble_with +
                       ": the linear model's labels or multi-label mode differ from the neural model's");
    m.linear = lin;
    m.ensemble = true;
    std::vector<std::vector<float>> pn, pl(dev_texts.size());
    for (std::size_t b = 0; b < dev_texts.size(); b += kChunk) {
      auto z = m.logits(dev_texts, b, std::min(dev_texts.size(), b + kChunk));
      for (auto& r : z) {
        if (m.multi) {
          for (float& v : r) v = sigmoid(v);
        } else {
          softmax(r);
        }
        pn.push_back(std::move(r));
      }
    }
    for (std::size_t i = 0; i < dev_texts.size(); ++i) pl[i] = linear_raw(lin, dev_texts[i]);
    double best_mix = -1;
    for (int s = 0; s <= 10; ++s) {
      const float w = static_cast<float>(s) / 10.0f;
      std::vector<std::vector<float>> z(dev_texts.size());
      for (std::size_t i = 0; i < z.size(); ++i) z[i] = mix_to_logits(pn[i], pl[i], w, m.multi);
      const text::DecisionTuning d = text::tune_decision(z, m.labels, m.multi, *dev, o.tune_metric);
      const double v = text::metric_value(
          score(apply_decision(z, d.logit_offsets, m.multi), m.labels, m.multi, d.thresholds, *dev),
          d.metric);
      if (v > best_mix + 1e-9) {
        best_mix = v;
        m.mix = w;
        m.ens_offsets = d.logit_offsets;
        m.ens_thresholds = d.thresholds;
      }
    }
    t["ensemble_dev_score"] = best_mix;
    t["ensemble_with"] = o.ensemble_with;
  }
  m.training_json = t.dump();
  return model;
}

// ---- model file -----------------------------------------------------------------------------------

namespace {

json options_json(const NeuralTextOptions& o) {
  return {{"hash_bits", o.hash_bits},
          {"char_min", o.char_min},
          {"char_max", o.char_max},
          {"max_tokens", o.max_tokens},
          {"embedding_dim", o.embedding_dim},
          {"filters", o.filters},
          {"dropout", o.dropout},
          {"epochs", o.epochs},
          {"patience", o.patience},
          {"batch_size", o.batch_size},
          {"learning_rate", o.learning_rate},
          {"weight_decay", o.weight_decay},
          {"class_weights", o.class_weights},
          {"multi_label", o.multi_label},
          {"tune_metric", o.tune_metric},
          {"keep_labels", o.keep_labels},
          {"seed", o.seed},
          {"threads", o.threads}};
}

[[noreturn]] void bad(const std::string& path, const std::string& cause) {
  throw InputError(path + ": not a valid Sentio neural text model: " + cause);
}

}  // namespace

void NeuralTextModel::save(const std::string& path) const {
  static_assert(std::endian::native == std::endian::little, "model files are little-endian");
  const Impl& m = *impl_;
  OutputFile file(path);
  std::ostream& out = file.stream();
  json h;
  h["format"] = kFormat;
  h["version"] = kVersion;
  h["type"] = "neural";
  h["architecture"] = "hashed-subword-embedding-bag+cnn-1-2-3+max-mean-pool+linear";
  h["labels"] = m.labels;
  h["multi_label"] = m.multi;
  h["options"] = options_json(m.options);
  h["decision"] = {{"logit_offset", m.offsets}, {"thresholds", m.thresholds}};
  // Tensors: name, shape, dtype; the embedding table may be half precision, the rest is float32.
  std::string blob;
  json tensors = json::array();
  std::uint64_t sum = 1469598103934665603ull;
  for (const auto& p : m.net->named_parameters()) {
    const torch::Tensor c = p.value().detach().to(torch::kFloat32).contiguous();
    const bool half = m.options.float16 && p.key() == "emb.weight";
    const auto count = static_cast<std::size_t>(c.numel());
    const float* v = c.data_ptr<float>();
    std::string bytes;
    if (half) {
      std::vector<std::uint16_t> hv(count);
      for (std::size_t i = 0; i < count; ++i) hv[i] = to_half(v[i]);
      bytes.assign(reinterpret_cast<const char*>(hv.data()), count * 2);
    } else {
      bytes.assign(reinterpret_cast<const char*>(v), count * 4);
    }
    sum = fnv1a(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), sum);
    tensors.push_back({{"name", p.key()},
                       {"shape", c.sizes().vec()},
                       {"dtype", half ? "float16" : "float32"},
                       {"bytes", bytes.size()}});
    blob += bytes;
  }
  h["tensors"] = tensors;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(sum));
  h["checksum"] = std::string("fnv1a64:") + hex;
  if (m.ensemble)
    h["ensemble"] = {{"neural_weight", m.mix},
                     {"logit_offset", m.ens_offsets},
                     {"thresholds", m.ens_thresholds},
                     {"linear", m.linear.description()}};
  h["training"] = json::parse(m.training_json);
  out << kMagic << "\n" << h.dump() << "\n";
  out.write(blob.data(), static_cast<std::streamsize>(blob.size()));
  if (m.ensemble) m.linear.save(out);
  file.commit();
}

NeuralTextModel NeuralTextModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": model file not found or unreadable");
  std::string first, header;
  std::getline(in, first);
  if (first != kMagic) bad(path, std::string("missing '") + kMagic + "' first line");
  if (!std::getline(in, header)) bad(path, "no header line");
  NeuralTextModel model;
  Impl& m = *model.impl_;
  json h;
  std::vector<std::pair<torch::Tensor, std::string>> pending;  // target, dtype
  try {
    h = json::parse(header);
    if (h.at("format") != kFormat) bad(path, std::string("format is not ") + kFormat);
    if (h.at("version").get<int>() != kVersion)
      bad(path, "version " + h.at("version").dump() + " (this Sentio reads version " +
                    std::to_string(kVersion) + ")");
    m.labels = h.at("labels").get<std::vector<std::string>>();
    if (m.labels.size() < 2) bad(path, "fewer than 2 labels");
    const std::size_t K = m.labels.size();
    m.multi = h.at("multi_label");
    const json& oj = h.at("options");
    auto& o = m.options;
    o.hash_bits = oj.at("hash_bits");
    o.char_min = oj.at("char_min");
    o.char_max = oj.at("char_max");
    o.max_tokens = oj.at("max_tokens");
    o.embedding_dim = oj.at("embedding_dim");
    o.filters = oj.at("filters");
    o.dropout = oj.at("dropout");
    o.epochs = oj.at("epochs");
    o.patience = oj.at("patience");
    o.batch_size = oj.at("batch_size");
    o.learning_rate = oj.at("learning_rate");
    o.weight_decay = oj.at("weight_decay");
    o.class_weights = oj.at("class_weights");
    o.multi_label = oj.at("multi_label");
    o.tune_metric = oj.at("tune_metric");
    o.keep_labels = oj.at("keep_labels").get<std::vector<std::string>>();
    o.seed = oj.at("seed");
    o.threads = oj.at("threads");
    try {
      check_options(o);
    } catch (const InputError& e) {
      bad(path, std::string("options out of range (") + e.what() + ")");
    }
    m.offsets = h.at("decision").at("logit_offset").get<std::vector<float>>();
    m.thresholds = h.at("decision").at("thresholds").get<std::vector<float>>();
    if (m.offsets.size() != K || m.thresholds.size() != K)
      bad(path, "decision does not have one value per label");
    const auto finite = [](const std::vector<float>& v) {
      return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
    };
    if (!finite(m.offsets) || !finite(m.thresholds))
      bad(path, "decision logit_offset/thresholds has a value that is not a finite float");
    if (h.contains("ensemble")) {
      const json& e = h.at("ensemble");
      m.ensemble = true;
      m.mix = e.at("neural_weight");
      m.ens_offsets = e.at("logit_offset").get<std::vector<float>>();
      m.ens_thresholds = e.at("thresholds").get<std::vector<float>>();
      if (!(m.mix >= 0 && m.mix <= 1) || m.ens_offsets.size() != K || m.ens_thresholds.size() != K)
        bad(path, "ensemble weight or decision out of range");
      if (!finite(m.ens_offsets) || !finite(m.ens_thresholds))
        bad(path, "ensemble logit_offset/thresholds has a value that is not a finite float");
    }
    // The options fix the network's size; the file holds at least 2 bytes (float16) per weight. Options
    // declaring more than that (an altered header: 2^24 x 1024 embeddings are 64 GiB) are refused before
    // anything is allocated.
    {
      const auto dim = static_cast<std::uint64_t>(o.embedding_dim), f = static_cast<std::uint64_t>(o.filters);
      const std::uint64_t weights = (std::uint64_t{1} << o.hash_bits) * dim + 6 * f * dim + 3 * f + 6 * f * K + K;
      const std::streamoff here = in.tellg();
      in.seekg(0, std::ios::end);
      const std::streamoff end = in.tellg();
      in.seekg(here);
      const auto available = static_cast<std::uint64_t>(std::max<std::streamoff>(end - here, 0));
      if (here < 0 || end < 0 || weights * 2 > available)
        bad(path, "the options declare " + std::to_string(weights) + " weights, more than the file's " +
                      std::to_string(available) + " bytes of weights can hold (truncated file or altered header?)");
    }
    m.net =
        Encoder(int64_t{1} << o.hash_bits, o.embedding_dim, o.filters, o.dropout, static_cast<int64_t>(K));
    std::map<std::string, torch::Tensor> targets;
    for (const auto& p : m.net->named_parameters()) targets[p.key()] = p.value();
    const json& tj = h.at("tensors");
    if (!tj.is_array() || tj.size() != targets.size())
      bad(path, "expected " + std::to_string(targets.size()) + " tensors for this architecture");
    for (const auto& t : tj) {
      const std::string name = t.at("name");
      const auto it = targets.find(name);
      if (it == targets.end()) bad(path, "unexpected tensor '" + name + "'");
      if (t.at("shape").get<std::vector<int64_t>>() != it->second.sizes().vec())
        bad(path, "tensor '" + name + "' has the wrong shape for the options");
      const std::string dtype = t.at("dtype");
      if (dtype != "float32" && dtype != "float16")
        bad(path, "tensor '" + name + "': unknown dtype '" + dtype + "'");
      const std::size_t expected =
          static_cast<std::size_t>(it->second.numel()) * (dtype == "float16" ? 2 : 4);
      if (t.at("bytes").get<std::size_t>() != expected)
        bad(path, "tensor '" + name + "': byte count does not match its shape");
      pending.emplace_back(it->second, dtype);
      targets.erase(it);
    }
    m.training_json = h.value("training", json::object()).dump();
  } catch (const json::exception& e) {
    bad(path,
        std::string("header is not JSON or a field is missing or of the wrong type (") + e.what() + ")");
  }
  // The weights, then (ensemble) the embedded linear model.
  torch::NoGradGuard no_grad;
  std::uint64_t sum = 1469598103934665603ull;
  std::string bytes;
  for (auto& [target, dtype] : pending) {
    const auto count = static_cast<std::size_t>(target.numel());
    bytes.resize(count * (dtype == "float16" ? 2 : 4));
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
      bad(path, "weights end early (truncated file?)");
    sum = fnv1a(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), sum);
    std::vector<float> v(count);
    if (dtype == "float32") {
      std::memcpy(v.data(), bytes.data(), bytes.size());
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        std::uint16_t x;
        std::memcpy(&x, bytes.data() + 2 * i, 2);
        v[i] = from_half(x);
      }
    }
    for (const float x : v)
      if (!std::isfinite(x)) bad(path, "non-finite weight");
    target.copy_(torch::from_blob(v.data(), target.sizes(), torch::kFloat32));
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(sum));
  if (h.value("checksum", std::string()) != std::string("fnv1a64:") + hex)
    bad(path, "weight checksum mismatch (the file was modified or damaged)");
  if (m.ensemble) {
    m.linear = text::TextModel::load(in, path + " (embedded linear model)");
    if (m.linear.labels() != m.labels || m.linear.multi_label() != m.multi)
      bad(path, "the embedded linear model's labels differ from the neural model's");
  } else if (in.peek() != std::char_traits<char>::eof()) {
    bad(path, "unexpected bytes after the weights");
  }
  m.net->eval();
  return model;
}

}  // namespace sentio::text_neural
