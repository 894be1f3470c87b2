// SPDX-License-Identifier: Apache-2.0
// The speech pipeline of `sentio analyze` on synthesized conversations: segments, speakers (diarize,
// channels, single), no-speech results, independence from the block size, batch output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include <nlohmann/json.hpp>

#include "analysis_test_support.hpp"
#include "sentio/analysis/analyze_job.hpp"
#include "sentio/core/error.hpp"

namespace sentio::analysis {
namespace {

namespace fs = std::filesystem;

class NullProgress final : public Progress {
 public:
  void set_total(double) override {}
  void advance(double) override {}
  void finish() override {}
};

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

SpeechResult run(const fs::path& file, SpeechAnalysisOptions options, MediaSummary* info = nullptr) {
  test::LoudnessModel model;
  NullProgress progress;
  MediaSummary input;
  SpeechResult r = analyze_speech(file.string(), model, options, progress, input);
  if (info) *info = input;
  return r;
}

TEST(SpeechAnalysis, ConversationOfTwoVoicesGivesAlternatingSpeakers) {
  SpeechAnalysisOptions o;
  o.n_threads = 2;
  MediaSummary info;
  const SpeechResult r = run(conversation(), o, &info);
  EXPECT_GT(info.duration_s, 10.0);
  EXPECT_EQ(info.channels, 1);
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

TEST(SpeechAnalysis, ResultsDoNotDependOnBlockSizeOrThreads) {
  SpeechAnalysisOptions small;
  small.block_s = 1.0;
  small.n_threads = 1;
  SpeechAnalysisOptions large;
  large.block_s = 60.0;
  large.n_threads = 2;
  const SpeechResult a = run(conversation(), small);
  const SpeechResult b = run(conversation(), large);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    EXPECT_DOUBLE_EQ(a.segments[i].start, b.segments[i].start);
    EXPECT_DOUBLE_EQ(a.segments[i].end, b.segments[i].end);
    EXPECT_EQ(a.segments[i].speaker, b.segments[i].speaker);
    EXPECT_EQ(a.segments[i].probabilities, b.segments[i].probabilities);
  }
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
  MediaSummary info;
  const SpeechResult r = run(stereo, o, &info);
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

TEST(AnalyzeJob, BatchWritesGoodInputsAndReportsFailures) {
  const fs::path out = test::temp_dir() / "results";
  AnalyzeJob job;
  job.files = {conversation().string(), (test::temp_dir() / "missing.wav").string()};
  job.output = out.string();
  job.generator = "test";
  test::LoudnessModel model;
  AnalysisModels models;
  models.speech = &model;
  const AnalyzeReport report = run_analyze(job, models);
  EXPECT_EQ(report.n_ok, 1);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_NE(report.failures[0].message.find("missing.wav"), std::string::npos);
  const fs::path doc = out / "conversation.json";
  ASSERT_TRUE(fs::exists(doc));
  std::ifstream in(doc);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["schema"], "sentio.analysis/1");
  EXPECT_EQ(j["input"]["kind"], "audio");
  EXPECT_EQ(j["speech"]["model"]["kind"], "test-loudness");
  EXPECT_GE(j["speech"]["segments"].size(), 4u);
  EXPECT_FALSE(fs::exists(out / "conversation.json.part"));
  // Several inputs need a folder.
  job.output = "";
  EXPECT_THROW(run_analyze(job, models), InputError);
}

}  // namespace
}  // namespace sentio::analysis
