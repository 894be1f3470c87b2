// SPDX-License-Identifier: Apache-2.0
// Unit tests of `sentio train face`'s library part on a tiny synthetic task: a small graph with the
// emotion model's contract (N x 64 x 64 x 1 -> conv 3x3 + bias + ReLU -> spatial mean -> softmax over 7)
// learns vertical vs horizontal stripes from 48x48 PGMs stored in a tar (manifest paths
// "faces.tar:MEMBER", a split column whose other rows point to missing files). Checks that the loss
// falls, that the written model loads with GraphModel::load and that its outputs have the base model's
// shape but new values; plus the manifest split filter and the input errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "face/manifest.hpp"
#include "sentio/core/error.hpp"
#include "sentio/vision_neural/face_training.hpp"
#include "sentio/vision_neural/graph_model.hpp"
#include "tar_writer.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using sentio::InputError;
using sentio::vision::GraphModel;
using sentio::vision::Tensor;

void append_f32(std::string& out, float v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

// The tiny model in `dir`: model.json + w.bin; returns the json path.
std::string write_tiny_model(const fs::path& dir) {
  const std::string json = R"({"format":"graph-model","modelTopology":{"node":[
  {"name":"input_1","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},
     "shape":{"shape":{"dim":[{"size":"-1"},{"size":"64"},{"size":"64"},{"size":"1"}]}}}},
  {"name":"w","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"b","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"axes","op":"Const","attr":{"dtype":{"type":"DT_INT32"},"value":{"tensor":{}}}},
  {"name":"conv","op":"_FusedConv2D","input":["input_1","w","b"],"attr":{"T":{"type":"DT_FLOAT"},
     "num_args":{"i":"1"},"fused_ops":{"list":{"s":["Qmlhc0FkZA==","UmVsdQ=="]}},
     "data_format":{"s":"TkhXQw=="},"padding":{"s":"U0FNRQ=="},"strides":{"list":{"i":["1","1","1","1"]}},
     "dilations":{"list":{"i":["1","1","1","1"]}}}},
  {"name":"mean","op":"Mean","input":["conv","axes"],"attr":{"keep_dims":{"b":false}}},
  {"name":"softmax","op":"Softmax","input":["mean"]},
  {"name":"Identity","op":"Identity","input":["softmax"]}]},
 "weightsManifest":[{"paths":["w.bin"],"weights":[
  {"name":"w","shape":[3,3,1,7],"dtype":"float32"},
  {"name":"b","shape":[7],"dtype":"float32"},
  {"name":"axes","shape":[2],"dtype":"int32"}]}]})";
  std::string bin;
  for (int k = 0; k < 63; ++k) append_f32(bin, 0.4f * static_cast<float>(std::sin(1.7 * k + 0.3)));
  for (int k = 0; k < 7; ++k) append_f32(bin, 0.1f);
  for (const std::int32_t a : {1, 2}) bin.append(reinterpret_cast<const char*>(&a), 4);
  std::ofstream(dir / "model.json") << json;
  std::ofstream(dir / "w.bin", std::ios::binary) << bin;
  return (dir / "model.json").string();
}

// 48x48 stripes, period 8: vertical (happy) or horizontal (sad), with a per-image phase and noise.
std::vector<std::uint8_t> stripes(bool vertical, int seed) {
  std::vector<std::uint8_t> px(48 * 48);
  for (int y = 0; y < 48; ++y)
    for (int x = 0; x < 48; ++x) {
      const int t = (vertical ? x : y) + seed;
      const int noise = ((x * 31 + y * 17 + seed * 7) % 21) - 10;
      px[static_cast<std::size_t>(y * 48 + x)] = static_cast<std::uint8_t>(((t / 4) % 2 ? 200 : 50) + noise);
    }
  return px;
}

// faces.tar with 32 images + manifest.csv (16 happy, 16 sad as Training; 2 PublicTest rows to missing files).
std::string write_dataset(const fs::path& dir) {
  std::vector<sentio::test::TarEntry> entries;
  std::string csv = "path,label,split,subject\n";
  for (int i = 0; i < 32; ++i) {
    const bool vertical = i % 2 == 0;
    const std::string name = std::string(vertical ? "happy/" : "sad/") + std::to_string(i) + ".pgm";
    entries.push_back({name, sentio::test::make_pgm(48, 48, stripes(vertical, i))});
    csv += "faces.tar:" + name + "," + (vertical ? "happy" : "sad") + ",Training,\n";
  }
  csv += "missing/a.png,happy,PublicTest,\nmissing/b.png,contempt,PublicTest,\n";
  const auto tar = sentio::test::make_tar(entries);
  std::ofstream(dir / "faces.tar", std::ios::binary).write(reinterpret_cast<const char*>(tar.data()),
                                                           static_cast<std::streamsize>(tar.size()));
  std::ofstream(dir / "manifest.csv") << csv;
  return (dir / "manifest.csv").string();
}

Tensor probe_input() {
  Tensor t;
  t.shape = {2, 64, 64, 1};
  t.data.resize(2 * 64 * 64);
  for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
  return t;
}

TEST(FaceTraining, FewStepsReduceTheLossAndWriteALoadableModel) {
  const fs::path dir = sentio::test::temp_dir();
  sentio::vision::FaceTrainOptions o;
  o.base_model = write_tiny_model(dir);
  o.manifest = write_dataset(dir);
  o.split = "Training";
  o.output_dir = (dir / "out").string();
  o.epochs = 15;
  o.batch_size = 4;
  o.learning_rate = 0.05;
  o.label_smoothing = 0;
  o.holdout_fraction = 0.25;
  o.augment = false;
  o.threads = 1;
  const auto r = sentio::vision::train_expression_model(o);
  EXPECT_EQ(r.n_train, 24u);
  EXPECT_EQ(r.n_holdout, 8u);
  ASSERT_EQ(r.epochs.size(), 15u);
  EXPECT_LT(r.epochs.back().train_loss, 0.8 * r.epochs.front().train_loss);
  EXPECT_GE(r.chosen_epoch, 1);
  EXPECT_GT(r.epochs[static_cast<std::size_t>(r.chosen_epoch - 1)].holdout_accuracy, 0.9);
  for (const char* f : {"emotion.json", "emotion.bin", "training.json", "SHA256SUMS"})
    EXPECT_TRUE(fs::exists(fs::path(o.output_dir) / f)) << f;
  EXPECT_EQ(fs::file_size(fs::path(o.output_dir) / "emotion.bin"), (63u + 7u + 2u) * 4u);

  const GraphModel base = GraphModel::load(o.base_model);
  const GraphModel tuned = GraphModel::load((fs::path(o.output_dir) / "emotion.json").string());
  const auto a = base.run({probe_input()});
  const auto b = tuned.run({probe_input()});
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].shape, b[0].shape);
  ASSERT_EQ(b[0].shape, (std::vector<std::int64_t>{2, 7}));
  double diff = 0, sum = 0;
  for (std::size_t i = 0; i < a[0].data.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(a[0].data[i] - b[0].data[i])));
    sum += b[0].data[i];
  }
  EXPECT_GT(diff, 1e-3);
  EXPECT_NEAR(sum, 2.0, 1e-4);  // still two softmax rows

  const auto report = nlohmann::json::parse(std::ifstream(fs::path(o.output_dir) / "training.json"));
  EXPECT_EQ(report["chosen_epoch"].get<int>(), r.chosen_epoch);
  EXPECT_EQ(report["epochs"].size(), 15u);
}

TEST(FaceTraining, InputErrors) {
  const fs::path dir = sentio::test::temp_dir();
  sentio::vision::FaceTrainOptions o;
  o.base_model = write_tiny_model(dir);
  o.manifest = write_dataset(dir);
  o.output_dir = (dir / "out").string();
  o.epochs = 1;
  o.threads = 1;
  // Without the split filter the PublicTest rows point to missing files.
  try {
    (void)sentio::vision::train_expression_model(o);
    FAIL() << "no error for missing images";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing/a.png"), std::string::npos) << e.what();
  }
  o.split = "Nothing";
  EXPECT_THROW((void)sentio::vision::train_expression_model(o), InputError);
  // A base model whose input is not 64 x 64 x 1.
  o.split = "Training";
  std::ifstream in(o.base_model);
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json.replace(json.find(R"({"size":"64"},{"size":"64"})"), 27, R"({"size":"32"},{"size":"32"})");
  std::ofstream(dir / "model.json") << json;
  EXPECT_THROW((void)sentio::vision::train_expression_model(o), InputError);
}

TEST(FaceManifest, SplitColumnFilter) {
  const fs::path dir = sentio::test::temp_dir();
  const std::string path = write_dataset(dir);
  EXPECT_EQ(sentio::vision::face::read_manifest(path).size(), 34u);
  const auto train = sentio::vision::face::read_manifest(path, "Training");
  ASSERT_EQ(train.size(), 32u);
  EXPECT_EQ(train[0].split, "Training");
  EXPECT_EQ(train[0].path, (dir / "faces.tar:happy/0.pgm").string());
  EXPECT_EQ(sentio::vision::face::read_manifest(path, "PublicTest").size(), 2u);
  std::ofstream(dir / "nosplit.csv") << "path,label\na.png,happy\n";
  EXPECT_THROW((void)sentio::vision::face::read_manifest((dir / "nosplit.csv").string(), "Training"), InputError);
}

}  // namespace
