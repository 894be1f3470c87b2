// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loader and runner for TensorFlow.js graph models (`model.json` topology + binary weight shards),
// executed with libtorch CPU operators. Supports float32/int32 weights and the TF.js weight
// quantizations uint8, uint16 (affine: value = q * scale + min) and float16.
//
// Values cross this interface in TensorFlow's layout: dense float32, row-major, images NHWC.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sentio::vision {

// Dense float32 tensor, row-major; shape in TensorFlow order (NHWC for images).
struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;  // size == product of shape

  std::size_t element_count() const;
};

class GraphModel {
 public:
  // Parses `model_json_path`, reads and dequantizes the weight shards (resolved relative to the
  // json's folder), folds constants and builds the execution plan once.
  // Throws sentio::InputError naming the file and the offending node or tensor when the json is
  // malformed, a shard is missing or short, a dtype is unsupported or an op is unknown.
  static GraphModel load(const std::string& model_json_path);

  // Placeholder node names, in the order run() expects its inputs (sorted by name).
  const std::vector<std::string>& input_names() const;
  // Output node names (from the model's signature, otherwise the graph's sinks), in natural
  // order of their names ("Identity" < "Identity_1" < "Identity_2" < "Identity_10").
  const std::vector<std::string>& output_names() const;
  // Index of `name` in output_names(); throws InputError when absent.
  std::size_t output_index(const std::string& name) const;
  // Declared shape of input i in TF order; -1 for dynamic dimensions (usually the batch).
  std::vector<std::int64_t> input_shape(std::size_t i) const;
  // The model file this was loaded from.
  const std::string& path() const;
  // With SENTIO_TFJS_PROFILE=1 in the environment: time per run by op type so far, as text ("" otherwise).
  std::string profile_report() const;

  // Runs the graph. `inputs` follow input_names(); their shapes must match input_shape() on every
  // fixed dimension (else InputError). Outputs follow output_names(). Const and thread-safe.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) const;

  struct Impl;

 private:
  explicit GraphModel(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace sentio::vision
