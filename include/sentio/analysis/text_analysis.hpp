// SPDX-License-Identifier: Apache-2.0
#pragma once
// Words part of `sentio analyze`: the text-emotion model over every utterance of a transcript, given by
// the user or recognized from the recording's speech.
#include <cstddef>
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"
#include "sentio/asr/transcriber.hpp"
#include "sentio/text/emotion_model.hpp"
#include "sentio/text/language.hpp"
#include "sentio/text/text_model.hpp"
#include "sentio/text/transcript.hpp"

namespace sentio::analysis {

// The text model(s) of a job: one model (any kind, text/emotion_model.hpp; with --language CODE the model of
// that language), or (`--language auto`) a multilingual pack whose model is chosen per transcript by the
// detected language.
struct TextModels {
  const text::TextEmotionModel* model = nullptr;
  std::string language{};                         // --language CODE: the language of `model` ("" = not chosen)
  const text::LanguagePack* languages = nullptr;  // --language auto (then `model` is unused)
};

// Classifies each utterance (with up to `n_explain` driving terms). `source`: "given" or "asr". With a
// context model the whole transcript is one dialogue: each utterance is also classified from the
// utterances before it and who said them (causal), and both calls are reported. With a language pack
// the transcript's language is detected once (all utterances, weighted by length) and its model used;
// below text::kLanguageConfidenceFloor English (the default model) is used and TextResult::language_source
// is "fallback".
TextResult analyze_transcript(const text::Transcript& transcript, const TextModels& models,
                              const std::string& source, const std::string& transcript_name,
                              std::size_t n_explain = 5);

// A recognized transcript as a text::Transcript (utterances timed, speakers unknown).
text::Transcript to_transcript(const asr::TranscriptResult& recognized);

// Gives every utterance without a speaker the speaker of the speech segment it overlaps most (none
// when it overlaps no segment or has no times).
void attribute_speakers(text::Transcript& transcript, const SpeechResult& speech);

}  // namespace sentio::analysis
