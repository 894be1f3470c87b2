// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared by the vision data tests: where scripts/setup put the face models, a skip when they are
// missing, and one analyzer per test binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sentio/vision_neural/face_analyzer.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/vision_neural/graph_model.hpp"

namespace sentio::test {

inline std::string face_models_dir() {
  return (std::filesystem::path(SENTIO_SOURCE_DIR) / ".cache" / "models" / "human").string();
}

inline const vision::FaceAnalyzer& shared_face_analyzer() {
  static const vision::FaceAnalyzer a = [] {
    torch_runtime::set_threads(1);
    vision::FaceAnalyzerOptions o;
    o.model_dir = face_models_dir();
    return vision::FaceAnalyzer(o);
  }();
  return a;
}

}  // namespace sentio::test

// Skips the current test with a visible reason when the face models were not fetched.
#define SENTIO_REQUIRE_FACE_MODELS()                                                                    \
  if (!std::filesystem::exists(std::filesystem::path(::sentio::test::face_models_dir()) / "emotion.json") || \
      !std::filesystem::exists(std::filesystem::path(::sentio::test::face_models_dir()) / "facemesh.json"))  \
  GTEST_SKIP() << "skipped: face models not found in " << ::sentio::test::face_models_dir() << " (run scripts/setup)"
