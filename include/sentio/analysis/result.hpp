// SPDX-License-Identifier: Apache-2.0
#pragma once
// The result of `sentio analyze`: one document per input with a part per modality. Written as JSON
// (schema "sentio.analysis/1", docs/ANALYSIS.md) or as CSV rows (one per speech segment).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sentio::analysis {

inline constexpr const char* kAnalysisSchema = "sentio.analysis/1";

// A model's call mapped into the seven core labels (sentio/core/labels.hpp): the probabilities of the
// model's labels summed per core label and renormalised over the labels that have one; empty when none
// of the model's labels has a core equivalent.
struct CanonicalCall {
  std::vector<float> probabilities;  // kEmotionCount values in core order, or empty
  std::string label;                 // the most probable core label ("" when empty)
};

// One utterance (or part of one, split at a speaker change) with the speech-emotion model's call.
struct SpeechSegment {
  double start = 0, end = 0;          // seconds from the start of the recording
  std::string speaker;                // "S1", "S2", ... (diarization) or "ch1", "ch2", ... (per channel)
  int channel = -1;                   // source channel in per-channel mode, -1 for the mono mix
  float vad_confidence = 0;           // mean speech score of the voice-activity detector, [0, 1]
  std::vector<float> probabilities;   // one per SpeechResult::labels, summing to 1
  std::string label;                  // the most probable class
  float confidence = 0;               // its probability
  float valence = 0, arousal = 0;     // [-1, 1], probability-weighted circumplex coordinates
  CanonicalCall canonical;            // the call in the seven core labels (calm, boredom -> neutral)
};

// Consecutive segments of one speaker with the same top label, merged.
struct TimelineEntry {
  double start = 0, end = 0;  // start of the first segment, end of the last
  std::string speaker;
  std::string label;
  std::size_t first_segment = 0, last_segment = 0;  // indices into SpeechResult::segments
  float mean_confidence = 0;                        // duration-weighted
};

struct SpeakerSummary {
  std::string speaker;
  std::size_t n_segments = 0;
  double speech_s = 0;                      // total duration of the speaker's segments
  std::vector<float> mean_probabilities;    // duration-weighted, one per label
  std::vector<double> label_seconds;        // time the speaker spent with each top label
  std::string dominant_label;               // argmax of mean_probabilities
  float mean_valence = 0, mean_arousal = 0; // duration-weighted
};

struct SpeechResult {
  // "ok": segments found and classified; "no_speech": the voice-activity detector found no speech
  // (silence, noise or a clip shorter than the minimum segment) -- segments are then empty.
  std::string status = "ok";
  std::string speaker_mode;                 // "diarization", "channels" or "single"
  std::vector<std::string> labels;          // class order of the probabilities
  std::string model_path, model_kind;       // model that made the calls
  std::vector<SpeechSegment> segments;      // time order
  std::vector<TimelineEntry> timeline;      // time order
  std::vector<SpeakerSummary> speakers;     // by first appearance
};

// Facial cues of one observation (docs/FACES.md: units are ratios to the inter-ocular distance, angles
// in degrees).
struct FaceCues {
  float mouth_opening = 0, lip_corner_lift = 0, mouth_width = 0;
  float brow_right = 0, brow_left = 0;
  float eye_right = 0, eye_left = 0;
  float yaw_deg = 0, pitch_deg = 0, roll_deg = 0;
};

// One face of one analysed frame, after tracking (expression and cues smoothed per track).
struct FaceObservation {
  double time = 0;                   // seconds (0 for an image)
  std::int64_t frame = 0;            // index among the analysed frames
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // box, pixels of the original frame
  std::vector<float> probabilities;  // FacesResult::labels order
  std::string label;
  float confidence = 0;
  float valence = 0, arousal = 0;
  std::optional<FaceCues> cues;      // absent without landmarks
  bool blink = false;                // a blink ended at this observation
};

struct FaceTrackResult {
  int id = 0;                                 // 1, 2, ... persistent across the video
  std::vector<FaceObservation> observations;  // frames where the face was detected, in time order
  // Summary over the observations.
  double first_time = 0, last_time = 0;
  std::vector<float> mean_probabilities;
  std::string dominant_label;
  float mean_valence = 0, mean_arousal = 0;
  std::optional<FaceCues> mean_cues;
  int blinks = 0;                             // -1 when the sampling rate is too low to count blinks
};

// The group view: the expressions of every face visible at a time (frame) or over a window.
struct GroupView {
  double start = 0, end = 0;             // a frame: start == end == its time
  double mean_faces = 0;                 // faces per analysed frame (exact count for a frame)
  std::vector<float> distribution;       // mean expression probabilities over the faces
  std::string dominant_label;            // argmax of distribution ("" without faces)
  float mean_valence = 0, mean_arousal = 0;
};

struct FacesResult {
  // "ok", or "no_faces" when no face was found in any analysed frame (tracks and views then empty).
  std::string status = "ok";
  std::vector<std::string> labels;       // the seven core labels, expression model order
  double sampled_fps = 0;                // frames analysed per second of video (0 for an image)
  int frame_width = 0, frame_height = 0;
  std::int64_t frames_analysed = 0;
  std::int64_t frames_skipped = 0;       // corrupt frames the decoder skipped
  std::vector<FaceTrackResult> tracks;   // by ID
  std::vector<GroupView> group_frames;   // one per analysed frame with at least one face
  std::vector<GroupView> group_windows;  // consecutive windows of FaceAnalysisOptions::window_s
};

// One utterance of a transcript with the text-emotion model's call.
struct TextUtterance {
  double start = -1, end = -1;            // seconds; -1 = unknown (untimed transcript)
  std::string speaker;                    // from the transcript, or the speech part's speaker ("" = unknown)
  std::string id;                         // the transcript's cue/utterance id ("" if none)
  std::string text;
  std::vector<float> probabilities;       // TextResult::labels order (softmax sums to 1; multi-label: independent)
  std::string label;                      // most probable label
  float confidence = 0;                   // its probability
  std::vector<std::string> active_labels; // labels at or above their threshold (multi-label), else {label}
  CanonicalCall canonical;                // the (in-context) call in the seven core labels
  std::string sentiment;                  // "negative", "neutral" or "positive" (largest of the three below)
  float positive = 0, neutral = 0, negative = 0;
  float valence = 0, arousal = 0;
  std::vector<std::pair<std::string, float>> drivers;  // terms that pushed towards the no-context label, strongest first
  // With a context model: the call from this utterance's words alone (the fields above use context).
  std::vector<float> probabilities_no_context;
  std::string label_no_context;
  float confidence_no_context = 0;
};

struct TextResult {
  std::string status = "ok";              // "ok", or "no_text" when the transcript has no utterance
  std::string source;                     // "given" (a transcript file) or "asr" (recognized speech)
  std::string transcript;                 // the transcript file, or the recognizer's engine and model
  std::string transcript_format;          // "srt", "webvtt", "json", "csv", "meld", "plain" or "asr"
  std::string model_path, model_description;
  std::vector<std::string> labels;
  bool multi_label = false;
  bool context = false;                   // conversation context used (a context model was given)
  // --language: the language whose model was used ("" = no --language), "option" / "detected" /
  // "fallback", and with auto the detected language and its confidence (-1 = not detected).
  std::string language, language_source, language_detected;
  float language_confidence = -1;
  std::vector<TextUtterance> utterances;  // transcript order
};

struct MediaSummary {
  std::string path;
  std::string kind;        // "audio", "video", "image" or "transcript"
  double duration_s = 0;   // decoded audio length (0 when unknown or not applicable)
  int channels = 0;        // of the source audio stream
  int source_sample_rate = 0;
};

struct AnalysisResult {
  MediaSummary input;
  std::optional<SpeechResult> speech;
  std::optional<FacesResult> faces;
  std::optional<TextResult> text;
  std::vector<std::string> warnings;  // conditions that make the results less reliable, one line each
};

}  // namespace sentio::analysis
