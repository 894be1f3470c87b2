// SPDX-License-Identifier: Apache-2.0
#pragma once
// The speech part of a stream: who felt what, when, as the audio arrives.
//
// 16-kHz audio is pushed in any chunks. Voice-activity detection closes utterance segments; each closed
// segment is cut where an optional segment cutter says (e.g. visual turns), then split at speaker changes (diarize mode), its pieces get their emotion evidence (in parallel
// on the executor) and are returned at once as final segments, with a provisional speaker (online
// clustering in diarize mode; exact in channels and single mode) and the probabilities the model gives
// with the speakers known so far. close() ends the stream; result() then re-clusters the speakers over
// the whole recording and recomputes every probability with the final speakers, so these fields of a
// segment may differ from the ones first returned: speaker, probabilities, label, confidence, valence,
// arousal (per-speaker normalisation of the acoustic features). start, end, channel and vad_confidence
// never change. The final result does not depend on how the audio was chunked.
//
// Memory: the audio the detector may still need (max segment + look-ahead + ~3 s) and ~2 KB per segment.
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "sentio/analysis/result.hpp"
#include "sentio/analysis/speech_analysis.hpp"
#include "sentio/asr/recognizer.hpp"
#include "sentio/asr/transcriber.hpp"
#include "sentio/core/executor.hpp"
#include "sentio/ser/emotion_model.hpp"

namespace sentio::analysis {

inline constexpr int kSpeechRate = 16000;

// What a push made final.
struct SpeechUpdate {
  std::vector<SpeechSegment> segments;                  // time order; provisional speaker and probabilities
  std::vector<asr::TranscribedUtterance> utterances;    // with a recogniser: the words of the closed segments
};

// Speech recognition inside the stream: every closed voice-activity segment (before the speaker split) is
// recognised with `padding_s` of context on both sides (clipped to the audio and to half the gap to the
// previous segment); segments with no words give no utterance.
struct StreamRecognition {
  const asr::SpeechRecognizer* recognizer = nullptr;  // null: no recognition
  double padding_s = 0.2;
};

// Cuts from outside the audio: given a closed segment's bounds (seconds), the times inside it where it is to be
// cut before the speaker split and the emotion evidence (e.g. where the visibly speaking face changes,
// visual_turns.hpp). Called on the pushing thread.
using SegmentCutter = std::function<std::vector<double>(double start, double end)>;

class SpeechStream {
 public:
  // `channels`: 1 for the mono mix (diarize or single mode); the recording's channel count (>= 2) in
  // channels mode, where each channel is segmented on its own and is one speaker. The model and the
  // executor must outlive the stream.
  SpeechStream(const ser::SpeechEmotionModel& model, const SpeechAnalysisOptions& options, int channels,
               Executor& executor, StreamRecognition recognition = {});
  ~SpeechStream();
  SpeechStream(const SpeechStream&) = delete;
  SpeechStream& operator=(const SpeechStream&) = delete;

  // Segments closed from now on are cut where `cutter` says (parts shorter than 0.1 s are not made).
  void set_segment_cutter(SegmentCutter cutter);
  // Appends 16-kHz samples (interleaved when channels > 1; a whole number of frames) and returns what
  // this made final.
  SpeechUpdate push(std::span<const float> samples);
  // Ends the stream: returns what was still open. push() must not be called afterwards.
  SpeechUpdate close();
  // After close(): the recording's speech part (final speakers and probabilities, timeline, summary).
  SpeechResult result() const;

  double duration_s() const;  // audio pushed so far, seconds per channel
  int channels() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::analysis
