// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Python module `sentio._sentio`: a thin layer over the library's calls (the package python/sentio/
// builds the pandas frames and the friendly API on top). Each part registers its classes and functions.
#include <pybind11/pybind11.h>

#include <span>
#include <string>
#include <vector>

#include <pybind11/numpy.h>

namespace sentio::python {

namespace py = pybind11;

void bind_features(py::module_& m);
void bind_analyzer(py::module_& m);

// Interleaved float32 samples of a signal given as a numpy array: 1-D (mono) or 2-D (channels, samples),
// float32 or float64 (ints are refused: their scale is ambiguous). Checks the rate (1..768 kHz). Throws
// py::value_error naming the problem. `storage` keeps a converted copy when one is needed; the returned
// span points into `storage` or, for a contiguous float32 mono array, into the array itself (no copy).
struct Signal {
  std::span<const float> samples;
  int channels = 1;
};
Signal signal_from_array(const py::array& x, long long sampling_rate, std::vector<float>& storage,
                         py::array_t<float>& keep_alive);

// "sentio <version>": the generator the documents name, as the command line's.
std::string generator();

}  // namespace sentio::python
