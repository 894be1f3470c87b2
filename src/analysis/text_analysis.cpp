// SPDX-License-Identifier: Apache-2.0
#include "sentio/analysis/text_analysis.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "sentio/core/error.hpp"

namespace sentio::analysis {

namespace {

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// The word as reported: without punctuation around it ("angry!" -> "angry"), unless that is all it is.
std::string trim_punctuation(const std::string& word) {
  std::size_t b = 0, e = word.size();
  while (b < e && std::ispunct(static_cast<unsigned char>(word[b]))) ++b;
  while (e > b && std::ispunct(static_cast<unsigned char>(word[e - 1]))) --e;
  return b < e ? word.substr(b, e - b) : word;
}

// No-context predictions of a scorer, with leave-one-word-out attribution: each word of an utterance
// (up to kMaxAttributedWords) is dropped in turn, all variants are scored in one batch, and the words
// whose absence lowers the probability of the predicted label most are the drivers.
std::vector<text::TextPrediction> scorer_predictions(const text::TextScorer& scorer,
                                                     const std::vector<std::string>& texts, std::size_t n_explain) {
  const std::vector<std::vector<float>> probabilities = scorer.probabilities(texts, 1);
  std::vector<text::TextPrediction> out;
  out.reserve(texts.size());
  for (const std::vector<float>& p : probabilities)
    out.push_back(text::describe_probabilities(scorer.labels, scorer.multi_label, scorer.thresholds, p));
  if (n_explain == 0) return out;
  std::vector<std::string> variants;
  std::vector<std::pair<std::size_t, std::string>> left_out;  // (utterance, word) per variant
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::vector<std::string> words = split_words(texts[i]);
    if (words.size() < 2) continue;  // nothing to compare a lone word with
    words.resize(std::min(words.size(), kMaxAttributedWords));
    for (std::size_t j = 0; j < words.size(); ++j) {
      std::string variant;
      for (std::size_t k = 0; k < words.size(); ++k)
        if (k != j) variant += (variant.empty() ? "" : " ") + words[k];
      variants.push_back(std::move(variant));
      left_out.emplace_back(i, trim_punctuation(words[j]));
    }
  }
  const std::vector<std::vector<float>> without = variants.empty() ? std::vector<std::vector<float>>{}
                                                                   : scorer.probabilities(variants, 1);
  for (std::size_t v = 0; v < without.size(); ++v) {
    const auto& [i, word] = left_out[v];
    const std::size_t top = out[i].top;
    const float drop = out[i].probabilities[top] - without[v][top];
    if (drop > 0) out[i].explanation.push_back({word, drop});
  }
  for (text::TextPrediction& p : out) {
    std::stable_sort(p.explanation.begin(), p.explanation.end(),
                     [](const text::Contribution& a, const text::Contribution& b) { return a.weight > b.weight; });
    if (p.explanation.size() > n_explain) p.explanation.resize(n_explain);
  }
  return out;
}

}  // namespace

TextResult analyze_transcript(const text::Transcript& transcript, const TextModels& models, const std::string& source,
                              const std::string& transcript_name, std::size_t n_explain) {
  SENTIO_ASSERT(models.base != nullptr || models.languages != nullptr || models.scorer != nullptr);
  TextResult r;
  const text::TextModel* chosen = models.base;
  const text::ContextModel* context = models.context;
  if (models.scorer) {
    chosen = nullptr;
    context = nullptr;
  } else if (models.languages) {
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
  r.source = source;
  r.transcript = transcript_name;
  r.transcript_format = source == "asr" ? "asr" : transcript.format;
  r.model_description = models.scorer ? models.scorer_description
                        : context     ? context->description()
                                      : chosen->description();
  r.labels = models.scorer ? models.scorer->labels : chosen->labels();
  r.multi_label = models.scorer ? models.scorer->multi_label : chosen->multi_label();
  r.context = context != nullptr;
  std::vector<text::ContextPrediction> in_context;
  if (context) {
    std::vector<text::DialogueTurn> turns;
    for (const text::Utterance& u : transcript.utterances) turns.push_back({u.text, u.speaker});
    in_context = context->predict_dialogue(turns);
  }
  std::vector<text::TextPrediction> scored;
  if (models.scorer) {
    std::vector<std::string> texts;
    for (const text::Utterance& u : transcript.utterances) texts.push_back(u.text);
    scored = scorer_predictions(*models.scorer, texts, n_explain);
  }
  for (std::size_t i = 0; i < transcript.utterances.size(); ++i) {
    const text::Utterance& u = transcript.utterances[i];
    const text::TextPrediction alone = models.scorer ? std::move(scored[i]) : chosen->predict(u.text, n_explain);
    const text::TextPrediction p = context ? chosen->describe(in_context[i].probabilities) : alone;
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
