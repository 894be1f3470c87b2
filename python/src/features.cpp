// SPDX-License-Identifier: Apache-2.0
// Acoustic features (sentio/pipeline/features_job.hpp) as numpy arrays: functionals as a (1, 88) float64
// array, LLDs as a (frames, 25) float32 view and an int64 frame index, both over the library's own
// frames (no copy); the GIL is released while extracting.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "sentio/core/error.hpp"
#include "sentio/pipeline/features_job.hpp"

namespace sentio::python {

namespace {

using pipeline::FeatureSet;
using pipeline::InputFeatures;

FeatureSet feature_set(const std::string& level) {
  if (level == "functionals") return FeatureSet::egemaps;
  if (level == "lld") return FeatureSet::egemaps_lld;
  throw py::value_error("level: expected 'functionals' or 'lld', got '" + level + "'");
}

py::list names(const std::string& level) {
  py::list out;
  if (feature_set(level) == FeatureSet::egemaps) {
    for (auto n : features::egemaps_functional_names()) out.append(py::str(n.data(), n.size()));
  } else {
    for (auto n : features::egemaps_lld_names()) out.append(py::str(n.data(), n.size()));
  }
  return out;
}

// (values, frame_index or None, seconds): numpy arrays owning the extracted features.
py::tuple to_python(InputFeatures&& f, FeatureSet set) {
  if (set == FeatureSet::egemaps) {
    py::array_t<double> values({py::ssize_t{1}, static_cast<py::ssize_t>(f.functionals.size())});
    std::copy(f.functionals.begin(), f.functionals.end(), values.mutable_data());
    return py::make_tuple(values, py::none(), f.seconds);
  }
  auto* frames = new std::vector<features::EgemapsLldFrame>(std::move(f.lld_frames));
  py::capsule owner(frames, [](void* p) { delete static_cast<std::vector<features::EgemapsLldFrame>*>(p); });
  const auto n = static_cast<py::ssize_t>(frames->size());
  const auto stride = static_cast<py::ssize_t>(sizeof(features::EgemapsLldFrame));
  static const features::EgemapsLldFrame empty{};
  const features::EgemapsLldFrame* base = frames->empty() ? &empty : frames->data();
  py::array_t<float> values({n, static_cast<py::ssize_t>(features::kEgemapsLldCount)},
                            {stride, static_cast<py::ssize_t>(sizeof(float))}, base->values.data(), owner);
  py::array_t<std::int64_t> index({n}, {stride}, &base->index, owner);
  return py::make_tuple(values, index, f.seconds);
}

py::tuple features_file(const std::string& path, const std::string& level, int jobs) {
  const FeatureSet set = feature_set(level);
  InputFeatures f;
  {
    py::gil_scoped_release release;
    f = pipeline::extract_file_features(path, set, std::max(1, jobs));
  }
  return to_python(std::move(f), set);
}

// One entry per file in input order: the tuple of features_file, or the error message (a str). With
// `raise_first`, the first failure raises InputError instead (the files after it are not analysed).
py::list features_files(const std::vector<std::string>& paths, const std::string& level, int jobs,
                        bool raise_first) {
  const FeatureSet set = feature_set(level);
  std::vector<std::optional<InputFeatures>> results(paths.size());
  std::vector<std::string> errors(paths.size());
  {
    py::gil_scoped_release release;
    pipeline::extract_files_features(paths, set, std::max(1, jobs),
                                     [&](std::size_t i, InputFeatures* f, const std::string& error) {
                                       if (!f && raise_first) throw InputError(error);
                                       if (f) results[i] = std::move(*f);
                                       errors[i] = error;
                                     });
  }
  py::list out;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (results[i])
      out.append(to_python(std::move(*results[i]), set));
    else
      out.append(py::str(errors[i]));
  }
  return out;
}

py::tuple features_signal(const py::array& x, long long sampling_rate, const std::string& level, int jobs,
                          const std::string& name) {
  const FeatureSet set = feature_set(level);
  std::vector<float> storage;
  py::array_t<float> keep_alive;
  const Signal s = signal_from_array(x, sampling_rate, storage, keep_alive);
  InputFeatures f;
  {
    py::gil_scoped_release release;
    f = pipeline::extract_signal_features(s.samples, static_cast<int>(sampling_rate), s.channels, set, name,
                                          std::max(1, jobs));
  }
  return to_python(std::move(f), set);
}

}  // namespace

void bind_features(py::module_& m) {
  m.def("feature_names", &names, py::arg("level"), "Column names of eGeMAPSv02 at `level` in openSMILE's order.");
  m.def("features_file", &features_file, py::arg("path"), py::arg("level"), py::arg("jobs") = 1,
        "(values, frame_index or None, seconds) of one file.");
  m.def("features_files", &features_files, py::arg("paths"), py::arg("level"), py::arg("jobs") = 1,
        py::arg("raise_first") = false, "features_file of each path (or its error message), in input order.");
  m.def("features_signal", &features_signal, py::arg("signal"), py::arg("sampling_rate"), py::arg("level"),
        py::arg("jobs") = 1, py::arg("name") = "signal", "features_file of a signal in memory.");
}

}  // namespace sentio::python
