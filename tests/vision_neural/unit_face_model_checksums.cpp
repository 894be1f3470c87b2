// SPDX-License-Identifier: Apache-2.0
// Model files are checked against their folder's SHA256SUMS when the analyzer loads them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "face_test_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

// A copy of the three pipeline models with the shipped checksum list.
fs::path copy_models() {
  const fs::path dir = sentio::test::temp_dir();
  for (const char* name : {"blazeface", "facemesh", "emotion"})
    for (const char* ext : {".json", ".bin"})
      fs::copy_file(fs::path(sentio::test::face_models_dir()) / (std::string(name) + ext),
                    dir / (std::string(name) + ext));
  fs::copy_file(fs::path(SENTIO_SOURCE_DIR) / "models" / "face" / "SHA256SUMS", dir / "SHA256SUMS");
  return dir;
}

std::string load_error(const fs::path& dir) {
  sentio::vision::FaceAnalyzerOptions o;
  o.model_dir = dir.string();
  try {
    sentio::vision::FaceAnalyzer analyzer(o);
  } catch (const sentio::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(FaceModelChecksums, IntactCopiesLoad) {
  SENTIO_REQUIRE_FACE_MODELS();
  EXPECT_EQ(load_error(copy_models()), "");
}

TEST(FaceModelChecksums, OneAlteredByteInTheWeightsIsRefusedNamingTheFile) {
  SENTIO_REQUIRE_FACE_MODELS();
  const fs::path dir = copy_models();
  {
    std::fstream f(dir / "emotion.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(1000);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x01);
    f.seekp(1000);
    f.write(&c, 1);
  }
  const std::string error = load_error(dir);
  EXPECT_NE(error.find("emotion.bin': checksum mismatch"), std::string::npos) << error;
}

TEST(FaceModelChecksums, AListedFileThatIsMissingIsNamed) {
  SENTIO_REQUIRE_FACE_MODELS();
  const fs::path dir = copy_models();
  fs::remove(dir / "facemesh.bin");
  const std::string error = load_error(dir);
  EXPECT_NE(error.find("facemesh.bin': face model file not found"), std::string::npos) << error;
}

TEST(FaceModelChecksums, AFolderWithoutAListIsNotChecked) {
  SENTIO_REQUIRE_FACE_MODELS();
  const fs::path dir = copy_models();
  fs::remove(dir / "SHA256SUMS");
  std::ofstream(dir / "emotion.json", std::ios::app) << "\n";  // still valid JSON, other bytes
  EXPECT_EQ(load_error(dir), "");
}
