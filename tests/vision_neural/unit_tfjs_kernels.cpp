// SPDX-License-Identifier: Apache-2.0
// The direct separable-block kernel (src/vision/tfjs/kernels.hpp) against a naive reference on shapes
// that reach every code path (channel counts with and without a multiple of 8, stride 1 and 2 with TF
// SAME padding, residual, ReLU/PReLU, row ranges), and the graph rewrite that feeds it: a hand-written
// depthwise -> 1x1 conv -> AddV2 -> Relu model run through GraphModel equals the same arithmetic by hand,
// and the rewrite's width limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sentio/vision_neural/graph_model.hpp"
#include "test_support.hpp"
#include "tfjs/graph.hpp"
#include "tfjs/kernels.hpp"
#include "tfjs/model_json.hpp"

namespace {

using sentio::vision::tfjs::BlockAct;
using sentio::vision::tfjs::SeparableBlock;

std::vector<float> ramp(std::size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>((i * 37 + 11) % 23) / 23.0f + offset;
  return v;
}

// Naive NHWC reference of the block (double accumulation).
std::vector<float> reference(const SeparableBlock& b, const std::vector<float>& x) {
  const std::int64_t c_n = b.channels, n_n = b.out_channels;
  std::vector<float> out(static_cast<std::size_t>(b.batch * b.out_h * b.out_w * n_n));
  std::vector<double> mid(static_cast<std::size_t>(c_n));
  for (std::int64_t n = 0; n < b.batch; ++n)
    for (std::int64_t y = 0; y < b.out_h; ++y)
      for (std::int64_t xo = 0; xo < b.out_w; ++xo) {
        for (std::int64_t c = 0; c < c_n; ++c) {
          double s = 0;
          if (!b.depthwise) {
            s = x[static_cast<std::size_t>(((n * b.in_h + y) * b.in_w + xo) * c_n + c)];
          } else {
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const std::int64_t iy = y * b.stride - b.pad_top + ky, ix = xo * b.stride - b.pad_left + kx;
                if (iy < 0 || iy >= b.in_h || ix < 0 || ix >= b.in_w) continue;
                s += static_cast<double>(x[static_cast<std::size_t>(((n * b.in_h + iy) * b.in_w + ix) * c_n + c)]) *
                     b.dw_weights[(ky * 3 + kx) * c_n + c];
              }
          }
          mid[static_cast<std::size_t>(c)] = static_cast<float>(s);  // the depthwise result is a float tensor
        }
        for (std::int64_t m = 0; m < n_n; ++m) {
          double s = b.bias[m];
          for (std::int64_t c = 0; c < c_n; ++c) s += mid[static_cast<std::size_t>(c)] * b.pw_weights[c * n_n + m];
          const std::size_t o = static_cast<std::size_t>(((n * b.out_h + y) * b.out_w + xo) * n_n + m);
          if (b.residual) s += b.residual[o];
          if (b.act == BlockAct::relu) s = std::max(0.0, s);
          if (b.act == BlockAct::prelu && s < 0) s *= b.alpha[m];
          out[o] = static_cast<float>(s);
        }
      }
  return out;
}

struct Case {
  std::int64_t batch, h, w, c, n;
  bool dw;
  int stride;
  bool residual;
  BlockAct act;
};

TEST(TfjsKernels, SeparableBlockMatchesTheNaiveReference) {
  const Case cases[] = {
      {1, 9, 7, 24, 24, true, 1, true, BlockAct::relu},     // BlazeFace block (AVX2 tiles of 24)
      {2, 8, 10, 16, 32, true, 2, false, BlockAct::prelu},  // stride 2, SAME: pad 0 top/left, 1 bottom/right
      {1, 7, 7, 16, 16, true, 2, true, BlockAct::none},     // stride 2 on an odd size: pad 1 on each side
      {1, 5, 6, 5, 6, true, 1, false, BlockAct::relu},      // channels not a multiple of 8: portable paths
      {1, 6, 5, 40, 2, false, 1, false, BlockAct::none},    // pointwise only, 2 outputs (scalar tail)
      {1, 3, 9, 8, 56, false, 1, true, BlockAct::prelu},    // 24 + 24 + 8 channel tiles, odd pixel count
  };
  for (const Case& k : cases) {
    SCOPED_TRACE("c=" + std::to_string(k.c) + " n=" + std::to_string(k.n) + " stride=" + std::to_string(k.stride));
    SeparableBlock b;
    b.batch = k.batch;
    b.in_h = k.h;
    b.in_w = k.w;
    b.channels = k.c;
    b.depthwise = k.dw;
    b.stride = k.stride;
    // TF SAME: out = ceil(in / stride), total pad = max((out - 1) * stride + 3 - in, 0), the smaller half first.
    b.out_h = k.dw ? (k.h + k.stride - 1) / k.stride : k.h;
    b.out_w = k.dw ? (k.w + k.stride - 1) / k.stride : k.w;
    b.pad_top = k.dw ? static_cast<int>(std::max<std::int64_t>((b.out_h - 1) * k.stride + 3 - k.h, 0) / 2) : 0;
    b.pad_left = k.dw ? static_cast<int>(std::max<std::int64_t>((b.out_w - 1) * k.stride + 3 - k.w, 0) / 2) : 0;
    const auto dw = ramp(static_cast<std::size_t>(9 * k.c), 1.0f, -0.5f);
    const auto pw = ramp(static_cast<std::size_t>(k.c * k.n), 0.4f, -0.2f);
    const auto bias = ramp(static_cast<std::size_t>(k.n), 1.0f, -0.5f);
    const auto alpha = ramp(static_cast<std::size_t>(k.n), 0.5f, 0.0f);
    const auto x = ramp(static_cast<std::size_t>(k.batch * k.h * k.w * k.c), 2.0f, -1.0f);
    const auto res = ramp(static_cast<std::size_t>(k.batch * b.out_h * b.out_w * k.n), 1.0f, -0.3f);
    b.dw_weights = dw.data();
    b.pw_weights = pw.data();
    b.bias = bias.data();
    b.out_channels = k.n;
    b.residual = k.residual ? res.data() : nullptr;
    b.act = k.act;
    b.alpha = alpha.data();
    const std::vector<float> want = reference(b, x);
    std::vector<float> got(want.size(), -99.0f);
    // Two row ranges, as two threads would run them.
    const std::int64_t rows = b.batch * b.out_h;
    sentio::vision::tfjs::run_separable_block(b, x.data(), got.data(), 0, rows / 2);
    sentio::vision::tfjs::run_separable_block(b, x.data(), got.data(), rows / 2, rows);
    for (std::size_t i = 0; i < want.size(); ++i)
      ASSERT_NEAR(got[i], want[i], 1e-5 * (1.0 + std::abs(want[i]))) << "element " << i;
  }
}

void put_f32(std::vector<std::uint8_t>& out, const std::vector<float>& v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(float));
}

// A BlazeFace-style residual block as a TF.js graph: Relu(x + conv1x1(depthwise3x3(x)) + bias), 8 channels.
const std::string kResidualBlockJson = R"({"format":"graph-model","modelTopology":{"node":[
  {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},
     "shape":{"shape":{"dim":[{"size":"-1"},{"size":"5"},{"size":"6"},{"size":"8"}]}}}},
  {"name":"dw_filter","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"pw_filter","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"bias","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{}}}},
  {"name":"dw","op":"DepthwiseConv2dNative","input":["x","dw_filter"],"attr":{"T":{"type":"DT_FLOAT"},
     "data_format":{"s":"TkhXQw=="},"padding":{"s":"U0FNRQ=="},"strides":{"list":{"i":["1","1","1","1"]}},
     "dilations":{"list":{"i":["1","1","1","1"]}}}},
  {"name":"pw","op":"_FusedConv2D","input":["dw","pw_filter","bias"],"attr":{"T":{"type":"DT_FLOAT"},
     "data_format":{"s":"TkhXQw=="},"padding":{"s":"VkFMSUQ="},"strides":{"list":{"i":["1","1","1","1"]}},
     "dilations":{"list":{"i":["1","1","1","1"]}},"num_args":{"i":"1"},"fused_ops":{"list":{"s":["Qmlhc0FkZA=="]}}}},
  {"name":"add","op":"AddV2","input":["x","pw"]},
  {"name":"y","op":"Relu","input":["add"]}]},
 "weightsManifest":[{"paths":["w.bin"],"weights":[
  {"name":"dw_filter","shape":[3,3,8,1],"dtype":"float32"},
  {"name":"pw_filter","shape":[1,1,8,8],"dtype":"float32"},
  {"name":"bias","shape":[8],"dtype":"float32"}]}]})";

// A BlazeFace-style residual block as a TF.js graph: Relu(x + conv1x1(depthwise3x3(x)) + bias).
TEST(TfjsKernels, FusedGraphBlockEqualsTheArithmetic) {
  constexpr int kC = 8;
  const std::string& json = kResidualBlockJson;
  const auto dw = ramp(9 * kC, 1.0f, -0.5f);
  const auto pw = ramp(kC * kC, 0.4f, -0.2f);
  const auto bias = ramp(kC, 1.0f, -0.5f);
  std::vector<std::uint8_t> bin;
  put_f32(bin, dw);
  put_f32(bin, pw);
  put_f32(bin, bias);
  const std::filesystem::path dir = sentio::test::temp_dir();
  std::ofstream(dir / "model.json") << json;
  std::ofstream(dir / "w.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
  const auto model = sentio::vision::GraphModel::load((dir / "model.json").string());
  sentio::vision::Tensor in{{1, 5, 6, kC}, ramp(5 * 6 * kC, 2.0f, -1.0f)};
  const auto out = model.run({in});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape, (std::vector<std::int64_t>{1, 5, 6, kC}));
  SeparableBlock b;
  b.in_h = b.out_h = 5;
  b.in_w = b.out_w = 6;
  b.channels = b.out_channels = kC;
  b.depthwise = true;
  b.pad_top = b.pad_left = 1;
  b.dw_weights = dw.data();
  b.pw_weights = pw.data();
  b.bias = bias.data();
  b.residual = in.data.data();
  b.act = BlockAct::relu;
  const auto want = reference(b, in.data);
  int positive = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(out[0].data[i], want[i], 1e-5 * (1.0 + std::abs(want[i]))) << "element " << i;
    positive += want[i] > 0;
  }
  EXPECT_GT(positive, 20);  // the ReLU neither zeroes everything nor nothing
  EXPECT_LT(positive, 230);
}

// The rewrite leaves blocks wider than the limit (input x output channels) as they are.
TEST(TfjsKernels, BlocksWiderThanTheLimitAreNotFused) {
  const auto ops = [](std::int64_t limit) {
    auto spec = sentio::vision::tfjs::parse_model_json_text(kResidualBlockJson, "model.json");
    sentio::vision::tfjs::fuse_separable_blocks(spec, limit);
    std::vector<std::string> out;
    for (const auto& n : spec.nodes)
      if (n.op != "Const" && n.op != "Placeholder") out.push_back(n.op);
    return out;
  };
  const std::vector<std::string> fused{"_SentioSeparableBlock"};
  const std::vector<std::string> kept{"DepthwiseConv2dNative", "_FusedConv2D", "AddV2", "Relu"};
  EXPECT_EQ(ops(0), fused);       // no limit
  EXPECT_EQ(ops(8 * 8), fused);   // exactly the limit
  EXPECT_EQ(ops(8 * 8 - 1), kept);
  const std::int64_t limit = sentio::vision::tfjs::separable_block_max_pointwise_weights();
  EXPECT_TRUE(limit == 0 || limit == 64 * 64) << limit;
}

}  // namespace
