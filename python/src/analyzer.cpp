// SPDX-License-Identifier: Apache-2.0
// Analysis (sentio/engine): an Analyzer owns one Engine (the models, loaded once on first use) and the
// options of its sessions, named like the command line's flags; a Result is the library's AnalysisResult,
// handed to Python as the command line's JSON document; a streaming session returns its events as JSON
// Lines, which the package turns into dicts. The GIL is released while the library works.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/engine/analyze.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/engine/session.hpp"

namespace sentio::python {

namespace {

class Result {
 public:
  explicit Result(AnalysisResult r) : result_(std::move(r)) {}
  std::string to_json() const {
    py::gil_scoped_release release;
    return analysis::to_json(result_, generator());
  }
  std::string to_csv(const std::string& table) const {
    return analysis::to_csv(result_, analysis::parse_csv_table(table));
  }

 private:
  AnalysisResult result_;
};

// A stream on the analyzer's engine; each push returns the events that became final during it.
class Stream {
 public:
  Stream(std::shared_ptr<const Engine> engine, const SessionOptions& options)
      : session_(std::move(engine), options, [this](const Event& e) { events_.push_back(event_json(e)); }) {}

  std::vector<std::string> push_audio(const py::array& x, long long sampling_rate) {
    std::vector<float> storage;
    py::array_t<float> keep_alive;
    const Signal s = signal_from_array(x, sampling_rate, storage, keep_alive);
    return run([&] { session_.push_audio(s.samples, static_cast<int>(sampling_rate), s.channels); });
  }
  std::vector<std::string> push_frame(const py::array& frame, double time_s) {
    const auto rgb = rgb_of(frame);
    return run([&] { session_.push_frame({rgb.data(), static_cast<std::size_t>(rgb.size())}, width(rgb), height(rgb), time_s); });
  }
  std::vector<std::string> push_image(const py::array& image) {
    const auto rgb = rgb_of(image);
    return run([&] { session_.push_image({rgb.data(), static_cast<std::size_t>(rgb.size())}, width(rgb), height(rgb)); });
  }
  std::vector<std::string> push_words(const std::string& text, const std::string& speaker, double start, double end,
                                      const std::string& id) {
    text::Utterance u;
    u.text = text;
    u.speaker = speaker;
    u.start = start;
    u.end = end;
    u.id = id;
    if (u.text.find_first_not_of(" \t\r\n") == std::string::npos) throw py::value_error("push_words: empty text");
    return run([&] { session_.push_words(u); });
  }
  std::vector<std::string> warn(const std::string& message) {
    return run([&] { session_.warn(message); });
  }
  std::pair<Result, std::vector<std::string>> finish() {
    std::optional<Result> r;
    auto events = run([&] { r.emplace(session_.finish()); });
    return {std::move(*r), std::move(events)};
  }
  double audio_seconds() const { return session_.audio_seconds(); }

 private:
  using Rgb = py::array_t<std::uint8_t, py::array::c_style>;
  // An HxWx3 uint8 array (C order; converted otherwise), checked.
  static Rgb rgb_of(const py::array& a) {
    if (a.dtype().kind() != 'u' || a.dtype().itemsize() != 1)
      throw py::value_error("frame: expected uint8 RGB pixels, got dtype " + a.dtype().attr("name").cast<std::string>());
    if (a.ndim() != 3 || a.shape(2) != 3 || a.shape(0) < 1 || a.shape(1) < 1)
      throw py::value_error("frame: expected an array of shape (height, width, 3) (RGB)");
    return Rgb::ensure(a);
  }
  static int width(const Rgb& a) { return static_cast<int>(a.shape(1)); }
  static int height(const Rgb& a) { return static_cast<int>(a.shape(0)); }

  template <typename F>
  std::vector<std::string> run(F&& f) {
    {
      py::gil_scoped_release release;
      f();
    }
    return std::exchange(events_, {});
  }

  std::vector<std::string> events_;
  Session session_;  // after events_: its callback appends there
};

class Analyzer {
 public:
  Analyzer(const std::string& speech_model, const std::string& face_models, const std::string& expression_model,
           const std::string& cue_model, const std::string& text_model, const std::string& language, int jobs, const std::string& speaker_mode,
           int speakers, double min_segment, double max_segment, double fps, int detect_interval, double window,
           bool transcribe, double max_duration, double min_confidence) {
    if (jobs < 0) throw InputError("jobs: expected 0 (all cores) or a positive thread count");
    if (!(max_duration >= 0)) throw InputError("max_duration: expected a length in seconds, or 0 for no limit");
    EngineOptions eo;
    eo.speech_model = speech_model;
    eo.face_models = face_models;
    eo.expression_model = expression_model;
    eo.cue_model = cue_model;
    eo.text_model = text_model;
    eo.language = language;
    eo.n_threads = jobs;
    check_model_paths(eo, [](const std::string& field) { return field; });
    engine_ = Engine::create(eo);
    SessionOptions& so = options_.session;
    so.speaker_mode = analysis::parse_speaker_mode(speaker_mode);
    so.speakers = speakers;
    so.min_segment_s = min_segment;
    so.min_confidence = static_cast<float>(min_confidence);
    so.max_segment_s = max_segment;
    so.fps = fps;
    so.detect_interval = detect_interval;
    so.window_s = window;
    so.transcribe = transcribe;
    options_.max_duration_s = max_duration;
    (void)Session(engine_, so);  // checks the session options now
  }

  Result process_file(const std::string& path, const std::string& transcript) {
    AnalyzeOptions o = options_;
    o.transcript = transcript;
    py::gil_scoped_release release;
    return Result(analyze_file(engine_, path, o));
  }

  Result process_signal(const py::array& x, long long sampling_rate, const std::string& name) {
    std::vector<float> storage;
    py::array_t<float> keep_alive;
    const Signal s = signal_from_array(x, sampling_rate, storage, keep_alive);
    SessionOptions so = options_.session;
    so.input_name = name;
    so.input_kind = "audio";
    py::gil_scoped_release release;
    Session session(engine_, so);
    session.push_audio(s.samples, static_cast<int>(sampling_rate), s.channels);
    return Result(session.finish());
  }

  std::unique_ptr<Stream> session(const std::string& name) {
    SessionOptions so = options_.session;
    so.input_name = name;
    return std::make_unique<Stream>(engine_, so);
  }

  void preload(const std::string& modality) {
    Modality m;
    if (modality == "speech") m = Modality::speech;
    else if (modality == "faces") m = Modality::faces;
    else if (modality == "words") m = Modality::words;
    else if (modality == "recognition") m = Modality::recognition;
    else throw py::value_error("preload: expected speech, faces, words or recognition, got '" + modality + "'");
    py::gil_scoped_release release;
    engine_->preload(m);
  }

 private:
  std::shared_ptr<const Engine> engine_;
  AnalyzeOptions options_;
};

}  // namespace

void bind_analyzer(py::module_& m) {
  py::class_<Result>(m, "Result")
      .def("to_json", &Result::to_json, "The command line's JSON document (schema sentio.analysis/2).")
      .def("to_csv", &Result::to_csv, py::arg("table") = "segments", "The command line's CSV table.");

  py::class_<Stream>(m, "Stream")
      .def("push_audio", &Stream::push_audio, py::arg("signal"), py::arg("sampling_rate"))
      .def("push_frame", &Stream::push_frame, py::arg("frame"), py::arg("time"))
      .def("push_image", &Stream::push_image, py::arg("image"))
      .def("push_words", &Stream::push_words, py::arg("text"), py::arg("speaker") = "", py::arg("start") = -1.0,
           py::arg("end") = -1.0, py::arg("id") = "")
      .def("warn", &Stream::warn, py::arg("message"))
      .def("finish", &Stream::finish)
      .def_property_readonly("audio_seconds", &Stream::audio_seconds);

  const AnalyzeOptions d;
  py::class_<Analyzer>(m, "Analyzer")
      .def(py::init<const std::string&, const std::string&, const std::string&, const std::string&,
                    const std::string&, const std::string&, int, const std::string&, int, double, double, double, int, double, bool,
                    double, double>(),
           py::kw_only(), py::arg("speech_model") = "", py::arg("face_models") = "",
           py::arg("expression_model") = "", py::arg("cue_model") = "", py::arg("text_model") = "", py::arg("language") = "",
           py::arg("jobs") = 0, py::arg("speaker_mode") = "diarize", py::arg("speakers") = d.session.speakers,
           py::arg("min_segment") = d.session.min_segment_s, py::arg("max_segment") = d.session.max_segment_s,
           py::arg("fps") = d.session.fps, py::arg("detect_interval") = d.session.detect_interval,
           py::arg("window") = d.session.window_s, py::arg("transcribe") = d.session.transcribe,
           py::arg("max_duration") = d.max_duration_s, py::arg("min_confidence") = d.session.min_confidence)
      .def("process_file", &Analyzer::process_file, py::arg("path"), py::arg("transcript") = "")
      .def("process_signal", &Analyzer::process_signal, py::arg("signal"), py::arg("sampling_rate"),
           py::arg("name") = "signal")
      .def("session", &Analyzer::session, py::arg("name") = "stream")
      .def("preload", &Analyzer::preload, py::arg("modality"));
}

}  // namespace sentio::python
