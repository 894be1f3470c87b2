// SPDX-License-Identifier: Apache-2.0
// GraphModel: load = parse json -> read weights -> order graph -> build one kernel per node, folding
// every node whose inputs are all constant; run = walk the steps, freeing each intermediate after
// its last reader. Layouts: see ops.hpp.
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/torch_runtime/threads.hpp"
#include "sentio/vision_neural/graph_model.hpp"
#include "tfjs/graph.hpp"
#include "tfjs/kernels.hpp"
#include "tfjs/model_json.hpp"
#include "tfjs/ops.hpp"
#include "tfjs/weights.hpp"

namespace sentio::vision {

using tfjs::Layout;
using tfjs::Value;

namespace {

// SENTIO_TFJS_PROFILE=1: every run() times each step; GraphModel::profile_report() gives the per-op-type
// totals (wall time of the runs on all threads, so use one thread to read it).
bool profiling_enabled() {
  static const bool on = [] {
    const char* env = std::getenv("SENTIO_TFJS_PROFILE");
    return env != nullptr && *env != '\0' && std::string(env) != "0";
  }();
  return on;
}

struct OpProfile {
  std::mutex mutex;
  std::int64_t runs = 0;
  std::map<std::string, std::pair<double, std::int64_t>> by_op;  // op -> (total ms, calls)
};

}  // namespace

struct GraphModel::Impl {
  struct Step {
    std::string name;
    std::string op;
    tfjs::Kernel kernel;               // empty for constants and graph inputs
    std::vector<std::size_t> inputs;   // step indices
    std::size_t last_use = 0;
    bool is_constant = false;
    Value constant;
    int input_index = -1;              // >= 0 for graph inputs
  };
  std::string path;
  std::vector<std::string> input_names;
  std::vector<std::vector<std::int64_t>> input_shapes;
  std::vector<std::string> output_names;
  std::vector<std::size_t> output_steps;
  std::vector<Step> steps;
  std::unique_ptr<OpProfile> profile;  // set when profiling is enabled

  // The per-op-type totals so far ("" without profiling or runs).
  std::string profile_report() const {
    if (!profile) return "";
    const std::lock_guard<std::mutex> lock(profile->mutex);
    if (profile->runs == 0) return "";
    double total = 0;
    for (const auto& [op, t] : profile->by_op) total += t.first;
    char line[256];
    std::snprintf(line, sizeof line, "[tfjs profile] %s: %lld runs, %.3f ms per run\n", path.c_str(),
                  static_cast<long long>(profile->runs), total / static_cast<double>(profile->runs));
    std::string out = line;
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& [op, t] : profile->by_op) rows.emplace_back(t.first, op);
    std::sort(rows.rbegin(), rows.rend());
    for (const auto& [ms, op] : rows) {
      const auto& t = profile->by_op.at(op);
      std::snprintf(line, sizeof line, "  %-28s %9.3f ms/run  %5.1f %%  %lld calls/run\n", op.c_str(),
                    ms / static_cast<double>(profile->runs), total > 0 ? 100.0 * ms / total : 0.0,
                    static_cast<long long>(t.second / profile->runs));
      out += line;
    }
    return out;
  }
};

namespace {

[[noreturn]] void node_fail(const std::string& path, const std::string& node, const std::string& what) {
  throw InputError("model '" + path + "': node '" + node + "': " + what);
}

std::string torch_message(const c10::Error& e) { return e.what_without_backtrace(); }

// "[1,192,192,3]"
std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k > 0) text.push_back(',');
    text.append(std::to_string(shape[k]));
  }
  text.push_back(']');
  return text;
}

}  // namespace

std::size_t Tensor::element_count() const {
  std::size_t n = 1;
  for (const std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

GraphModel::GraphModel(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

GraphModel GraphModel::load(const std::string& model_json_path) {
  c10::InferenceMode inference;
  tfjs::ModelSpec spec = tfjs::parse_model_json(model_json_path);
  // Separable blocks run as one direct kernel; SENTIO_TFJS_FUSE=0 keeps the original nodes (to compare).
  static const bool fuse = [] {
    const char* env = std::getenv("SENTIO_TFJS_FUSE");
    return env == nullptr || std::string(env) != "0";
  }();
  if (fuse) tfjs::fuse_separable_blocks(spec, tfjs::separable_block_max_pointwise_weights());
  const std::string dir = std::filesystem::path(model_json_path).parent_path().string();
  std::map<std::string, tfjs::HostTensor> weights = tfjs::load_weights(spec, dir.empty() ? "." : dir);
  const tfjs::GraphPlan plan = tfjs::plan_graph(spec);

  auto impl = std::make_shared<Impl>();
  impl->path = model_json_path;
  if (profiling_enabled()) impl->profile = std::make_unique<OpProfile>();
  impl->steps.resize(plan.order.size());
  for (std::size_t s = 0; s < plan.order.size(); ++s) {
    const tfjs::NodeSpec& node = spec.nodes[plan.order[s]];
    Impl::Step& step = impl->steps[s];
    step.name = node.name;
    step.op = node.op;
    step.inputs = plan.inputs[s];
    step.last_use = plan.last_use[s];
    if (node.op == "Const") {
      const auto it = weights.find(node.name);
      if (it == weights.end()) node_fail(model_json_path, node.name, "constant has no entry in the weights manifest");
      const tfjs::AttrValue* dtype = node.attr("dtype");
      const std::string want = it->second.dtype == tfjs::DType::float32 ? "DT_FLOAT" : "DT_INT32";
      if (dtype && dtype->s != want)
        node_fail(model_json_path, node.name, "dtype " + dtype->s + " differs from the manifest's (" + want + ")");
      step.is_constant = true;
      step.constant = tfjs::value_from_host(it->second);
      weights.erase(it);  // host copy no longer needed
      continue;
    }
    if (node.op == "Placeholder") {
      const tfjs::AttrValue* dtype = node.attr("dtype");
      if (dtype && dtype->s != "DT_FLOAT")
        node_fail(model_json_path, node.name, "input dtype " + dtype->s + " is not supported (only DT_FLOAT)");
      const tfjs::AttrValue* shape = node.attr("shape");
      if (!shape || shape->kind != tfjs::AttrValue::Kind::shape)
        node_fail(model_json_path, node.name, "input without a declared shape");
      step.input_index = 0;  // numbered below, in name order
      continue;
    }
    const tfjs::KernelFactory factory = tfjs::find_kernel(node.op);
    if (!factory) node_fail(model_json_path, node.name, "unsupported op '" + node.op + "'");
    tfjs::KernelContext ctx{node, model_json_path, {}};
    bool all_constant = true;
    for (const std::size_t in : step.inputs) {
      const Impl::Step& src = impl->steps[in];
      ctx.constants.push_back(src.is_constant ? &src.constant : nullptr);
      all_constant = all_constant && src.is_constant;
    }
    try {
      step.kernel = factory(ctx);  // its InputErrors already name the node
    } catch (const c10::Error& e) {
      node_fail(model_json_path, node.name, torch_message(e));
    }
    if (all_constant) {  // constant folding: evaluate once now
      try {
        step.constant = step.kernel(ctx.constants);
      } catch (const c10::Error& e) {
        node_fail(model_json_path, node.name, torch_message(e));
      } catch (const InputError& e) {
        node_fail(model_json_path, node.name, e.what());
      }
      step.is_constant = true;
      step.kernel = nullptr;
    }
  }
  // Graph inputs are numbered in name order (plan_graph sorted them).
  for (const std::size_t s : plan.placeholder_steps) {
    Impl::Step& step = impl->steps[s];
    step.input_index = static_cast<int>(impl->input_names.size());
    impl->input_names.push_back(step.name);
    impl->input_shapes.push_back(spec.nodes[plan.order[s]].attr("shape")->ints);
  }
  for (const std::size_t s : plan.output_steps) {
    impl->output_steps.push_back(s);
    impl->output_names.push_back(impl->steps[s].name);
  }
  return GraphModel(std::move(impl));
}

const std::vector<std::string>& GraphModel::input_names() const { return impl_->input_names; }
const std::vector<std::string>& GraphModel::output_names() const { return impl_->output_names; }
const std::string& GraphModel::path() const { return impl_->path; }

std::size_t GraphModel::output_index(const std::string& name) const {
  for (std::size_t k = 0; k < impl_->output_names.size(); ++k)
    if (impl_->output_names[k] == name) return k;
  throw InputError("model '" + impl_->path + "': no output named '" + name + "'");
}

std::vector<std::int64_t> GraphModel::input_shape(std::size_t i) const {
  SENTIO_ASSERT(i < impl_->input_shapes.size());
  return impl_->input_shapes[i];
}

std::string GraphModel::profile_report() const { return impl_->profile_report(); }

std::vector<Tensor> GraphModel::run(const std::vector<Tensor>& inputs) const {
  torch_runtime::apply_to_this_thread();
  const Impl& m = *impl_;
  if (inputs.size() != m.input_names.size())
    throw InputError("model '" + m.path + "': expected " + std::to_string(m.input_names.size()) + " inputs, got " +
                     std::to_string(inputs.size()));
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const auto& want = m.input_shapes[k];
    const auto& got = inputs[k].shape;
    bool ok = want.size() == got.size();
    for (std::size_t d = 0; ok && d < want.size(); ++d) ok = got[d] >= 0 && (want[d] < 0 || want[d] == got[d]);
    if (!ok) {
      throw InputError("model '" + m.path + "': input '" + m.input_names[k] + "' has shape " + shape_text(got) +
                       ", expected " + shape_text(want) + " (-1 = any)");
    }
    if (inputs[k].data.size() != inputs[k].element_count())
      throw InputError("model '" + m.path + "': input '" + m.input_names[k] + "' has " +
                       std::to_string(inputs[k].data.size()) + " values for its shape");
  }

  c10::InferenceMode inference;
  std::vector<Value> values(m.steps.size());
  std::vector<const Value*> args;
  const bool profile = m.profile != nullptr;
  std::vector<double> step_ms(profile ? m.steps.size() : 0, 0.0);
  for (std::size_t s = 0; s < m.steps.size(); ++s) {
    const Impl::Step& step = m.steps[s];
    if (step.is_constant) continue;
    if (step.input_index >= 0) {
      const Tensor& in = inputs[static_cast<std::size_t>(step.input_index)];
      at::Tensor t = at::from_blob(const_cast<float*>(in.data.data()), in.shape, at::kFloat);
      // Rank-4 inputs (NHWC images) become NCHW-ordered channels-last tensors (same bytes); the
      // clone detaches them from the caller's buffer.
      values[s] = t.dim() == 4 ? Value{t.permute({0, 3, 1, 2}).clone(at::MemoryFormat::ChannelsLast), Layout::nchw}
                               : Value{t.clone(), Layout::tf};
      continue;
    }
    args.clear();
    for (const std::size_t in : step.inputs) args.push_back(m.steps[in].is_constant ? &m.steps[in].constant : &values[in]);
    const auto t0 = profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    try {
      values[s] = step.kernel(args);
    } catch (const c10::Error& e) {
      node_fail(m.path, step.name, torch_message(e));
    } catch (const InputError& e) {
      node_fail(m.path, step.name, e.what());
    }
    if (profile) step_ms[s] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    for (const std::size_t in : step.inputs)
      if (m.steps[in].last_use == s) values[in] = Value{};  // free intermediates early
  }

  std::vector<Tensor> outputs;
  outputs.reserve(m.output_steps.size());
  for (const std::size_t s : m.output_steps) {
    const Value& v = m.steps[s].is_constant ? m.steps[s].constant : values[s];
    const at::Tensor t = tfjs::to_tf(v).t.to(at::kFloat).contiguous();
    Tensor out;
    out.shape.assign(t.sizes().begin(), t.sizes().end());
    out.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    outputs.push_back(std::move(out));
  }
  if (profile) {
    const std::lock_guard<std::mutex> lock(m.profile->mutex);
    ++m.profile->runs;
    for (std::size_t s = 0; s < m.steps.size(); ++s) {
      if (m.steps[s].is_constant || m.steps[s].input_index >= 0) continue;
      auto& slot = m.profile->by_op[m.steps[s].op];
      slot.first += step_ms[s];
      ++slot.second;
    }
  }
  return outputs;
}


}  // namespace sentio::vision
