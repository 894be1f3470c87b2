// SPDX-License-Identifier: Apache-2.0
// Golden test of the TF.js graph runner: each face model of @vladmandic/human 3.3.6 runs on the fixed
// input of ../shared/reference/tfjs/<model>/ and must reproduce the outputs of the independent
// reference implementation there.
// Tolerance per output: max |ours - ref| <= 1e-4 * max|ref| + 1e-5 (float32 with a different
// summation order; the reference README promises about 1e-4 relative agreement).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "sentio/vision_neural/graph_model.hpp"
#include "test_support.hpp"

namespace {

using sentio::vision::GraphModel;
using sentio::vision::Tensor;

std::vector<float> read_f32(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  in.seekg(0);
  std::vector<float> v(bytes / sizeof(float));
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

std::filesystem::path model_path(const std::string& name) {
  return std::filesystem::path(SENTIO_SOURCE_DIR) / ".cache" / "models" / "human" / (name + ".json");
}

// Output names use '/', reference file keys use '_' ("gender_pred/Sigmoid" -> "gender_pred_Sigmoid").
std::string key_of(std::string name) {
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

class GoldenTfjs : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTfjs, MatchesReferenceOutputs) {
  const std::string name = GetParam();
  SENTIO_REQUIRE_SHARED(ref_dir, "reference/tfjs/" + name);
  const std::filesystem::path json_path = model_path(name);
  if (!std::filesystem::exists(json_path))
    GTEST_SKIP() << "skipped: " << json_path << " not found (run scripts/setup to fetch the face models)";

  std::ifstream meta_in(ref_dir / "meta.json");
  const nlohmann::json meta = nlohmann::json::parse(meta_in);
  Tensor input;
  for (const auto& d : meta["input"]["shape"]) input.shape.push_back(d.get<std::int64_t>());
  input.data = read_f32(ref_dir / meta["input"]["file"].get<std::string>());
  ASSERT_EQ(input.data.size(), input.element_count());

  const GraphModel model = GraphModel::load(json_path.string());
  ASSERT_EQ(model.input_names().size(), 1u);
  const std::vector<Tensor> outputs = model.run({input});
  ASSERT_EQ(outputs.size(), model.output_names().size());
  ASSERT_EQ(outputs.size(), meta["outputs"].size());

  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const std::string key = key_of(model.output_names()[k]);
    SCOPED_TRACE(name + " output " + model.output_names()[k]);
    ASSERT_TRUE(meta["outputs"].contains(key)) << "no reference for output " << key;
    const auto& ref_meta = meta["outputs"][key];
    std::vector<std::int64_t> ref_shape;
    for (const auto& d : ref_meta["shape"]) ref_shape.push_back(d.get<std::int64_t>());
    EXPECT_EQ(outputs[k].shape, ref_shape);
    const std::vector<float> ref = read_f32(ref_dir / ref_meta["file"].get<std::string>());
    ASSERT_EQ(outputs[k].data.size(), ref.size());
    double max_ref = 0.0;
    double max_err = 0.0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      max_ref = std::max(max_ref, std::abs(static_cast<double>(ref[i])));
      max_err = std::max(max_err, std::abs(static_cast<double>(outputs[k].data[i]) - ref[i]));
    }
    const double tolerance = 1e-4 * max_ref + 1e-5;
    EXPECT_LE(max_err, tolerance) << "max |ref| " << max_ref;
    std::printf("[golden] %-9s %-22s max abs err %.3g  max|ref| %.3g  rel %.3g\n", name.c_str(), key.c_str(), max_err,
                max_ref, max_ref > 0 ? max_err / max_ref : 0.0);
  }
}

INSTANTIATE_TEST_SUITE_P(HumanModels, GoldenTfjs,
                         ::testing::Values("blazeface", "facemesh", "emotion", "iris", "faceres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The emotion model's arg-max on the seven FER2013 images (one per label, in meta order) should
// mostly be the right label; this guards the input convention, not just the numerics.
TEST(GoldenTfjsEmotion, PredictsMostLabelsOfTheSampleImages) {
  SENTIO_REQUIRE_SHARED(ref_dir, "reference/tfjs/emotion");
  const std::filesystem::path json_path = model_path("emotion");
  if (!std::filesystem::exists(json_path))
    GTEST_SKIP() << "skipped: " << json_path << " not found (run scripts/setup to fetch the face models)";
  const GraphModel model = GraphModel::load(json_path.string());
  Tensor input{{7, 64, 64, 1}, read_f32(ref_dir / "input.f32")};
  const std::vector<Tensor> out = model.run({input});
  ASSERT_EQ(out[0].shape, (std::vector<std::int64_t>{7, 7}));
  // The images are in file order angry, disgust, fear, happy, neutral, sad, surprise; the model's
  // label order is angry, disgust, fear, happy, sad, surprise, neutral.
  const int expected[7] = {0, 1, 2, 3, 6, 4, 5};
  int correct = 0;
  for (int i = 0; i < 7; ++i) {
    const float* row = out[0].data.data() + 7 * i;
    float sum = 0.0F;
    for (int c = 0; c < 7; ++c) sum += row[c];
    EXPECT_NEAR(sum, 1.0F, 1e-5F);  // softmax output
    correct += static_cast<int>(std::max_element(row, row + 7) - row) == expected[i];
  }
  std::printf("[golden] emotion sample images: %d/7 correct\n", correct);
  EXPECT_GE(correct, 5);  // the reference implementation gets the same 5 of 7 (deterministic input)
}

// run() is const and thread-safe: two threads on one model give the serial result, and a batch of
// two copies of the facemesh input (dynamic batch dimension) gives the reference twice.
TEST(GoldenTfjsRunner, ConcurrentRunsAndBatchesMatchSerial) {
  SENTIO_REQUIRE_SHARED(ref_dir, "reference/tfjs/facemesh");
  const std::filesystem::path json_path = model_path("facemesh");
  if (!std::filesystem::exists(json_path))
    GTEST_SKIP() << "skipped: " << json_path << " not found (run scripts/setup to fetch the face models)";
  const GraphModel model = GraphModel::load(json_path.string());
  const Tensor one{{1, 192, 192, 3}, read_f32(ref_dir / "input.f32")};
  const std::vector<Tensor> serial = model.run({one});
  std::vector<Tensor> a;
  std::vector<Tensor> b;
  std::thread t1([&] { for (int k = 0; k < 3; ++k) a = model.run({one}); });
  std::thread t2([&] { for (int k = 0; k < 3; ++k) b = model.run({one}); });
  t1.join();
  t2.join();
  for (std::size_t k = 0; k < serial.size(); ++k) {
    EXPECT_EQ(a[k].data, serial[k].data);
    EXPECT_EQ(b[k].data, serial[k].data);
  }
  Tensor two{{2, 192, 192, 3}, one.data};
  two.data.insert(two.data.end(), one.data.begin(), one.data.end());
  const std::vector<Tensor> batched = model.run({two});
  const std::size_t mesh = model.output_index("Identity_2");
  ASSERT_EQ(batched[mesh].shape, (std::vector<std::int64_t>{2, 1404}));
  for (std::size_t i = 0; i < 1404; ++i) {
    EXPECT_NEAR(batched[mesh].data[i], serial[mesh].data[i], 1e-3);
    EXPECT_NEAR(batched[mesh].data[1404 + i], serial[mesh].data[i], 1e-3);
  }
}

}  // namespace
