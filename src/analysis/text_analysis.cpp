// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/text_analysis.hpp"

#include <algorithm>

#include "sentio/core/error.hpp"

namespace sentio::analysis {

TextResult analyze_transcript(const text::Transcript& transcript, const TextModels& models, const std::string& source,
                              const std::string& transcript_name, std::size_t n_explain) {
  SENTIO_ASSERT(models.base != nullptr || models.languages != nullptr);
  TextResult r;
  const text::TextModel* chosen = models.base;
  const text::ContextModel* context = models.context;
  if (models.languages) {
    std::vector<std::string> texts;
    for (const text::Utterance& u : transcript.utterances) texts.push_back(u.text);
    const text::LanguageChoice c = text::choose_language_model(*models.languages, texts);
    chosen = &models.languages->model(c.code);
    context = nullptr;
    r.model_path = c.model_path;
    r.language = c.code;
    r.language_source = c.source;
    r.language_detected = c.detection.code;
    r.language_confidence = c.detection.confidence;
  } else if (!models.language.empty()) {
    r.language = models.language;
    r.language_source = "option";
  }
  const text::TextModel& model = *chosen;
  r.source = source;
  r.transcript = transcript_name;
  r.transcript_format = source == "asr" ? "asr" : transcript.format;
  r.model_description = context ? context->description() : model.description();
  r.labels = model.labels();
  r.multi_label = model.multi_label();
  r.context = context != nullptr;
  std::vector<text::ContextPrediction> in_context;
  if (context) {
    std::vector<text::DialogueTurn> turns;
    for (const text::Utterance& u : transcript.utterances) turns.push_back({u.text, u.speaker});
    in_context = context->predict_dialogue(turns);
  }
  for (std::size_t i = 0; i < transcript.utterances.size(); ++i) {
    const text::Utterance& u = transcript.utterances[i];
    const text::TextPrediction alone = model.predict(u.text, n_explain);
    const text::TextPrediction p = context ? model.describe(in_context[i].probabilities) : alone;
    TextUtterance t;
    t.start = u.start;
    t.end = u.end;
    t.speaker = u.speaker;
    t.id = u.id;
    t.text = u.text;
    t.probabilities = p.probabilities;
    t.label = r.labels[p.top];
    t.confidence = p.probabilities[p.top];
    for (std::size_t k : p.active) t.active_labels.push_back(r.labels[k]);
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
      t.label_no_context = r.labels[alone.top];
      t.confidence_no_context = alone.probabilities[alone.top];
    }
    r.utterances.push_back(std::move(t));
  }
  if (r.utterances.empty()) r.status = "no_text";
  return r;
}

text::Transcript to_transcript(const asr::TranscriptResult& recognized) {
  text::Transcript t;
  t.format = "asr";
  for (const asr::TranscribedUtterance& u : recognized.utterances) {
    if (u.text.empty()) continue;
    text::Utterance out;
    out.start = u.start;
    out.end = u.end;
    out.text = u.text;
    t.utterances.push_back(std::move(out));
  }
  return t;
}

void attribute_speakers(text::Transcript& transcript, const SpeechResult& speech) {
  for (text::Utterance& u : transcript.utterances) {
    if (!u.speaker.empty() || u.start < 0 || u.end <= u.start) continue;
    double best = 0;
    for (const SpeechSegment& s : speech.segments) {
      const double overlap = std::min(u.end, s.end) - std::max(u.start, s.start);
      if (overlap > best) {
        best = overlap;
        u.speaker = s.speaker;
      }
    }
  }
}

}  // namespace sentio::analysis
