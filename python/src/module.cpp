// SPDX-License-Identifier: Apache-2.0
// sentio._sentio: the exception, the shared conversions, and the parts (features.cpp, analyzer.cpp).
#include <cmath>
#include <string>

#include "bindings.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/channels.hpp"

namespace sentio::python {

std::string generator() { return std::string("sentio ") + SENTIO_VERSION; }

Signal signal_from_array(const py::array& x, long long sampling_rate, std::vector<float>& storage,
                         py::array_t<float>& keep_alive) {
  if (sampling_rate < 1 || sampling_rate > media::kMaxSampleRate)
    throw py::value_error("sampling_rate " + std::to_string(sampling_rate) + " Hz is out of range (1.." +
                          std::to_string(media::kMaxSampleRate) + ")");
  const py::dtype dt = x.dtype();
  if (dt.kind() != 'f' || (dt.itemsize() != 4 && dt.itemsize() != 8))
    throw py::value_error("signal: expected float32 or float64 samples in [-1, 1], got dtype " +
                          dt.attr("name").cast<std::string>());
  if (x.ndim() != 1 && x.ndim() != 2)
    throw py::value_error("signal: expected a 1-D array (mono) or a 2-D array (channels, samples), got " +
                          std::to_string(x.ndim()) + " dimensions");
  const py::ssize_t channels = x.ndim() == 1 ? 1 : x.shape(0);
  const py::ssize_t frames = x.ndim() == 1 ? x.shape(0) : x.shape(1);
  if (channels < 1 || channels > media::kMaxChannels)
    throw py::value_error("signal: shape (" + std::to_string(channels) + ", " + std::to_string(frames) +
                          ") has " + std::to_string(channels) + " channels (expected (channels, samples) with 1.." +
                          std::to_string(media::kMaxChannels) + " channels)");
  // float32, C order: the samples as they are; otherwise one converted copy, interleaved.
  keep_alive = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
  if (!keep_alive) throw py::error_already_set();
  const float* data = keep_alive.data();
  Signal s;
  s.channels = static_cast<int>(channels);
  const std::size_t n = static_cast<std::size_t>(channels * frames);
  if (channels == 1) {
    s.samples = {data, n};
  } else {
    storage.resize(n);
    for (py::ssize_t c = 0; c < channels; ++c)
      for (py::ssize_t i = 0; i < frames; ++i)
        storage[static_cast<std::size_t>(i * channels + c)] = data[c * frames + i];
    s.samples = storage;
  }
  for (float v : s.samples)
    if (!std::isfinite(v)) throw py::value_error("signal: contains NaN or infinite samples");
  return s;
}

}  // namespace sentio::python

PYBIND11_MODULE(_sentio, m) {
  namespace py = pybind11;
  m.doc() = "Sentio's C++ engine (use the package `sentio`, which wraps this module).";
  m.attr("__version__") = SENTIO_VERSION;
  // sentio.InputError: a problem with an input (a file, a model, an option), with the command line's message.
  py::register_exception<sentio::InputError>(m, "InputError", PyExc_ValueError);
  sentio::python::bind_features(m);
  sentio::python::bind_analyzer(m);
}
