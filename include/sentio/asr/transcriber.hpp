// SPDX-License-Identifier: Apache-2.0
#pragma once
// Recordings to timed transcripts: decode (sentio::media, 16 kHz mono) -> utterance segments
// (sentio::speech voice-activity detection) -> speech recognition of each segment, segments in
// parallel on a SpeechRecognizer that many transcribers may share. Output writers for the transcript formats.
//
// Each segment is decoded with `padding_s` of context on both sides (clipped to the recording and to
// half the gap to the neighbouring segments): the decoder models the silence around words, and VAD
// boundaries may clip a weak onset. An utterance spans its VAD segment, widened to its first and last
// word if they reach into the padding. Segments in which nothing was recognized are dropped.
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sentio/asr/recognizer.hpp"
#include "sentio/speech/segmenter.hpp"

namespace sentio::asr {

struct TranscribedUtterance {
  double start = 0;              // seconds of the recording
  double end = 0;
  std::string text;              // the words joined by single spaces
  float confidence = 0;          // mean word confidence
  std::vector<Word> words;
};

struct TranscriptResult {
  std::string media;             // input path ("" for samples)
  double duration = 0;           // seconds of audio decoded
  std::string engine;            // SpeechRecognizer::engine()
  std::string model;             // SpeechRecognizer::model()
  std::string grammar;           // grammar file or "" (LM)
  std::vector<TranscribedUtterance> utterances;
};

struct TranscriberOptions {
  RecognizerOptions recognizer;  // the model of Transcriber(options); unused when a recognizer is given
  speech::SegmenterOptions segmenter;
  double padding_s = 0.2;        // context decoded around each VAD segment (s), >= 0
  int n_threads = 1;             // segments decoded at the same time, >= 1 (the calling thread is one of them)
};

// A pipeline over a SpeechRecognizer: owns only its worker threads, so any number of transcribers can
// share one loaded model. Results do not depend on the sharing, on n_threads or on scheduling.
// Not thread-safe: one transcribe call at a time per Transcriber (make one per concurrent user).
class Transcriber {
 public:
  // Loads its own model: a SpeechRecognizer with n_threads decoders, the first loaded now so that model
  // and grammar errors surface at once as InputError.
  explicit Transcriber(const TranscriberOptions& options);
  // Shares `recognizer` (not null; options.recognizer is ignored). Of the n_threads segments decoded at
  // a time, at most recognizer->max_decoders() run at once over all the recognizer's users.
  Transcriber(std::shared_ptr<const SpeechRecognizer> recognizer, const TranscriberOptions& options);
  ~Transcriber();
  Transcriber(const Transcriber&) = delete;
  Transcriber& operator=(const Transcriber&) = delete;

  // Decodes any FFmpeg input; missing, corrupt or audio-less files throw InputError naming the file.
  TranscriptResult transcribe_file(const std::string& path);
  // The same on samples already at kSampleRate.
  TranscriptResult transcribe_samples(std::span<const float> samples_16k);

  const SpeechRecognizer& recognizer() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

enum class TranscriptFormat { json, srt, vtt, txt };
// "json", "srt", "vtt" (or "webvtt"), "txt"; anything else throws InputError.
TranscriptFormat parse_transcript_format(const std::string& name);
const char* transcript_extension(TranscriptFormat format);  // "json", "srt", "vtt", "txt"

// Writes one transcript. JSON follows schema sentio.transcript/1 (docs/TRANSCRIPTS.md), pretty-printed
// unless `compact` (one line, for JSON Lines). SRT/WebVTT: one cue per utterance. txt: one utterance per line.
void write_transcript(std::ostream& out, const TranscriptResult& transcript, TranscriptFormat format,
                      bool compact = false);

}  // namespace sentio::asr
