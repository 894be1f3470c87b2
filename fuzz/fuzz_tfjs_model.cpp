// SPDX-License-Identifier: Apache-2.0
// The face plugin's TF.js graph-model files: three parts, `model.json`, the weight shard bytes and the
// folder's SHA256SUMS. The JSON is parsed, each weight group dequantized from the shard, separable blocks
// fused and the graph ordered: everything up to running it with ATen (the executor, not fuzzed here).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"
#include "tfjs/graph.hpp"
#include "tfjs/model_json.hpp"
#include "tfjs/weights.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tfjs = sentio::vision::tfjs;
  const auto parts = sentio::fuzz::split_parts(data, size, 3);
  try {
    const std::string sums = sentio::fuzz::write_file("SHA256SUMS", parts[2]);
    (void)sentio::read_sha256sums(sums);
  } catch (const sentio::InputError&) {
  }
  try {
    tfjs::ModelSpec spec = tfjs::parse_model_json_text(std::string(parts[0]), "model.json");
    const std::vector<std::uint8_t> shard(parts[1].begin(), parts[1].end());
    for (const auto& group : spec.weight_groups) (void)tfjs::decode_weight_group(group, shard, "model.json");
    tfjs::fuse_separable_blocks(spec);
    (void)tfjs::plan_graph(spec);
  } catch (const sentio::InputError&) {
  }
  return 0;
}
