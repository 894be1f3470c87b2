// SPDX-License-Identifier: Apache-2.0
#pragma once
// Words part of `sentio analyze`: the text-emotion model over every utterance of a transcript, given by
// the user or recognized from the recording's speech.
#include <cstddef>
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"
#include "sentio/asr/transcriber.hpp"
#include "sentio/text/context_model.hpp"
#include "sentio/text/language.hpp"
#include "sentio/text/text_model.hpp"
#include "sentio/text/transcript.hpp"

namespace sentio::analysis {

// The text model(s) of a job: a plain model, or a context model (its base model then gives the
// no-context calls and the explanations), or (`--language auto`) a multilingual pack whose model is
// chosen per transcript by the detected language, or any other scorer (the neural encoder of
// sentio_text_neural), whose driving words are found by leaving each word out in turn.
struct TextModels {
  const text::TextModel* base = nullptr;
  const text::ContextModel* context = nullptr;  // may be null
  std::string language{};                       // --language CODE: the language of `base` ("" = not chosen)
  const text::LanguagePack* languages = nullptr;  // --language auto (then `base` and `context` are unused)
  const text::TextScorer* scorer = nullptr;       // set: used instead of all of the above
  std::string scorer_description{};               // the scorer's one-line description
};

// Classifies each utterance (with up to `n_explain` driving terms). `source`: "given" or "asr". With a
// context model the whole transcript is one dialogue: each utterance is also classified from the
// utterances before it and who said them (causal), and both calls are reported. With a language pack
// the transcript's language is detected once (all utterances, weighted by length) and its model used;
// below text::kLanguageConfidenceFloor English (the default model) is used and TextResult::language_source
// is "fallback".
// With a scorer, an utterance's drivers are its words whose removal lowers the probability of the
// utterance's label most (weight = that drop), at most kMaxAttributedWords words per utterance.
inline constexpr std::size_t kMaxAttributedWords = 64;

TextResult analyze_transcript(const text::Transcript& transcript, const TextModels& models,
                              const std::string& source, const std::string& transcript_name,
                              std::size_t n_explain = 5);

// A recognized transcript as a text::Transcript (utterances timed, speakers unknown).
text::Transcript to_transcript(const asr::TranscriptResult& recognized);

// Gives every utterance without a speaker the speaker of the speech segment it overlaps most (none
// when it overlaps no segment or has no times).
void attribute_speakers(text::Transcript& transcript, const SpeechResult& speech);

}  // namespace sentio::analysis
