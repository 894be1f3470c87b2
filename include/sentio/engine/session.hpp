// SPDX-License-Identifier: Apache-2.0
#pragma once
// A Session: the analysis of one recording or live stream on an Engine.
//
// Push audio (any sample rate and channel count, any chunk sizes), video frames (RGB with their time)
// and transcript utterances as they arrive; each result is delivered to the event callback the moment
// it is final — a speech segment, a face observation, an utterance's call, a warning — on the thread that
// pushed. finish() ends the stream and returns the complete result.
//
// Fields that can change between an event and the final result (docs/EMBEDDING.md):
//  * segment: speaker (online clustering during the stream, re-clustered over the whole recording at
//    the end), and with it probabilities, label, confidence, valence, arousal (per-speaker normalisation);
//  * utterance: speaker (attributed from the final speech segments when the transcript has none), and
//    with --language auto or a context model the call itself (the language is detected over all words).
// Face observations never change. The final result does not depend on how the input was chunked: pushing
// a file's audio in any chunk sizes gives the same result as analysing the file (analyze.hpp).
//
// A Session is used by one thread at a time; many sessions may run at once on one Engine.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sentio/analysis/face_stream.hpp"
#include "sentio/analysis/result.hpp"
#include "sentio/analysis/speech_analysis.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/text/transcript.hpp"

namespace sentio {

using analysis::AnalysisResult;

struct SessionOptions {
  // Speech: speakers (diarize: found in the mono mix; channels: one per channel of a multi-channel
  // stream; single), the known number of speakers (0 = estimate), segment lengths.
  analysis::SpeakerMode speaker_mode = analysis::SpeakerMode::diarize;
  int speakers = 0;
  double min_segment_s = 0.3;
  double max_segment_s = 15.0;
  // A speech segment below this top probability, or shorter than min_emotion_s, is `uncertain`.
  float min_confidence = analysis::kDefaultMinConfidence;
  double min_emotion_s = analysis::kDefaultMinEmotionS;
  // Faces: frames analysed per second, detector interval (0 = every ~0.4 s), group-view window.
  double fps = 5.0;
  int detect_interval = 0;
  double window_s = 2.0;
  // Words: recognise the speech (English, pocketsphinx) when no transcript is pushed.
  bool transcribe = false;
  // What the result names as its input (input.path) and kind ("audio", "video", "image", "transcript",
  // "stream"); the transcript's name and format for the words part.
  std::string input_name = "-";
  std::string input_kind = "stream";
  std::string transcript_name = "-";
  std::string transcript_format = "stream";
};

struct Event {
  enum class Type { segment, face, utterance, moment, warning };
  Type type = Type::warning;
  // segment: the segment and the model's labels (order of its probabilities)
  const analysis::SpeechSegment* segment = nullptr;
  // face: the track ID and the observation (labels: the seven core labels)
  int track = 0;
  const analysis::FaceObservation* face = nullptr;
  // utterance: the utterance and its model's labels
  const analysis::TextUtterance* utterance = nullptr;
  // moment: a speech segment's moment as judged when the segment became final (provisional: see above)
  const analysis::Moment* moment = nullptr;
  const std::vector<std::string>* labels = nullptr;
  bool multi_label = false, context = false;
  // warning
  std::string message;
};
using EventCallback = std::function<void(const Event&)>;

// The event as one line of JSON Lines (docs/ANALYSIS.md, "Streaming"; no newline): what `sentio analyze
// --format jsonl` writes for it.
std::string event_json(const Event& event);

class Session {
 public:
  // Throws InputError for options out of range.
  Session(std::shared_ptr<const Engine> engine, SessionOptions options = {}, EventCallback on_event = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Interleaved float samples in [-1, 1], `channels` per frame. The first push fixes the rate and the
  // channel count: a later push with others is an InputError ("sample rate changed mid-stream"), as is
  // a sample count that is not a whole number of frames.
  void push_audio(std::span<const float> samples, int sample_rate, int channels = 1);
  // A video frame: packed RGB, width * height * 3 bytes, at `time_s` seconds from the stream's start
  // (increasing). Frames faster than SessionOptions::fps are skipped.
  void push_frame(std::span<const std::uint8_t> rgb, int width, int height, double time_s);
  // A still image (the whole input is this one picture).
  void push_image(std::span<const std::uint8_t> rgb, int width, int height);
  // The next utterance of a transcript (spoken order).
  void push_words(const text::Utterance& utterance);
  // A condition that makes the result less reliable (e.g. the input ended early); also an event.
  void warn(const std::string& message);
  // Facts about the source that the result reports and the session cannot see for itself.
  struct SourceInfo {
    std::string kind;                   // replaces SessionOptions::input_kind when not empty
    int channels = 0, sample_rate = 0;  // of the source's audio stream (before any conversion)
    double duration_s = 0;              // when no audio is pushed (a silent video): the container's length
    std::int64_t frames_skipped = 0;    // corrupt video frames the decoder skipped
    int frame_width = 0, frame_height = 0;  // when no frame could be analysed
  };
  void set_source(const SourceInfo& info);

  // Ends the stream and returns the complete result; later pushes and finish() are InputErrors.
  AnalysisResult finish();

  double audio_seconds() const;  // audio pushed so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio
