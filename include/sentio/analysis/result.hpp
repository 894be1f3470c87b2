// SPDX-License-Identifier: Apache-2.0
#pragma once
// The result of `sentio analyze`: one document per input with a part per modality, the persons that link
// voices, faces and names, and the moments that give one judgement per person and time. Written as JSON
// (schema "sentio.analysis/2", docs/ANALYSIS.md), JSON Lines, or CSV rows (speech segments or moments).
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sentio::analysis {

inline constexpr const char* kAnalysisSchema = "sentio.analysis/2";

// A model's call mapped into the seven core labels (sentio/core/labels.hpp): the probabilities of the
// model's labels summed per core label and renormalised over the labels that have one; empty when none
// of the model's labels has a core equivalent.
struct CanonicalCall {
  std::vector<float> probabilities;  // kEmotionCount values in core order, or empty
  std::string label;                 // the most probable core label ("" when empty)
};

// Acoustic measures of one speech segment (eGeMAPS v02 functionals, docs/FEATURES.md), the basis of the
// voice cues of explanations. NaN when not measured (a segment too short for a measure, or a model that
// computes no functionals).
struct VoiceMeasures {
  float pitch_st = NAN;     // mean F0 in semitones from 27.5 Hz (F0semitoneFrom27.5Hz_sma3nz_amean)
  float level_db = NAN;     // equivalent sound level, dB (equivalentSoundLevel_dBp)
  float loudness = NAN;     // mean perceptual loudness (loudness_sma3_amean)
  float speech_rate = NAN;  // loudness peaks per second, a syllable-rate proxy (loudnessPeaksPerSec)
  float jitter = NAN;       // local jitter (jitterLocal_sma3nz_amean)
  float shimmer_db = NAN;   // local shimmer, dB (shimmerLocaldB_sma3nz_amean)
  float hnr_db = NAN;       // harmonics-to-noise ratio, dB (HNRdBACF_sma3nz_amean)
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
  bool uncertain = false;             // too unsure or too short for an emotion call (SpeechAnalysisOptions)
  float valence = 0, arousal = 0;     // [-1, 1], probability-weighted circumplex coordinates
  CanonicalCall canonical;            // the call in the seven core labels (calm, boredom -> neutral)
  int face_track = -1;                // the visible face that is speaking (track ID), -1 = none or unclear
  std::string person;                 // "P1", ... ("" = none)
  // Not written to the documents: what persons and explanations are computed from.
  VoiceMeasures measures;
  std::vector<float> energy_db;       // frame energy every 20 ms from `start` (dB re full scale)
};

// Consecutive certain segments of one speaker with the same top label, merged; an uncertain segment
// has no entry and ends the speaker's current one.
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
  std::size_t n_uncertain = 0;              // segments without an emotion call ...
  double uncertain_s = 0;                   // ... and their duration, counted apart from the labels
  // Over the certain segments only (all zero and dominant_label "" when there is none):
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
  std::string person;                         // "P1", ... ("" = none)
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
  std::string person;                     // "P1", ... ("" = none)
  float recognition_confidence = -1;      // recognised words: the recogniser's mean word confidence; -1 = given
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

// One person of the recording: a voice (speaker), the face tracks that are that voice's face, and a name
// from the transcript.
struct Person {
  std::string id;                      // "P1", "P2", ... by first appearance
  std::string speaker;                 // "" = never heard (a face that does not speak)
  std::vector<int> face_tracks;        // by ID; empty = never seen (off-screen)
  std::string name;                    // from the transcript's speaker names ("" = unknown)
  float link_confidence = 0;           // that the voice and the face tracks are one person, [0, 1] (0: no link)
  // Summary over the person's moments.
  double speaking_s = 0;
  int uncertain_moments = 0;               // moments without a call, left out of the fields below
  std::vector<float> mean_probabilities;   // fused, duration-weighted, core label order (empty without moments)
  std::string dominant_label;
  float mean_valence = 0, mean_arousal = 0;
  std::vector<std::pair<std::string, int>> label_counts;     // fused label -> moments, core label order
  std::vector<std::pair<std::string, int>> compound_counts;  // compound label -> moments (those seen)
};

// One modality's call for a moment, in the seven core labels.
struct ModalityCall {
  std::vector<float> probabilities;  // kEmotionCount values, core order
  std::string label;
  float confidence = 0;
  float quality = 1;                 // per-instance quality in [0, 1] (fusion.hpp)
};

// Two basic emotions strong together (the compound classes of C-EXPR-DB / ABAW).
struct Compound {
  std::string label;                      // e.g. "happily surprised"
  std::pair<std::string, std::string> components;  // e.g. {"happiness", "surprise"}
  float score = 0;                        // weighted sum of the two components' fused probabilities
};

// A measured cue behind a call, relative to the person's own baseline over the recording (a running
// baseline while streaming).
struct Cue {
  std::string modality;   // "voice", "face" or "words"
  std::string name;       // voice: pitch, loudness, speech_rate, jitter, shimmer, hnr; face: smile, brow,
                          // eye_openness, mouth_opening, head_yaw, head_pitch, blinks; words: term, negation
  double value = 0;       // in the cue's unit (semitones, dB, syllables/s, ratio, degrees, count, weight)
  double baseline = 0;    // the person's typical value (words: 0)
  double z = 0;           // (value - baseline) / the person's spread (words: the term's weight)
  std::string direction;  // "higher", "lower" (words: the label the term drives, or "negated")
  std::string text;       // a phrase for people, e.g. "louder than usual (+9.8 dB)"
};

// One judgement per person and time: a speech segment (or an utterance without speech), or a window where
// faces are visible and nobody speaks.
struct Moment {
  double start = 0, end = 0;  // seconds; -1 for words without times
  std::string person;         // "" = unknown
  std::optional<ModalityCall> voice, face, words;
  ModalityCall fused;         // the calibrated pool of the modalities present (fusion.hpp)
  bool uncertain = false;     // the voice of an uncertain segment is its only evidence: no emotion call
  float valence = 0, arousal = 0;
  bool agreement = true;                 // every modality's label is the fused label
  std::vector<std::string> disagreeing;  // the modalities whose label differs ("voice", "face", "words")
  std::optional<Compound> compound;
  std::vector<Cue> cues;                 // strongest first
  std::string explanation;               // one or two sentences from the cues, the call and any disagreement
  int segment = -1;                      // index into speech.segments, -1 = none
  std::vector<int> utterances;           // indices into text.utterances
  int face_track = -1;                   // the track whose expression is `face`, -1 = none
};

// A model that made calls in a document, and the licence its card states (sentio/core/model_card.hpp).
struct ModelUse {
  std::string part;     // "speech", "faces", "text" or "fusion"
  std::string path;     // the model file (a folder for the face models)
  std::string licence;  // "" = not stated (no card with a licence next to the model)
};

struct AnalysisResult {
  MediaSummary input;
  std::vector<ModelUse> models;       // the models behind the parts present, in part order
  std::optional<SpeechResult> speech;
  std::optional<FacesResult> faces;
  std::optional<TextResult> text;
  std::vector<Person> persons;        // by first appearance
  std::vector<Moment> moments;        // time order (untimed words last, in transcript order)
  std::vector<std::string> warnings;  // conditions that make the results less reliable, one line each
};

}  // namespace sentio::analysis
