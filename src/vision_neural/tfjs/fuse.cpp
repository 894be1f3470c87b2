// SPDX-License-Identifier: Apache-2.0
// Graph rewrite: separable-convolution blocks become one _SentioSeparableBlock node (kernels.hpp).
#include <map>
#include <set>

#include "tfjs/graph.hpp"

namespace sentio::vision::tfjs {

namespace {

bool all_ones(const AttrValue* a) {
  if (!a) return true;
  for (const std::int64_t v : a->ints)
    if (v != 1) return false;
  return true;
}

std::vector<std::string> fused_ops(const NodeSpec& n) {
  const AttrValue* a = n.attr("fused_ops");
  return a ? a->strings : std::vector<std::string>{};
}

AttrValue bool_value(bool b) {
  AttrValue v;
  v.kind = AttrValue::Kind::b;
  v.b = b;
  return v;
}

AttrValue string_value(const std::string& s) {
  AttrValue v;
  v.kind = AttrValue::Kind::s;
  v.s = s;
  return v;
}

}  // namespace

void fuse_separable_blocks(ModelSpec& spec, std::int64_t max_pointwise_weights) {
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < spec.nodes.size(); ++k) index.emplace(spec.nodes[k].name, k);
  std::map<std::string, std::vector<std::size_t>> consumers;
  for (std::size_t k = 0; k < spec.nodes.size(); ++k)
    for (const std::string& in : spec.nodes[k].inputs) consumers[in].push_back(k);
  const std::set<std::string> outputs(spec.signature_outputs.begin(), spec.signature_outputs.end());
  // A node can be absorbed into its single consumer when nothing else reads it.
  auto sole_consumer = [&](const std::string& name) -> const NodeSpec* {
    const auto it = consumers.find(name);
    if (outputs.count(name) || it == consumers.end() || it->second.size() != 1) return nullptr;
    return &spec.nodes[it->second[0]];
  };
  auto node = [&](const std::string& name) -> const NodeSpec* {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &spec.nodes[it->second];
  };

  // Filters are weights of the manifest: their shapes decide what can be fused.
  std::map<std::string, std::vector<std::int64_t>> weight_shape;
  for (const WeightGroup& g : spec.weight_groups)
    for (const WeightSpec& w : g.weights) weight_shape[w.name] = w.shape;
  auto shape_of = [&](const std::string& name) {
    const auto it = weight_shape.find(name);
    return it == weight_shape.end() ? std::vector<std::int64_t>{} : it->second;
  };

  std::set<std::string> removed;
  std::map<std::string, NodeSpec> replacement;  // by the name of the node it replaces
  for (const NodeSpec& conv : spec.nodes) {
    // Pointwise candidate: _FusedConv2D with BiasAdd [+ Relu|Prelu], unit strides/dilations, no explicit pads.
    if (conv.op != "_FusedConv2D" || conv.inputs.size() < 3 || removed.count(conv.name)) continue;
    const std::vector<std::string> ops = fused_ops(conv);
    if (ops.empty() || ops[0] != "BiasAdd" || ops.size() > 2) continue;
    if (!all_ones(conv.attr("strides")) || !all_ones(conv.attr("dilations"))) continue;
    const AttrValue* pad = conv.attr("padding");
    if (pad && pad->s == "EXPLICIT") continue;
    const std::vector<std::int64_t> pw_shape = shape_of(conv.inputs[1]);
    if (pw_shape.size() != 4 || pw_shape[0] != 1 || pw_shape[1] != 1) continue;
    if (max_pointwise_weights > 0 && pw_shape[2] * pw_shape[3] > max_pointwise_weights) continue;
    std::string act = ops.size() == 2 ? ops[1] : "";
    if (!act.empty() && act != "Relu" && act != "Prelu") continue;
    if (act == "Prelu" && conv.inputs.size() != 4) continue;
    if (act.empty() && conv.inputs.size() != 3) continue;

    NodeSpec fused;
    fused.op = "_SentioSeparableBlock";
    fused.name = conv.name;
    std::string alpha = act == "Prelu" ? conv.inputs[3] : "";
    // Depthwise producer read only by this conv.
    const NodeSpec* dw = node(conv.inputs[0]);
    const bool with_dw = dw && dw->op == "DepthwiseConv2dNative" && dw->inputs.size() == 2 &&
                         sole_consumer(dw->name) == &conv && !removed.count(dw->name) &&
                         shape_of(dw->inputs[1]) == std::vector<std::int64_t>{3, 3, pw_shape[2], 1};
    if (with_dw) {
      fused.inputs = {dw->inputs[0], dw->inputs[1]};
      for (const char* key : {"strides", "padding", "explicit_paddings", "dilations", "data_format"})
        if (const AttrValue* a = dw->attr(key)) fused.attrs[key] = *a;
    } else {
      fused.inputs = {conv.inputs[0]};
    }
    fused.inputs.push_back(conv.inputs[1]);  // pointwise filter
    fused.inputs.push_back(conv.inputs[2]);  // bias
    // Residual add (+ activation) after a conv without its own activation.
    bool residual = false;
    if (act.empty()) {
      const NodeSpec* add = sole_consumer(conv.name);
      if (add && (add->op == "AddV2" || add->op == "Add") && add->inputs.size() == 2 &&
          add->inputs[0] != add->inputs[1]) {
        const std::string other = add->inputs[0] == conv.name ? add->inputs[1] : add->inputs[0];
        residual = true;
        fused.inputs.push_back(other);
        removed.insert(conv.name);
        fused.name = add->name;
        const NodeSpec* after = sole_consumer(add->name);
        if (after && after->op == "Relu" && after->inputs.size() == 1) {
          act = "Relu";
        } else if (after && after->op == "Prelu" && after->inputs.size() == 2 && after->inputs[0] == add->name) {
          act = "Prelu";
          alpha = after->inputs[1];
        }
        if (!act.empty()) {
          removed.insert(add->name);
          fused.name = after->name;
        }
      }
    }
    if (!alpha.empty()) fused.inputs.push_back(alpha);
    fused.attrs["sentio_depthwise"] = bool_value(with_dw);
    fused.attrs["sentio_residual"] = bool_value(residual);
    fused.attrs["sentio_act"] = string_value(act);
    if (with_dw) removed.insert(dw->name);
    if (fused.name != conv.name) removed.insert(conv.name);
    replacement[fused.name] = std::move(fused);
  }
  if (replacement.empty()) return;
  std::vector<NodeSpec> nodes;
  nodes.reserve(spec.nodes.size());
  for (NodeSpec& n : spec.nodes) {
    if (removed.count(n.name)) continue;
    const auto it = replacement.find(n.name);
    nodes.push_back(it == replacement.end() ? std::move(n) : std::move(it->second));
  }
  spec.nodes = std::move(nodes);
}

}  // namespace sentio::vision::tfjs
