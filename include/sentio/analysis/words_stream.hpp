// SPDX-License-Identifier: Apache-2.0
#pragma once
// The words part of a stream: utterances (from a transcript or recognised from the speech) are classified
// by the text-emotion model as they arrive, in spoken order.
//
// A context model scores each utterance also in the context of the ones before it (causal). With
// `--language auto` the language is detected from the words received so far (length-weighted, as for a
// whole transcript). result() gives the words part of the whole recording: utterances without a speaker
// get the speaker of the speech segment they overlap most, and with `--language auto` the language is
// detected over all utterances. When that changes an utterance's speaker (context models) or the
// language, the affected calls are made again, so these fields may differ from the ones first returned:
// speaker, label, confidence, probabilities, active_labels, sentiment, valence, arousal, drivers and
// no_context. text, start, end and id never change. The result equals that of the whole transcript
// analysed at once.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sentio/analysis/result.hpp"
#include "sentio/analysis/text_analysis.hpp"
#include "sentio/text/transcript.hpp"

namespace sentio::analysis {

class WordsStream {
 public:
  // `source`: "given" or "asr"; `transcript`: the transcript file (or the recogniser's description) and
  // its format name. The models must outlive the stream.
  WordsStream(const TextModels& models, std::string source, std::string transcript, std::string format,
              std::size_t n_explain = 5);
  ~WordsStream();
  WordsStream(WordsStream&&) noexcept;
  WordsStream& operator=(WordsStream&&) noexcept;

  // Classifies the next utterance (provisional fields as above); `recognition_confidence`: the recogniser's
  // mean word confidence for recognised words, -1 for a given transcript.
  TextUtterance push(const text::Utterance& utterance, float recognition_confidence = -1);
  // The words part so far; `speech` (may be null) attributes speakers.
  TextResult result(const SpeechResult* speech) const;

  std::size_t size() const;
  // The calls made so far of the utterances that overlap [t0, t1] (timed ones only).
  std::vector<TextUtterance> utterances_between(double t0, double t1) const;
  // The model used for the latest call: its labels (order of the probabilities), multi-label, context.
  const std::vector<std::string>& labels() const;
  bool multi_label() const;
  bool context() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::analysis
