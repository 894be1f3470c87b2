// SPDX-License-Identifier: Apache-2.0
// Engine: options checked at creation, each modality's model loaded once on first use.
#include "sentio/engine/engine.hpp"

#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "sentio/core/error.hpp"
#include "sentio/core/model_card.hpp"
#include "sentio/text/emotion_model.hpp"
#include "sentio/text/language.hpp"
#include "sentio/vision/cue_expression.hpp"

namespace sentio {

namespace {

// A value made once, on first use, by `make`; a failure is kept and rethrown to every later caller (the
// same InputError each time, so one broken model does not get loaded again and again).
template <typename T>
class Lazy {
 public:
  template <typename Make>
  const T& get(Make&& make) const {
    std::call_once(once_, [&] {
      try {
        value_.emplace(make());
      } catch (...) {
        error_ = std::current_exception();
      }
    });
    if (error_) std::rethrow_exception(error_);
    return *value_;
  }
  bool ready() const { return value_.has_value(); }

 private:
  mutable std::once_flag once_;
  mutable std::optional<T> value_;
  mutable std::exception_ptr error_;
};

// The words' models: the chosen model and the pack it may come from.
struct TextBundle {
  std::unique_ptr<text::TextEmotionModel> model;
  std::unique_ptr<text::LanguagePack> pack;  // heap: `view` points at it and the bundle is moved
  analysis::TextModels view;
  std::string path;
};

struct SpeechBundle {
  std::unique_ptr<ser::SpeechEmotionModel> model;
  std::string path;
};

}  // namespace

struct Engine::Impl {
  EngineOptions options;
  std::shared_ptr<Executor> executor;
  std::string language;  // resolved code or "auto" ("" = none)
  Lazy<SpeechBundle> speech;
  Lazy<std::unique_ptr<vision::FaceModel>> faces;
  Lazy<TextBundle> text;
  Lazy<std::unique_ptr<asr::SpeechRecognizer>> recognizer;
  Lazy<analysis::FusionModel> fusion;

  const SpeechBundle& speech_bundle() const {
    return speech.get([&] {
      SpeechBundle b;
      b.path = options.speech_model.empty() ? ser::default_emotion_model_path() : options.speech_model;
      b.model = ser::load_emotion_model(b.path);
      return b;
    });
  }

  const TextBundle& text_bundle() const {
    return text.get([&] {
      TextBundle b;
      if (!language.empty() && !options.text_model.empty())
        log(LogLevel::warning, "--language " + options.language + " ignored: a text model was given");
      if (!language.empty() && options.text_model.empty()) {
        // A fixed language's model, or the pack for per-recording detection ("auto"; its English model is
        // the default one, loaded on first use like the others).
        if (language == "auto") {
          b.pack = std::make_unique<text::LanguagePack>(text::multilingual_pack_dir());
          b.view.languages = b.pack.get();
        } else {
          const text::LanguageChoice choice = text::choose_language_model(language, {});
          b.path = choice.model_path;
          b.model = text::load_text_model(b.path);
          b.view.model = b.model.get();
          b.view.language = choice.code;
        }
      } else {
        b.path = options.text_model.empty() ? text::default_text_model_path() : options.text_model;
        b.model = text::load_text_model(b.path);
        b.view.model = b.model.get();
      }
      return b;
    });
  }

  void log(LogLevel level, const std::string& message) const {
    if (options.log) options.log(level, message);
  }
};

std::shared_ptr<const Engine> Engine::create(EngineOptions options) {
  auto impl = std::make_unique<Impl>();
  if (options.n_threads < 0) throw InputError("engine: thread count must be >= 0 (0 = all cores)");
  if (!options.language.empty()) impl->language = text::resolve_language_code(options.language);
  impl->executor = options.executor;
  if (!impl->executor) {
    const int n = options.n_threads > 0 ? options.n_threads
                                         : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    impl->executor = make_thread_pool(n);
  }
  impl->options = std::move(options);
  return std::shared_ptr<const Engine>(new Engine(std::move(impl)));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

const ser::SpeechEmotionModel& Engine::speech_model() const { return *impl_->speech_bundle().model; }

std::string Engine::speech_model_path() const {
  return impl_->speech.ready() ? impl_->speech_bundle().path : std::string();
}

const vision::FaceModel& Engine::face_model() const {
  return *impl_->faces.get([&] {
    vision::FaceModelOptions o;
    o.model_dir = impl_->options.face_models;
    o.expression_model = impl_->options.expression_model;
    if (impl_->options.cue_model == "none")
      o.cue_fusion = false;
    else
      o.cue_model = impl_->options.cue_model;
    return vision::load_face_model(o);
  });
}

const analysis::TextModels& Engine::text_models() const { return impl_->text_bundle().view; }

std::string Engine::text_model_path() const { return impl_->text.ready() ? impl_->text_bundle().path : std::string(); }

std::vector<analysis::ModelUse> Engine::models_used(const analysis::AnalysisResult& result) const {
  std::vector<analysis::ModelUse> out;
  const auto add = [&](const char* part, const std::string& path) {
    if (!path.empty()) out.push_back({part, path, model_licence(path)});
  };
  if (result.speech) add("speech", result.speech->model_path);
  if (result.faces) {
    const std::string dir = impl_->options.face_models.empty() ? vision::default_face_model_dir() : impl_->options.face_models;
    const auto card = vision::face_model_folder_file(dir, "MODEL_CARD.md");
    out.push_back({"faces", dir, card ? model_card_licence_from_file(*card) : std::string()});
    add("faces", impl_->options.expression_model);
    if (impl_->options.cue_model != "none")
      add("faces", impl_->options.cue_model.empty() ? vision::default_cue_model_path() : impl_->options.cue_model);
  }
  if (result.text) add("text", result.text->model_path);
  if (!result.moments.empty())
    add("fusion", impl_->options.fusion_model.empty() ? analysis::default_fusion_model_path() : impl_->options.fusion_model);
  return out;
}

const asr::SpeechRecognizer& Engine::recognizer() const {
  return *impl_->recognizer.get([&] {
    asr::RecognizerOptions o;
    o.model_dir = impl_->options.asr_model_dir;
    return std::make_unique<asr::SpeechRecognizer>(o, impl_->executor->concurrency());
  });
}

const analysis::FusionModel& Engine::fusion_model() const {
  return impl_->fusion.get([&] {
    return analysis::FusionModel::load(impl_->options.fusion_model.empty() ? analysis::default_fusion_model_path()
                                                                         : impl_->options.fusion_model);
  });
}

void Engine::preload(Modality modality) const {
  switch (modality) {
    case Modality::speech: (void)speech_model(); break;
    case Modality::faces: (void)face_model(); break;
    case Modality::words: (void)text_models(); break;
    case Modality::recognition: (void)recognizer(); break;
  }
}

Executor& Engine::executor() const { return *impl_->executor; }
const EngineOptions& Engine::options() const { return impl_->options; }
void Engine::log(LogLevel level, const std::string& message) const { impl_->log(level, message); }

void check_model_paths(const EngineOptions& options, const std::function<std::string(const std::string&)>& option_name) {
  for (const auto& [field, path] : {std::pair<const char*, const std::string&>{"speech_model", options.speech_model},
                                    {"text_model", options.text_model},
                                    {"face_models", options.face_models},
                                    {"expression_model", options.expression_model},
                                    {"cue_model", options.cue_model}}) {
    std::error_code ec;
    if (!path.empty() && path != "none" && !std::filesystem::exists(path, ec))
      throw InputError(option_name(field) + " '" + path + "': no such file or folder");
  }
}

}  // namespace sentio
