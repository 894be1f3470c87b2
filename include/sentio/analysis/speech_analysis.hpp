// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speech part of `sentio analyze`: who felt what, when, over a whole recording.
//
// Pipeline (src/analysis/speech_analysis.cpp): streaming decode to 16 kHz -> voice-activity detection
// (utterance segments) -> per segment, in parallel: speaker-change split + speaker embedding, emotion
// evidence of each piece -> speaker clustering over the recording -> per-speaker normalised emotion
// probabilities -> timeline and per-speaker summary. Audio is processed in blocks; only the samples
// the detector may still need are kept, so memory does not grow with the recording's length (the
// per-segment records, ~1 KB each, are the only thing that does).
#include <string>

#include "sentio/analysis/result.hpp"
#include "sentio/core/progress.hpp"
#include "sentio/ser/emotion_model.hpp"
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

struct SpeechAnalysisOptions {
  SpeakerMode speaker_mode = SpeakerMode::diarize;
  speech::SegmenterOptions segmenter;
  speech::DiarizationOptions diarization;  // n_speakers = 0 estimates the count
  int n_threads = 1;
  double block_s = 30.0;  // audio decoded and segmented per step (memory/latency trade-off)
};

// Analyses the speech of one media file with `model`. Throws InputError naming the file when it cannot
// be decoded (or, in channels mode, when it has a single channel). `input` receives what was learnt
// about the file. Progress is counted in seconds of audio.
SpeechResult analyze_speech(const std::string& path, const ser::SpeechEmotionModel& model,
                            const SpeechAnalysisOptions& options, Progress& progress, MediaSummary& input);

}  // namespace sentio::analysis
