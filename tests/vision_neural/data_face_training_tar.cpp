// SPDX-License-Identifier: Apache-2.0
// Data test of tar-backed face manifests on FER2013 (../shared/data/face/fer2013): the Training rows
// point into train.tar ("train.tar:train/<label>/Training_<id>.jpg"); the archive indexes all 28,709
// members, the split filter selects them, and the first 20 decode as 48x48 grey images. Then
// `eval face`'s library part on a manifest of tar rows with a split column, with the expression model
// given as a json path (FaceAnalyzerOptions::expression_model).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "face/manifest.hpp"
#include "face/tar_archive.hpp"
#include "face_test_support.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_eval.hpp"
#include "sentio/vision_neural/face_analyzer.hpp"
#include "test_support.hpp"

namespace {

TEST(FaceTrainingData, Fer2013TrainingRowsReadFromTheTar) {
  SENTIO_REQUIRE_SHARED(manifest, "data/face/fer2013/manifest.csv");
  SENTIO_REQUIRE_SHARED(tar_path, "data/face/fer2013/train.tar");
  const sentio::vision::face::TarArchive tar(tar_path.string());
  EXPECT_EQ(tar.members().size(), 28709u);
  const auto train = sentio::vision::face::read_manifest(manifest.string(), "Training");
  ASSERT_EQ(train.size(), 28709u);
  EXPECT_EQ(sentio::vision::face::read_manifest(manifest.string(), "PublicTest").size(), 3589u);
  for (std::size_t i = 0; i < 20; ++i) {
    const auto& row = train[i * 1400];  // spread over the label folders
    const sentio::vision::Image image = sentio::vision::decode_image_file(row.path);
    EXPECT_EQ(image.width, 48) << row.path;
    EXPECT_EQ(image.height, 48) << row.path;
    EXPECT_EQ(image.channels, 1) << row.path;
    EXPECT_NE(row.path.find("train.tar:train/" + row.label + "/Training_"), std::string::npos) << row.path;
    EXPECT_EQ(sentio::vision::map_expression_label(row.label).status, sentio::vision::LabelStatus::supported);
  }
}

TEST(FaceTrainingData, EvalReadsTarRowsOfOneSplitWithAnExpressionModelJson) {
  SENTIO_REQUIRE_SHARED(tar_path, "data/face/fer2013/train.tar");
  SENTIO_REQUIRE_FACE_MODELS();
  const std::filesystem::path dir = sentio::test::temp_dir();
  std::ofstream csv(dir / "m.csv");
  csv << "path,label,split\n";
  const sentio::vision::face::TarArchive tar(tar_path.string());
  for (std::size_t i = 0; i < 12; ++i) {
    const std::string& name = tar.members()[i * 2000].name;  // train/<label>/Training_<id>.jpg
    const std::string label = name.substr(6, name.find('/', 6) - 6);
    csv << tar_path.string() << ":" << name << "," << label << ",Training\n";
  }
  csv << "missing.jpg,happy,Other\n";
  csv.close();
  sentio::vision::FaceEvalOptions o;
  o.manifest = (dir / "m.csv").string();
  o.split = "Training";
  o.crops = sentio::vision::CropMode::crop;
  o.analyzer.model_dir = sentio::test::face_models_dir();
  o.analyzer.expression_model = (std::filesystem::path(sentio::test::face_models_dir()) / "emotion.json").string();
  const auto r = sentio::vision::evaluate_faces(o);
  EXPECT_EQ(r.n_rows, 12u);
  EXPECT_EQ(r.metrics.n, 12u);
  EXPECT_TRUE(r.failures.empty());
  EXPECT_EQ(r.n_as_crop, 12u);
  EXPECT_EQ(r.expression_model, o.analyzer.expression_model);
  o.analyzer.expression_model = (dir / "nothere.json").string();
  EXPECT_THROW((void)sentio::vision::evaluate_faces(o), sentio::InputError);
}

}  // namespace
