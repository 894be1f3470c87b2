// SPDX-License-Identifier: Apache-2.0
// Parser of TF.js graph-model json (tfjs-converter output). Only the fields the runtime needs are
// read; everything is validated and errors name the file and the node or weight concerned.
#include "tfjs/model_json.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "sentio/core/base64.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision::tfjs {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError("model '" + path + "': " + what);
}

// Bytes fields are base64 in protobuf JSON.
std::string decode_base64(const std::string& in, const std::string& path, const std::string& where) {
  std::optional<std::string> bytes = base64_decode(in);
  if (!bytes) fail(path, where + ": invalid base64 string");
  return std::move(*bytes);
}

// Integers are written by protobuf-json as strings ("3") but accept plain numbers too.
std::int64_t as_int(const json& v, const std::string& path, const std::string& where) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::size_t used = 0;
    try {
      const long long x = std::stoll(s, &used);
      if (used == s.size()) return x;
    } catch (const std::exception&) {
    }
  }
  fail(path, where + ": expected an integer, got " + v.dump());
}

double as_float(const json& v, const std::string& path, const std::string& where) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {  // "NaN", "Infinity" or a decimal string
    try {
      return std::stod(v.get<std::string>());
    } catch (const std::exception&) {
    }
  }
  fail(path, where + ": expected a number, got " + v.dump());
}

std::vector<std::int64_t> parse_shape(const json& shape, const std::string& path, const std::string& where) {
  std::vector<std::int64_t> dims;
  if (!shape.is_object()) fail(path, where + ": shape must be an object");
  if (shape.contains("unknownRank") && shape["unknownRank"].is_boolean() && shape["unknownRank"].get<bool>())
    fail(path, where + ": unknown-rank shapes are not supported");
  if (!shape.contains("dim")) return dims;  // scalar
  for (const json& d : shape["dim"]) {
    dims.push_back(d.contains("size") ? as_int(d["size"], path, where + " shape") : 0);
  }
  return dims;
}

AttrValue parse_attr(const json& v, const std::string& path, const std::string& where) {
  AttrValue a;
  if (!v.is_object() || v.empty()) return a;  // {} = unset
  if (v.contains("list")) {
    a.kind = AttrValue::Kind::list;
    const json& l = v["list"];
    if (!l.is_object()) fail(path, where + ": attribute list must be an object");
    if (l.contains("i"))
      for (const json& x : l["i"]) a.ints.push_back(as_int(x, path, where));
    if (l.contains("f"))
      for (const json& x : l["f"]) a.floats.push_back(as_float(x, path, where));
    if (l.contains("s"))
      for (const json& x : l["s"]) {
        if (!x.is_string()) fail(path, where + ": list.s entries must be strings");
        a.strings.push_back(decode_base64(x.get<std::string>(), path, where));
      }
  } else if (v.contains("i")) {
    a.kind = AttrValue::Kind::i;
    a.i = as_int(v["i"], path, where);
  } else if (v.contains("f")) {
    a.kind = AttrValue::Kind::f;
    a.f = as_float(v["f"], path, where);
  } else if (v.contains("b")) {
    a.kind = AttrValue::Kind::b;
    if (!v["b"].is_boolean()) fail(path, where + ": 'b' must be a boolean");
    a.b = v["b"].get<bool>();
  } else if (v.contains("s")) {
    a.kind = AttrValue::Kind::s;
    if (!v["s"].is_string()) fail(path, where + ": 's' must be a string");
    a.s = decode_base64(v["s"].get<std::string>(), path, where);
  } else if (v.contains("type")) {
    a.kind = AttrValue::Kind::type;
    if (!v["type"].is_string()) fail(path, where + ": 'type' must be a string");
    a.s = v["type"].get<std::string>();
  } else if (v.contains("shape")) {
    a.kind = AttrValue::Kind::shape;
    a.ints = parse_shape(v["shape"], path, where);
  } else if (v.contains("tensor")) {
    a.kind = AttrValue::Kind::tensor;  // Const values come from the weights manifest
  }
  return a;
}

NodeSpec parse_node(const json& n, const std::string& path, std::size_t index) {
  NodeSpec node;
  if (!n.is_object() || !n.contains("name") || !n["name"].is_string())
    fail(path, "node #" + std::to_string(index) + ": missing 'name'");
  node.name = n["name"].get<std::string>();
  const std::string where = "node '" + node.name + "'";
  if (!n.contains("op") || !n["op"].is_string()) fail(path, where + ": missing 'op'");
  node.op = n["op"].get<std::string>();
  if (n.contains("input")) {
    if (!n["input"].is_array()) fail(path, where + ": 'input' must be an array");
    for (const json& in : n["input"]) {
      if (!in.is_string()) fail(path, where + ": inputs must be strings");
      std::string s = in.get<std::string>();
      if (!s.empty() && s[0] == '^') continue;  // control dependency: no data flows
      const auto colon = s.rfind(':');
      if (colon != std::string::npos && s.substr(colon + 1) != "0" &&
          s.find_first_not_of("0123456789", colon + 1) == std::string::npos)
        fail(path, where + ": input '" + s + "' uses a secondary output, which is not supported");
      node.inputs.push_back(strip_output_suffix(s));
    }
  }
  if (n.contains("attr")) {
    if (!n["attr"].is_object()) fail(path, where + ": 'attr' must be an object");
    for (const auto& [key, value] : n["attr"].items())
      node.attrs[key] = parse_attr(value, path, where + " attribute '" + key + "'");
  }
  return node;
}

WeightSpec parse_weight(const json& w, const std::string& path) {
  WeightSpec spec;
  if (!w.is_object() || !w.contains("name") || !w["name"].is_string())
    fail(path, "weightsManifest: weight without a 'name'");
  spec.name = w["name"].get<std::string>();
  const std::string where = "weight '" + spec.name + "'";
  if (!w.contains("shape") || !w["shape"].is_array()) fail(path, where + ": missing 'shape'");
  for (const json& d : w["shape"]) {
    const std::int64_t v = as_int(d, path, where + " shape");
    if (v < 0) fail(path, where + ": negative dimension in shape");
    spec.shape.push_back(v);
  }
  const std::string dtype = w.value("dtype", std::string{});
  if (dtype == "float32") {
    spec.dtype = DType::float32;
  } else if (dtype == "int32") {
    spec.dtype = DType::int32;
  } else {
    fail(path, where + ": unsupported dtype '" + dtype + "' (float32 and int32 are supported)");
  }
  if (w.contains("quantization") && !w["quantization"].is_null()) {
    const json& q = w["quantization"];
    const std::string qd = q.value("dtype", std::string{});
    if (qd == "uint8" || qd == "uint16") {
      spec.quantization.kind = qd == "uint8" ? Quantization::Kind::uint8 : Quantization::Kind::uint16;
      if (!q.contains("scale") || !q.contains("min"))
        fail(path, where + ": " + qd + " quantization needs 'scale' and 'min'");
      spec.quantization.scale = as_float(q["scale"], path, where + " scale");
      spec.quantization.min = as_float(q["min"], path, where + " min");
    } else if (qd == "float16") {
      if (spec.dtype != DType::float32) fail(path, where + ": float16 quantization of a non-float tensor");
      spec.quantization.kind = Quantization::Kind::float16;
    } else {
      fail(path, where + ": unsupported quantization dtype '" + qd + "'");
    }
  }
  return spec;
}

void collect_signature_outputs(const json& sig, std::vector<std::string>& out) {
  if (!sig.is_object() || !sig.contains("outputs") || !sig["outputs"].is_object()) return;
  for (const auto& [key, value] : sig["outputs"].items()) {
    std::string name = key;
    if (value.is_object() && value.contains("name") && value["name"].is_string()) name = value["name"].get<std::string>();
    out.push_back(strip_output_suffix(name));
  }
}

}  // namespace

const AttrValue* NodeSpec::attr(const std::string& key) const {
  const auto it = attrs.find(key);
  return it == attrs.end() || it->second.kind == AttrValue::Kind::none ? nullptr : &it->second;
}

std::string strip_output_suffix(const std::string& name) {
  const auto colon = name.rfind(':');
  if (colon == std::string::npos || colon + 1 == name.size()) return name;
  if (name.find_first_not_of("0123456789", colon + 1) != std::string::npos) return name;
  return name.substr(0, colon);
}

ModelSpec parse_model_json_text(const std::string& text, const std::string& path) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    fail(path, std::string("malformed json: ") + e.what());
  }
  ModelSpec spec;
  spec.path = path;
  try {
    if (!root.is_object()) fail(path, "top level must be a json object");
    if (root.contains("format") && root["format"].is_string() && root["format"].get<std::string>() != "graph-model")
      fail(path, "format '" + root["format"].get<std::string>() + "' is not 'graph-model'");
    if (!root.contains("modelTopology") || !root["modelTopology"].is_object() ||
        !root["modelTopology"].contains("node") || !root["modelTopology"]["node"].is_array())
      fail(path, "missing 'modelTopology.node' array");
    const json& nodes = root["modelTopology"]["node"];
    for (std::size_t k = 0; k < nodes.size(); ++k) spec.nodes.push_back(parse_node(nodes[k], path, k));
    if (root["modelTopology"].contains("library") && root["modelTopology"]["library"].contains("function") &&
        !root["modelTopology"]["library"]["function"].empty())
      fail(path, "graph functions (control flow) are not supported");

    if (!root.contains("weightsManifest") || !root["weightsManifest"].is_array())
      fail(path, "missing 'weightsManifest' array");
    for (const json& g : root["weightsManifest"]) {
      WeightGroup group;
      if (!g.is_object() || !g.contains("paths") || !g["paths"].is_array() || !g.contains("weights") ||
          !g["weights"].is_array())
        fail(path, "weightsManifest entry needs 'paths' and 'weights' arrays");
      for (const json& p : g["paths"]) {
        if (!p.is_string()) fail(path, "weightsManifest: shard paths must be strings");
        group.paths.push_back(p.get<std::string>());
      }
      for (const json& w : g["weights"]) group.weights.push_back(parse_weight(w, path));
      spec.weight_groups.push_back(std::move(group));
    }
    if (root.contains("signature")) collect_signature_outputs(root["signature"], spec.signature_outputs);
    if (spec.signature_outputs.empty() && root.contains("userDefinedMetadata") &&
        root["userDefinedMetadata"].is_object() && root["userDefinedMetadata"].contains("signature"))
      collect_signature_outputs(root["userDefinedMetadata"]["signature"], spec.signature_outputs);
  } catch (const json::exception& e) {  // type errors inside json accessors
    fail(path, std::string("malformed json: ") + e.what());
  }
  return spec;
}

ModelSpec parse_model_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("model '" + path + "': cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_model_json_text(text.str(), path);
}

}  // namespace sentio::vision::tfjs
