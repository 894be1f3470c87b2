// SPDX-License-Identifier: Apache-2.0
// Unit tests of the TF.js graph loader on tiny hand-written models: weight dequantization (uint8,
// uint16, float16), TF SAME padding (extra row/column at the bottom/right), and the error paths
// (unknown op, truncated or oversized shard, missing shard, bad dtype, malformed json, bad input).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/vision_neural/graph_model.hpp"
#include "test_support.hpp"
#include "tfjs/weights.hpp"

namespace {

using sentio::InputError;
using sentio::vision::GraphModel;
using sentio::vision::Tensor;

// Writes `json` as model.json and `bin` as w.bin into a fresh folder; returns the json path.
std::string write_model(const std::string& json, const std::vector<std::uint8_t>& bin) {
  const std::filesystem::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "model.json") << json;
  std::ofstream b(dir / "w.bin", std::ios::binary);
  b.write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
  return (dir / "model.json").string();
}

void put_f32(std::vector<std::uint8_t>& out, float v) {
  std::uint8_t b[4];
  std::memcpy(b, &v, 4);
  out.insert(out.end(), b, b + 4);
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

// One Conv2D (2x2 filter, 1->1 channel, SAME, stride 1) on a [1,3,3,1] input, then AddV2 with a
// bias. `filter_quant` / `bias_quant` are the manifest "quantization" members ("" for float32).
std::string conv_model_json(const std::string& filter_quant, const std::string& bias_quant,
                            const std::string& conv_op = "Conv2D", const std::string& filter_dtype = "float32") {
  return R"({"format":"graph-model","modelTopology":{"node":[
  {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},
     "shape":{"shape":{"dim":[{"size":"-1"},{"size":"3"},{"size":"3"},{"size":"1"}]}}}},
  {"name":"filter","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"bias","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"conv","op":")" + conv_op + R"(","input":["x","filter"],"attr":{"T":{"type":"DT_FLOAT"},
     "data_format":{"s":"TkhXQw=="},"padding":{"s":"U0FNRQ=="},"strides":{"list":{"i":["1","1","1","1"]}},
     "dilations":{"list":{"i":["1","1","1","1"]}}}},
  {"name":"y","op":"AddV2","input":["conv","bias"]}]},
 "weightsManifest":[{"paths":["w.bin"],"weights":[
  {"name":"filter","shape":[2,2,1,1],"dtype":")" + filter_dtype + R"(")" + filter_quant + R"(},
  {"name":"bias","shape":[1],"dtype":"float32")" + bias_quant + R"(}]}]})";
}

// TF SAME with a 2x2 kernel at stride 1 pads 0 rows on top and 1 at the bottom (same for columns):
// y[i][j] = sum_{a,b in {0,1}} x[i+a][j+b] * f[a][b] + bias, x = 0 outside the 3x3 image.
std::vector<float> expected_conv(const std::vector<float>& x, const float f[4], float bias) {
  std::vector<float> y(9);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      float s = bias;
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b)
          if (i + a < 3 && j + b < 3) s += x[static_cast<std::size_t>(3 * (i + a) + j + b)] * f[2 * a + b];
      y[static_cast<std::size_t>(3 * i + j)] = s;
    }
  return y;
}

const std::vector<float> kImage = {1, 2, 3, 4, 5, 6, 7, 8, 9};

void expect_message(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
  }
}

TEST(TfjsLoader, Uint8FilterAndFloat16BiasAreDequantized) {
  // filter q = 0,1,2,3 with scale 0.5, min -1 -> -1, -0.5, 0, 0.5; bias float16 0x3E00 = 1.5.
  std::vector<std::uint8_t> bin = {0, 1, 2, 3};
  put_u16(bin, 0x3E00);
  const std::string path =
      write_model(conv_model_json(R"(,"quantization":{"dtype":"uint8","scale":0.5,"min":-1})",
                                  R"(,"quantization":{"dtype":"float16","original_dtype":"float32"})"),
                  bin);
  const GraphModel m = GraphModel::load(path);
  ASSERT_EQ(m.input_names(), std::vector<std::string>{"x"});
  ASSERT_EQ(m.output_names(), std::vector<std::string>{"y"});
  EXPECT_EQ(m.input_shape(0), (std::vector<std::int64_t>{-1, 3, 3, 1}));
  const std::vector<Tensor> out = m.run({Tensor{{1, 3, 3, 1}, kImage}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape, (std::vector<std::int64_t>{1, 3, 3, 1}));
  const float f[4] = {-1.0F, -0.5F, 0.0F, 0.5F};
  const std::vector<float> want = expected_conv(kImage, f, 1.5F);
  for (std::size_t k = 0; k < 9; ++k) EXPECT_FLOAT_EQ(out[0].data[k], want[k]) << k;
  // Corner check written out: y[2][2] = x[2][2]*f00 + 1.5 = 9*(-1) + 1.5.
  EXPECT_FLOAT_EQ(out[0].data[8], -7.5F);
}

TEST(TfjsLoader, Uint16AndFloat32WeightsAndBatchOfTwo) {
  // uint16 q = 0, 100, 200, 300 with scale 0.01, min 0.25 -> 0.25, 1.25, 2.25, 3.25.
  std::vector<std::uint8_t> bin;
  for (const int q : {0, 100, 200, 300}) put_u16(bin, static_cast<std::uint16_t>(q));
  put_f32(bin, -2.0F);
  const std::string path = write_model(conv_model_json(R"(,"quantization":{"dtype":"uint16","scale":0.01,"min":0.25})", ""), bin);
  const GraphModel m = GraphModel::load(path);
  std::vector<float> two = kImage;
  for (float v : kImage) two.push_back(-v);
  const std::vector<Tensor> out = m.run({Tensor{{2, 3, 3, 1}, two}});
  const float f[4] = {0.25F, 1.25F, 2.25F, 3.25F};
  const std::vector<float> want = expected_conv(kImage, f, -2.0F);
  ASSERT_EQ(out[0].data.size(), 18u);
  for (std::size_t k = 0; k < 9; ++k) {
    EXPECT_NEAR(out[0].data[k], want[k], 1e-5F);
    EXPECT_NEAR(out[0].data[9 + k], -(want[k] + 2.0F) - 2.0F, 1e-5F);  // linear in x, same bias
  }
}

TEST(TfjsLoader, HalfToFloatIsExact) {
  using sentio::vision::tfjs::half_to_float;
  EXPECT_EQ(half_to_float(0x3C00), 1.0F);
  EXPECT_EQ(half_to_float(0xC000), -2.0F);
  EXPECT_EQ(half_to_float(0x7BFF), 65504.0F);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0F, -24));  // smallest subnormal
  EXPECT_EQ(half_to_float(0x0400), std::ldexp(1.0F, -14));  // smallest normal
  EXPECT_TRUE(std::isinf(half_to_float(0xFC00)) && half_to_float(0xFC00) < 0);
  EXPECT_TRUE(std::isnan(half_to_float(0x7E00)));
}

TEST(TfjsLoader, MaxPoolSamePadsWithMinusInfinityAtBottomRight) {
  // 2x2 max-pool, stride 2, SAME on a 3x3 all-negative image: output 2x2; the last row/column
  // windows hang over the bottom/right edge and must ignore the padding (not see a 0).
  const std::string json = R"({"format":"graph-model","modelTopology":{"node":[
  {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},
     "shape":{"shape":{"dim":[{"size":"1"},{"size":"3"},{"size":"3"},{"size":"1"}]}}}},
  {"name":"p","op":"MaxPool","input":["x"],"attr":{"padding":{"s":"U0FNRQ=="},
     "ksize":{"list":{"i":["1","2","2","1"]}},"strides":{"list":{"i":["1","2","2","1"]}}}}]},
 "weightsManifest":[]})";
  const GraphModel m = GraphModel::load(write_model(json, {}));
  std::vector<float> neg;
  for (float v : kImage) neg.push_back(-v);
  const std::vector<Tensor> out = m.run({Tensor{{1, 3, 3, 1}, neg}});
  EXPECT_EQ(out[0].shape, (std::vector<std::int64_t>{1, 2, 2, 1}));
  EXPECT_EQ(out[0].data, (std::vector<float>{-1, -3, -7, -9}));
}

TEST(TfjsLoader, UnknownOpNamesTheNode) {
  std::string json = conv_model_json("", "");
  json.replace(json.find(R"("op":"AddV2")"), 12, R"("op":"Foo")");
  std::vector<std::uint8_t> bin;
  for (int k = 0; k < 5; ++k) put_f32(bin, 1.0F);
  const std::string path = write_model(json, bin);
  expect_message([&] { GraphModel::load(path); }, {"model.json", "node 'y'", "unsupported op 'Foo'"});
}

TEST(TfjsLoader, TruncatedShardNamesTheTensor) {
  std::vector<std::uint8_t> bin;
  for (int k = 0; k < 4; ++k) put_f32(bin, 1.0F);
  bin.push_back(0);  // bias needs 4 bytes, only 1 present
  const std::string path = write_model(conv_model_json("", ""), bin);
  expect_message([&] { GraphModel::load(path); }, {"model.json", "weight 'bias'", "truncated"});
}

TEST(TfjsLoader, ShardLongerThanTheManifestIsRejected) {
  std::vector<std::uint8_t> bin;
  for (int k = 0; k < 6; ++k) put_f32(bin, 1.0F);  // one float too many: shapes do not match the data
  const std::string path = write_model(conv_model_json("", ""), bin);
  expect_message([&] { GraphModel::load(path); }, {"model.json", "does not match"});
}

TEST(TfjsLoader, MissingShardNamesTheFile) {
  const std::string path = write_model(conv_model_json("", ""), {});
  std::filesystem::remove(std::filesystem::path(path).parent_path() / "w.bin");
  expect_message([&] { GraphModel::load(path); }, {"model.json", "w.bin"});
}

TEST(TfjsLoader, UnsupportedDtypeNamesTheTensor) {
  const std::string path = write_model(conv_model_json("", "", "Conv2D", "complex64"), {});
  expect_message([&] { GraphModel::load(path); }, {"weight 'filter'", "unsupported dtype 'complex64'"});
}

TEST(TfjsLoader, MalformedJsonNamesTheFile) {
  const std::string path = write_model(R"({"format":"graph-model","modelTopology":{"node":[)", {});
  expect_message([&] { GraphModel::load(path); }, {"model.json", "malformed json"});
  expect_message([&] { GraphModel::load("/nonexistent/model.json"); }, {"/nonexistent/model.json", "cannot open"});
}

// A shard path naming a folder ("." = the model's own folder) used to end in std::length_error
// ("internal error"); a number out of double range in the JSON in nlohmann's out_of_range.
TEST(TfjsLoader, FolderShardAndHugeNumbersAreInputErrors) {
  std::string json = conv_model_json("", "");
  json.replace(json.find("\"w.bin\""), 7, "\".\"");
  const std::string path = write_model(json, {});
  expect_message([&] { GraphModel::load(path); }, {"model.json", "not a regular file"});
  std::string huge = conv_model_json("", "");
  huge.replace(huge.find("[2,2,1,1]"), 9, "[2,2,1,1e400]");
  const std::string path2 = write_model(huge, {});
  expect_message([&] { GraphModel::load(path2); }, {"model.json"});
}

// A weight with a 0 dimension holds no bytes: it decodes to an empty tensor (found by fuzz_tfjs_model: the
// copy of its zero bytes passed a null pointer to memcpy).
TEST(TfjsLoader, ZeroElementWeightDecodesEmpty) {
  namespace tfjs = sentio::vision::tfjs;
  tfjs::WeightGroup group;
  group.paths = {"w.bin"};
  group.weights.push_back({"empty", {0, 3}, tfjs::DType::float32, {}});
  group.weights.push_back({"ids", {2, 0}, tfjs::DType::int32, {}});
  const auto tensors = tfjs::decode_weight_group(group, {}, "model.json");
  ASSERT_EQ(tensors.size(), 2u);
  EXPECT_TRUE(tensors.at("empty").f32.empty());
  EXPECT_EQ(tensors.at("empty").shape, (std::vector<std::int64_t>{0, 3}));
  EXPECT_TRUE(tensors.at("ids").i32.empty());
}

TEST(TfjsLoader, DanglingInputNamesTheNode) {
  std::string json = conv_model_json("", "");
  json.replace(json.find(R"(["conv","bias"])"), 15, R"(["conv","nope"])");
  std::vector<std::uint8_t> bin;
  for (int k = 0; k < 5; ++k) put_f32(bin, 1.0F);
  expect_message([&] { GraphModel::load(write_model(json, bin)); }, {"node 'y'", "input 'nope'"});
}

TEST(TfjsLoader, WrongInputShapeIsAnInputError) {
  std::vector<std::uint8_t> bin;
  for (int k = 0; k < 5; ++k) put_f32(bin, 1.0F);
  const GraphModel m = GraphModel::load(write_model(conv_model_json("", ""), bin));
  expect_message([&] { m.run({Tensor{{1, 4, 3, 1}, std::vector<float>(12)}}); }, {"input 'x'", "[1,4,3,1]"});
  expect_message([&] { m.run({Tensor{{1, 3, 3, 1}, std::vector<float>(8)}}); }, {"input 'x'", "8 values"});
  expect_message([&] { m.run({}); }, {"expected 1 inputs"});
}

}  // namespace
