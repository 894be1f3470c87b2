// SPDX-License-Identifier: Apache-2.0
#pragma once
// Recordings to timed transcripts: decode (sentio::media, 16 kHz mono) -> utterance segments
// (sentio::speech voice-activity detection) -> speech recognition of each segment, segments in
// parallel with one Recognizer per worker thread. Output writers for the transcript formats.
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
  std::string engine;            // Recognizer::engine()
  std::string model;             // Recognizer::model()
  std::string grammar;           // grammar file or "" (LM)
  std::vector<TranscribedUtterance> utterances;
};

struct TranscriberOptions {
  RecognizerOptions recognizer;
  speech::SegmenterOptions segmenter;
  double padding_s = 0.2;        // context decoded around each VAD segment (s), >= 0
  int n_threads = 1;             // workers over segments (one Recognizer each), >= 1
};

// Owns the worker pool and the recognizers (one per worker, loaded on first use; the first is loaded
// by the constructor so that model and grammar errors surface at once as InputError).
// Not thread-safe: one transcribe call at a time.
class Transcriber {
 public:
  explicit Transcriber(const TranscriberOptions& options);
  ~Transcriber();
  Transcriber(const Transcriber&) = delete;
  Transcriber& operator=(const Transcriber&) = delete;

  // Decodes any FFmpeg input; missing, corrupt or audio-less files throw InputError naming the file.
  TranscriptResult transcribe_file(const std::string& path);
  // The same on samples already at kSampleRate.
  TranscriptResult transcribe_samples(std::span<const float> samples_16k);

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
