// SPDX-License-Identifier: Apache-2.0
// WordsStream: utterances -> text-emotion calls (with context and running language detection); the
// recording's words part with speakers attributed and calls redone where that changed them.
#include "sentio/analysis/words_stream.hpp"

#include <optional>
#include <utility>

#include "sentio/analysis/summaries.hpp"
#include "sentio/core/error.hpp"
#include "sentio/text/language.hpp"

namespace sentio::analysis {

namespace {

// The reported utterance from its call alone and its call in context (= alone without context).
TextUtterance make_utterance(const text::Utterance& u, const std::vector<std::string>& labels,
                             const text::TextPrediction& alone, const text::TextPrediction& p, bool context) {
  TextUtterance t;
  t.start = u.start;
  t.end = u.end;
  t.speaker = u.speaker;
  t.id = u.id;
  t.text = u.text;
  t.probabilities = p.probabilities;
  t.label = labels[p.top];
  t.confidence = p.probabilities[p.top];
  for (std::size_t k : p.active) t.active_labels.push_back(labels[k]);
  t.canonical = canonical_call(labels, p.probabilities);
  t.positive = p.positive;
  t.neutral = p.neutral;
  t.negative = p.negative;
  t.sentiment = p.positive >= p.neutral && p.positive >= p.negative ? "positive"
                : p.negative >= p.neutral                           ? "negative"
                                                                    : "neutral";
  t.valence = p.affect.valence;
  t.arousal = p.affect.arousal;
  for (const text::Contribution& c : alone.explanation) t.drivers.emplace_back(c.term, c.weight);
  if (context) {
    t.probabilities_no_context = alone.probabilities;
    t.label_no_context = labels[alone.top];
    t.confidence_no_context = alone.probabilities[alone.top];
  }
  return t;
}

// The calls of a whole sequence of utterances with one model (what the stream does one by one).
struct Scored {
  std::vector<text::TextPrediction> alone;
  std::vector<text::TextPrediction> in_context;  // = alone without a context model
};

Scored score_all(const text::TextEmotionModel& model, const std::vector<text::Utterance>& utterances,
                 std::size_t n_explain) {
  Scored s;
  std::vector<std::string> texts;
  for (const text::Utterance& u : utterances) texts.push_back(u.text);
  s.alone = model.predict(texts, n_explain);
  const std::unique_ptr<text::DialogueState> dialogue = model.open_dialogue();
  for (std::size_t i = 0; i < utterances.size(); ++i)
    s.in_context.push_back(dialogue ? model.describe(dialogue->next({utterances[i].text, utterances[i].speaker},
                                                                    s.alone[i]))
                                    : s.alone[i]);
  return s;
}

}  // namespace

struct WordsStream::Impl {
  TextModels models;
  std::string source, transcript, format;
  std::size_t n_explain;
  // The model used so far: models.model, or the language pack's model of `language`.
  const text::TextEmotionModel* model = nullptr;
  std::unique_ptr<text::TextEmotionModel> language_model;
  std::string language;  // code of language_model
  std::optional<text::RunningLanguageDetection> detection;
  std::unique_ptr<text::DialogueState> dialogue;
  std::vector<text::Utterance> utterances;
  std::vector<TextUtterance> calls;
  std::vector<std::string> language_of;  // per utterance: the language whose model made its call
  std::vector<float> recognition;        // per utterance: recognition confidence, -1 = given

  Impl(const TextModels& m, std::string src, std::string name, std::string fmt, std::size_t n)
      : models(m), source(std::move(src)), transcript(std::move(name)), format(std::move(fmt)), n_explain(n) {
    SENTIO_ASSERT(models.model != nullptr || models.languages != nullptr);
    if (models.languages) {
      detection.emplace(models.languages->language_id());
      use_language(text::choose_detected_language(*models.languages, detection->current()).code);
    } else {
      model = models.model;
      dialogue = model->open_dialogue();
    }
  }

  void use_language(const std::string& code) {
    if (language_model && code == language) return;
    language = code;
    language_model = text::as_emotion_model(models.languages->model(code));
    model = language_model.get();
    dialogue = nullptr;  // language-pack models have no context part
  }

  TextUtterance push(const text::Utterance& u, float recognition_confidence) {
    if (detection) {
      detection->add(u.text);
      use_language(text::choose_detected_language(*models.languages, detection->current()).code);
    }
    const text::TextPrediction alone = model->predict({u.text}, n_explain).front();
    const text::TextPrediction p = dialogue ? model->describe(dialogue->next({u.text, u.speaker}, alone)) : alone;
    utterances.push_back(u);
    calls.push_back(make_utterance(u, model->labels(), alone, p, dialogue != nullptr));
    calls.back().recognition_confidence = recognition_confidence;
    language_of.push_back(language);
    recognition.push_back(recognition_confidence);
    return calls.back();
  }

  TextResult result(const SpeechResult* speech) const {
    TextResult r;
    r.source = source;
    r.transcript = transcript;
    r.transcript_format = format;
    // The final language and model.
    const text::TextEmotionModel* final_model = models.model;
    std::unique_ptr<text::TextEmotionModel> detected;
    if (models.languages) {
      const text::LanguageChoice c = text::choose_detected_language(*models.languages, detection->current());
      detected = text::as_emotion_model(models.languages->model(c.code));
      final_model = detected.get();
      r.model_path = c.model_path;
      r.language = c.code;
      r.language_source = c.source;
      r.language_detected = c.detection.code;
      r.language_confidence = c.detection.confidence;
    } else if (!models.language.empty()) {
      r.language = models.language;
      r.language_source = "option";
    }
    r.model_description = final_model->description();
    r.labels = final_model->labels();
    r.multi_label = final_model->multi_label();
    const bool context = final_model->open_dialogue() != nullptr;
    r.context = context;
    // Speakers from the speech part.
    text::Transcript t;
    t.utterances = utterances;
    if (speech) attribute_speakers(t, *speech);
    const std::vector<text::Utterance>& attributed = t.utterances;
    bool speakers_changed = false;
    for (std::size_t i = 0; i < attributed.size(); ++i)
      speakers_changed = speakers_changed || attributed[i].speaker != utterances[i].speaker;
    bool language_changed = false;
    for (const std::string& l : language_of) language_changed = language_changed || l != r.language;
    if ((context && speakers_changed) || (models.languages && language_changed)) {
      const Scored s = score_all(*final_model, attributed, n_explain);
      for (std::size_t i = 0; i < attributed.size(); ++i) {
        r.utterances.push_back(make_utterance(attributed[i], r.labels, s.alone[i], s.in_context[i], context));
        r.utterances.back().recognition_confidence = recognition[i];
      }
    } else {
      r.utterances = calls;
      for (std::size_t i = 0; i < attributed.size(); ++i) r.utterances[i].speaker = attributed[i].speaker;
    }
    if (r.utterances.empty()) r.status = "no_text";
    return r;
  }
};

WordsStream::WordsStream(const TextModels& models, std::string source, std::string transcript, std::string format,
                         std::size_t n_explain)
    : impl_(std::make_unique<Impl>(models, std::move(source), std::move(transcript), std::move(format), n_explain)) {}
WordsStream::~WordsStream() = default;
WordsStream::WordsStream(WordsStream&&) noexcept = default;
WordsStream& WordsStream::operator=(WordsStream&&) noexcept = default;

TextUtterance WordsStream::push(const text::Utterance& utterance, float recognition_confidence) {
  return impl_->push(utterance, recognition_confidence);
}
TextResult WordsStream::result(const SpeechResult* speech) const { return impl_->result(speech); }
std::size_t WordsStream::size() const { return impl_->utterances.size(); }

std::vector<TextUtterance> WordsStream::utterances_between(double t0, double t1) const {
  std::vector<TextUtterance> out;
  for (const TextUtterance& u : impl_->calls)
    if (u.start >= 0 && u.end > u.start && std::min(u.end, t1) > std::max(u.start, t0)) out.push_back(u);
  return out;
}
const std::vector<std::string>& WordsStream::labels() const { return impl_->model->labels(); }
bool WordsStream::multi_label() const { return impl_->model->multi_label(); }
bool WordsStream::context() const { return impl_->dialogue != nullptr; }

}  // namespace sentio::analysis
