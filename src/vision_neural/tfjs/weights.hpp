// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reads the binary weight shards of a TF.js graph model and dequantizes them to host tensors.
// Free of torch types: the executor wraps these buffers into torch tensors.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tfjs/model_json.hpp"

namespace sentio::vision::tfjs {

// A dequantized weight: float32 data for DType::float32, int32 data for DType::int32.
struct HostTensor {
  DType dtype = DType::float32;
  std::vector<std::int64_t> shape;
  std::vector<float> f32;
  std::vector<std::int32_t> i32;

  std::int64_t element_count() const;
};

// Bytes one element of `w` occupies in a shard (after quantization, if any).
std::size_t stored_element_bytes(const WeightSpec& w);

// Dequantizes the weights of one group from its concatenated shard bytes. Throws InputError
// naming the tensor when the bytes run out or a size does not match the shape; `where` labels
// errors (the model path). Trailing unused bytes are an error too (a sign of a wrong manifest).
std::map<std::string, HostTensor> decode_weight_group(const WeightGroup& group, const std::vector<std::uint8_t>& bytes,
                                                      const std::string& where);

// Reads every group's shards (relative to `model_dir`) and decodes them.
std::map<std::string, HostTensor> load_weights(const ModelSpec& spec, const std::string& model_dir);

// IEEE 754 binary16 -> binary32 (exact; handles subnormals, inf and NaN).
float half_to_float(std::uint16_t h);

}  // namespace sentio::vision::tfjs
