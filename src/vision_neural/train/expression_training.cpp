// SPDX-License-Identifier: Apache-2.0
// Fine-tuning of the expression model (face_training.hpp). Method:
//  * Data: manifest rows (optionally one split) whose label maps to a model class; each image is decoded
//    and turned into the 64x64 grey crop exactly as FaceAnalyzer::classify_crop does
//    (ExpressionModel::crop_whole), kept in memory as 8-bit pixels (28.7k FER2013 images = 118 MB).
//  * Holdout: per class, a seeded shuffle puts round(fraction x n_class) rows aside; they choose the epoch.
//  * Augmentation (training batches only), on the 64x64 crop: horizontal flip (p = 0.5); one affine warp
//    with rotation U(-10, 10) degrees, scale U(0.9, 1.1), shift U(-4, 4) px per axis (bilinear, reflected
//    border); contrast U(0.8, 1.2) about mid-grey and brightness U(-20, 20) grey levels.
//  * Optimisation: AdamW (beta 0.9/0.999, eps 1e-8, decoupled weight decay on filters, not on biases),
//    learning rate warmed up linearly over the first epoch, then cosine decay to 0 at the last step;
//    cross-entropy with label smoothing on the logits (the graph's final Softmax is skipped).
//  * The graph runs through TrainableGraph (train/trainable_graph.hpp): the runner's own kernels with
//    autograd. The weights of the best holdout epoch (or the base weights if no epoch beats them) are
//    written as a TF.js graph model with the same topology.
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <opencv2/imgproc.hpp>

#include "face/image_ops.hpp"
#include "face/manifest.hpp"
#include "face/stages.hpp"
#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/core/thread_pool.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "sentio/vision_neural/face_training.hpp"
#include "sentio/vision_neural/graph_model.hpp"
#include "train/holdout.hpp"
#include "train/trainable_graph.hpp"

namespace sentio::vision {

namespace {

constexpr int kSide = face::kExpressionInputSize;
constexpr std::size_t kPixels = static_cast<std::size_t>(kSide) * kSide;

struct Dataset {
  std::vector<std::uint8_t> pixels;  // n x 64 x 64 grey
  std::vector<std::int64_t> label;   // model output index (FER order)
  std::size_t size() const { return label.size(); }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * kPixels; }
};

// FER-order index of a core label.
std::int64_t model_index(Expression e) {
  for (std::size_t k = 0; k < face::kFerToCore.size(); ++k)
    if (face::kFerToCore[k] == e) return static_cast<std::int64_t>(k);
  SENTIO_ASSERT(false);
  return -1;
}

Dataset read_dataset(const FaceTrainOptions& o, std::size_t& n_skipped) {
  const auto rows = face::read_manifest(o.manifest, o.split);
  std::vector<std::pair<std::string, std::int64_t>> items;
  for (const auto& r : rows) {
    const LabelMapping m = map_expression_label(r.label);
    if (m.status != LabelStatus::supported) {
      ++n_skipped;
      continue;
    }
    items.emplace_back(r.path, model_index(m.expression));
  }
  if (o.max_images > 0 && static_cast<std::size_t>(o.max_images) < items.size()) {
    // A seeded random subset (manifests are often sorted by label), kept in manifest order.
    std::vector<std::size_t> pick(items.size());
    for (std::size_t i = 0; i < pick.size(); ++i) pick[i] = i;
    std::mt19937_64 rng(o.seed ^ 0x11a6e5u);
    std::shuffle(pick.begin(), pick.end(), rng);
    pick.resize(static_cast<std::size_t>(o.max_images));
    std::sort(pick.begin(), pick.end());
    std::vector<std::pair<std::string, std::int64_t>> kept;
    for (const std::size_t i : pick) kept.push_back(std::move(items[i]));
    items = std::move(kept);
  }
  if (items.empty())
    throw InputError("'" + o.manifest + "': no row with a supported expression label" +
                     (o.split.empty() ? std::string() : " in split '" + o.split + "'"));
  Dataset d;
  d.pixels.resize(items.size() * kPixels);
  d.label.resize(items.size());
  std::vector<std::string> errors(items.size());
  ThreadPool pool(std::max(1, o.threads));
  pool.parallel_for(items.size(), [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) {
      try {
        const Image image = decode_image_file(items[i].first);
        // The crop exactly as FaceAnalyzer::classify_crop makes it.
        cv::Mat crop = face::ExpressionModel::crop_whole(face::as_mat(image));
        if (!crop.isContinuous()) crop = crop.clone();
        std::copy(crop.data, crop.data + kPixels, d.pixels.data() + i * kPixels);
        d.label[i] = items[i].second;
      } catch (const InputError& err) {
        errors[i] = err.what();
      }
    }
  });
  std::size_t n_bad = 0;
  std::string first;
  for (const auto& e : errors)
    if (!e.empty()) {
      if (n_bad++ == 0) first = e;
    }
  if (n_bad > 0) throw InputError(first + (n_bad > 1 ? " (and " + std::to_string(n_bad - 1) + " more unreadable images)" : ""));
  return d;
}

// One augmented example written as model input values (x / 127.5 - 1).
void augment(const std::uint8_t* src, std::mt19937_64& rng, float* dst) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
  const cv::Mat in(kSide, kSide, CV_8UC1, const_cast<std::uint8_t*>(src));  // read only
  const bool flip = u(rng) < 0.5;
  const double angle = uniform(-10.0, 10.0), scale = uniform(0.9, 1.1);
  const double dx = uniform(-4.0, 4.0), dy = uniform(-4.0, 4.0);
  const double half = 0.5 * (kSide - 1);  // pixel-centre coordinates of the crop's centre
  cv::Matx23d m = cv::getRotationMatrix2D(cv::Point2f(static_cast<float>(half), static_cast<float>(half)), angle, scale);
  if (flip) {  // mirror first: x -> (side-1) - x, folded into the affine map
    m(0, 0) = -m(0, 0);
    m(1, 0) = -m(1, 0);
    m(0, 2) += (kSide - 1) * -m(0, 0);
    m(1, 2) += (kSide - 1) * -m(1, 0);
  }
  m(0, 2) += dx;
  m(1, 2) += dy;
  cv::Mat out;
  cv::warpAffine(in, out, m, cv::Size(kSide, kSide), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
  const double contrast = uniform(0.8, 1.2), brightness = uniform(-20.0, 20.0);
  for (int y = 0; y < kSide; ++y) {
    const std::uint8_t* row = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < kSide; ++x) {
      const double v = std::clamp(contrast * (row[x] - 127.5) + 127.5 + brightness, 0.0, 255.0);
      *dst++ = static_cast<float>(v / 127.5 - 1.0);
    }
  }
}

void plain(const std::uint8_t* src, float* dst) {
  for (std::size_t k = 0; k < kPixels; ++k) dst[k] = static_cast<float>(src[k]) * (1.0f / 127.5f) - 1.0f;
}

struct HoldoutScore {
  double accuracy = -1, loss = -1;
};

HoldoutScore score(const train::TrainableGraph& g, const Dataset& d, const std::vector<std::size_t>& rows) {
  if (rows.empty()) return {};
  const c10::NoGradGuard no_grad;
  constexpr std::size_t kBatch = 256;
  std::vector<float> buf;
  double correct = 0, loss = 0;
  for (std::size_t b0 = 0; b0 < rows.size(); b0 += kBatch) {
    const std::size_t n = std::min(kBatch, rows.size() - b0);
    buf.resize(n * kPixels);
    std::vector<std::int64_t> y(n);
    for (std::size_t i = 0; i < n; ++i) {
      plain(d.image(rows[b0 + i]), buf.data() + i * kPixels);
      y[i] = d.label[rows[b0 + i]];
    }
    const at::Tensor x = at::from_blob(buf.data(), {static_cast<std::int64_t>(n), kSide, kSide, 1}, at::kFloat);
    const at::Tensor target = at::from_blob(y.data(), {static_cast<std::int64_t>(n)}, at::kLong);
    const at::Tensor logits = g.forward(x, true);
    correct += logits.argmax(1).eq(target).sum().item<double>();
    loss += at::cross_entropy_loss(logits, target, {}, at::Reduction::Sum).item<double>();
  }
  return {correct / static_cast<double>(rows.size()), loss / static_cast<double>(rows.size())};
}

// AdamW (Loshchilov & Hutter 2019) on plain tensors.
class AdamW {
 public:
  AdamW(std::vector<at::Tensor> params, double weight_decay) : params_(std::move(params)), wd_(weight_decay) {
    for (const at::Tensor& p : params_) {
      m_.push_back(at::zeros_like(p).detach());
      v_.push_back(at::zeros_like(p).detach());
    }
  }
  void zero_grad() {
    for (at::Tensor& p : params_)
      if (p.grad().defined()) p.mutable_grad().zero_();
  }
  void step(double lr) {
    const c10::NoGradGuard no_grad;
    ++t_;
    const double c1 = 1.0 - std::pow(kB1, static_cast<double>(t_));
    const double c2 = 1.0 - std::pow(kB2, static_cast<double>(t_));
    for (std::size_t k = 0; k < params_.size(); ++k) {
      at::Tensor& p = params_[k];
      if (!p.grad().defined()) continue;
      const at::Tensor g = p.grad();
      if (wd_ > 0 && p.dim() > 1) p.mul_(1.0 - lr * wd_);  // filters only; biases are not decayed
      m_[k].mul_(kB1).add_(g, 1.0 - kB1);
      v_[k].mul_(kB2).addcmul_(g, g, 1.0 - kB2);
      const at::Tensor denom = (v_[k] / c2).sqrt_().add_(kEps);
      p.addcdiv_(m_[k], denom, -lr / c1);
    }
  }

 private:
  static constexpr double kB1 = 0.9, kB2 = 0.999, kEps = 1e-8;
  std::vector<at::Tensor> params_, m_, v_;
  double wd_;
  std::int64_t t_ = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

FaceTrainReport train_expression_model(const FaceTrainOptions& o, const FaceTrainCallbacks& callbacks) {
  const auto t_start = std::chrono::steady_clock::now();
  if (o.output_dir.empty()) throw InputError("face training: no output folder given");
  if (o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0) || o.weight_decay < 0 || o.label_smoothing < 0 ||
      o.label_smoothing >= 1 || o.holdout_fraction < 0 || o.holdout_fraction >= 1 || o.threads < 1)
    throw InputError("face training: epochs, batch size, learning rate and threads must be positive; weight decay >= 0; "
                     "label smoothing and holdout fraction in [0, 1)");
  const std::string base = o.base_model.empty()
                               ? (std::filesystem::path(default_face_model_dir()) / "emotion.json").string()
                               : o.base_model;
  torch_runtime::set_threads(o.threads);
  train::TrainableGraph graph = train::TrainableGraph::load(base);
  {
    // Same contract as the pipeline's expression stage: N x 64 x 64 x 1 -> 7 probabilities.
    const GraphModel check = GraphModel::load(base);
    const auto shape = check.input_shape(0);
    if (check.input_names().size() != 1 || shape.size() != 4 || shape[1] != kSide || shape[2] != kSide ||
        shape[3] != 1 || check.output_names().size() != 1 || !graph.ends_in_softmax())
      throw InputError("'" + base + "': not an expression model (input N x 64 x 64 x 1, one softmax output)");
  }

  FaceTrainReport report;
  const Dataset data = read_dataset(o, report.n_skipped);
  std::vector<std::size_t> train_rows, holdout_rows;
  train::split_holdout(data.label, o.holdout_fraction, o.seed, train_rows, holdout_rows);
  if (train_rows.empty()) throw InputError("'" + o.manifest + "': no training rows left after the holdout");
  report.n_train = train_rows.size();
  report.n_holdout = holdout_rows.size();
  // The output must be writable before hours of training.
  std::error_code ec;
  std::filesystem::create_directories(o.output_dir, ec);
  if (!std::filesystem::is_directory(o.output_dir, ec))
    throw InputError("'" + o.output_dir + "': cannot create the output folder");

  const std::vector<at::Tensor> params = graph.parameters();
  auto snapshot = [&] {
    std::vector<at::Tensor> s;
    for (const at::Tensor& p : params) s.push_back(p.detach().clone());
    return s;
  };
  std::vector<at::Tensor> best;
  const HoldoutScore base_score = score(graph, data, holdout_rows);
  report.base_holdout_accuracy = base_score.accuracy;
  // The base model is not a candidate: when it was trained on the same images (FER2013's emotion model
  // saw all of Training), its holdout accuracy is optimistic and would always win.
  double best_accuracy = -1;
  if (callbacks.on_epoch) callbacks.on_epoch({0, 0, 0, base_score.accuracy, base_score.loss, 0});

  AdamW opt(params, o.weight_decay);
  std::mt19937_64 rng(o.seed);
  const auto batch = static_cast<std::size_t>(o.batch_size);
  const std::size_t steps_per_epoch = (train_rows.size() + batch - 1) / batch;
  const double total_steps = static_cast<double>(steps_per_epoch) * o.epochs;
  const double warmup = std::min<double>(static_cast<double>(steps_per_epoch), 0.1 * total_steps);
  std::size_t step = 0;
  std::vector<std::size_t> order = train_rows;
  std::vector<float> buf(batch * kPixels);
  std::vector<std::int64_t> y(batch);
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<Progress> bar = callbacks.epoch_progress ? callbacks.epoch_progress(epoch, o.epochs) : nullptr;
    if (bar) bar->set_total(static_cast<double>(order.size()));
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0, correct = 0;
    for (std::size_t b0 = 0; b0 < order.size(); b0 += batch) {
      const std::size_t n = std::min(batch, order.size() - b0);
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t r = order[b0 + i];
        if (o.augment) augment(data.image(r), rng, buf.data() + i * kPixels);
        else plain(data.image(r), buf.data() + i * kPixels);
        y[i] = data.label[r];
      }
      const auto bn = static_cast<std::int64_t>(n);
      const at::Tensor x = at::from_blob(buf.data(), {bn, kSide, kSide, 1}, at::kFloat);
      const at::Tensor target = at::from_blob(y.data(), {bn}, at::kLong);
      const double s = static_cast<double>(step);
      const double lr = s < warmup ? o.learning_rate * (s + 1) / warmup
                                   : 0.5 * o.learning_rate * (1 + std::cos(M_PI * (s - warmup) / std::max(1.0, total_steps - warmup)));
      opt.zero_grad();
      const at::Tensor logits = graph.forward(x, true);
      const at::Tensor loss = at::cross_entropy_loss(logits, target, {}, at::Reduction::Mean, -100, o.label_smoothing);
      loss.backward();
      opt.step(lr);
      loss_sum += loss.item<double>() * static_cast<double>(n);
      correct += logits.detach().argmax(1).eq(target).sum().item<double>();
      ++step;
      if (bar) bar->advance(static_cast<double>(n));
    }
    if (bar) bar->finish();
    FaceTrainEpoch e;
    e.epoch = epoch;
    e.train_loss = loss_sum / static_cast<double>(order.size());
    e.train_accuracy = correct / static_cast<double>(order.size());
    const HoldoutScore hs = score(graph, data, holdout_rows);
    e.holdout_accuracy = hs.accuracy;
    e.holdout_loss = hs.loss;
    e.seconds = seconds_since(t0);
    report.epochs.push_back(e);
    // Without a holdout the last epoch wins; with one, the best trained epoch (later epochs win ties).
    if (holdout_rows.empty() || hs.accuracy >= best_accuracy) {
      best_accuracy = hs.accuracy;
      best = snapshot();
      report.chosen_epoch = epoch;
    }
    if (callbacks.on_epoch) callbacks.on_epoch(e);
  }
  {
    const c10::NoGradGuard no_grad;
    for (std::size_t k = 0; k < params.size(); ++k) params[k].detach().copy_(best[k]);
  }
  report.files = graph.save(o.output_dir, "emotion");
  report.seconds = seconds_since(t_start);
  const std::string report_path = (std::filesystem::path(o.output_dir) / "training.json").string();
  write_file_atomically(report_path, face_training_json(o, report));
  report.files.push_back(report_path);
  // Checksums of the model files in sha256sum format, so the folder verifies like the shipped models.
  const std::string sums_path = (std::filesystem::path(o.output_dir) / "SHA256SUMS").string();
  {
    OutputFile file(sums_path, false);
    for (std::size_t k = 0; k < 2; ++k)
      file.stream() << sha256_file(report.files[k]) << "  " << std::filesystem::path(report.files[k]).filename().string() << "\n";
    file.commit();
  }
  report.files.push_back(sums_path);
  return report;
}

}  // namespace sentio::vision
