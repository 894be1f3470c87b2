// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options of the speech part of an analysis (speech_stream.hpp): how speakers are found, how speech is
// segmented. The pipeline: 16 kHz audio -> voice-activity detection (utterance segments) -> per segment,
// in parallel: speaker-change split + speaker embedding, emotion evidence of each piece -> speaker
// clustering over the recording -> per-speaker normalised emotion probabilities -> timeline and
// per-speaker summary.
#include <string>

#include "sentio/speech/diarization.hpp"
#include "sentio/speech/segmenter.hpp"

namespace sentio::analysis {

enum class SpeakerMode {
  diarize,   // mono mix; speakers found by speaker-change detection + clustering
  channels,  // one speaker per channel (stereo call recordings); each channel segmented on its own
  single,    // mono mix, everything attributed to one speaker
};
SpeakerMode parse_speaker_mode(const std::string& name);  // "diarize", "channels", "single"
const char* speaker_mode_name(SpeakerMode mode);

// Defaults of the uncertainty rule. 0.35: with the shipped model's probabilities calibrated on held-out
// corpora, a call below it is wrong about two times in three (bench/ser_trust.md); 0.5 s: too little
// speech for the utterance-level functionals.
inline constexpr float kDefaultMinConfidence = 0.35f;
inline constexpr double kDefaultMinEmotionS = 0.5;

struct SpeechAnalysisOptions {
  SpeakerMode speaker_mode = SpeakerMode::diarize;
  speech::SegmenterOptions segmenter;
  speech::DiarizationOptions diarization;  // n_speakers = 0 estimates the count
  // A segment is `uncertain` (no emotion call in the timeline and summaries) when its top probability is
  // below min_confidence or it is shorter than min_emotion_s (docs/ANALYSIS.md).
  float min_confidence = kDefaultMinConfidence;
  double min_emotion_s = kDefaultMinEmotionS;
};

}  // namespace sentio::analysis
