// SPDX-License-Identifier: Apache-2.0
// Orchestration of the per-image face pipeline: detect -> mesh (reject by presence) -> align -> expression.
#include "sentio/vision_neural/face_analyzer.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "face/analyzer_impl.hpp"
#include "sentio/vision_neural/face_video.hpp"
#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision {

namespace {

thread_local FaceTimings t_timings;

}  // namespace

double face::ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
using face::ms_since;

namespace {

namespace fs = std::filesystem;

// `<dir>/<name>.json`, after checking every listed file of that model (json and weight shards,
// named <name>.*) against the folder's checksum list.
std::string model_file(const std::string& dir, const char* name) {
  const fs::path p = fs::path(dir) / (std::string(name) + ".json");
  if (!fs::exists(p))
    throw InputError("'" + p.string() + "': face model not found (run scripts/setup, or pass the model folder)");
  // The folder's SHA256SUMS (scripts/setup copies the shipped list into the folder it fills), or for the
  // default folder without one the list in models/face; a folder the user supplies without one is not checked.
  if (const auto list = face_model_folder_file(dir, "SHA256SUMS")) {
    const auto sums = read_sha256sums(*list);
    for (const auto& [file, digest] : sums)
      if (fs::path(file).stem() == name) {
        const fs::path listed = fs::path(dir) / file;
        if (!fs::exists(listed))
          throw InputError("'" + listed.string() + "': face model file not found (listed in '" + *list + "')");
        verify_sha256(listed.string(), sums, *list);
      }
  }
  return p.string();
}

// The cue model's base features of a mesh; empty for a degenerate one (coinciding eye corners), which has
// no cues, so the appearance alone speaks.
std::vector<double> cue_features_of(const std::vector<Point3>& landmarks) {
  if (landmarks.empty()) return {};
  try {
    return cue_base_features(landmarks);
  } catch (const InputError&) {
    return {};
  }
}

// fn(0..n-1): on the executor when there are several faces, else on this thread.
void for_each_face(std::size_t n, Executor* executor, const std::function<void(std::size_t)>& fn) {
  if (executor && n > 1) {
    executor->run(n, fn);
  } else {
    for (std::size_t i = 0; i < n; ++i) fn(i);
  }
}

}  // namespace

FaceAnalyzer::Impl::Impl(FaceAnalyzerOptions o, const std::string& dir)
    : options(std::move(o)),
      detector(model_file(dir, "blazeface")),
      mesh(model_file(dir, "facemesh")),
      expression(options.expression_model.empty()
                     ? model_file(dir, "emotion")
                     : model_file(fs::path(options.expression_model).parent_path().string(),
                                  fs::path(options.expression_model).stem().string().c_str()),
                 options.expression_flip_average, options.expression_crop_scales) {
  if (options.identity && fs::exists(fs::path(dir) / "faceres.json")) identity.emplace(model_file(dir, "faceres"));
  if (options.cue_fusion) {
    const std::string path = options.cue_model.empty() ? default_cue_model_path() : options.cue_model;
    if (!path.empty()) cues.emplace(load_cue_expression_model(path));
  }
}

void FaceAnalyzer::Impl::classify(const cv::Mat& rgb, FaceResult& f) const {
  f.expression = expression.classify_mean(expression.align(rgb, f));
  if (cues) {
    const std::vector<double> features = cue_features_of(f.landmarks);
    if (!features.empty()) f.expression = cues->fuse(f.expression, features);
  }
  f.top = static_cast<Expression>(std::max_element(f.expression.begin(), f.expression.end()) - f.expression.begin());
  const Affect a = circumplex_affect(f.expression);
  f.valence = a.valence;
  f.arousal = a.arousal;
}

void FaceAnalyzer::Impl::describe(const cv::Mat& rgb, std::vector<FaceResult>& faces, Executor* executor) const {
  if (!identity) return;
  for_each_face(faces.size(), executor, [&](std::size_t i) {
    if (faces[i].presence >= options.presence_threshold && faces[i].identity.empty()) {
      faces[i].identity = identity->describe(rgb, faces[i]);
      faces[i].identity_described = true;
    }
  });
}

void FaceAnalyzer::Impl::mesh_and_classify(const cv::Mat& rgb, std::vector<FaceResult>& faces, Executor* executor,
                                           FaceTimings* timings) const {
  const auto one = [&](std::size_t i) {
    FaceResult& f = faces[i];
    auto t0 = std::chrono::steady_clock::now();
    if (options.landmarks) {
      mesh.run(rgb, f);
      if (timings) timings->mesh_ms += ms_since(t0);
      if (f.presence < options.presence_threshold) return;
    }
    t0 = std::chrono::steady_clock::now();
    classify(rgb, f);
    if (timings) timings->expression_ms += ms_since(t0);
  };
  SENTIO_ASSERT(timings == nullptr || !executor || faces.size() <= 1);
  for_each_face(faces.size(), executor, one);
}

void FaceAnalyzer::Impl::finish(const cv::Mat& rgb, std::vector<FaceResult>& faces) const {
  std::erase_if(faces, [&](const FaceResult& f) { return options.landmarks && f.presence < options.presence_threshold; });
  for (FaceResult& f : faces) {
    // Report the box clamped to the image.
    f.box.x0 = std::clamp(f.box.x0, 0.0f, static_cast<float>(rgb.cols));
    f.box.x1 = std::clamp(f.box.x1, 0.0f, static_cast<float>(rgb.cols));
    f.box.y0 = std::clamp(f.box.y0, 0.0f, static_cast<float>(rgb.rows));
    f.box.y1 = std::clamp(f.box.y1, 0.0f, static_cast<float>(rgb.rows));
  }
}

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

std::vector<FaceResult> FaceAnalyzer::Impl::analyze(const cv::Mat& rgb, FaceTimings& timings) const {
  timings = {};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<FaceResult> faces = detector.detect(rgb, options);
  timings.detect_ms = ms_since(t0);
  mesh_and_classify(rgb, faces, nullptr, &timings);
  finish(rgb, faces);
  return faces;
}

std::vector<FaceResult> FaceAnalyzer::analyze(const Image& image) const {
  cv::Mat storage;
  return impl_->analyze(face::as_rgb_mat(image, storage), t_timings);
}

std::vector<FaceResult> FaceAnalyzer::analyze_rgb(const std::uint8_t* rgb, int width, int height) const {
  SENTIO_ASSERT(rgb != nullptr && width > 0 && height > 0);
  const cv::Mat m(height, width, CV_8UC3, const_cast<std::uint8_t*>(rgb));  // only read
  return impl_->analyze(m, t_timings);
}

std::vector<FaceResult> FaceAnalyzer::analyze_file(const std::string& path) const {
  const Image image = decode_image_file(path);
  try {
    return analyze(image);
  } catch (const InputError& e) {
    throw with_context("'" + path + "'", e);
  }
}

std::unique_ptr<FaceVideoStream> FaceAnalyzer::open_video(const FaceVideoOptions& options) const {
  return std::make_unique<FaceVideoAnalyzer>(*this, options);
}

CropAnalysis FaceAnalyzer::analyze_crop(const Image& image, bool want_cues) const {
  t_timings = {};
  const cv::Mat m = face::as_mat(image);
  auto t0 = std::chrono::steady_clock::now();
  CropAnalysis r;
  r.appearance = impl_->expression.classify(face::ExpressionModel::crop_whole(m));
  r.expression = r.appearance;
  t_timings.expression_ms = ms_since(t0);
  if (!want_cues && !impl_->cues) return r;
  // The face of a crop: the box a detector gives on tight crops (kCropFaceFraction), refined by FaceMesh.
  t0 = std::chrono::steady_clock::now();
  cv::Mat storage;
  const cv::Mat rgb = face::as_rgb_mat(image, storage);
  FaceResult f;
  const float w = static_cast<float>(image.width), h = static_cast<float>(image.height);
  const float side = kCropFaceFraction * std::min(w, h), cx = 0.5f * w, cy = 0.5f * h + kCropFaceDrop * h;
  f.box = {cx - 0.5f * side, cy - 0.5f * side, cx + 0.5f * side, cy + 0.5f * side};
  impl_->mesh.run(rgb, f);
  t_timings.mesh_ms = ms_since(t0);
  if (f.presence < impl_->options.presence_threshold) return r;
  r.cue_features = cue_features_of(f.landmarks);
  if (impl_->cues && !r.cue_features.empty()) r.expression = impl_->cues->fuse(r.appearance, r.cue_features);
  return r;
}

ExpressionProbs FaceAnalyzer::classify_crop(const Image& image) const { return analyze_crop(image).expression; }

}  // namespace sentio::vision
