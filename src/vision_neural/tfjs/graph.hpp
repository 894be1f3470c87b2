// SPDX-License-Identifier: Apache-2.0
#pragma once
// Graph structure of a parsed TF.js model, independent of the tensor library: topological
// order of the nodes the outputs depend on, resolved input indices, graph inputs/outputs and
// liveness (the last step that reads each value, so the executor can free intermediates).
#include <cstddef>
#include <string>
#include <vector>

#include "tfjs/model_json.hpp"

namespace sentio::vision::tfjs {

struct GraphPlan {
  // Steps in execution order; each is an index into ModelSpec::nodes.
  std::vector<std::size_t> order;
  // For each step, the step indices of its inputs (same order as NodeSpec::inputs).
  std::vector<std::vector<std::size_t>> inputs;
  // For each step, the last step that reads its value (its own index if never read); outputs
  // are kept alive to the end.
  std::vector<std::size_t> last_use;
  std::vector<std::size_t> placeholder_steps;  // sorted by node name
  std::vector<std::size_t> output_steps;       // natural order of node names
};

// Orders the graph. Throws InputError (naming the file and node) for duplicate node names,
// inputs that name no node, cycles, declared outputs that do not exist, or a graph without outputs.
GraphPlan plan_graph(const ModelSpec& spec);

// Rewrites [DepthwiseConv2dNative ->] _FusedConv2D 1x1 (BiasAdd [+ Relu|Prelu]) [-> Add|AddV2 [-> Relu|Prelu]]
// chains whose intermediate values have no other reader into one `_SentioSeparableBlock` node named like
// the chain's last node, with inputs x, [depthwise filter], pointwise filter, bias, [residual], [alpha]
// and attributes sentio_depthwise (b), sentio_residual (b), sentio_act (s: "", "Relu", "Prelu") plus the
// depthwise node's window attributes. Only the op and wiring are checked here; shapes at kernel build.
// Chains whose pointwise filter has more than `max_pointwise_weights` (input x output channels) values
// are left as they are (0: no limit).
void fuse_separable_blocks(ModelSpec& spec, std::int64_t max_pointwise_weights = 0);

// "a2" < "a10": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace sentio::vision::tfjs
