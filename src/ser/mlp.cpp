// SPDX-License-Identifier: Apache-2.0
// The SER multilayer perceptron (TrainOptions::hidden > 0): normalised eGeMAPS row -> `hidden` ReLU units
// -> softmax over the classes. Loss: the same class-weighted mean cross-entropy as the regression, plus
// l2/2 times the squared norms of both weight matrices (biases free). Full-batch Adam (Kingma & Ba 2015:
// beta1 0.9, beta2 0.999, epsilon 1e-8) with inverted dropout on the hidden units. He initialisation
// (normal, std sqrt(2/d)) of the hidden layer, std sqrt(1/hidden) of the output layer, zero biases. The
// random numbers come from a std::mt19937_64 seeded with options.seed and are turned into uniforms and
// normals here (not by <random>'s distributions, whose output differs between standard libraries), so a
// model is the same on every build.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "sentio/core/error.hpp"
#include "training_targets.hpp"

namespace sentio::ser::detail {

namespace {

constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box-Muller, one value per call
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 engine_;
};

// One parameter block with its gradient and Adam moments.
struct Block {
  std::vector<double> value, grad, m, v;
  bool penalised = false;
  explicit Block(std::size_t n, bool penalise) : value(n), grad(n), m(n), v(n), penalised(penalise) {}
  void adam_step(double learning_rate, double l2, int t) {
    const double c1 = 1.0 - std::pow(kBeta1, t), c2 = 1.0 - std::pow(kBeta2, t);
    for (std::size_t i = 0; i < value.size(); ++i) {
      const double g = grad[i] + (penalised ? l2 * value[i] : 0.0);
      m[i] = kBeta1 * m[i] + (1.0 - kBeta1) * g;
      v[i] = kBeta2 * v[i] + (1.0 - kBeta2) * g * g;
      value[i] -= learning_rate * (m[i] / c1) / (std::sqrt(v[i] / c2) + kEpsilon);
    }
    std::fill(grad.begin(), grad.end(), 0.0);
  }
};

}  // namespace

void train_mlp(const Dataset& data, const std::vector<std::size_t>& rows, const TrainingTargets& targets,
               LinearModel& model) {
  const TrainOptions& o = model.options;
  SENTIO_ASSERT(o.hidden > 0 && o.steps >= 0 && o.dropout >= 0 && o.dropout < 1 && o.learning_rate > 0);
  const std::size_t d = data.n_features, h = static_cast<std::size_t>(o.hidden), k = model.labels.size();
  Random random(o.seed);
  Block hw(h * d, true), hb(h, false), ow(k * h, true), ob(k, false);
  const double hidden_std = std::sqrt(2.0 / static_cast<double>(d)), out_std = std::sqrt(1.0 / static_cast<double>(h));
  for (double& w : hw.value) w = hidden_std * random.normal();
  for (double& w : ow.value) w = out_std * random.normal();

  const double keep = 1.0 - o.dropout, scale = 1.0 / keep, inv_weight = 1.0 / targets.weight_sum;
  std::vector<double> act(h), z(k), g(k), ga(h);
  for (int step = 1; step <= o.steps; ++step) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double* x = data.row(rows[r]);
      for (std::size_t u = 0; u < h; ++u) {
        const double* vu = hw.value.data() + u * d;
        double s = hb.value[u];
        for (std::size_t f = 0; f < d; ++f) s += vu[f] * x[f];
        const bool kept = o.dropout == 0 || random.uniform() < keep;
        act[u] = s > 0 && kept ? s * scale : 0.0;  // scale is exactly 1 without dropout
      }
      double zmax = -INFINITY;
      for (std::size_t c = 0; c < k; ++c) {
        const double* wc = ow.value.data() + c * h;
        double s = ob.value[c];
        for (std::size_t u = 0; u < h; ++u) s += wc[u] * act[u];
        z[c] = s;
        zmax = std::max(zmax, s);
      }
      double sum = 0;
      for (std::size_t c = 0; c < k; ++c) sum += (z[c] = std::exp(z[c] - zmax));
      const double w = targets.weight[r] * inv_weight;
      std::fill(ga.begin(), ga.end(), 0.0);
      for (std::size_t c = 0; c < k; ++c) {
        g[c] = w * (z[c] / sum - (c == targets.y[r] ? 1.0 : 0.0));  // dL/dz_c
        ob.grad[c] += g[c];
        double* gwc = ow.grad.data() + c * h;
        const double* wc = ow.value.data() + c * h;
        for (std::size_t u = 0; u < h; ++u) {
          gwc[u] += g[c] * act[u];
          ga[u] += g[c] * wc[u];
        }
      }
      for (std::size_t u = 0; u < h; ++u) {
        if (act[u] == 0.0) continue;  // ReLU off or dropped: no gradient into the hidden layer
        const double gu = ga[u] * scale;
        hb.grad[u] += gu;
        double* gvu = hw.grad.data() + u * d;
        for (std::size_t f = 0; f < d; ++f) gvu[f] += gu * x[f];
      }
    }
    for (Block* b : {&hw, &hb, &ow, &ob}) b->adam_step(o.learning_rate, o.l2, step);
  }
  model.hidden_weights = std::move(hw.value);
  model.hidden_bias = std::move(hb.value);
  model.weights = std::move(ow.value);
  model.bias = std::move(ob.value);
}

}  // namespace sentio::ser::detail
