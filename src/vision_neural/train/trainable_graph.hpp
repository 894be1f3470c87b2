// SPDX-License-Identifier: Apache-2.0
#pragma once
// A TF.js graph model whose float weights are trainable (private; ATen types - include only from the
// torch translation units of src/vision/train).
//
// Method: the inference runner (tfjs/executor.cpp) builds each node's kernel once, bakes pre-transformed
// weights into it, runs under c10::InferenceMode and rewrites separable blocks into a fused kernel without
// autograd. Here the graph is parsed without that rewrite, every float32 weight of the manifest becomes a
// leaf tensor with requires_grad, and each forward() rebuilds the kernels from the current weights (the
// same kernel factories as inference, ops.cpp) and runs them with autograd on - so training executes
// exactly the operator semantics the runner uses, for any graph of the supported ops. Rebuilding costs a
// few permute/copy ops on the weights, negligible next to a batch.
#include <ATen/ATen.h>

#include <map>
#include <string>
#include <vector>

#include "tfjs/graph.hpp"
#include "tfjs/model_json.hpp"
#include "tfjs/weights.hpp"

namespace sentio::vision::train {

class TrainableGraph {
 public:
  // Parses the json and reads the weights. Throws InputError like GraphModel::load.
  static TrainableGraph load(const std::string& model_json_path);

  // The trainable weights (float32 manifest tensors), in manifest order; leaf tensors with requires_grad.
  std::vector<at::Tensor> parameters() const;
  std::int64_t parameter_count() const;

  // Runs the graph on one input in TF layout (NHWC for images) and returns the first output in TF
  // layout. With `logits`, a final Softmax (possibly behind Identity nodes) is skipped and its input
  // returned, so the loss can use log-softmax (stable) instead of the log of probabilities.
  at::Tensor forward(const at::Tensor& input, bool logits) const;
  // True when the first output is a Softmax (behind Identity nodes).
  bool ends_in_softmax() const { return softmax_input_step_ != kNone; }

  // Writes <dir>/<stem>.json (the original topology, a new weightsManifest: one float32/int32 group in
  // one shard <stem>.bin) and <dir>/<stem>.bin with the current weights. Returns the two file paths.
  std::vector<std::string> save(const std::string& dir, const std::string& stem) const;

  const std::string& path() const { return spec_.path; }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  tfjs::ModelSpec spec_;
  tfjs::GraphPlan plan_;
  std::vector<std::string> weight_order_;          // manifest order (all groups)
  std::map<std::string, at::Tensor> params_;       // float32 weights (trainable)
  std::map<std::string, tfjs::HostTensor> fixed_;  // int32 weights (axes, shapes)
  std::size_t output_step_ = kNone;
  std::size_t softmax_input_step_ = kNone;
};

}  // namespace sentio::vision::train
