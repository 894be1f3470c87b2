// SPDX-License-Identifier: Apache-2.0
// The face backend registry: load_face_model() and load_image() run the implementation the
// sentio-torch plugin registers, loading the plugin on first use.
#include "sentio/vision/face_model.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "sentio/core/error.hpp"
#include "sentio/core/plugin.hpp"
#include "sentio/core/resources.hpp"

namespace sentio::vision {

namespace {

std::mutex& backend_mutex() {
  static std::mutex m;
  return m;
}

FaceBackend& registered() {
  static FaceBackend backend;
  return backend;
}

FaceBackend backend() {
  {
    const std::lock_guard<std::mutex> lock(backend_mutex());
    if (registered().load_model != nullptr) return registered();
  }
  load_plugin(kTorchPlugin);  // registers the backend (outside the lock: the plugin calls register_face_backend)
  const std::lock_guard<std::mutex> lock(backend_mutex());
  if (registered().load_model == nullptr || registered().load_image == nullptr)
    throw InputError(std::string("the ") + kTorchPlugin + " plugin registered no face models");
  return registered();
}

}  // namespace

void register_face_backend(const FaceBackend& b) {
  SENTIO_ASSERT(b.load_model != nullptr && b.load_image != nullptr);
  const std::lock_guard<std::mutex> lock(backend_mutex());
  registered() = b;
}

std::unique_ptr<FaceModel> load_face_model(const FaceModelOptions& options) { return backend().load_model(options); }

Image load_image(const std::string& path) { return backend().load_image(path); }

std::string default_face_model_dir() {
  if (const char* env = std::getenv("SENTIO_FACE_MODELS"); env != nullptr && *env != '\0') return env;
  const char* relative = ".cache/models/human";
  // An installed copy (share/sentio/models/face/human) before a source tree's fetched models.
  for (const char* r : {"models/face/human", ".cache/models/human"})
    if (const auto found = find_shipped_file(std::string(r) + "/blazeface.json", nullptr))
      return std::filesystem::path(*found).parent_path().string();
  return relative;
}

std::optional<std::string> face_model_folder_file(const std::string& dir, const std::string& name) {
  std::error_code ec;
  const std::filesystem::path own = std::filesystem::path(dir) / name;
  if (std::filesystem::is_regular_file(own, ec)) return own.string();
  if (std::filesystem::equivalent(dir, default_face_model_dir(), ec)) return find_shipped_file("models/face/" + name, nullptr);
  return std::nullopt;
}

}  // namespace sentio::vision
