// SPDX-License-Identifier: Apache-2.0
// Kernels for the TensorFlow ops used by the face models of @vladmandic/human (blazeface, facemesh,
// iris, emotion, faceres), on ATen CPU operators. Semantics follow the TensorFlow op definitions
// (tensorflow/core/ops/*.cc): SAME padding as in TF's GetWindowedOutputSize (extra row/column at the
// bottom/right), depthwise channel order c*M + m, Prelu = max(x,0) + alpha*min(x,0).
// Layout handling: see ops.hpp.
#include "tfjs/ops.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

#include "sentio/core/error.hpp"
#include "tfjs/kernels.hpp"

namespace sentio::vision::tfjs {
namespace {

// ---- helpers -----------------------------------------------------------------------------------

[[noreturn]] void node_error(const KernelContext& ctx, const std::string& what) {
  throw InputError("model '" + ctx.model_path + "': node '" + ctx.node.name + "' (" + ctx.node.op + "): " + what);
}

void expect_inputs(const KernelContext& ctx, std::size_t n) {
  if (ctx.node.inputs.size() != n)
    node_error(ctx, "expected " + std::to_string(n) + " inputs, got " + std::to_string(ctx.node.inputs.size()));
}

std::vector<std::int64_t> int_list(const KernelContext& ctx, const std::string& key, std::size_t size,
                                   std::vector<std::int64_t> fallback) {
  const AttrValue* a = ctx.node.attr(key);
  if (!a) return fallback;
  if (a->kind != AttrValue::Kind::list || (size != 0 && a->ints.size() != size))
    node_error(ctx, "attribute '" + key + "' must be a list of " + std::to_string(size) + " integers");
  return a->ints;
}

std::string str_attr(const KernelContext& ctx, const std::string& key, const std::string& fallback) {
  const AttrValue* a = ctx.node.attr(key);
  if (!a) return fallback;
  if (a->kind != AttrValue::Kind::s) node_error(ctx, "attribute '" + key + "' must be a string");
  return a->s;
}

bool bool_attr(const KernelContext& ctx, const std::string& key, bool fallback) {
  const AttrValue* a = ctx.node.attr(key);
  if (!a) return fallback;
  if (a->kind != AttrValue::Kind::b) node_error(ctx, "attribute '" + key + "' must be a boolean");
  return a->b;
}

// A constant integer input (axes, paddings, shapes) as int64 values.
std::vector<std::int64_t> const_ints(const KernelContext& ctx, std::size_t input) {
  const Value* v = ctx.constants.at(input);
  if (!v) node_error(ctx, "input " + std::to_string(input) + " ('" + ctx.node.inputs[input] + "') must be a constant");
  const at::Tensor t = v->t.to(at::kLong).contiguous();
  const std::int64_t* p = t.data_ptr<std::int64_t>();
  return {p, p + t.numel()};
}

const Value& const_input(const KernelContext& ctx, std::size_t input) {
  const Value* v = ctx.constants.at(input);
  if (!v) node_error(ctx, "input " + std::to_string(input) + " ('" + ctx.node.inputs[input] + "') must be a constant");
  return *v;
}

// 4-D value with NCHW dimension order, in channels-last memory (see ops.hpp); the permutation of a
// contiguous NHWC tensor already is channels-last, so this usually copies nothing.
at::Tensor as_nchw(const Value& v) {
  if (v.layout == Layout::nchw) return v.t;
  SENTIO_ASSERT(v.t.dim() == 4);
  return v.t.permute({0, 3, 1, 2}).contiguous(at::MemoryFormat::ChannelsLast);
}

// A TF-layout operand of rank <= 4 viewed so that it broadcasts against an NCHW value the way it
// would broadcast (numpy rules) against the NHWC tensor.
at::Tensor broadcast_view_nchw(const at::Tensor& t) {
  std::vector<std::int64_t> shape(4, 1);
  const std::int64_t r = t.dim();
  for (std::int64_t k = 0; k < r; ++k) shape[static_cast<std::size_t>(4 - r + k)] = t.size(k);
  return t.reshape(shape).permute({0, 3, 1, 2});
}

// NHWC axis -> NCHW axis.
std::int64_t nchw_axis(std::int64_t tf_axis) {
  static constexpr std::int64_t map[4] = {0, 2, 3, 1};
  return map[tf_axis];
}

std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& what) {
  if (axis < -rank || axis >= rank) throw InputError(what + ": axis " + std::to_string(axis) + " out of range");
  return axis < 0 ? axis + rank : axis;
}

// ---- convolution and pooling geometry ----------------------------------------------------------

enum class PadMode { same, valid, explicit_ };

struct Window {
  std::int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  PadMode mode = PadMode::valid;
  std::int64_t explicit_pads[4] = {0, 0, 0, 0};  // top, bottom, left, right
};

Window parse_window(const KernelContext& ctx, const std::string& strides_key) {
  const std::string fmt = str_attr(ctx, "data_format", "NHWC");
  if (fmt != "NHWC") node_error(ctx, "data_format '" + fmt + "' is not supported (only NHWC)");
  Window w;
  const auto strides = int_list(ctx, strides_key, 4, {1, 1, 1, 1});
  if (strides[0] != 1 || strides[3] != 1) node_error(ctx, "strides on the batch or channel dimension");
  const auto dil = int_list(ctx, "dilations", 4, {1, 1, 1, 1});
  if (dil[0] != 1 || dil[3] != 1) node_error(ctx, "dilations on the batch or channel dimension");
  w.stride_h = strides[1];
  w.stride_w = strides[2];
  w.dil_h = dil[1];
  w.dil_w = dil[2];
  if (w.stride_h < 1 || w.stride_w < 1 || w.dil_h < 1 || w.dil_w < 1) node_error(ctx, "non-positive stride or dilation");
  const std::string pad = str_attr(ctx, "padding", "");
  if (pad == "SAME") {
    w.mode = PadMode::same;
  } else if (pad == "VALID") {
    w.mode = PadMode::valid;
  } else if (pad == "EXPLICIT") {
    w.mode = PadMode::explicit_;
    const auto p = int_list(ctx, "explicit_paddings", 8, {});
    w.explicit_pads[0] = p[2];
    w.explicit_pads[1] = p[3];
    w.explicit_pads[2] = p[4];
    w.explicit_pads[3] = p[5];
  } else {
    node_error(ctx, "padding '" + pad + "' is not supported");
  }
  return w;
}

// TF SAME: out = ceil(in / stride); total = max((out-1)*stride + effective_k - in, 0); the smaller
// half goes before (top/left), the extra one after (bottom/right).
std::pair<std::int64_t, std::int64_t> same_pads(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t dil) {
  const std::int64_t eff = (k - 1) * dil + 1;
  const std::int64_t out = (in + stride - 1) / stride;
  const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + eff - in, 0);
  return {total / 2, total - total / 2};
}

// Pads for an NCHW input; returns {top, bottom, left, right}.
std::array<std::int64_t, 4> window_pads(const Window& w, const at::Tensor& x, std::int64_t kh, std::int64_t kw) {
  if (w.mode == PadMode::valid) return {0, 0, 0, 0};
  if (w.mode == PadMode::explicit_)
    return {w.explicit_pads[0], w.explicit_pads[1], w.explicit_pads[2], w.explicit_pads[3]};
  const auto [t, b] = same_pads(x.size(2), kh, w.stride_h, w.dil_h);
  const auto [l, r] = same_pads(x.size(3), kw, w.stride_w, w.dil_w);
  return {t, b, l, r};
}

at::Tensor conv_nchw(const at::Tensor& x_in, const at::Tensor& weight, const at::Tensor& bias, const Window& w,
                     std::int64_t groups) {
  const auto p = window_pads(w, x_in, weight.size(2), weight.size(3));
  at::Tensor x = x_in;
  std::int64_t ph = p[0];
  std::int64_t pw = p[2];
  if (p[0] != p[1] || p[2] != p[3]) {  // asymmetric (TF SAME, even kernel or stride): pad explicitly
    x = at::constant_pad_nd(x, {p[2], p[3], p[0], p[1]}, 0.0);
    ph = 0;
    pw = 0;
  }
  return at::conv2d(x, weight, bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt, {w.stride_h, w.stride_w},
                    {ph, pw}, {w.dil_h, w.dil_w}, groups);
}

// ---- fused activations ---------------------------------------------------------------------------

enum class Act { none, relu, relu6, elu, prelu, leaky_relu };

struct Epilogue {
  at::Tensor bias;       // [C] or undefined
  Act act = Act::none;
  at::Tensor alpha;      // prelu: [C] (channelwise) or an NCHW-broadcastable tensor
  bool alpha_per_channel = false;
  double leaky_alpha = 0.2;
};

// Applies max(x,0) + alpha*min(x,0) on an NCHW value (or any value when alpha broadcasts).
at::Tensor apply_prelu(const at::Tensor& x, const at::Tensor& alpha, bool per_channel) {
  if (per_channel) return at::prelu(x, alpha);
  return at::where(x > 0, x, x * alpha);
}

at::Tensor apply_act(at::Tensor x, const Epilogue& e) {
  switch (e.act) {
    case Act::none: return x;
    case Act::relu: return at::relu_(x);
    case Act::relu6: return at::clamp_(x, 0.0, 6.0);
    case Act::elu: return at::elu(x);
    case Act::leaky_relu: return at::leaky_relu_(x, e.leaky_alpha);
    case Act::prelu: return apply_prelu(x, e.alpha, e.alpha_per_channel);
  }
  return x;
}

// Prepares a PReLU alpha for NCHW (rank-4) activations with `channels` channels.
void prepare_alpha(Epilogue& e, const at::Tensor& alpha_tf, std::int64_t channels) {
  e.act = Act::prelu;
  if (alpha_tf.numel() == channels && (alpha_tf.dim() == 0 || alpha_tf.size(-1) == channels)) {
    e.alpha = alpha_tf.reshape({channels}).contiguous();
    e.alpha_per_channel = true;
  } else {
    e.alpha = broadcast_view_nchw(alpha_tf).contiguous();
  }
}

// Reads fused_ops/num_args of _Fused* nodes whose extra args start at input `first_arg`.
Epilogue parse_epilogue(const KernelContext& ctx, std::size_t first_arg, std::int64_t channels) {
  Epilogue e;
  const AttrValue* ops = ctx.node.attr("fused_ops");
  const std::vector<std::string> fused = ops ? ops->strings : std::vector<std::string>{};
  const AttrValue* na = ctx.node.attr("num_args");
  const std::int64_t num_args = na ? na->i : 0;
  if (ctx.node.inputs.size() != first_arg + static_cast<std::size_t>(num_args))
    node_error(ctx, "num_args does not match the number of inputs");
  std::size_t k = 0;
  std::size_t arg = first_arg;
  if (k < fused.size() && fused[k] == "BiasAdd") {
    if (num_args < 1) node_error(ctx, "BiasAdd without a bias input");
    const at::Tensor b = const_input(ctx, arg++).t;
    if (b.numel() != channels) node_error(ctx, "bias has " + std::to_string(b.numel()) + " values for " +
                                               std::to_string(channels) + " channels");
    e.bias = b.reshape({channels}).contiguous();
    ++k;
  }
  if (k < fused.size()) {
    const std::string& a = fused[k++];
    if (a == "Relu") {
      e.act = Act::relu;
    } else if (a == "Relu6") {
      e.act = Act::relu6;
    } else if (a == "Elu") {
      e.act = Act::elu;
    } else if (a == "LeakyRelu") {
      e.act = Act::leaky_relu;
      if (const AttrValue* la = ctx.node.attr("leakyrelu_alpha")) e.leaky_alpha = la->f;
    } else if (a == "Prelu") {
      if (arg >= ctx.node.inputs.size()) node_error(ctx, "Prelu without an alpha input");
      prepare_alpha(e, const_input(ctx, arg++).t, channels);
    } else {
      node_error(ctx, "unsupported fused op '" + a + "'");
    }
  }
  if (k != fused.size()) node_error(ctx, "unsupported fused op sequence");
  return e;
}

// ---- kernels -------------------------------------------------------------------------------------

// Conv2D / _FusedConv2D (depthwise=false) and DepthwiseConv2dNative / FusedDepthwiseConv2dNative.
Kernel make_conv(const KernelContext& ctx, bool depthwise, bool fused) {
  if (ctx.node.inputs.size() < 2) node_error(ctx, "expected at least 2 inputs");
  if (!fused) expect_inputs(ctx, 2);
  const Window w = parse_window(ctx, "strides");
  const at::Tensor filter = const_input(ctx, 1).t;  // TF: [KH, KW, Cin, Cout] or [KH, KW, Cin, M]
  if (filter.dim() != 4 || filter.scalar_type() != at::kFloat) node_error(ctx, "filter must be a 4-D float tensor");
  at::Tensor weight;
  std::int64_t groups = 1;
  if (depthwise) {
    const std::int64_t cin = filter.size(2);
    const std::int64_t mult = filter.size(3);
    // ATen grouped conv: out channel o = c*M + m (same order as TF), weight [Cin*M, 1, KH, KW].
    weight = filter.permute({2, 3, 0, 1}).reshape({cin * mult, 1, filter.size(0), filter.size(1)}).contiguous();
    groups = cin;
  } else {
    weight = filter.permute({3, 2, 0, 1}).contiguous();  // [Cout, Cin, KH, KW]
  }
  const std::int64_t channels = weight.size(0);
  const Epilogue e = fused ? parse_epilogue(ctx, 2, channels) : Epilogue{};
  const bool pointwise = !depthwise && filter.size(0) == 1 && filter.size(1) == 1 && w.stride_h == 1 &&
                         w.stride_w == 1 && (w.mode != PadMode::explicit_ || (w.explicit_pads[0] == 0 &&
                         w.explicit_pads[1] == 0 && w.explicit_pads[2] == 0 && w.explicit_pads[3] == 0));
  if (pointwise) {
    // 1x1 convolution = one GEMM over the pixels: on channels-last memory, [N*H*W, Cin] x [Cin, Cout]
    // needs no copy, and BLAS beats ATen's generic 1x1 path by ~3x on these small channel counts.
    const at::Tensor w_mat = filter.reshape({filter.size(2), filter.size(3)}).contiguous();  // [Cin, Cout]
    return [w_mat, e](const std::vector<const Value*>& in) {
      const at::Tensor x = as_nchw(*in[0]);
      if (x.size(1) != w_mat.size(0))
        throw InputError("input has " + std::to_string(x.size(1)) + " channels, the filter expects " +
                         std::to_string(w_mat.size(0)));
      const at::Tensor rows = x.permute({0, 2, 3, 1}).reshape({-1, x.size(1)});  // [N*H*W, Cin], a view
      const at::Tensor y = e.bias.defined() ? at::addmm(e.bias, rows, w_mat) : at::mm(rows, w_mat);
      const at::Tensor out = y.view({x.size(0), x.size(2), x.size(3), w_mat.size(1)}).permute({0, 3, 1, 2});
      return Value{apply_act(out, e), Layout::nchw};
    };
  }
  return [w, weight, groups, e, depthwise](const std::vector<const Value*>& in) {
    const at::Tensor x = as_nchw(*in[0]);
    if (x.size(1) != (depthwise ? groups : weight.size(1)))
      throw InputError("input has " + std::to_string(x.size(1)) + " channels, the filter expects " +
                       std::to_string(depthwise ? groups : weight.size(1)));
    return Value{apply_act(conv_nchw(x, weight, e.bias, w, groups), e), Layout::nchw};
  };
}

Kernel make_max_pool(const KernelContext& ctx) {
  expect_inputs(ctx, 1);
  const Window w = parse_window(ctx, "strides");
  const auto k = int_list(ctx, "ksize", 4, {});
  if (k[0] != 1 || k[3] != 1) node_error(ctx, "pooling over the batch or channel dimension");
  const std::int64_t kh = k[1];
  const std::int64_t kw = k[2];
  return [w, kh, kw](const std::vector<const Value*>& in) {
    at::Tensor x = as_nchw(*in[0]);
    const auto p = window_pads(w, x, kh, kw);
    // TF's SAME max-pool ignores padded cells: padding with -inf is equivalent.
    if (p[0] || p[1] || p[2] || p[3])
      x = at::constant_pad_nd(x, {p[2], p[3], p[0], p[1]}, -std::numeric_limits<double>::infinity());
    return Value{at::max_pool2d(x, {kh, kw}, {w.stride_h, w.stride_w}), Layout::nchw};
  };
}

// Element-wise binary ops with numpy broadcasting; mixed layouts are aligned on NCHW.
template <typename F>
Kernel make_binary(const KernelContext& ctx, F f) {
  expect_inputs(ctx, 2);
  return [f](const std::vector<const Value*>& in) {
    const Value& a = *in[0];
    const Value& b = *in[1];
    if (a.layout == b.layout) return Value{f(a.t, b.t), a.layout};
    const Value& n = a.layout == Layout::nchw ? a : b;  // the NCHW operand
    const Value& o = a.layout == Layout::nchw ? b : a;
    if (o.t.dim() <= 4) {
      const at::Tensor ov = broadcast_view_nchw(o.t);
      return Value{a.layout == Layout::nchw ? f(n.t, ov) : f(ov, n.t), Layout::nchw};
    }
    return Value{f(to_tf(a).t, to_tf(b).t), Layout::tf};
  };
}

template <typename F>
Kernel make_unary(const KernelContext& ctx, F f) {
  expect_inputs(ctx, 1);
  return [f](const std::vector<const Value*>& in) { return Value{f(in[0]->t), in[0]->layout}; };
}

Kernel make_prelu(const KernelContext& ctx) {
  expect_inputs(ctx, 2);
  if (ctx.constants[1]) {
    const at::Tensor alpha = ctx.constants[1]->t;
    Epilogue e;
    const std::int64_t c = alpha.dim() == 0 ? 1 : alpha.size(-1);
    prepare_alpha(e, alpha, c);
    const at::Tensor alpha_tf = alpha;
    return [e, alpha_tf, c](const std::vector<const Value*>& in) {
      const Value& x = *in[0];
      if (x.layout == Layout::nchw && x.t.size(1) == c) return Value{apply_prelu(x.t, e.alpha, e.alpha_per_channel), x.layout};
      const at::Tensor xt = to_tf(x).t;
      return Value{at::where(xt > 0, xt, xt * alpha_tf), Layout::tf};
    };
  }
  return make_binary(ctx, [](const at::Tensor& x, const at::Tensor& alpha) { return at::where(x > 0, x, x * alpha); });
}

Kernel make_softmax(const KernelContext& ctx) {
  expect_inputs(ctx, 1);
  return [](const std::vector<const Value*>& in) {
    const Value& x = *in[0];
    const std::int64_t dim = x.layout == Layout::nchw ? 1 : -1;  // TF: last axis
    return Value{at::softmax(x.t, dim), x.layout};
  };
}

Kernel make_mean(const KernelContext& ctx) {
  expect_inputs(ctx, 2);
  std::vector<std::int64_t> axes = const_ints(ctx, 1);
  const bool keep = bool_attr(ctx, "keep_dims", false);
  return [axes, keep](const std::vector<const Value*>& in) {
    const Value& x = *in[0];
    const std::int64_t rank = x.t.dim();
    std::vector<std::int64_t> tf_axes;
    for (const std::int64_t a : axes) tf_axes.push_back(normalize_axis(a, rank, "Mean"));
    if (x.layout == Layout::nchw) {
      std::vector<bool> reduced(4, false);
      std::vector<std::int64_t> dims;
      for (const std::int64_t a : tf_axes) {
        reduced[static_cast<std::size_t>(a)] = true;
        dims.push_back(nchw_axis(a));
      }
      // Without keep_dims the survivors must keep TF's order: fine unless C survives with H or W.
      const bool order_ok = keep || reduced[3] || (reduced[1] && reduced[2]);
      if (order_ok) {
        at::Tensor r = at::mean(x.t, dims, keep);
        return Value{r, keep ? Layout::nchw : Layout::tf};
      }
    }
    return Value{at::mean(to_tf(x).t, tf_axes, keep), Layout::tf};
  };
}

Kernel make_reshape(const KernelContext& ctx) {
  expect_inputs(ctx, 2);
  return [](const std::vector<const Value*>& in) {
    const at::Tensor s = in[1]->t.to(at::kLong).contiguous();
    std::vector<std::int64_t> shape(s.data_ptr<std::int64_t>(), s.data_ptr<std::int64_t>() + s.numel());
    return Value{to_tf(*in[0]).t.reshape(shape), Layout::tf};
  };
}

Kernel make_pad(const KernelContext& ctx, bool v2) {
  expect_inputs(ctx, v2 ? 3 : 2);
  const std::vector<std::int64_t> pads = const_ints(ctx, 1);  // [rank, 2] row-major (before, after)
  double fill = 0.0;
  if (v2) {
    const at::Tensor c = const_input(ctx, 2).t;
    if (c.numel() != 1) node_error(ctx, "constant_values must be a scalar");
    fill = c.to(at::kDouble).item<double>();
  }
  return [pads, fill](const std::vector<const Value*>& in) {
    const Value& x = *in[0];
    const std::int64_t rank = x.t.dim();
    if (static_cast<std::int64_t>(pads.size()) != 2 * rank)
      throw InputError("paddings for rank " + std::to_string(pads.size() / 2) + " applied to a rank-" +
                       std::to_string(rank) + " tensor");
    // constant_pad_nd wants (before, after) pairs starting from the last dimension.
    std::vector<std::int64_t> torch_pads(static_cast<std::size_t>(2 * rank));
    for (std::int64_t d = 0; d < rank; ++d) {
      const std::int64_t stored = x.layout == Layout::nchw ? nchw_axis(d) : d;
      const std::size_t slot = static_cast<std::size_t>(2 * (rank - 1 - stored));
      torch_pads[slot] = pads[static_cast<std::size_t>(2 * d)];
      torch_pads[slot + 1] = pads[static_cast<std::size_t>(2 * d + 1)];
    }
    return Value{at::constant_pad_nd(x.t, torch_pads, fill), x.layout};
  };
}

Kernel make_concat(const KernelContext& ctx) {
  if (ctx.node.inputs.size() < 2) node_error(ctx, "expected at least 2 inputs");
  const std::size_t n = ctx.node.inputs.size() - 1;
  const std::vector<std::int64_t> axis_v = const_ints(ctx, n);  // the last input is the axis
  if (axis_v.size() != 1) node_error(ctx, "axis must be a scalar");
  const std::int64_t axis = axis_v[0];
  return [n, axis](const std::vector<const Value*>& in) {
    bool all_nchw = true;
    for (std::size_t k = 0; k < n; ++k) all_nchw = all_nchw && in[k]->layout == Layout::nchw;
    std::vector<at::Tensor> parts;
    const std::int64_t rank = in[0]->t.dim();
    const std::int64_t a = normalize_axis(axis, rank, "ConcatV2");
    for (std::size_t k = 0; k < n; ++k) parts.push_back(all_nchw ? in[k]->t : to_tf(*in[k]).t);
    if (all_nchw) return Value{at::cat(parts, nchw_axis(a)), Layout::nchw};
    return Value{at::cat(parts, a), Layout::tf};
  };
}

// MatMul and _FusedMatMul (BiasAdd then an optional activation): y = act(a @ b + bias).
Kernel make_matmul(const KernelContext& ctx, bool fused) {
  if (ctx.node.inputs.size() < 2) node_error(ctx, "expected at least 2 inputs");
  if (!fused) expect_inputs(ctx, 2);
  const bool ta = bool_attr(ctx, "transpose_a", false);
  const bool tb = bool_attr(ctx, "transpose_b", false);
  at::Tensor b_const;
  std::int64_t n_out = -1;
  if (ctx.constants[1]) {
    b_const = ctx.constants[1]->t;
    if (b_const.dim() != 2) node_error(ctx, "b must be a matrix");
    if (tb) b_const = b_const.t();
    b_const = b_const.contiguous();  // [K, N]
    n_out = b_const.size(1);
  }
  if (fused && n_out < 0) node_error(ctx, "fused matmul needs a constant weight matrix");
  const Epilogue e = fused ? parse_epilogue(ctx, 2, n_out) : Epilogue{};
  return [ta, tb, b_const, e](const std::vector<const Value*>& in) {
    at::Tensor a = to_tf(*in[0]).t;
    if (a.dim() != 2) throw InputError("MatMul operand is not a matrix");
    if (ta) a = a.t();
    at::Tensor b = b_const.defined() ? b_const : (tb ? to_tf(*in[1]).t.t() : to_tf(*in[1]).t);
    at::Tensor y = e.bias.defined() ? at::addmm(e.bias, a, b) : at::mm(a, b);
    return Value{apply_act(y, e), Layout::tf};
  };
}

// _SentioSeparableBlock (graph rewrite of fuse_separable_blocks): [depthwise 3x3] -> 1x1 conv + bias ->
// [+ residual] -> [Relu | Prelu]. Runs the direct row kernel (kernels.hpp) when the shapes fit it, else the
// same chain with ATen operators.
Kernel make_separable_block(const KernelContext& ctx) {
  const bool dw = bool_attr(ctx, "sentio_depthwise", false);
  const bool residual = bool_attr(ctx, "sentio_residual", false);
  const std::string act_name = str_attr(ctx, "sentio_act", "");
  const std::size_t n_in = 1 + (dw ? 1 : 0) + 2 + (residual ? 1 : 0) + (act_name == "Prelu" ? 1 : 0);
  expect_inputs(ctx, n_in);
  std::size_t next = 1;
  at::Tensor dw_filter;
  Window w;
  if (dw) {
    w = parse_window(ctx, "strides");
    dw_filter = const_input(ctx, next++).t;
    if (dw_filter.dim() != 4 || dw_filter.scalar_type() != at::kFloat) node_error(ctx, "depthwise filter must be 4-D float");
  }
  const at::Tensor pw = const_input(ctx, next++).t;  // [1, 1, K, N]
  if (pw.dim() != 4 || pw.size(0) != 1 || pw.size(1) != 1 || pw.scalar_type() != at::kFloat)
    node_error(ctx, "pointwise filter must be a float [1, 1, K, N] tensor");
  const std::int64_t k_in = pw.size(2);
  const std::int64_t n_out = pw.size(3);
  const at::Tensor bias = const_input(ctx, next++).t.reshape({-1}).to(at::kFloat).contiguous();
  if (bias.numel() != n_out) node_error(ctx, "bias size differs from the filter's output channels");
  const std::size_t residual_input = residual ? next++ : 0;
  Epilogue e;
  e.bias = bias;
  if (act_name == "Relu") e.act = Act::relu;
  if (act_name == "Prelu") prepare_alpha(e, const_input(ctx, next++).t, n_out);
  const at::Tensor w_mat = pw.reshape({k_in, n_out}).contiguous();  // [K, N]

  // The direct kernel: depthwise 3x3 with channel multiplier 1 and no dilation, per-channel alpha.
  bool direct = (!dw || (dw_filter.size(0) == 3 && dw_filter.size(1) == 3 && dw_filter.size(3) == 1 &&
                         dw_filter.size(2) == k_in && w.dil_h == 1 && w.dil_w == 1 && w.stride_h == w.stride_w)) &&
                (e.act != Act::prelu || e.alpha_per_channel);
  const at::Tensor dw_taps = dw ? dw_filter.reshape({9, k_in}).contiguous() : at::Tensor();  // [3*3][C]
  const at::Tensor dw_weight =
      dw ? dw_filter.permute({2, 3, 0, 1}).reshape({dw_filter.size(2) * dw_filter.size(3), 1, dw_filter.size(0),
                                                   dw_filter.size(1)}).contiguous()
         : at::Tensor();
  const std::int64_t groups = dw ? dw_filter.size(2) : 1;
  return [=](const std::vector<const Value*>& in) {
    const at::Tensor x = as_nchw(*in[0]);
    if (x.size(1) != (dw ? groups : k_in))
      throw InputError("input has " + std::to_string(x.size(1)) + " channels, the filter expects " +
                       std::to_string(dw ? groups : k_in));
    const Value* res = residual ? in[residual_input] : nullptr;
    std::int64_t out_h = x.size(2), out_w = x.size(3);
    std::array<std::int64_t, 4> pads{0, 0, 0, 0};
    if (dw) {
      pads = window_pads(w, x, 3, 3);
      out_h = (x.size(2) + pads[0] + pads[1] - 3) / w.stride_h + 1;
      out_w = (x.size(3) + pads[2] + pads[3] - 3) / w.stride_w + 1;
    }
    const bool res_fits = !res || (res->layout == Layout::nchw && res->t.dim() == 4 && res->t.size(0) == x.size(0) &&
                                   res->t.size(1) == n_out && res->t.size(2) == out_h && res->t.size(3) == out_w);
    if (direct && res_fits && x.scalar_type() == at::kFloat) {
      const at::Tensor xc = x.contiguous(at::MemoryFormat::ChannelsLast);
      const at::Tensor rc = res ? res->t.contiguous(at::MemoryFormat::ChannelsLast) : at::Tensor();
      at::Tensor out = at::empty({x.size(0), n_out, out_h, out_w}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
      SeparableBlock b;
      b.batch = x.size(0);
      b.in_h = x.size(2);
      b.in_w = x.size(3);
      b.channels = k_in;
      b.depthwise = dw;
      b.stride = dw ? static_cast<int>(w.stride_h) : 1;
      b.pad_top = static_cast<int>(pads[0]);
      b.pad_left = static_cast<int>(pads[2]);
      b.out_h = out_h;
      b.out_w = out_w;
      b.dw_weights = dw ? dw_taps.data_ptr<float>() : nullptr;
      b.pw_weights = w_mat.data_ptr<float>();
      b.bias = e.bias.data_ptr<float>();
      b.out_channels = n_out;
      b.residual = res ? rc.data_ptr<float>() : nullptr;
      b.act = e.act == Act::relu ? BlockAct::relu : (e.act == Act::prelu ? BlockAct::prelu : BlockAct::none);
      b.alpha = e.act == Act::prelu ? e.alpha.data_ptr<float>() : nullptr;
      const float* src = xc.data_ptr<float>();
      float* dst = out.data_ptr<float>();
      // Rows are independent: split them over ATen's intra-op threads (inline with one thread).
      const std::int64_t grain = std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, out_w * n_out));
      at::parallel_for(0, b.batch * out_h, grain,
                       [&](std::int64_t r0, std::int64_t r1) { run_separable_block(b, src, dst, r0, r1); });
      return Value{out, Layout::nchw};
    }
    // General case with ATen operators, in the order of the original nodes.
    const at::Tensor y = dw ? conv_nchw(x, dw_weight, at::Tensor(), w, groups) : x;
    const at::Tensor rows = y.permute({0, 2, 3, 1}).reshape({-1, y.size(1)});
    at::Tensor z = at::addmm(e.bias, rows, w_mat).view({y.size(0), y.size(2), y.size(3), n_out}).permute({0, 3, 1, 2});
    if (res) {
      if (res->layout == Layout::nchw) {
        z = z + res->t;
      } else if (res->t.dim() <= 4) {
        z = z + broadcast_view_nchw(res->t);
      } else {
        throw InputError("residual of rank " + std::to_string(res->t.dim()) + " added to a 4-D convolution");
      }
    }
    return Value{apply_act(z, e), Layout::nchw};
  };
}

// ---- registry ------------------------------------------------------------------------------------

const std::map<std::string, KernelFactory>& registry() {
  static const std::map<std::string, KernelFactory> table = {
      {"Conv2D", [](const KernelContext& c) { return make_conv(c, false, false); }},
      {"_FusedConv2D", [](const KernelContext& c) { return make_conv(c, false, true); }},
      {"DepthwiseConv2dNative", [](const KernelContext& c) { return make_conv(c, true, false); }},
      {"FusedDepthwiseConv2dNative", [](const KernelContext& c) { return make_conv(c, true, true); }},
      {"_SentioSeparableBlock", [](const KernelContext& c) { return make_separable_block(c); }},
      {"MaxPool", [](const KernelContext& c) { return make_max_pool(c); }},
      {"MatMul", [](const KernelContext& c) { return make_matmul(c, false); }},
      {"_FusedMatMul", [](const KernelContext& c) { return make_matmul(c, true); }},
      {"Add", [](const KernelContext& c) { return make_binary(c, [](const at::Tensor& a, const at::Tensor& b) { return a + b; }); }},
      {"AddV2", [](const KernelContext& c) { return make_binary(c, [](const at::Tensor& a, const at::Tensor& b) { return a + b; }); }},
      {"Sub", [](const KernelContext& c) { return make_binary(c, [](const at::Tensor& a, const at::Tensor& b) { return a - b; }); }},
      {"Mul", [](const KernelContext& c) { return make_binary(c, [](const at::Tensor& a, const at::Tensor& b) { return a * b; }); }},
      {"Minimum", [](const KernelContext& c) { return make_binary(c, [](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }); }},
      {"Maximum", [](const KernelContext& c) { return make_binary(c, [](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }); }},
      {"Prelu", [](const KernelContext& c) { return make_prelu(c); }},
      {"Relu", [](const KernelContext& c) { return make_unary(c, [](const at::Tensor& x) { return at::relu(x); }); }},
      {"Relu6", [](const KernelContext& c) { return make_unary(c, [](const at::Tensor& x) { return at::clamp(x, 0.0, 6.0); }); }},
      {"Sigmoid", [](const KernelContext& c) { return make_unary(c, [](const at::Tensor& x) { return at::sigmoid(x); }); }},
      {"Tanh", [](const KernelContext& c) { return make_unary(c, [](const at::Tensor& x) { return at::tanh(x); }); }},
      {"Identity", [](const KernelContext& c) { return make_unary(c, [](const at::Tensor& x) { return x; }); }},
      {"Softmax", [](const KernelContext& c) { return make_softmax(c); }},
      {"Mean", [](const KernelContext& c) { return make_mean(c); }},
      {"Reshape", [](const KernelContext& c) { return make_reshape(c); }},
      {"Pad", [](const KernelContext& c) { return make_pad(c, false); }},
      {"PadV2", [](const KernelContext& c) { return make_pad(c, true); }},
      {"ConcatV2", [](const KernelContext& c) { return make_concat(c); }},
  };
  return table;
}

}  // namespace

Value to_tf(const Value& v) {
  if (v.layout == Layout::tf) return v;
  return Value{v.t.permute({0, 2, 3, 1}), Layout::tf};
}

KernelFactory find_kernel(const std::string& op) {
  const auto& table = registry();
  const auto it = table.find(op);
  return it == table.end() ? nullptr : it->second;
}

Value value_from_host(const HostTensor& h) {
  std::vector<std::int64_t> shape = h.shape;
  if (h.dtype == DType::float32) {
    return Value{at::from_blob(const_cast<float*>(h.f32.data()), shape, at::kFloat).clone(), Layout::tf};
  }
  return Value{at::from_blob(const_cast<std::int32_t*>(h.i32.data()), shape, at::kInt).clone(), Layout::tf};
}

}  // namespace sentio::vision::tfjs
