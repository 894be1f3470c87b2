// SPDX-License-Identifier: Apache-2.0
#pragma once
// Voice-activity detection and utterance segmentation (issue 3, item 1).
//
// Method (no trained model; every step is inspectable: src/speech/frame_features.cpp, segmenter.cpp):
//  1. Frames every 10 ms (40-ms Hann window centred on each 10-ms hop): band power 200-4000 Hz in
//     dBFS, spectral flatness 250-4000 Hz, and voicing = highest normalised autocorrelation peak at
//     lags for 70-400 Hz (autocorrelation of the low-passed (< 1.5 kHz) power spectrum, divided by
//     the window's own autocorrelation).
//  2. Adaptive noise floor: minimum statistics, i.e. the minimum of the 5-frame smoothed band power
//     over the past `noise_window_s` and the next `noise_lookahead_s`.
//  3. Per-frame speech score in [0, 1]: energy evidence (dB above the floor) times a mix of voicing
//     and spectral-shape evidence, smoothed over 3 frames.
//  4. Hysteresis (open at `onset_threshold`, hold while >= `offset_threshold`), onset back-tracking,
//     hangover, bridging of pauses shorter than `min_pause_s`, rejection of segments shorter than
//     `min_segment_s` or with less than `min_voiced_s` of voiced frames (breaths, clicks, noise
//     bursts), and splitting of turns longer than `max_segment_s` at their lowest-energy frame.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sentio::speech {

struct SegmenterOptions {
  double min_segment_s = 0.3;      // segments shorter than this are dropped (s)
  double max_segment_s = 15.0;     // longer turns are split at their lowest-energy frame (s)
  double min_pause_s = 0.25;       // pauses shorter than this are bridged (s)
  double onset_threshold = 0.5;    // speech score that opens a segment, in [0, 1]
  double offset_threshold = 0.3;   // speech score that keeps a segment open, in [0, 1]
  double hangover_s = 0.05;        // kept after the last active frame (s)
  double pre_roll_s = 0.02;        // kept before the first active frame (s)
  double min_voiced_s = 0.06;      // voiced frames a segment needs; rejects breathing and noise (s)
  double min_energy_dbfs = -65.0;  // frames quieter than this (band power, dBFS) are never speech
  double noise_window_s = 5.0;     // noise-floor memory (minimum statistics), past (s)
  // Noise-floor look-ahead (s); a segment is closed this much later. 0.4 s: segments reach a live stream
  // ~0.7 s after they end, at no measurable cost in stationary noise (bench/vad_latency.md).
  double noise_lookahead_s = 0.4;
};

struct Segment {
  double start = 0;        // seconds from the start of the stream
  double end = 0;          // seconds, > start
  float confidence = 0;    // mean per-frame speech score over the segment, in [0, 1]
};

// Streaming detector: push mono float chunks ([-1, 1)) of any size, take closed segments, finish()
// at the end. Memory is bounded by max_segment_s plus the noise-floor window, independent of the
// stream length. Results do not depend on how the stream is chunked.
// Input errors (sample rate not a multiple of 100 Hz in [8000, 48000], options out of range) throw
// sentio::InputError.
class VoiceActivityDetector {
 public:
  explicit VoiceActivityDetector(int sample_rate = 16000, const SegmenterOptions& options = {});
  ~VoiceActivityDetector();
  VoiceActivityDetector(VoiceActivityDetector&&) noexcept;
  VoiceActivityDetector& operator=(VoiceActivityDetector&&) noexcept;
  VoiceActivityDetector(const VoiceActivityDetector&) = delete;
  VoiceActivityDetector& operator=(const VoiceActivityDetector&) = delete;

  // Appends samples. Must not be called after finish().
  void push(std::span<const float> samples);
  // Segments closed since the last call, in time order.
  std::vector<Segment> take_segments();
  // Ends the stream: closes the open segment and returns every segment not yet taken.
  std::vector<Segment> finish();
  // Samples pushed so far.
  std::int64_t samples_pushed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot: the segments of a whole recording (same result as streaming it).
std::vector<Segment> segment_speech(std::span<const float> samples, int sample_rate,
                                    const SegmenterOptions& options = {});

}  // namespace sentio::speech
