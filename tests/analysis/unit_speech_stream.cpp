// SPDX-License-Identifier: Apache-2.0
// The speech part of a stream on synthesized conversations: segments, speakers (diarize, channels,
// single), provisional speakers, no-speech results, independence from the chunking and the threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "analysis_test_support.hpp"
#include "sentio/analysis/speech_stream.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"

namespace sentio::analysis {
namespace {

namespace fs = std::filesystem;

// Two clearly different voices taking turns: A B A B.
const fs::path& conversation() {
  static const fs::path path = [] {
    const fs::path p = test::temp_dir() / "conversation.wav";
    test::synthesize_conversation({{"en-us", 30, "Good morning, I would like to talk about the report."},
                                   {"en-us+f3", 80, "Of course, I read it yesterday evening and liked it."},
                                   {"en-us", 30, "The numbers in the second part look wrong to me."},
                                   {"en-us+f3", 80, "I will check them again and send you a new version."}},
                                  0.8, p);
    return p;
  }();
  return path;
}

struct Decoded {
  std::vector<float> samples;  // 16 kHz, interleaved in channels mode
  int channels = 1;
  double duration_s = 0;
  int source_channels = 0;
};

Decoded decode(const fs::path& file, bool per_channel) {
  media::AudioDecodeOptions d;
  d.sample_rate = kSpeechRate;
  d.channel = per_channel ? media::kAllChannels : media::kMixChannels;
  media::AudioDecoder decoder(file.string(), d);
  Decoded out;
  out.channels = decoder.info().channels;
  out.source_channels = decoder.info().source_channels;
  std::vector<float> block(4096 * static_cast<std::size_t>(out.channels));
  while (const std::size_t n = decoder.read(block)) out.samples.insert(out.samples.end(), block.begin(), block.begin() + n);
  out.duration_s = static_cast<double>(out.samples.size() / static_cast<std::size_t>(out.channels)) / kSpeechRate;
  return out;
}

// The stream fed in chunks of `chunk` frames (0 = all at once); `provisional` receives what push() returned.
SpeechResult run(const fs::path& file, SpeechAnalysisOptions options, Decoded* info = nullptr, std::size_t chunk = 0,
                 Executor& executor = inline_executor(), std::vector<SpeechSegment>* provisional = nullptr) {
  static const test::LoudnessModel model;
  const Decoded audio = decode(file, options.speaker_mode == SpeakerMode::channels);
  if (options.speaker_mode == SpeakerMode::channels && audio.channels < 2)
    throw InputError(file.string() + ": per-channel speaker mode needs two or more channels");
  SpeechStream stream(model, options, audio.channels, executor);
  const std::size_t step = (chunk == 0 ? audio.samples.size() : chunk * static_cast<std::size_t>(audio.channels));
  auto keep = [&](const SpeechUpdate& u) {
    if (provisional) provisional->insert(provisional->end(), u.segments.begin(), u.segments.end());
  };
  for (std::size_t i = 0; i < audio.samples.size(); i += step)
    keep(stream.push(std::span<const float>(audio.samples).subspan(i, std::min(step, audio.samples.size() - i))));
  keep(stream.close());
  if (info) *info = audio;
  return stream.result();
}

TEST(SpeechAnalysis, ConversationOfTwoVoicesGivesAlternatingSpeakers) {
  SpeechAnalysisOptions o;
  Decoded info;
  std::vector<SpeechSegment> provisional;
  const auto pool = make_thread_pool(2);
  const SpeechResult r = run(conversation(), o, &info, 1600, *pool, &provisional);
  EXPECT_GT(info.duration_s, 10.0);
  EXPECT_EQ(info.source_channels, 1);
  // Every segment was returned once while streaming, with the same bounds (speakers were provisional).
  ASSERT_EQ(provisional.size(), r.segments.size());
  for (std::size_t i = 0; i < provisional.size(); ++i) {
    EXPECT_DOUBLE_EQ(provisional[i].start, r.segments[i].start);
    EXPECT_DOUBLE_EQ(provisional[i].end, r.segments[i].end);
    EXPECT_FALSE(provisional[i].speaker.empty());
  }
  ASSERT_EQ(r.status, "ok");
  EXPECT_EQ(r.speaker_mode, "diarization");
  EXPECT_EQ(r.labels, (std::vector<std::string>{"neutral", "anger"}));
  ASSERT_GE(r.segments.size(), 4u);
  // The four turns are ~0.8 s apart: every segment must lie inside one turn, and speakers alternate.
  std::vector<std::string> turn_speakers;
  for (const SpeechSegment& s : r.segments) {
    EXPECT_LT(s.start, s.end);
    EXPECT_GE(s.start, 0.0);
    EXPECT_LE(s.end, info.duration_s + 1e-6);
    EXPECT_NEAR(std::accumulate(s.probabilities.begin(), s.probabilities.end(), 0.0f), 1.0f, 1e-5);
    if (turn_speakers.empty() || turn_speakers.back() != s.speaker) turn_speakers.push_back(s.speaker);
  }
  EXPECT_EQ(turn_speakers, (std::vector<std::string>{"S1", "S2", "S1", "S2"}));
  ASSERT_EQ(r.speakers.size(), 2u);
  EXPECT_EQ(r.speakers[0].speaker, "S1");
  double total = 0;
  for (const SpeechSegment& s : r.segments) total += s.end - s.start;
  EXPECT_NEAR(r.speakers[0].speech_s + r.speakers[1].speech_s, total, 1e-9);
  // Timeline entries cover their segments.
  for (const TimelineEntry& e : r.timeline) {
    EXPECT_DOUBLE_EQ(e.start, r.segments[e.first_segment].start);
    EXPECT_DOUBLE_EQ(e.end, r.segments[e.last_segment].end);
  }
}

TEST(SpeechAnalysis, KnownSpeakerCountAndSingleMode) {
  SpeechAnalysisOptions o;
  o.speaker_mode = SpeakerMode::single;
  const SpeechResult single = run(conversation(), o);
  ASSERT_FALSE(single.segments.empty());
  for (const SpeechSegment& s : single.segments) EXPECT_EQ(s.speaker, "S1");
  EXPECT_EQ(single.speaker_mode, "single");
  SpeechAnalysisOptions two;
  two.diarization.n_speakers = 2;
  const SpeechResult r = run(conversation(), two);
  ASSERT_EQ(r.speakers.size(), 2u);
}

TEST(SpeechAnalysis, ResultsDoNotDependOnChunkingOrThreads) {
  const auto pool = make_thread_pool(2);
  const SpeechResult a = run(conversation(), {}, nullptr, 0, inline_executor());
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{160}, std::size_t{1601}, std::size_t{48000}}) {
    const SpeechResult b = run(conversation(), {}, nullptr, chunk, *pool);
    ASSERT_EQ(a.segments.size(), b.segments.size()) << chunk;
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      EXPECT_DOUBLE_EQ(a.segments[i].start, b.segments[i].start);
      EXPECT_DOUBLE_EQ(a.segments[i].end, b.segments[i].end);
      EXPECT_EQ(a.segments[i].speaker, b.segments[i].speaker);
      EXPECT_EQ(a.segments[i].probabilities, b.segments[i].probabilities);
    }
  }
}

// A segment cutter (the faces' turns in a session) cuts a closed segment before its speaker split and
// emotion evidence: the parts meet at the cut and each has its own evidence.
TEST(SpeechAnalysis, ASegmentCutterCutsClosedSegments) {
  static const test::LoudnessModel model;
  const Decoded audio = decode(conversation(), false);
  const SpeechResult plain = run(conversation(), {});
  ASSERT_FALSE(plain.segments.empty());
  const SpeechSegment& first = plain.segments.front();
  const double cut = (first.start + first.end) / 2;
  SpeechStream stream(model, {}, 1, inline_executor());
  int calls = 0;
  stream.set_segment_cutter([&](double start, double end) {
    ++calls;
    return start <= cut && cut < end ? std::vector<double>{cut} : std::vector<double>{};
  });
  stream.push(audio.samples);
  stream.close();
  const SpeechResult r = stream.result();
  EXPECT_GE(calls, 1);
  ASSERT_GE(r.segments.size(), plain.segments.size() + 1);
  EXPECT_DOUBLE_EQ(r.segments[0].start, first.start);
  EXPECT_NEAR(r.segments[0].end, cut, 1e-9);
  EXPECT_NEAR(r.segments[1].start, cut, 1e-9);
  EXPECT_NE(r.segments[0].probabilities, r.segments[1].probabilities);
}

TEST(SpeechAnalysis, StereoCallOneSpeakerPerChannel) {
  const fs::path dir = test::temp_dir();
  const fs::path left = dir / "left.wav", right = dir / "right.wav", stereo = dir / "call.wav";
  // Left talks first, then right; each channel is silent while the other speaks.
  test::synthesize_conversation({{"en-us", 30, "Hello, thank you for calling, how can I help?"}}, 3.5, left);
  ASSERT_EQ(test::run_command("sox -n -r 16000 -c 1 -b 16 '" + (dir / "gap.wav").string() + "' trim 0 3.2").status, 0);
  test::synthesize_conversation({{"en-us+f3", 80, "My order has not arrived yet."}}, 0.5, dir / "r0.wav");
  ASSERT_EQ(test::run_command("sox '" + (dir / "gap.wav").string() + "' '" + (dir / "r0.wav").string() + "' '" +
                              right.string() + "'")
                .status,
            0);
  ASSERT_EQ(test::run_command("sox -M '" + left.string() + "' '" + right.string() + "' '" + stereo.string() + "'")
                .status,
            0);
  SpeechAnalysisOptions o;
  o.speaker_mode = SpeakerMode::channels;
  Decoded info;
  const SpeechResult r = run(stereo, o, &info, 3000);
  EXPECT_EQ(info.channels, 2);
  ASSERT_GE(r.segments.size(), 2u);
  EXPECT_EQ(r.segments.front().speaker, "ch1");
  EXPECT_EQ(r.segments.front().channel, 0);
  EXPECT_EQ(r.segments.back().speaker, "ch2");
  EXPECT_EQ(r.segments.back().channel, 1);
  EXPECT_GT(r.segments.back().start, 3.0);
  EXPECT_THROW(run(conversation(), o), InputError);  // mono file: no channels to split
}

TEST(SpeechAnalysis, SilenceIsMarkedNoSpeech) {
  const fs::path silence = test::temp_dir() / "silence.wav";
  ASSERT_EQ(test::run_command("sox -n -r 16000 -c 1 -b 16 '" + silence.string() + "' trim 0 5").status, 0);
  const SpeechResult r = run(silence, {});
  EXPECT_EQ(r.status, "no_speech");
  EXPECT_TRUE(r.segments.empty());
  EXPECT_TRUE(r.speakers.empty());
  const fs::path short_clip = test::temp_dir() / "short.wav";
  ASSERT_EQ(test::run_command("sox '" + conversation().string() + "' '" + short_clip.string() + "' trim 0.5 0.2").status, 0);
  EXPECT_EQ(run(short_clip, {}).status, "no_speech");
}

}  // namespace
}  // namespace sentio::analysis
