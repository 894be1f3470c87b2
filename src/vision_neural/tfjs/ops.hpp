// SPDX-License-Identifier: Apache-2.0
#pragma once
// Operator kernels of the TF.js graph runner (libtorch/ATen). Private header: include it only from
// the torch translation units (ops.cpp, executor.cpp) - ATen headers are slow to compile.
//
// Layout policy: every value carries its layout. Layout::tf is TensorFlow's own dimension order
// (what the graph's axis attributes refer to). Spatial ops (convolutions, pooling) take ATen's
// NCHW dimension order, so their 4-D results are kept as Layout::nchw - logically the TF NHWC
// tensor permuted by (0,3,1,2). Those tensors use ATen's channels-last memory format, i.e. the
// bytes stay in NHWC order: oneDNN's depthwise convolutions are ~8x faster on it than on
// contiguous NCHW, and converting from/to TF layout is a free permutation. Chains of conv/activation/add/pool therefore never transpose;
// ops with axis semantics (Pad, ConcatV2, Mean, Softmax) remap their axes for NCHW values, and ops
// that depend on memory order (Reshape, MatMul) first convert to Layout::tf. Graph inputs of rank 4
// are converted to NCHW once; outputs are converted back to TF layout once.
#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <vector>

#include "tfjs/model_json.hpp"
#include "tfjs/weights.hpp"

namespace sentio::vision::tfjs {

enum class Layout { tf, nchw };

struct Value {
  at::Tensor t;
  Layout layout = Layout::tf;
};

// Returns the value in TF dimension order (a view when a permutation is needed).
Value to_tf(const Value& v);

using Kernel = std::function<Value(const std::vector<const Value*>& inputs)>;

// What a kernel factory sees at load time.
struct KernelContext {
  const NodeSpec& node;
  const std::string& model_path;
  std::vector<const Value*> constants;  // per input: its folded constant value, or nullptr
};

// Builds the kernel for one node, validating attributes and pre-transforming constant operands
// (e.g. filters to ATen's [Cout, Cin/groups, KH, KW]). Throws InputError naming the node.
using KernelFactory = Kernel (*)(const KernelContext& ctx);

// The factory for `op`, or nullptr when the op is not supported.
KernelFactory find_kernel(const std::string& op);

// Wraps a dequantized weight into an ATen tensor (float32 or int32), layout tf.
Value value_from_host(const HostTensor& h);

}  // namespace sentio::vision::tfjs
