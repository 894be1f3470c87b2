// SPDX-License-Identifier: Apache-2.0
// Pitch shifting with SoundTouch (a time-stretch by overlap-add that keeps the pitch, then resampling that
// restores the duration and shifts the whole spectrum), speed changes (SoundTouch's resampler alone), and a
// biquad telephone band.
#include "sentio/ser/augment.hpp"

#include <SoundTouch.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sentio/core/error.hpp"

namespace sentio::ser {

const std::vector<AudioVariant>& augment_variants() {
  static const std::vector<AudioVariant> variants = {
      {"pitch-6", -6},     {"pitch-4", -4},       {"pitch-2", -2},      {"pitch+2", 2},
      {"pitch+4", 4},      {"pitch+6", 6},        {"speed0.9", 0, 0.9}, {"speed1.1", 0, 1.1}};
  return variants;
}

const std::vector<std::string>& earlier_augmentation_names() {
  static const std::vector<std::string> names = {"pitch-6", "pitch-4", "pitch-2", "pitch+2", "pitch+4", "pitch+6"};
  return names;
}

namespace {

// SoundTouch: a pitch shift keeps the length; a speed change gives length / speed samples.
std::vector<float> transform(const std::vector<float>& pcm, int sample_rate, const AudioVariant& variant) {
  soundtouch::SoundTouch st;
  st.setSampleRate(static_cast<unsigned>(sample_rate));
  st.setChannels(1);
  if (variant.speed != 1.0)
    st.setRate(variant.speed);
  else
    st.setPitchSemiTones(variant.semitones);
  // Windows suited to speech (shorter than SoundTouch's defaults for music).
  st.setSetting(SETTING_SEQUENCE_MS, 40);
  st.setSetting(SETTING_SEEKWINDOW_MS, 15);
  st.setSetting(SETTING_OVERLAP_MS, 8);
  std::vector<float> out;
  out.reserve(pcm.size() + 4096);
  float buffer[4096];
  const auto drain = [&] {
    unsigned n;
    while ((n = st.receiveSamples(buffer, 4096)) > 0) out.insert(out.end(), buffer, buffer + n);
  };
  constexpr std::size_t kChunk = 16384;
  for (std::size_t i = 0; i < pcm.size(); i += kChunk) {
    st.putSamples(pcm.data() + i, static_cast<unsigned>(std::min(kChunk, pcm.size() - i)));
    drain();
  }
  st.flush();
  drain();
  // flush() pads with silence past the end
  out.resize(static_cast<std::size_t>(std::lround(static_cast<double>(pcm.size()) / variant.speed)), 0.0f);
  return out;
}

// RBJ biquad (direct form I) in place: high-pass (true) or low-pass at f0 Hz, Q = 1/sqrt(2).
void biquad(std::vector<float>& x, double f0, int rate, bool high) {
  const double w = 2 * std::numbers::pi * f0 / rate, c = std::cos(w), alpha = std::sin(w) / std::sqrt(2.0);
  const double b0 = high ? (1 + c) / 2 : (1 - c) / 2, b1 = high ? -(1 + c) : 1 - c, b2 = b0;
  const double a0 = 1 + alpha, a1 = -2 * c, a2 = 1 - alpha;
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (float& v : x) {
    const double y = (b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = y;
    v = static_cast<float>(y);
  }
}

}  // namespace

void telephone_band(std::vector<float>& pcm, int sample_rate) {
  SENTIO_ASSERT(sample_rate > 6800);
  for (int pass = 0; pass < 2; ++pass) {  // two second-order sections each side
    biquad(pcm, 300.0, sample_rate, true);
    biquad(pcm, 3400.0, sample_rate, false);
  }
}

std::vector<float> apply_variant(const std::vector<float>& pcm, int sample_rate, const AudioVariant& variant) {
  std::vector<float> out = transform(pcm, sample_rate, variant);
  // Stored as the corpora store their clips, 16-bit: the processing's faint tails in the pauses round to
  // the digital silence the source had (else they dominate the unvoiced and quietest-frame features).
  for (float& v : out) v = std::clamp(std::nearbyint(v * 32768.0f), -32768.0f, 32767.0f) / 32768.0f;
  return out;
}

}  // namespace sentio::ser
