// SPDX-License-Identifier: Apache-2.0
#pragma once
// Writes a TF.js graph model with new weights (private; free of torch and json types).
#include <string>
#include <utility>
#include <vector>

#include "tfjs/weights.hpp"

namespace sentio::vision::train {

// Writes <dir>/<stem>.json - the source json with its topology, signature and metadata unchanged and a
// new weightsManifest: one group, one shard "<stem>.bin", the given tensors in order, float32 or int32,
// unquantized - and <dir>/<stem>.bin (little-endian values back to back). Creates `dir` if needed.
// Returns {json path, bin path}. Throws InputError naming the file that cannot be read or written.
std::vector<std::string> write_tfjs_model(const std::string& source_json,
                                          const std::vector<std::pair<std::string, tfjs::HostTensor>>& weights,
                                          const std::string& dir, const std::string& stem);

}  // namespace sentio::vision::train
