// SPDX-License-Identifier: Apache-2.0
// TrainableGraph: see trainable_graph.hpp for the method.
#include "train/trainable_graph.hpp"

#include <filesystem>

#include "sentio/core/error.hpp"
#include "tfjs/ops.hpp"
#include "train/model_writer.hpp"

namespace sentio::vision::train {

using tfjs::Layout;
using tfjs::Value;

namespace {

[[noreturn]] void node_fail(const std::string& path, const std::string& node, const std::string& what) {
  throw InputError("model '" + path + "': node '" + node + "': " + what);
}

}  // namespace

TrainableGraph TrainableGraph::load(const std::string& model_json_path) {
  TrainableGraph g;
  g.spec_ = tfjs::parse_model_json(model_json_path);  // no separable-block fusion: plain ATen ops have autograd
  const std::string dir = std::filesystem::path(model_json_path).parent_path().string();
  std::map<std::string, tfjs::HostTensor> host = tfjs::load_weights(g.spec_, dir.empty() ? "." : dir);
  g.plan_ = tfjs::plan_graph(g.spec_);
  for (const tfjs::WeightGroup& group : g.spec_.weight_groups)
    for (const tfjs::WeightSpec& w : group.weights) {
      auto it = host.find(w.name);
      SENTIO_ASSERT(it != host.end());
      g.weight_order_.push_back(w.name);
      if (it->second.dtype == tfjs::DType::float32) {
        at::Tensor t = tfjs::value_from_host(it->second).t;  // a fresh copy (not an inference tensor)
        t.requires_grad_(true);
        g.params_.emplace(w.name, t);
      } else {
        g.fixed_.emplace(w.name, std::move(it->second));
      }
    }
  if (g.plan_.output_steps.empty()) throw InputError("model '" + model_json_path + "': no output");
  g.output_step_ = g.plan_.output_steps.front();
  // Logits: walk back from the output through Identity nodes to a Softmax.
  std::size_t s = g.output_step_;
  while (g.spec_.nodes[g.plan_.order[s]].op == "Identity" && g.plan_.inputs[s].size() == 1) s = g.plan_.inputs[s][0];
  if (g.spec_.nodes[g.plan_.order[s]].op == "Softmax" && g.plan_.inputs[s].size() == 1)
    g.softmax_input_step_ = g.plan_.inputs[s][0];
  return g;
}

std::vector<at::Tensor> TrainableGraph::parameters() const {
  std::vector<at::Tensor> out;
  for (const std::string& name : weight_order_) {
    const auto it = params_.find(name);
    if (it != params_.end()) out.push_back(it->second);
  }
  return out;
}

std::int64_t TrainableGraph::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& [name, t] : params_) n += t.numel();
  return n;
}

at::Tensor TrainableGraph::forward(const at::Tensor& input, bool logits) const {
  const std::size_t target = logits && softmax_input_step_ != kNone ? softmax_input_step_ : output_step_;
  const std::size_t n_steps = plan_.order.size();
  std::vector<Value> values(n_steps);
  std::vector<bool> is_constant(n_steps, false);
  std::vector<const Value*> args;
  for (std::size_t s = 0; s <= target && s < n_steps; ++s) {
    const tfjs::NodeSpec& node = spec_.nodes[plan_.order[s]];
    if (node.op == "Const") {
      const auto p = params_.find(node.name);
      if (p != params_.end()) {
        values[s] = Value{p->second, Layout::tf};
      } else {
        const auto f = fixed_.find(node.name);
        if (f == fixed_.end()) node_fail(spec_.path, node.name, "constant has no entry in the weights manifest");
        values[s] = tfjs::value_from_host(f->second);
      }
      is_constant[s] = true;
      continue;
    }
    if (node.op == "Placeholder") {
      // Same conversion as the inference runner: rank-4 inputs become NCHW-ordered channels-last tensors.
      values[s] = input.dim() == 4 ? Value{input.permute({0, 3, 1, 2}).contiguous(at::MemoryFormat::ChannelsLast), Layout::nchw}
                                   : Value{input, Layout::tf};
      continue;
    }
    const tfjs::KernelFactory factory = tfjs::find_kernel(node.op);
    if (!factory) node_fail(spec_.path, node.name, "unsupported op '" + node.op + "'");
    tfjs::KernelContext ctx{node, spec_.path, {}};
    args.clear();
    bool all_constant = true;
    for (const std::size_t in : plan_.inputs[s]) {
      ctx.constants.push_back(is_constant[in] ? &values[in] : nullptr);
      args.push_back(&values[in]);
      all_constant = all_constant && is_constant[in];
    }
    try {
      const tfjs::Kernel kernel = factory(ctx);
      values[s] = kernel(args);
    } catch (const c10::Error& e) {
      node_fail(spec_.path, node.name, e.what_without_backtrace());
    } catch (const InputError& e) {
      node_fail(spec_.path, node.name, e.what());
    }
    is_constant[s] = all_constant;
  }
  return tfjs::to_tf(values[target]).t;
}

std::vector<std::string> TrainableGraph::save(const std::string& dir, const std::string& stem) const {
  std::vector<std::pair<std::string, tfjs::HostTensor>> out;
  for (const std::string& name : weight_order_) {
    const auto p = params_.find(name);
    if (p == params_.end()) {
      out.emplace_back(name, fixed_.at(name));
      continue;
    }
    const at::Tensor t = p->second.detach().to(at::kFloat).contiguous();
    tfjs::HostTensor h;
    h.dtype = tfjs::DType::float32;
    h.shape.assign(t.sizes().begin(), t.sizes().end());
    h.f32.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    out.emplace_back(name, std::move(h));
  }
  return write_tfjs_model(spec_.path, out, dir, stem);
}

}  // namespace sentio::vision::train
