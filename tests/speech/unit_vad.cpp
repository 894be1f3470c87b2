// SPDX-License-Identifier: Apache-2.0
// Voice-activity detection on synthetic signals: silence, white noise, espeak-ng speech (clean, in
// noise, long monologue), a very short clip, and streaming == one-shot.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/speech/segmenter.hpp"
#include "test_support.hpp"
#include "vad_truth.hpp"

namespace {

using sentio::speech::Segment;
using sentio::speech::SegmenterOptions;
using sentio::speech::segment_speech;
using sentio::speech::VoiceActivityDetector;

constexpr int kRate = 16000;

// Speech clip from espeak-ng (cached per text for the whole test program).
const std::vector<float>& speech(const std::string& text) {
  static std::map<std::string, std::vector<float>> cache;
  auto it = cache.find(text);
  if (it != cache.end()) return it->second;
  const auto wav = sentio::test::temp_dir() / ("s" + std::to_string(cache.size()) + ".wav");
  sentio::test::synthesize_speech(text, wav);
  const std::vector<short> pcm = sentio::test::load_pcm16_via_sox(wav);
  std::vector<float> x(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i) x[i] = static_cast<float>(pcm[i]) / 32768.0f;
  return cache.emplace(text, std::move(x)).first->second;
}

// Ground truth of a clean clip: first and last sample (seconds) where the 5-ms moving RMS is within
// 40 dB of its maximum over the clip.
struct Span {
  double start, end;
};
Span clean_speech_span(const std::vector<float>& x) {
  const auto [first, end] = sentio::test::loud_extent(x, kRate, 40.0);
  EXPECT_LT(first, end) << "no loud samples";
  return {static_cast<double>(first) / kRate, static_cast<double>(end) / kRate};
}

std::vector<float> trim(const std::vector<float>& x) {
  const Span s = clean_speech_span(x);
  return {x.begin() + static_cast<std::ptrdiff_t>(s.start * kRate), x.begin() + static_cast<std::ptrdiff_t>(s.end * kRate)};
}

std::vector<float> pad(const std::vector<float>& x, double before_s, double after_s) {
  std::vector<float> y(static_cast<std::size_t>(before_s * kRate), 0.0f);
  y.insert(y.end(), x.begin(), x.end());
  y.resize(y.size() + static_cast<std::size_t>(after_s * kRate), 0.0f);
  return y;
}

// Adds white Gaussian noise so that (speech power over `active`) / (noise power) = snr_db.
std::vector<float> add_white_noise(const std::vector<float>& x, Span active, double snr_db, unsigned seed) {
  const auto a = static_cast<std::size_t>(active.start * kRate), b = static_cast<std::size_t>(active.end * kRate);
  double p = 0;
  for (std::size_t i = a; i < b; ++i) p += static_cast<double>(x[i]) * x[i];
  p /= static_cast<double>(b - a);
  const double sigma = std::sqrt(p / std::pow(10.0, snr_db / 10.0));
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, sigma);
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = static_cast<float>(x[i] + gauss(rng));
  return y;
}

std::string describe(const std::vector<Segment>& segs) {
  std::string s;
  for (const Segment& g : segs)
    s += "[" + std::to_string(g.start) + ", " + std::to_string(g.end) + " c=" + std::to_string(g.confidence) + "] ";
  return s.empty() ? "(none)" : s;
}

void expect_well_formed(const std::vector<Segment>& segs, double duration, const SegmenterOptions& o) {
  for (std::size_t i = 0; i < segs.size(); ++i) {
    EXPECT_GE(segs[i].start, 0.0);
    EXPECT_LE(segs[i].end, duration + 1e-9);
    EXPECT_GE(segs[i].end - segs[i].start, o.min_segment_s - 1e-9) << describe(segs);
    EXPECT_LE(segs[i].end - segs[i].start, o.max_segment_s + 1e-9) << describe(segs);
    EXPECT_GE(segs[i].confidence, 0.0f);
    EXPECT_LE(segs[i].confidence, 1.0f);
    if (i > 0) {
      EXPECT_GE(segs[i].start, segs[i - 1].end - 1e-9) << describe(segs);
    }
  }
}

const char* const kSentence = "Kids are talking by the door, and the dogs are sitting by the window.";

TEST(Vad, DigitalSilenceHasNoSegments) {
  const std::vector<float> x(3 * kRate, 0.0f);
  EXPECT_TRUE(segment_speech(x, kRate).empty());
}

TEST(Vad, WhiteNoiseOnlyHasNoSegments) {
  for (double level : {0.001, 0.03, 0.3}) {
    std::mt19937 rng(7);
    std::normal_distribution<double> gauss(0.0, level);
    std::vector<float> x(5 * kRate);
    for (float& v : x) v = static_cast<float>(gauss(rng));
    const auto segs = segment_speech(x, kRate);
    EXPECT_TRUE(segs.empty()) << "noise sigma " << level << ": " << describe(segs);
  }
}

// Pink noise (Paul Kellet's economy filter on white noise, -3 dB/octave within ~1 %), unit-ish RMS.
std::vector<float> pink_noise(std::size_t n, double sigma, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  double b0 = 0, b1 = 0, b2 = 0;
  std::vector<float> y(n);
  for (float& v : y) {
    const double w = gauss(rng);
    b0 = 0.99765 * b0 + w * 0.0990460;
    b1 = 0.96300 * b1 + w * 0.2965164;
    b2 = 0.57000 * b2 + w * 1.0526913;
    v = static_cast<float>(sigma * 0.25 * (b0 + b1 + b2 + w * 0.1848));
  }
  return y;
}

// Breath-like burst: high-passed white noise with a raised-cosine envelope, peak RMS `level`.
std::vector<float> breath(double seconds, double level, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, level);
  const auto n = static_cast<std::size_t>(seconds * kRate);
  std::vector<float> y(n);
  double prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = gauss(rng);
    const double env = 0.5 - 0.5 * std::cos(2.0 * 3.141592653589793 * static_cast<double>(i) / static_cast<double>(n));
    y[i] = static_cast<float>(env * (w - 0.9 * prev));
    prev = w;
  }
  return y;
}

TEST(Vad, PinkNoiseOnlyHasNoSegments) {
  for (double level : {0.003, 0.05}) {
    const auto segs = segment_speech(pink_noise(5 * kRate, level, 11), kRate);
    EXPECT_TRUE(segs.empty()) << "pink noise sigma " << level << ": " << describe(segs);
  }
}

TEST(Vad, BreathsAloneAndBeforeSpeechAreNotSpeech) {
  // three breaths in digital silence: no segment
  std::vector<float> x(kRate / 2, 0.0f);
  for (unsigned i = 0; i < 3; ++i) {
    const std::vector<float> b = breath(0.4, 0.02, i + 1);
    x.insert(x.end(), b.begin(), b.end());
    x.resize(x.size() + kRate, 0.0f);
  }
  EXPECT_TRUE(segment_speech(x, kRate).empty()) << describe(segment_speech(x, kRate));
  // a breath 0.4 s before the sentence does not move its start
  const std::vector<float>& s = trim(speech(kSentence));
  const double speech_start = static_cast<double>(x.size()) / kRate;
  x.insert(x.end(), s.begin(), s.end());
  x.resize(x.size() + kRate / 2, 0.0f);
  const auto segs = segment_speech(x, kRate);
  ASSERT_FALSE(segs.empty());
  EXPECT_NEAR(segs.front().start, speech_start, 0.10) << describe(segs);
}

TEST(Vad, SpeechInPinkNoise15dBBoundariesWithin150ms) {
  const std::vector<float> clean = pad(trim(speech(kSentence)), 1.0, 1.0);
  const Span truth = clean_speech_span(clean);
  double p = 0;
  for (std::size_t i = static_cast<std::size_t>(truth.start * kRate); i < static_cast<std::size_t>(truth.end * kRate); ++i)
    p += static_cast<double>(clean[i]) * clean[i];
  p /= (truth.end - truth.start) * kRate;
  std::vector<float> noise = pink_noise(clean.size(), 1.0, 5);
  double q = 0;
  for (float v : noise) q += static_cast<double>(v) * v;
  q /= static_cast<double>(noise.size());
  const double gain = std::sqrt(p / q / std::pow(10.0, 15.0 / 10.0));
  std::vector<float> x(clean.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = clean[i] + static_cast<float>(gain * noise[i]);
  const auto segs = segment_speech(x, kRate);
  std::cout << "pink 15 dB: truth [" << truth.start << ", " << truth.end << "] segments " << describe(segs) << "\n";
  ASSERT_FALSE(segs.empty());
  EXPECT_NEAR(segs.front().start, truth.start, 0.15);
  EXPECT_NEAR(segs.back().end, truth.end, 0.15);
}

TEST(Vad, CleanSpeechBoundariesWithin100ms) {
  const std::vector<float> x = pad(trim(speech(kSentence)), 1.0, 1.0);
  const Span truth = clean_speech_span(x);
  const SegmenterOptions o;
  const auto segs = segment_speech(x, kRate, o);
  std::cout << "truth [" << truth.start << ", " << truth.end << "] segments " << describe(segs) << "\n";
  ASSERT_FALSE(segs.empty());
  expect_well_formed(segs, static_cast<double>(x.size()) / kRate, o);
  EXPECT_NEAR(segs.front().start, truth.start, 0.10);
  EXPECT_NEAR(segs.back().end, truth.end, 0.10);
}

TEST(Vad, SpeechInWhiteNoise15dBBoundariesWithin150ms) {
  const std::vector<float> clean = pad(trim(speech(kSentence)), 1.0, 1.0);
  const Span truth = clean_speech_span(clean);
  for (unsigned seed : {1u, 2u, 3u}) {
    const std::vector<float> x = add_white_noise(clean, truth, 15.0, seed);
    const SegmenterOptions o;
    const auto segs = segment_speech(x, kRate, o);
    std::cout << "15 dB seed " << seed << ": truth [" << truth.start << ", " << truth.end << "] segments "
              << describe(segs) << "\n";
    ASSERT_FALSE(segs.empty());
    expect_well_formed(segs, static_cast<double>(x.size()) / kRate, o);
    EXPECT_NEAR(segs.front().start, truth.start, 0.15);
    EXPECT_NEAR(segs.back().end, truth.end, 0.15);
  }
}

TEST(Vad, LongMonologueIsSplitBelowMaxLength) {
  std::vector<float> mono;
  for (const char* t : {"The quick brown fox jumps over the lazy dog.", kSentence,
                        "She sells sea shells by the sea shore every single morning.",
                        "Many hands make light work when everybody helps."}) {
    const std::vector<float> s = trim(speech(t));
    mono.insert(mono.end(), s.begin(), s.end());
  }
  const double speech_s = static_cast<double>(mono.size()) / kRate;
  const std::vector<float> x = pad(mono, 0.5, 0.5);
  SegmenterOptions o;
  o.max_segment_s = 4.0;
  ASSERT_GT(speech_s, 2.5 * o.max_segment_s);
  const auto segs = segment_speech(x, kRate, o);
  std::cout << "monologue " << speech_s << " s: " << describe(segs) << "\n";
  expect_well_formed(segs, static_cast<double>(x.size()) / kRate, o);
  double covered = 0;
  int abutting = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    covered += segs[i].end - segs[i].start;
    if (i > 0 && segs[i].start == segs[i - 1].end) ++abutting;
  }
  EXPECT_GT(covered, 0.85 * speech_s);
  EXPECT_GE(abutting, 1) << "expected at least one split of a continuous turn";
}

TEST(Vad, VeryShortClipIsHandled) {
  const std::vector<float>& s = trim(speech(kSentence));
  const std::vector<float> clip(s.begin(), s.begin() + kRate / 5);  // 0.2 s of speech
  const auto segs = segment_speech(clip, kRate);
  EXPECT_LE(segs.size(), 1u);
  for (const Segment& g : segs) EXPECT_LE(g.end, 0.2 + 1e-9);
  EXPECT_TRUE(segment_speech(std::vector<float>{}, kRate).empty());
  EXPECT_TRUE(segment_speech(std::vector<float>(10, 0.5f), kRate).empty());
}

TEST(Vad, StreamingEqualsOneShot) {
  const std::vector<float> clean = pad(trim(speech(kSentence)), 0.7, 0.4);
  std::vector<float> x = add_white_noise(clean, clean_speech_span(clean), 20.0, 9);
  x.insert(x.end(), clean.begin(), clean.end());  // noise then a clean repeat
  SegmenterOptions o;
  o.max_segment_s = 2.0;  // exercise splitting too
  const auto one_shot = segment_speech(x, kRate, o);
  ASSERT_FALSE(one_shot.empty());
  VoiceActivityDetector vad(kRate, o);
  std::vector<Segment> streamed;
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::size_t> chunk(1, 5000);
  for (std::size_t i = 0; i < x.size();) {
    const std::size_t n = std::min(chunk(rng), x.size() - i);
    vad.push(std::span<const float>(x).subspan(i, n));
    i += n;
    for (const Segment& g : vad.take_segments()) streamed.push_back(g);
  }
  for (const Segment& g : vad.finish()) streamed.push_back(g);
  EXPECT_EQ(vad.samples_pushed(), static_cast<std::int64_t>(x.size()));
  ASSERT_EQ(streamed.size(), one_shot.size()) << describe(streamed) << " vs " << describe(one_shot);
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].start, one_shot[i].start);
    EXPECT_EQ(streamed[i].end, one_shot[i].end);
    EXPECT_EQ(streamed[i].confidence, one_shot[i].confidence);
  }
}

// Streams `x` in chunks of `chunk` samples, taking segments after every push.
std::vector<Segment> streamed(const std::vector<float>& x, std::size_t chunk, const SegmenterOptions& o = {}) {
  VoiceActivityDetector vad(kRate, o);
  std::vector<Segment> out;
  for (std::size_t i = 0; i < x.size(); i += chunk) {
    vad.push(std::span<const float>(x).subspan(i, std::min(chunk, x.size() - i)));
    for (const Segment& g : vad.take_segments()) out.push_back(g);
  }
  for (const Segment& g : vad.finish()) out.push_back(g);
  return out;
}

TEST(Vad, StreamingEqualsOneShotWhenTheOnsetIsBackTrackedFully) {
  // A murmur ~10 dB above the noise floor (score between the offset and the onset threshold) for
  // 0.6 s before a loud voiced sound: the onset is back-tracked its full reach (0.3 s) and the
  // pre-roll goes 20 ms further back. Pushed 10 ms at a time, the detector must still hold those
  // frames (it once dropped them, so the segment started 10-20 ms later than in one shot).
  std::mt19937 rng(21);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::vector<float> x;
  auto noise = [&](double seconds, double sigma) {
    for (auto n = static_cast<std::size_t>(seconds * kRate); n > 0; --n) x.push_back(static_cast<float>(sigma * gauss(rng)));
  };
  noise(2.0, 0.001);   // -60 dBFS
  noise(0.6, 0.0032);  // ~ +10 dB
  for (std::size_t i = 0; i < static_cast<std::size_t>(kRate); ++i) {  // 1 s of a 150-Hz voiced sound
    const double t = static_cast<double>(i) / kRate;
    double v = 0;
    for (int h = 1; h <= 10; ++h) v += std::sin(2.0 * 3.141592653589793 * 150.0 * h * t) / h;
    x.push_back(static_cast<float>(0.05 * v + 0.001 * gauss(rng)));
  }
  noise(1.5, 0.001);
  const auto one_shot = segment_speech(x, kRate);
  ASSERT_EQ(one_shot.size(), 1u) << describe(one_shot);
  EXPECT_LT(one_shot[0].start, 2.6 - 0.3) << describe(one_shot);  // back-tracked into the murmur
  for (const std::size_t chunk : {160u, 1600u, 16000u}) {
    const auto s = streamed(x, chunk);
    ASSERT_EQ(s.size(), one_shot.size()) << "chunk " << chunk << ": " << describe(s);
    EXPECT_EQ(s[0].start, one_shot[0].start) << "chunk " << chunk;
    EXPECT_EQ(s[0].end, one_shot[0].end) << "chunk " << chunk;
    EXPECT_EQ(s[0].confidence, one_shot[0].confidence) << "chunk " << chunk;
  }
}

TEST(Vad, OtherSampleRates) {
  // 8 kHz and 48 kHz: silence gives nothing, a 200 Hz pulse train with harmonics 1 s long gives one segment
  for (int rate : {8000, 48000}) {
    std::vector<float> x(static_cast<std::size_t>(3 * rate), 0.0f);
    EXPECT_TRUE(segment_speech(x, rate).empty()) << rate;
    for (std::size_t i = static_cast<std::size_t>(rate); i < static_cast<std::size_t>(2 * rate); ++i) {
      const double t = static_cast<double>(i) / rate;
      double v = 0;
      for (int h = 1; h <= 10; ++h) v += std::sin(2.0 * 3.141592653589793 * 200.0 * h * t) / h;
      x[i] = static_cast<float>(0.05 * v);
    }
    const auto segs = segment_speech(x, rate);
    ASSERT_EQ(segs.size(), 1u) << rate << ": " << describe(segs);
    EXPECT_NEAR(segs[0].start, 1.0, 0.05);
    EXPECT_NEAR(segs[0].end, 2.0, 0.08);
  }
}

TEST(Vad, BadOptionsThrowInputError) {
  SegmenterOptions o;
  o.min_segment_s = 20.0;
  EXPECT_THROW(VoiceActivityDetector(kRate, o), sentio::InputError);
  EXPECT_THROW(VoiceActivityDetector(22050, SegmenterOptions{}), sentio::InputError);
  SegmenterOptions t;
  t.offset_threshold = 0.9;
  EXPECT_THROW(segment_speech(std::vector<float>(100), kRate, t), sentio::InputError);
}

}  // namespace
