// SPDX-License-Identifier: Apache-2.0
// The log-mel CNN of the neural SER model: network, inference, model file and training (the only file
// of the module that includes torch, which compiles slowly).
#include "sentio/ser_neural/neural_model.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "frontend.hpp"
#include "sentio/core/base64.hpp"
#include "sentio/core/error.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/ser/augment.hpp"
#include "sentio/ser/manifest.hpp"
#include "sentio/ser_neural/calibration.hpp"

namespace sentio::ser {

namespace {

using json = nlohmann::json;
constexpr const char* kFormat = "sentio.ser.neural";
constexpr int kVersion = 1;

// ---- network --------------------------------------------------------------------------------------

// 3x3 conv (stride 1, or 2 when the block downsamples by striding), batch norm, ReLU, then max-pool
// (pool sizes of 1 skip it). The first block strides instead of pooling: the full-resolution
// convolution is the most expensive layer and striding cuts it by 4 (measured: 3-5x faster training).
struct ConvBlockImpl : torch::nn::Module {
  ConvBlockImpl(int in, int out, int stride, int pool_t, int pool_f)
      : conv(register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).stride(stride).bias(false)))),
        bn(register_module("bn", torch::nn::BatchNorm2d(out))), pt(pool_t), pf(pool_f) {}
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = torch::relu(bn(conv(x)));
    return pt * pf > 1 ? torch::max_pool2d(y, {pt, pf}) : y;
  }
  torch::nn::Conv2d conv;
  torch::nn::BatchNorm2d bn;
  int64_t pt, pf;
};
TORCH_MODULE(ConvBlock);

// x [B, 1, T, M] -> logits [B, K]. Time is pooled by 8 (T >= 8 frames needed), frequency by 16.
struct SerCnnImpl : torch::nn::Module {
  SerCnnImpl(int n_mels, int c, int embedding, double dropout, int n_classes)
      : b1(register_module("b1", ConvBlock(1, c, 2, 1, 1))),
        b2(register_module("b2", ConvBlock(c, 2 * c, 1, 2, 2))),
        b3(register_module("b3", ConvBlock(2 * c, 4 * c, 1, 2, 2))),
        b4(register_module("b4", ConvBlock(4 * c, 4 * c, 1, 1, 2))),
        proj(register_module("proj", torch::nn::Linear(4 * c * (n_mels / 16), embedding))),
        att(register_module("att", torch::nn::Linear(embedding, 1))),
        drop(register_module("drop", torch::nn::Dropout(dropout))),
        head(register_module("head", torch::nn::Linear(2 * embedding, n_classes))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = b4(b3(b2(b1(x))));                                   // [B, C, T', F']
    h = h.permute({0, 2, 1, 3}).flatten(2);                                // [B, T', C*F']
    h = torch::relu(proj(h));                                              // [B, T', E]
    const torch::Tensor w = torch::softmax(att(h), 1);                     // [B, T', 1] attention over time
    const torch::Tensor mean = (w * h).sum(1);
    const torch::Tensor var = (w * h * h).sum(1) - mean * mean;
    const torch::Tensor sd = torch::sqrt(torch::clamp_min(var, 1e-5));
    return head(drop(torch::cat({mean, sd}, 1)));
  }
  ConvBlock b1, b2, b3, b4;
  torch::nn::Linear proj, att;
  torch::nn::Dropout drop;
  torch::nn::Linear head;
};
TORCH_MODULE(SerCnn);

constexpr std::size_t kMinFrames = 16;  // shorter inputs are padded with zeros (the normalised mean)

// Normalised log-mel frames [T, M] as a [1, 1, T, M] tensor (padded to kMinFrames).
torch::Tensor to_input(std::vector<float> frames, std::size_t n_mels) {
  std::size_t t = frames.size() / n_mels;
  if (t < kMinFrames) {
    frames.resize(kMinFrames * n_mels, 0.0f);
    t = kMinFrames;
  }
  return torch::from_blob(frames.data(), {1, 1, static_cast<int64_t>(t), static_cast<int64_t>(n_mels)}, torch::kFloat32).clone();
}

// ---- model file helpers ---------------------------------------------------------------------------

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw InputError("model '" + source + "': " + what);
}

// FNV-1a, 64 bit: detects edited or truncated weight blobs (not a security measure).
std::uint64_t fnv1a(const unsigned char* p, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

json options_json(const NeuralOptions& o) {
  return {{"channels", o.channels}, {"embedding", o.embedding}, {"dropout", o.dropout}, {"trim_db", o.trim_db},
          {"epochs", o.epochs}, {"batch_size", o.batch_size}, {"learning_rate", o.learning_rate},
          {"weight_decay", o.weight_decay}, {"label_smoothing", o.label_smoothing}, {"crop_seconds", o.crop_seconds},
          {"augment", o.augment}, {"speed_probability", o.speed_probability}, {"speed_max", o.speed_max},
          {"reverb_probability", o.reverb_probability}, {"telephone_probability", o.telephone_probability},
          {"gain_db", o.gain_db}, {"noise_probability", o.noise_probability},
          {"snr_min_db", o.snr_min_db}, {"snr_max_db", o.snr_max_db}, {"time_masks", o.time_masks},
          {"time_mask_max", o.time_mask_max}, {"freq_masks", o.freq_masks}, {"freq_mask_max", o.freq_mask_max},
          {"validation_fraction", o.validation_fraction}, {"seed", o.seed}, {"threads", o.threads}};
}

template <typename T>
T get_field(const json& j, const char* key, const std::string& source) {
  if (!j.contains(key)) fail(source, std::string("missing field 'options.") + key + "'");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    fail(source, std::string("field 'options.") + key + "' has the wrong type");
  }
}

NeuralOptions options_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) fail(source, "field 'options' must be an object");
  NeuralOptions o;
  o.channels = get_field<int>(j, "channels", source);
  o.embedding = get_field<int>(j, "embedding", source);
  o.dropout = get_field<double>(j, "dropout", source);
  o.trim_db = get_field<double>(j, "trim_db", source);
  o.epochs = get_field<int>(j, "epochs", source);
  o.batch_size = get_field<int>(j, "batch_size", source);
  o.learning_rate = get_field<double>(j, "learning_rate", source);
  o.weight_decay = get_field<double>(j, "weight_decay", source);
  o.label_smoothing = get_field<double>(j, "label_smoothing", source);
  o.crop_seconds = get_field<double>(j, "crop_seconds", source);
  o.augment = get_field<bool>(j, "augment", source);
  // Added with the speed, reverberation and telephone augmentations: files written before have none of them.
  const bool newer = j.contains("speed_probability");
  o.speed_probability = newer ? get_field<double>(j, "speed_probability", source) : 0.0;
  o.speed_max = newer ? get_field<double>(j, "speed_max", source) : 0.0;
  o.reverb_probability = newer ? get_field<double>(j, "reverb_probability", source) : 0.0;
  o.telephone_probability = newer ? get_field<double>(j, "telephone_probability", source) : 0.0;
  o.gain_db = get_field<double>(j, "gain_db", source);
  o.noise_probability = get_field<double>(j, "noise_probability", source);
  o.snr_min_db = get_field<double>(j, "snr_min_db", source);
  o.snr_max_db = get_field<double>(j, "snr_max_db", source);
  o.time_masks = get_field<int>(j, "time_masks", source);
  o.time_mask_max = get_field<int>(j, "time_mask_max", source);
  o.freq_masks = get_field<int>(j, "freq_masks", source);
  o.freq_mask_max = get_field<int>(j, "freq_mask_max", source);
  o.validation_fraction = get_field<double>(j, "validation_fraction", source);
  o.seed = get_field<std::uint64_t>(j, "seed", source);
  o.threads = get_field<int>(j, "threads", source);
  if (o.channels < 1 || o.channels > 256 || o.embedding < 1 || o.embedding > 4096)
    fail(source, "options.channels must be in [1, 256] and options.embedding in [1, 4096]");
  if (!(o.dropout >= 0 && o.dropout < 1)) fail(source, "options.dropout must be in [0, 1)");
  if (!(o.trim_db > 0)) fail(source, "options.trim_db must be > 0");
  return o;
}

}  // namespace

// ---- model ----------------------------------------------------------------------------------------

struct NeuralModel::Impl {
  std::vector<std::string> labels;
  NeuralOptions options;
  SerCnn net{nullptr};
  features::LogMelOptions frontend;
};

NeuralModel::NeuralModel() = default;
NeuralModel::~NeuralModel() = default;
NeuralModel::NeuralModel(const NeuralModel&) = default;
NeuralModel& NeuralModel::operator=(const NeuralModel&) = default;
NeuralModel::NeuralModel(NeuralModel&&) noexcept = default;
NeuralModel& NeuralModel::operator=(NeuralModel&&) noexcept = default;
NeuralModel::NeuralModel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

const std::vector<std::string>& NeuralModel::labels() const {
  SENTIO_ASSERT(impl_);
  return impl_->labels;
}
const NeuralOptions& NeuralModel::options() const {
  SENTIO_ASSERT(impl_);
  return impl_->options;
}

namespace {

SerCnn make_net(const NeuralOptions& o, std::size_t n_classes) {
  const features::LogMelOptions f;
  return SerCnn(f.n_mels, o.channels, o.embedding, o.dropout, static_cast<int>(n_classes));
}

std::vector<float> run_net(SerCnn net, std::vector<float> frames, std::size_t n_mels) {  // holder copy: shares the module
  c10::InferenceMode guard;
  const torch::Tensor out = net->forward(to_input(std::move(frames), n_mels)).contiguous();
  return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

}  // namespace

std::vector<float> NeuralModel::logits(std::span<const float> samples) const {
  SENTIO_ASSERT(impl_);
  torch_runtime::apply_to_this_thread();
  thread_local std::unique_ptr<features::LogMel> mel;  // one front end (FFT scratch) per thread
  if (!mel) mel = std::make_unique<features::LogMel>(impl_->frontend);
  std::vector<float> frames = neural_frontend(*mel, samples, impl_->options.trim_db);
  return run_net(impl_->net, std::move(frames), static_cast<std::size_t>(impl_->frontend.n_mels));
}

std::string NeuralModel::to_json() const {
  SENTIO_ASSERT(impl_);
  json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["labels"] = impl_->labels;
  j["frontend"] = {{"sample_rate", impl_->frontend.sample_rate}, {"win_length", impl_->frontend.win_length},
                   {"hop_length", impl_->frontend.hop_length}, {"n_fft", impl_->frontend.n_fft},
                   {"n_mels", impl_->frontend.n_mels}, {"fmin", impl_->frontend.fmin}, {"fmax", impl_->frontend.fmax},
                   {"floor", impl_->frontend.floor}, {"normalisation", "utterance-global-z"}};
  j["options"] = options_json(impl_->options);
  json tensors = json::array();
  std::uint64_t h = 1469598103934665603ull;
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
    const auto* p = reinterpret_cast<const unsigned char*>(c.data_ptr<float>());
    const std::size_t bytes = static_cast<std::size_t>(c.numel()) * sizeof(float);
    h = fnv1a(p, bytes, h);
    tensors.push_back({{"name", name}, {"shape", c.sizes().vec()}, {"data", base64_encode(std::string_view(reinterpret_cast<const char*>(p), bytes))}});
  };
  for (const auto& p : impl_->net->named_parameters()) add(p.key(), p.value());
  for (const auto& b : impl_->net->named_buffers())
    if (b.value().is_floating_point()) add(b.key(), b.value());
  j["tensors"] = std::move(tensors);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  j["checksum"] = std::string("fnv1a64:") + hex;
  return j.dump() + "\n";
}

NeuralModel NeuralModel::from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail(source, std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) fail(source, "top level must be a JSON object");
  if (!j.contains("format") || !j["format"].is_string() || j["format"].get<std::string>() != kFormat)
    fail(source, std::string("field 'format' must be '") + kFormat + "'");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<long long>() != kVersion)
    fail(source, "unsupported or missing 'version' (this build reads version 1)");
  auto impl = std::make_shared<Impl>();
  if (!j.contains("labels") || !j["labels"].is_array() || j["labels"].size() < 2)
    fail(source, "field 'labels' must be an array of at least 2 labels");
  std::set<std::string> seen;
  for (const auto& l : j["labels"]) {
    if (!l.is_string() || map_emotion_label(l.get<std::string>()) != l.get<std::string>())
      fail(source, "labels: " + l.dump() + " is not a canonical emotion label");
    if (!seen.insert(l.get<std::string>()).second) fail(source, "label " + l.dump() + " appears twice");
    impl->labels.push_back(l.get<std::string>());
  }
  if (!j.contains("frontend") || !j["frontend"].is_object()) fail(source, "missing object 'frontend'");
  const json& fe = j["frontend"];
  const features::LogMelOptions expected;
  try {
    if (fe.at("sample_rate").get<int>() != expected.sample_rate || fe.at("win_length").get<int>() != expected.win_length ||
        fe.at("hop_length").get<int>() != expected.hop_length || fe.at("n_fft").get<int>() != expected.n_fft ||
        fe.at("n_mels").get<int>() != expected.n_mels || fe.at("fmin").get<double>() != expected.fmin ||
        fe.at("fmax").get<double>() != expected.fmax || fe.at("floor").get<double>() != expected.floor)
      fail(source, "unsupported 'frontend' parameters (this build computes 16 kHz, 400/160/512, 64 mel, 50-8000 Hz)");
  } catch (const json::exception&) {
    fail(source, "field 'frontend' is incomplete or has wrong types");
  }
  impl->frontend = expected;
  if (!j.contains("options")) fail(source, "missing field 'options'");
  impl->options = options_from_json(j["options"], source);
  impl->net = make_net(impl->options, impl->labels.size());
  std::map<std::string, torch::Tensor> targets;
  for (const auto& p : impl->net->named_parameters()) targets[p.key()] = p.value();
  for (const auto& b : impl->net->named_buffers())
    if (b.value().is_floating_point()) targets[b.key()] = b.value();
  if (!j.contains("tensors") || !j["tensors"].is_array()) fail(source, "missing array 'tensors'");
  std::uint64_t h = 1469598103934665603ull;
  std::set<std::string> loaded;
  torch::NoGradGuard no_grad;
  for (const auto& t : j["tensors"]) {
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string() || !t.contains("shape") || !t.contains("data") ||
        !t["data"].is_string())
      fail(source, "a 'tensors' entry lacks name, shape or data");
    const std::string name = t["name"].get<std::string>();
    const auto it = targets.find(name);
    if (it == targets.end()) fail(source, "unexpected tensor '" + name + "' for this architecture");
    if (!loaded.insert(name).second) fail(source, "tensor '" + name + "' appears twice");
    std::vector<int64_t> shape;
    try {
      shape = t["shape"].get<std::vector<int64_t>>();
    } catch (const json::exception&) {
      fail(source, "tensor '" + name + "': shape must be an array of integers");
    }
    if (shape != it->second.sizes().vec()) fail(source, "tensor '" + name + "' has the wrong shape for its options");
    const std::optional<std::string> decoded = base64_decode(t["data"].get<std::string>());
    if (!decoded) fail(source, "tensor '" + name + "': data is not valid base64");
    const std::string& bytes = *decoded;
    const std::size_t n = static_cast<std::size_t>(it->second.numel());
    if (bytes.size() != n * sizeof(float))
      fail(source, "tensor '" + name + "' has " + std::to_string(bytes.size()) + " bytes, expected " +
                       std::to_string(n * sizeof(float)) + " (truncated?)");
    h = fnv1a(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), h);
    std::vector<float> values(n);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    for (float v : values)
      if (!std::isfinite(v)) fail(source, "tensor '" + name + "' has a non-finite value");
    it->second.copy_(torch::from_blob(values.data(), shape, torch::kFloat32));
  }
  if (loaded.size() != targets.size()) {
    for (const auto& [name, tensor] : targets)
      if (!loaded.count(name)) fail(source, "tensor '" + name + "' is missing");
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  if (!j.contains("checksum") || !j["checksum"].is_string() || j["checksum"].get<std::string>() != std::string("fnv1a64:") + hex)
    fail(source, "weight checksum mismatch (the file was modified or damaged)");
  impl->net->eval();
  return NeuralModel(std::move(impl));
}


// ---- training -------------------------------------------------------------------------------------

namespace {

// Resampled by `factor` (> 1: faster and higher), linear interpolation.
std::vector<float> change_speed(const std::vector<float>& in, double factor) {
  const auto n = static_cast<std::size_t>(static_cast<double>(in.size()) / factor);
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double pos = static_cast<double>(i) * factor;
    const auto k = static_cast<std::size_t>(pos);
    const double frac = pos - static_cast<double>(k);
    const float a = in[std::min(k, in.size() - 1)], b = in[std::min(k + 1, in.size() - 1)];
    out[i] = static_cast<float>(a + frac * (b - a));
  }
  return out;
}

// A synthetic room (Schroeder: four parallel feedback combs, two series all-passes), mixed into x.
void add_reverb(std::vector<float>& x, double rt60, double wet, int rate) {
  static constexpr double kCombMs[4] = {29.7, 37.1, 41.1, 43.7};
  static constexpr double kAllpassMs[2] = {5.0, 1.7};
  std::vector<float> acc(x.size(), 0.0f);
  for (double ms : kCombMs) {
    const auto d = static_cast<std::size_t>(ms * 1e-3 * rate);
    const double g = std::pow(10.0, -3.0 * (ms * 1e-3) / rt60);  // -60 dB after rt60 seconds
    std::vector<float> y(x.size(), 0.0f);
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = static_cast<float>(x[i] + (i >= d ? g * y[i - d] : 0.0));
    for (std::size_t i = 0; i < x.size(); ++i) acc[i] += 0.25f * y[i];
  }
  for (double ms : kAllpassMs) {
    const auto d = static_cast<std::size_t>(ms * 1e-3 * rate);
    constexpr double g = 0.7;
    std::vector<float> y(acc.size(), 0.0f);
    for (std::size_t i = 0; i < acc.size(); ++i)
      y[i] = static_cast<float>(-g * acc[i] + (i >= d ? acc[i - d] + g * y[i - d] : 0.0));
    acc.swap(y);
  }
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((1 - wet) * x[i] + wet * acc[i]);
}

// One augmented, normalised training example [T, M] (T = crop frames).
std::vector<float> training_example(features::LogMel& mel, const std::vector<float>& source, const NeuralOptions& o,
                                    std::mt19937_64& rng, std::size_t crop_samples) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const int rate = mel.options().sample_rate;
  std::vector<float> perturbed;
  if (o.augment && o.speed_probability > 0 && u01(rng) < o.speed_probability && source.size() > 1)
    perturbed = change_speed(source, 1.0 + (2 * u01(rng) - 1) * o.speed_max);
  const std::vector<float>& audio = perturbed.empty() ? source : perturbed;
  std::vector<float> x(crop_samples, 0.0f);
  if (audio.size() > crop_samples) {
    const std::size_t start = static_cast<std::size_t>(u01(rng) * static_cast<double>(audio.size() - crop_samples + 1));
    std::copy_n(audio.begin() + static_cast<std::ptrdiff_t>(std::min(start, audio.size() - crop_samples)), crop_samples, x.begin());
  } else {
    // Random placement inside the zero-padded crop (time shift).
    const std::size_t off = o.augment ? static_cast<std::size_t>(u01(rng) * static_cast<double>(crop_samples - audio.size() + 1)) : 0;
    std::copy(audio.begin(), audio.end(), x.begin() + static_cast<std::ptrdiff_t>(std::min(off, crop_samples - audio.size())));
  }
  if (o.augment) {
    const double gain = std::pow(10.0, (2 * u01(rng) - 1) * o.gain_db / 20.0);
    for (float& v : x) v = static_cast<float>(v * gain);
    if (o.reverb_probability > 0 && u01(rng) < o.reverb_probability)
      add_reverb(x, 0.2 + 0.6 * u01(rng), 0.1 + 0.3 * u01(rng), rate);
    if (o.telephone_probability > 0 && u01(rng) < o.telephone_probability) telephone_band(x, rate);
    if (u01(rng) < o.noise_probability) {
      double power = 0;
      for (float v : x) power += static_cast<double>(v) * v;
      power /= static_cast<double>(x.size());
      const double snr = o.snr_min_db + u01(rng) * (o.snr_max_db - o.snr_min_db);
      const double sd = std::sqrt(power / std::pow(10.0, snr / 10.0));
      std::normal_distribution<double> noise(0.0, 1.0);
      for (float& v : x) v = static_cast<float>(v + sd * noise(rng));
    }
  }
  std::vector<float> frames = mel.compute(x);
  normalise_utterance(frames, static_cast<std::size_t>(mel.options().n_mels));
  if (o.augment) {
    const std::size_t m = static_cast<std::size_t>(mel.options().n_mels);
    const std::size_t t = frames.size() / m;
    for (int k = 0; k < o.time_masks && t > 0; ++k) {
      const auto w = static_cast<std::size_t>(u01(rng) * (o.time_mask_max + 1));
      const auto s = static_cast<std::size_t>(u01(rng) * static_cast<double>(t));
      for (std::size_t i = s; i < std::min(t, s + w); ++i) std::fill_n(frames.begin() + static_cast<std::ptrdiff_t>(i * m), m, 0.0f);
    }
    for (int k = 0; k < o.freq_masks; ++k) {
      const auto w = static_cast<std::size_t>(u01(rng) * (o.freq_mask_max + 1));
      const auto s = static_cast<std::size_t>(u01(rng) * static_cast<double>(m));
      for (std::size_t i = 0; i < t; ++i)
        for (std::size_t f = s; f < std::min(m, s + w); ++f) frames[i * m + f] = 0.0f;
    }
  }
  return frames;
}

}  // namespace

NeuralModel train_neural(const std::vector<std::vector<float>>& audio, const std::vector<std::string>& labels,
                         const std::vector<std::size_t>& train, const std::vector<std::size_t>& validation,
                         const NeuralOptions& o, const NeuralProgress& progress) {
  SENTIO_ASSERT(audio.size() == labels.size());
  if (train.empty()) throw InputError("neural SER training: no training clips");
  if (o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0) || !(o.crop_seconds > 0.1))
    throw InputError("neural SER training: epochs, batch size, learning rate and crop length must be positive");
  // Classes present in training, canonical order.
  std::set<std::string> present;
  for (std::size_t r : train) present.insert(labels[r]);
  auto impl = std::make_shared<NeuralModel::Impl>();
  for (const auto& l : canonical_labels())
    if (present.count(l)) impl->labels.push_back(l);
  if (impl->labels.size() < 2) throw InputError("neural SER training needs at least two classes");
  std::map<std::string, int64_t> index;
  for (std::size_t c = 0; c < impl->labels.size(); ++c) index[impl->labels[c]] = static_cast<int64_t>(c);
  impl->options = o;
  const std::size_t k = impl->labels.size();

  torch_runtime::set_threads(std::max(1, o.threads));
  torch::manual_seed(o.seed);
  impl->net = make_net(o, k);
  features::LogMel mel(impl->frontend);
  const std::size_t n_mels = static_cast<std::size_t>(impl->frontend.n_mels);
  // Trimmed audio once (the trimming does not depend on augmentation).
  std::vector<std::vector<float>> trimmed(audio.size());
  for (std::size_t r : train) trimmed[r] = trim_silence(mel, audio[r], o.trim_db);
  // Class weights n / (K n_c): every class counts equally (UA is the target metric).
  std::vector<double> counts(k, 0.0);
  for (std::size_t r : train) counts[static_cast<std::size_t>(index[labels[r]])] += 1;
  std::vector<float> cw(k);
  for (std::size_t c = 0; c < k; ++c)
    cw[c] = counts[c] > 0 ? static_cast<float>(static_cast<double>(train.size()) / (static_cast<double>(k) * counts[c])) : 0.0f;
  const torch::Tensor class_weights = torch::tensor(cw);

  torch::optim::AdamW opt(impl->net->parameters(), torch::optim::AdamWOptions(o.learning_rate).weight_decay(o.weight_decay));
  std::mt19937_64 rng(o.seed ^ 0x5e27105e27ull);
  const std::size_t crop = static_cast<std::size_t>(o.crop_seconds * impl->frontend.sample_rate);
  const std::size_t steps_per_epoch = (train.size() + static_cast<std::size_t>(o.batch_size) - 1) / static_cast<std::size_t>(o.batch_size);
  const double total_steps = static_cast<double>(steps_per_epoch) * o.epochs;
  std::size_t step = 0;
  std::vector<std::size_t> order = train;
  std::vector<std::size_t> val_truth;
  for (std::size_t r : validation) val_truth.push_back(static_cast<std::size_t>(index.count(labels[r]) ? index[labels[r]] : -1));
  double best_ua = -1;
  std::vector<torch::Tensor> best_state;
  auto snapshot = [&] {
    std::vector<torch::Tensor> s;
    for (const auto& p : impl->net->named_parameters()) s.push_back(p.value().detach().clone());
    for (const auto& b : impl->net->named_buffers()) s.push_back(b.value().detach().clone());
    return s;
  };
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    impl->net->train();
    double loss_sum = 0;
    std::size_t loss_n = 0;
    for (std::size_t b0 = 0; b0 < order.size(); b0 += static_cast<std::size_t>(o.batch_size)) {
      const std::size_t b1 = std::min(order.size(), b0 + static_cast<std::size_t>(o.batch_size));
      if (b1 - b0 < 2) break;  // batch norm needs > 1 example
      std::vector<float> batch;
      std::vector<int64_t> target;
      std::size_t t_frames = 0;
      for (std::size_t i = b0; i < b1; ++i) {
        std::vector<float> ex = training_example(mel, trimmed[order[i]], o, rng, crop);
        t_frames = ex.size() / n_mels;
        batch.insert(batch.end(), ex.begin(), ex.end());
        target.push_back(index[labels[order[i]]]);
      }
      const auto bs = static_cast<int64_t>(b1 - b0);
      const torch::Tensor x = torch::from_blob(batch.data(), {bs, 1, static_cast<int64_t>(t_frames), static_cast<int64_t>(n_mels)}, torch::kFloat32);
      const torch::Tensor y = torch::tensor(target, torch::kInt64);
      // Cosine decay with a short linear warm-up (first 3 % of the steps).
      const double progress_frac = static_cast<double>(step) / total_steps;
      const double lr = progress_frac < 0.03 ? o.learning_rate * (progress_frac / 0.03 + 0.01)
                                             : o.learning_rate * 0.5 * (1 + std::cos(M_PI * progress_frac));
      for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
      opt.zero_grad();
      const torch::Tensor loss = torch::nn::functional::cross_entropy(
          impl->net->forward(x), y,
          torch::nn::functional::CrossEntropyFuncOptions().weight(class_weights).label_smoothing(o.label_smoothing));
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>();
      ++loss_n;
      ++step;
    }
    double ua = -1;
    if (!validation.empty()) {
      impl->net->eval();
      std::vector<float> scores;
      for (std::size_t r : validation) {
        const std::vector<float> z = run_net(impl->net, neural_frontend(mel, audio[r], o.trim_db), n_mels);
        scores.insert(scores.end(), z.begin(), z.end());
      }
      // Validation rows whose class is not trained are dropped from the UA.
      std::vector<float> s2;
      std::vector<std::size_t> t2;
      for (std::size_t i = 0; i < validation.size(); ++i)
        if (val_truth[i] < k) {
          s2.insert(s2.end(), scores.begin() + static_cast<std::ptrdiff_t>(i * k), scores.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
          t2.push_back(val_truth[i]);
        }
      ua = t2.empty() ? -1 : unweighted_recall(s2, k, t2);
      // Later epochs win ties (the schedule has annealed further).
      if (ua >= best_ua) {
        best_ua = ua;
        best_state = snapshot();
      }
    }
    if (progress) progress(epoch, loss_n ? loss_sum / static_cast<double>(loss_n) : 0.0, ua);
  }
  if (!best_state.empty()) {
    torch::NoGradGuard g;
    std::size_t i = 0;
    for (const auto& p : impl->net->named_parameters()) p.value().copy_(best_state[i++]);
    for (const auto& b : impl->net->named_buffers()) b.value().copy_(best_state[i++]);
  }
  impl->net->eval();
  return NeuralModel(std::move(impl));
}

}  // namespace sentio::ser
