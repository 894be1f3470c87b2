// SPDX-License-Identifier: Apache-2.0
#pragma once
// Parsed form of a TF.js graph-model `model.json` (format "graph-model"): the node list of
// `modelTopology.node[]` with decoded attributes, the weights manifest and the signature.
// Free of torch and json types so that only the parser TU pays for nlohmann.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sentio::vision::tfjs {

// One decoded attribute (tensorflow AttrValue as the converter writes it to json):
//  {"i":"3"} {"f":0.5} {"b":true} {"s":base64} {"type":"DT_FLOAT"} {"shape":{"dim":[{"size":"-1"}]}}
//  {"list":{"i":[..]}} / {"list":{"s":[..]}} / {"list":{"f":[..]}} / {"list":{}}; {"tensor":{...}}.
struct AttrValue {
  enum class Kind { none, i, f, b, s, type, shape, list, tensor };
  Kind kind = Kind::none;
  std::int64_t i = 0;
  double f = 0.0;
  bool b = false;
  std::string s;                   // base64-decoded bytes for kind s; "DT_..." for kind type
  std::vector<std::int64_t> ints;  // list.i, or shape dims (-1 dynamic) for kind shape
  std::vector<double> floats;      // list.f
  std::vector<std::string> strings;  // list.s, base64-decoded
};

struct NodeSpec {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // producer node names (":0" output suffixes and "^" control
                                    // inputs stripped; control inputs are dropped)
  std::map<std::string, AttrValue> attrs;

  const AttrValue* attr(const std::string& key) const;
};

enum class DType { float32, int32 };

struct Quantization {
  enum class Kind { none, uint8, uint16, float16 };
  Kind kind = Kind::none;
  double scale = 1.0;  // affine kinds: value = q * scale + min
  double min = 0.0;
};

struct WeightSpec {
  std::string name;
  std::vector<std::int64_t> shape;
  DType dtype = DType::float32;
  Quantization quantization;
};

struct WeightGroup {
  std::vector<std::string> paths;  // shard file names, relative to the json's folder
  std::vector<WeightSpec> weights;  // laid out back to back over the concatenated shards
};

struct ModelSpec {
  std::string path;  // the model.json path as given (used in error messages)
  std::vector<NodeSpec> nodes;
  std::vector<WeightGroup> weight_groups;
  // Output node names declared by the signature (top level or userDefinedMetadata); empty if none.
  std::vector<std::string> signature_outputs;
};

// Parses the file. Throws InputError "model '<path>': ..." naming the node/tensor at fault.
ModelSpec parse_model_json(const std::string& path);
// Same, from text already in memory (`path` only labels errors).
ModelSpec parse_model_json_text(const std::string& text, const std::string& path);

// Strips a ":<digits>" output suffix ("Identity:0" -> "Identity").
std::string strip_output_suffix(const std::string& name);

}  // namespace sentio::vision::tfjs
