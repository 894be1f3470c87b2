// SPDX-License-Identifier: Apache-2.0
#include "tfjs/graph.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "sentio/core/error.hpp"

namespace sentio::vision::tfjs {

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      std::size_t ie = i;
      std::size_t je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      // Compare the digit runs numerically: longer (without leading zeros) is larger.
      std::size_t is = i;
      std::size_t js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js;
      const int c = a.compare(is, ie - is, b, js, je - js);
      if (c != 0) return c < 0;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

GraphPlan plan_graph(const ModelSpec& spec) {
  const std::string where = "model '" + spec.path + "'";
  std::unordered_map<std::string, std::size_t> by_name;
  for (std::size_t k = 0; k < spec.nodes.size(); ++k) {
    if (!by_name.emplace(spec.nodes[k].name, k).second)
      throw InputError(where + ": node '" + spec.nodes[k].name + "' is defined twice");
  }
  std::vector<std::vector<std::size_t>> node_inputs(spec.nodes.size());
  for (std::size_t k = 0; k < spec.nodes.size(); ++k) {
    for (const std::string& in : spec.nodes[k].inputs) {
      const auto it = by_name.find(in);
      if (it == by_name.end())
        throw InputError(where + ": node '" + spec.nodes[k].name + "': input '" + in + "' is not a node of the graph");
      node_inputs[k].push_back(it->second);
    }
  }

  // Graph outputs: the signature's, else every sink that is not a Const/Placeholder.
  std::vector<std::size_t> outputs;
  if (!spec.signature_outputs.empty()) {
    for (const std::string& name : spec.signature_outputs) {
      const auto it = by_name.find(name);
      if (it == by_name.end()) throw InputError(where + ": signature output '" + name + "' is not a node of the graph");
      outputs.push_back(it->second);
    }
  } else {
    std::vector<bool> consumed(spec.nodes.size(), false);
    for (const auto& ins : node_inputs)
      for (const std::size_t i : ins) consumed[i] = true;
    for (std::size_t k = 0; k < spec.nodes.size(); ++k)
      if (!consumed[k] && spec.nodes[k].op != "Const" && spec.nodes[k].op != "Placeholder") outputs.push_back(k);
  }
  if (outputs.empty()) throw InputError(where + ": the graph has no outputs");
  std::sort(outputs.begin(), outputs.end(),
            [&](std::size_t a, std::size_t b) { return natural_less(spec.nodes[a].name, spec.nodes[b].name); });
  outputs.erase(std::unique(outputs.begin(), outputs.end()), outputs.end());

  // Depth-first post-order from the outputs (iterative; detects cycles). Only nodes the
  // outputs depend on are kept.
  enum class Mark { none, open, done };
  std::vector<Mark> mark(spec.nodes.size(), Mark::none);
  std::vector<std::size_t> step_of(spec.nodes.size(), 0);
  GraphPlan plan;
  for (const std::size_t root : outputs) {
    std::vector<std::pair<std::size_t, std::size_t>> stack;  // (node, next input to visit)
    if (mark[root] == Mark::none) {
      stack.emplace_back(root, 0);
      mark[root] = Mark::open;
    }
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node_inputs[node].size()) {
        const std::size_t in = node_inputs[node][next++];
        if (mark[in] == Mark::open)
          throw InputError(where + ": node '" + spec.nodes[in].name + "' is part of a cycle");
        if (mark[in] == Mark::none) {
          mark[in] = Mark::open;
          stack.emplace_back(in, 0);
        }
      } else {
        mark[node] = Mark::done;
        step_of[node] = plan.order.size();
        plan.order.push_back(node);
        stack.pop_back();
      }
    }
  }

  const std::size_t steps = plan.order.size();
  plan.inputs.resize(steps);
  plan.last_use.resize(steps);
  for (std::size_t s = 0; s < steps; ++s) {
    plan.last_use[s] = s;
    for (const std::size_t in : node_inputs[plan.order[s]]) plan.inputs[s].push_back(step_of[in]);
  }
  for (std::size_t s = 0; s < steps; ++s)
    for (const std::size_t in : plan.inputs[s]) plan.last_use[in] = std::max(plan.last_use[in], s);
  for (const std::size_t o : outputs) {
    plan.output_steps.push_back(step_of[o]);
    plan.last_use[step_of[o]] = steps;  // alive to the end
  }
  for (std::size_t s = 0; s < steps; ++s)
    if (spec.nodes[plan.order[s]].op == "Placeholder") plan.placeholder_steps.push_back(s);
  std::sort(plan.placeholder_steps.begin(), plan.placeholder_steps.end(), [&](std::size_t a, std::size_t b) {
    return spec.nodes[plan.order[a]].name < spec.nodes[plan.order[b]].name;
  });
  return plan;
}

}  // namespace sentio::vision::tfjs
