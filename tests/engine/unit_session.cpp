// SPDX-License-Identifier: Apache-2.0
// Sessions on one engine with the shipped speech model: a file pushed in any chunking gives exactly the
// file's result; events arrive before finish() and agree with the result; bad pushes are InputErrors;
// several sessions on one engine at once give the results they give alone.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "engine_test_support.hpp"
#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/engine/analyze.hpp"
#include "sentio/engine/session.hpp"
#include "sentio/media/audio_decoder.hpp"

namespace sentio {
namespace {

namespace fs = std::filesystem;

// A 22.05 kHz stereo conversation: resampling and the channel mix are part of every session below.
const fs::path& conversation() {
  static const fs::path path =
      test::write_wav(test::temp_dir() / "conversation.wav", test::voiced_conversation(22050, 2), 22050, 2);
  return path;
}

struct Native {
  std::vector<float> samples;
  int rate = 0, channels = 0;
};

Native decode_native(const fs::path& file) {
  media::AudioDecodeOptions d;
  d.channel = media::kAllChannels;
  media::AudioDecoder decoder(file.string(), d);
  Native n;
  n.rate = decoder.info().sample_rate;
  n.channels = decoder.info().channels;
  std::vector<float> block(8192 * static_cast<std::size_t>(n.channels));
  while (const std::size_t got = decoder.read(block)) n.samples.insert(n.samples.end(), block.begin(), block.begin() + got);
  return n;
}

SessionOptions file_like(const fs::path& file) {
  SessionOptions o;
  o.input_name = file.string();
  o.input_kind = "audio";
  return o;
}

// The file's audio pushed in chunks of random sizes (1 to max_frames frames).
AnalysisResult push_in_chunks(const fs::path& file, std::uint32_t seed, std::size_t max_frames,
                              std::vector<analysis::SpeechSegment>* events = nullptr) {
  const Native audio = decode_native(file);
  Session session(test::shared_engine(), file_like(file), [&](const Event& e) {
    if (events && e.type == Event::Type::segment) events->push_back(*e.segment);
  });
  Session::SourceInfo source;
  source.channels = audio.channels;
  source.sample_rate = audio.rate;
  session.set_source(source);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> size(1, max_frames);
  const auto c = static_cast<std::size_t>(audio.channels);
  for (std::size_t i = 0; i < audio.samples.size();) {
    const std::size_t n = std::min(size(rng) * c, audio.samples.size() - i);
    session.push_audio(std::span<const float>(audio.samples).subspan(i, n), audio.rate, audio.channels);
    i += n;
  }
  return session.finish();
}

TEST(Session, AnyChunkingGivesTheFileResult) {
  const AnalysisResult file = analyze_file(test::shared_engine(), conversation().string());
  ASSERT_TRUE(file.speech);
  EXPECT_GE(file.speech->segments.size(), 4u);
  const std::string reference = analysis::to_json(file, "t");
  for (const auto& [seed, max_frames] : std::vector<std::pair<std::uint32_t, std::size_t>>{
           {1, 3}, {2, 700}, {3, 22050}, {4, 200000}}) {
    const std::string pushed = analysis::to_json(push_in_chunks(conversation(), seed, max_frames), "t");
    EXPECT_EQ(pushed, reference) << "seed " << seed << ", chunks up to " << max_frames << " frames";
  }
}

TEST(Session, SegmentEventsComeBeforeFinishWithFinalBounds) {
  std::vector<analysis::SpeechSegment> events;
  const AnalysisResult r = push_in_chunks(conversation(), 9, 2205, &events);
  ASSERT_TRUE(r.speech);
  ASSERT_EQ(events.size(), r.speech->segments.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_DOUBLE_EQ(events[i].start, r.speech->segments[i].start);
    EXPECT_DOUBLE_EQ(events[i].end, r.speech->segments[i].end);
    EXPECT_EQ(events[i].probabilities.size(), r.speech->labels.size());
  }
  EXPECT_NEAR(r.input.duration_s, 5 * 3.3, 0.01);
  EXPECT_EQ(r.input.channels, 2);
  EXPECT_EQ(r.input.source_sample_rate, 22050);
}

TEST(Session, BadPushesAreInputErrors) {
  const std::vector<float> stereo(4410, 0.0f);
  {
    Session s(test::shared_engine());
    s.push_audio(stereo, 22050, 2);
    EXPECT_THROW(s.push_audio(stereo, 44100, 2), InputError);             // rate changed mid-stream
    EXPECT_THROW(s.push_audio(stereo, 22050, 1), InputError);             // channels changed
    EXPECT_THROW(s.push_audio(std::span<const float>(stereo).first(3), 22050, 2), InputError);  // half a frame
    (void)s.finish();
    EXPECT_THROW(s.push_audio(stereo, 22050, 2), InputError);             // after finish
    EXPECT_THROW((void)s.finish(), InputError);
  }
  {
    Session s(test::shared_engine());
    EXPECT_THROW(s.push_audio(stereo, 0, 2), InputError);
    EXPECT_THROW(s.push_audio(stereo, 16000, 100), InputError);
  }
  {
    SessionOptions o;
    o.speaker_mode = analysis::SpeakerMode::channels;
    Session s(test::shared_engine(), o);
    EXPECT_THROW(s.push_audio(stereo, 16000, 1), InputError);  // one channel cannot be split
  }
  {
    Session s(test::shared_engine());
    const std::vector<std::uint8_t> rgb(10 * 10 * 3, 0);
    EXPECT_THROW(s.push_frame(std::span<const std::uint8_t>(rgb).first(20), 10, 10, 0.0), InputError);
  }
  SessionOptions bad;
  bad.fps = 0;
  EXPECT_THROW(Session(test::shared_engine(), bad), InputError);
  bad = {};
  bad.speakers = 2;
  bad.speaker_mode = analysis::SpeakerMode::single;
  EXPECT_THROW(Session(test::shared_engine(), bad), InputError);
}

TEST(Engine, ConcurrentSessionsGiveTheResultsTheyGiveAlone) {
  const std::string alone = analysis::to_json(analyze_file(test::shared_engine(), conversation().string()), "t");
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < results.size(); ++k)
    threads.emplace_back([&, k] {
      results[k] = analysis::to_json(push_in_chunks(conversation(), static_cast<std::uint32_t>(20 + k), 3000), "t");
    });
  for (std::thread& t : threads) t.join();
  for (const std::string& r : results) EXPECT_EQ(r, alone);
}

TEST(Engine, ModelErrorsNameTheFileAndRepeat) {
  EngineOptions o;
  o.speech_model = (test::temp_dir() / "missing-model.json").string();
  const auto engine = Engine::create(o);  // nothing loaded yet
  for (int k = 0; k < 2; ++k) {
    try {
      (void)engine->speech_model();
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("missing-model.json"), std::string::npos) << e.what();
    }
  }
  EngineOptions lang;
  lang.language = "xx-unknown";
  EXPECT_THROW((void)Engine::create(lang), InputError);
}

}  // namespace
}  // namespace sentio
