// SPDX-License-Identifier: Apache-2.0
// Golden test of the training path on the real `emotion` model: the trainable graph (train/
// trainable_graph.hpp: unfused ATen ops with autograd) must compute what the inference runner computes
// (fused separable blocks, InferenceMode), and saving it unchanged must give a model the runner loads
// with the same outputs. Tolerance: 1e-5 absolute on probabilities (float32, different op order).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "face_test_support.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/vision_neural/graph_model.hpp"
#include "test_support.hpp"
#include "train/trainable_graph.hpp"

namespace {

using sentio::vision::GraphModel;
using sentio::vision::Tensor;

Tensor probe(int n) {
  Tensor t;
  t.shape = {n, 64, 64, 1};
  t.data.resize(static_cast<std::size_t>(n) * 64 * 64);
  for (std::size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = static_cast<float>(std::sin(0.013 * static_cast<double>(i)) * std::cos(0.0007 * static_cast<double>(i)));
  return t;
}

TEST(FaceTrainingGolden, TrainableGraphMatchesTheRunnerAndSavesLosslessly) {
  SENTIO_REQUIRE_FACE_MODELS();
  sentio::torch_runtime::set_threads(1);
  const std::string json = (std::filesystem::path(sentio::test::face_models_dir()) / "emotion.json").string();
  const GraphModel runner = GraphModel::load(json);
  const auto graph = sentio::vision::train::TrainableGraph::load(json);
  EXPECT_TRUE(graph.ends_in_softmax());
  EXPECT_GT(graph.parameter_count(), 100000);
  const Tensor x = probe(3);
  const std::vector<float> want = runner.run({x})[0].data;
  ASSERT_EQ(want.size(), 21u);
  at::Tensor input = at::from_blob(const_cast<float*>(x.data.data()), {3, 64, 64, 1}, at::kFloat);
  const at::Tensor probs = graph.forward(input, false).detach().contiguous();
  const at::Tensor from_logits = at::softmax(graph.forward(input, true).detach(), 1).contiguous();
  ASSERT_EQ(probs.numel(), 21);
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(probs.data_ptr<float>()[i], want[i], 1e-5) << i;
    EXPECT_NEAR(from_logits.data_ptr<float>()[i], want[i], 1e-5) << i;
  }
  const auto files = graph.save(sentio::test::temp_dir().string(), "emotion");
  const std::vector<float> again = GraphModel::load(files[0]).run({x})[0].data;
  ASSERT_EQ(again.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(again[i], want[i]) << i;
}

}  // namespace
