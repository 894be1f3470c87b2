// SPDX-License-Identifier: Apache-2.0
// Orchestration of the per-image face pipeline: detect -> mesh (reject by presence) -> align -> expression.
#include "sentio/vision/face_analyzer.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "face/stages.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision {

namespace {

thread_local FaceTimings t_timings;

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

std::string model_file(const std::string& dir, const char* name) {
  const auto p = std::filesystem::path(dir) / (std::string(name) + ".json");
  if (!std::filesystem::exists(p))
    throw InputError("'" + p.string() + "': face model not found (run scripts/setup, or pass the model folder)");
  return p.string();
}

}  // namespace

std::string default_face_model_dir() {
  if (const char* env = std::getenv("SENTIO_FACE_MODELS"); env != nullptr && *env != '\0') return env;
  const auto exe = executable_dir();
  std::vector<std::filesystem::path> candidates;
  if (!exe.empty()) {
    candidates.push_back(exe.parent_path() / ".cache" / "models" / "human");
    candidates.push_back(exe / ".cache" / "models" / "human");
  }
  candidates.push_back(std::filesystem::path(".cache") / "models" / "human");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(c / "blazeface.json", ec)) return c.lexically_normal().string();
  }
  return candidates.front().lexically_normal().string();
}

struct FaceAnalyzer::Impl {
  FaceAnalyzerOptions options;
  face::Detector detector;
  face::Mesh mesh;
  face::ExpressionModel expression;

  Impl(FaceAnalyzerOptions o, const std::string& dir)
      : options(std::move(o)),
        detector(model_file(dir, "blazeface")),
        mesh(model_file(dir, "facemesh")),
        expression(model_file(dir, "emotion")) {}
};

FaceAnalyzer::FaceAnalyzer(FaceAnalyzerOptions options) {
  const std::string dir = options.model_dir.empty() ? default_face_model_dir() : options.model_dir;
  impl_ = std::make_unique<Impl>(std::move(options), dir);
}
FaceAnalyzer::~FaceAnalyzer() = default;
FaceAnalyzer::FaceAnalyzer(FaceAnalyzer&&) noexcept = default;
FaceAnalyzer& FaceAnalyzer::operator=(FaceAnalyzer&&) noexcept = default;

const FaceAnalyzerOptions& FaceAnalyzer::options() const { return impl_->options; }
FaceTimings FaceAnalyzer::last_timings() { return t_timings; }

std::vector<FaceResult> FaceAnalyzer::detect(const Image& image) const {
  cv::Mat storage;
  const cv::Mat rgb = face::as_rgb_mat(image, storage);
  return impl_->detector.detect(rgb, impl_->options);
}

std::vector<FaceResult> FaceAnalyzer::analyze(const Image& image) const {
  t_timings = {};
  cv::Mat storage;
  const cv::Mat rgb = face::as_rgb_mat(image, storage);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<FaceResult> faces = impl_->detector.detect(rgb, impl_->options);
  t_timings.detect_ms = ms_since(t0);

  if (impl_->options.landmarks) {
    t0 = std::chrono::steady_clock::now();
    std::vector<FaceResult> kept;
    for (FaceResult& f : faces) {
      impl_->mesh.run(rgb, f);
      if (f.presence >= impl_->options.presence_threshold) kept.push_back(std::move(f));
    }
    faces = std::move(kept);
    t_timings.mesh_ms = ms_since(t0);
  }

  t0 = std::chrono::steady_clock::now();
  std::vector<cv::Mat> crops;
  crops.reserve(faces.size());
  for (const FaceResult& f : faces) crops.push_back(impl_->expression.align(rgb, f));
  const auto probs = impl_->expression.classify(crops);
  for (std::size_t i = 0; i < faces.size(); ++i) {
    FaceResult& f = faces[i];
    f.expression = probs[i];
    f.top = static_cast<Expression>(std::max_element(f.expression.begin(), f.expression.end()) - f.expression.begin());
    const Affect a = circumplex_affect(f.expression);
    f.valence = a.valence;
    f.arousal = a.arousal;
    // Report the box clamped to the image.
    f.box.x0 = std::clamp(f.box.x0, 0.0f, static_cast<float>(image.width));
    f.box.x1 = std::clamp(f.box.x1, 0.0f, static_cast<float>(image.width));
    f.box.y0 = std::clamp(f.box.y0, 0.0f, static_cast<float>(image.height));
    f.box.y1 = std::clamp(f.box.y1, 0.0f, static_cast<float>(image.height));
  }
  t_timings.expression_ms = ms_since(t0);
  return faces;
}

std::vector<FaceResult> FaceAnalyzer::analyze_rgb(const std::uint8_t* rgb, int width, int height) const {
  SENTIO_ASSERT(rgb != nullptr && width > 0 && height > 0);
  Image image;
  image.width = width;
  image.height = height;
  image.channels = 3;
  image.pixels.assign(rgb, rgb + static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  return analyze(image);
}

std::vector<FaceResult> FaceAnalyzer::analyze_file(const std::string& path) const {
  const Image image = load_image(path);
  try {
    return analyze(image);
  } catch (const InputError& e) {
    throw with_context("'" + path + "'", e);
  }
}

ExpressionProbs FaceAnalyzer::classify_crop(const Image& image) const {
  t_timings = {};
  SENTIO_ASSERT(image.width > 0 && image.height > 0 && (image.channels == 1 || image.channels == 3));
  auto* data = const_cast<std::uint8_t*>(image.pixels.data());  // read only
  const cv::Mat m(image.height, image.width, image.channels == 1 ? CV_8UC1 : CV_8UC3, data);
  const auto t0 = std::chrono::steady_clock::now();
  const auto probs = impl_->expression.classify({face::ExpressionModel::crop_whole(m)});
  t_timings.expression_ms = ms_since(t0);
  return probs[0];
}

}  // namespace sentio::vision
