// SPDX-License-Identifier: Apache-2.0
// End-to-end: `sentio analyze` with the shipped models on a synthesized conversation (JSON and CSV),
// batch failures, bad options and models; on a shared video and image when ../shared is present.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../analysis/analysis_test_support.hpp"

namespace fs = std::filesystem;
using sentio::test::run_command;

namespace {

using sentio::test::sentio_cmd;

bool face_models_present() {
  return fs::exists(fs::path(SENTIO_SOURCE_DIR) / ".cache" / "models" / "human" / "emotion.json");
}

const fs::path& conversation() {
  static const fs::path path = [] {
    const fs::path p = sentio::test::temp_dir() / "talk.wav";
    sentio::test::synthesize_conversation(
        {{"en-us", 30, "I cannot believe you did that again, this is really annoying."},
         {"en-us+f3", 80, "Oh come on, it was only a small mistake, please calm down."},
         {"en-us", 30, "Fine. Let us just fix it together and move on."}},
        0.8, p);
    return p;
  }();
  return path;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(AnalyzeCli, ConversationJsonWithDefaultModel) {
  const fs::path out = sentio::test::temp_dir() / "talk.json";
  const auto r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["schema"], "sentio.analysis/2");
  EXPECT_EQ(j["input"]["kind"], "audio");
  const auto& s = j["speech"];
  EXPECT_EQ(s["status"], "ok");
  EXPECT_FALSE(s["model"]["path"].get<std::string>().empty());
  const auto labels = s["labels"].get<std::vector<std::string>>();
  EXPECT_GE(labels.size(), 7u);
  ASSERT_GE(s["segments"].size(), 3u);
  for (const auto& seg : s["segments"]) {
    double sum = 0;
    for (const auto& l : labels) sum += seg["probabilities"][l].get<double>();
    EXPECT_NEAR(sum, 1.0, 2e-3);
    EXPECT_GE(seg["valence"].get<double>(), -1.0);
    EXPECT_LE(seg["arousal"].get<double>(), 1.0);
    EXPECT_EQ(seg["confidence"].get<double>(), seg["probabilities"][seg["label"].get<std::string>()].get<double>());
  }
  EXPECT_EQ(s["speakers"].size(), 2u);
  EXPECT_EQ(s["segments"][0]["speaker"], "S1");
  EXPECT_FALSE(s["timeline"].empty());
  // The models behind the calls, with the licences their cards state (the shipped speech model's terms).
  ASSERT_GE(j["models"].size(), 1u);
  EXPECT_EQ(j["models"][0]["part"], "speech");
  EXPECT_EQ(j["models"][0]["path"], s["model"]["path"]);
  EXPECT_NE(j["models"][0]["licence"].get<std::string>().find("non-commercial"), std::string::npos);
}

// Uncertain segments: counted apart, never in the timeline; --min-confidence 0 never marks one; a segment
// shorter than 0.5 s is uncertain with a warning.
TEST(AnalyzeCli, UncertainSegmentsStayOutOfTheTimeline) {
  const auto analyse = [](const std::string& options, const fs::path& input) {
    const fs::path out = sentio::test::temp_dir() / "uncertain.json";
    const auto r = run_command(sentio_cmd("analyze -q " + options + " '" + input.string() + "' -o '" + out.string() + "'"));
    EXPECT_EQ(r.status, 0) << r.output;
    return read_json(out);
  };
  // Every call of the synthetic voices is below 0.99; none is below 0.
  const nlohmann::json all = analyse("--min-confidence 0.99", conversation());
  for (const auto& seg : all["speech"]["segments"]) EXPECT_TRUE(seg["uncertain"].get<bool>());
  EXPECT_TRUE(all["speech"]["timeline"].empty());
  for (const auto& sp : all["speech"]["speakers"]) {
    EXPECT_TRUE(sp["dominant_label"].is_null());
    EXPECT_EQ(sp["uncertain_segments"], sp["segments"]);
  }
  bool said = false;
  for (const auto& w : all["warnings"]) said |= w.get<std::string>().find("every speech segment is uncertain") != std::string::npos;
  EXPECT_TRUE(said) << all["warnings"].dump();
  const nlohmann::json none = analyse("--min-confidence 0", conversation());
  for (const auto& seg : none["speech"]["segments"]) EXPECT_FALSE(seg["uncertain"].get<bool>());
  for (const auto& sp : none["speech"]["speakers"]) EXPECT_EQ(sp["uncertain_segments"], 0);
  // The shipped model answers the 7 core labels only (no corpus-specific class such as boredom).
  EXPECT_EQ(none["speech"]["labels"].size(), 7u);

  const fs::path short_clip = sentio::test::temp_dir() / "short.wav";
  sentio::test::synthesize_conversation({{"en-us", 30, "Oh."}}, 0.0, short_clip);
  const nlohmann::json brief = analyse("", short_clip);  // about 0.4 s of speech
  ASSERT_EQ(brief["speech"]["status"], "ok") << brief.dump();
  ASSERT_EQ(brief["speech"]["segments"].size(), 1u);
  const auto& seg = brief["speech"]["segments"][0];
  ASSERT_LT(seg["end"].get<double>() - seg["start"].get<double>(), 0.5);
  EXPECT_TRUE(seg["uncertain"].get<bool>());
  said = false;
  for (const auto& w : brief["warnings"]) said |= w.get<std::string>().find("too short for an emotion") != std::string::npos;
  EXPECT_TRUE(said) << brief["warnings"].dump();
  const auto bad = run_command(sentio_cmd("analyze -q --min-confidence 2 '" + conversation().string() + "'"));
  EXPECT_EQ(bad.status, 2) << bad.output;
  EXPECT_NE(bad.output.find("--min-confidence"), std::string::npos) << bad.output;
}

TEST(AnalyzeCli, CsvRowsAndBatchWithFailures) {
  const fs::path dir = sentio::test::temp_dir() / "batch";
  const fs::path empty = sentio::test::temp_dir() / "empty.wav";
  std::ofstream(empty).close();
  const auto r = run_command(sentio_cmd("analyze -q --format csv '" + conversation().string() + "' '" +
                                        empty.string() + "' /nonexistent/x.wav -o '" + dir.string() + "/'"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("empty.wav"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("x.wav"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 input(s) failed, 1 analysed"), std::string::npos) << r.output;
  std::ifstream in(dir / "talk.csv");
  std::string header, row;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("file,start,end,speaker,channel,label,confidence,valence,arousal,vad_confidence,uncertain,p_", 0), 0u);
  int rows = 0;
  while (std::getline(in, row)) ++rows;
  EXPECT_GE(rows, 3);
  EXPECT_FALSE(fs::exists(dir / "empty.csv"));
}

TEST(AnalyzeCli, BadOptionsAndModelsAreUsageErrors) {
  const fs::path bad_model = sentio::test::temp_dir() / "corrupt_model.json";
  std::ofstream(bad_model) << "{\"format\": \"sentio.ser.linear\", \"version\": 1, \"labels\": [";
  auto r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' --speech-model '" +
                                  bad_model.string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("corrupt_model.json"), std::string::npos) << r.output;
  r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' --speaker-mode nonsense"));
  EXPECT_EQ(r.status, 2) << r.output;
  r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' --speaker-mode channels"));
  EXPECT_EQ(r.status, 1) << r.output;  // a mono file cannot be split by channel: that input fails
  EXPECT_NE(r.output.find("channel"), std::string::npos) << r.output;
  r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' '" + conversation().string() + "'"));
  EXPECT_EQ(r.status, 2) << r.output;  // several inputs need -o DIR
}

TEST(AnalyzeCli, NoiseAndSilenceAreMarkedNoSpeech) {
  const fs::path noise = sentio::test::temp_dir() / "noise.wav";
  ASSERT_EQ(run_command("sox -n -r 16000 -c 1 -b 16 '" + noise.string() + "' synth 6 whitenoise vol 0.05").status, 0);
  const fs::path out = sentio::test::temp_dir() / "noise.json";
  const auto r = run_command(sentio_cmd("analyze -q '" + noise.string() + "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["speech"]["status"], "no_speech");
  EXPECT_TRUE(j["speech"]["segments"].empty());
  ASSERT_FALSE(j["warnings"].empty());
  EXPECT_NE(j["warnings"][0].get<std::string>().find("no speech"), std::string::npos);
}

TEST(AnalyzeCli, TranscriptAloneGivesTextEmotionWithDrivers) {
  const fs::path transcript = sentio::test::temp_dir() / "chat.txt";
  std::ofstream(transcript) << "Anna: I am so happy you came, this is wonderful!\n"
                               "Ben: I hate waiting in this stupid line.\n"
                               "Anna: Oh no, that is really sad news.\n";
  const fs::path out = sentio::test::temp_dir() / "chat.json";
  const auto r = run_command(sentio_cmd("analyze -q --transcript '" + transcript.string() + "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["input"]["kind"], "transcript");
  EXPECT_FALSE(j.contains("speech"));
  const auto& t = j["text"];
  EXPECT_EQ(t["source"], "given");
  EXPECT_EQ(t["transcript_format"], "plain");
  EXPECT_FALSE(t["context"].get<bool>());
  ASSERT_EQ(t["utterances"].size(), 3u);
  const auto& u = t["utterances"];
  EXPECT_EQ(u[0]["speaker"], "Anna");
  EXPECT_TRUE(u[0]["start"].is_null());
  EXPECT_EQ(u[0]["label"], "happiness");
  EXPECT_EQ(u[0]["sentiment"], "positive");
  EXPECT_GT(u[0]["valence"].get<double>(), 0.3);
  EXPECT_EQ(u[1]["label"], "anger");
  EXPECT_EQ(u[1]["sentiment"], "negative");
  EXPECT_EQ(u[2]["label"], "sadness");
  // The words that drove the calls come with them.
  bool hate = false;
  for (const auto& d : u[1]["drivers"]) hate = hate || d["term"].get<std::string>().find("hate") != std::string::npos;
  EXPECT_TRUE(hate) << u[1]["drivers"].dump();
}

TEST(AnalyzeCli, RecordingWithSubtitlesGetsSpeakersFromTheSpeechPart) {
  const fs::path srt = sentio::test::temp_dir() / "talk.srt";
  // Cue times inside the three turns of the conversation fixture.
  std::ofstream(srt) << "1\n00:00:00,300 --> 00:00:02,000\nI cannot believe you did that again.\n\n"
                        "2\n00:00:05,200 --> 00:00:06,500\nOh come on, it was only a small mistake.\n\n";
  const fs::path out = sentio::test::temp_dir() / "talk_srt.json";
  const auto r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' --transcript '" + srt.string() +
                                        "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(out);
  ASSERT_EQ(j["text"]["utterances"].size(), 2u);
  EXPECT_EQ(j["text"]["transcript_format"], "srt");
  EXPECT_EQ(j["text"]["utterances"][0]["speaker"], j["speech"]["segments"][0]["speaker"]);
  EXPECT_NE(j["text"]["utterances"][0]["speaker"], j["text"]["utterances"][1]["speaker"]);
  // A binary file posing as a transcript fails that input with one line naming it.
  const fs::path binary = sentio::test::temp_dir() / "fake.srt";
  std::ofstream(binary, std::ios::binary) << std::string("\x00\x01\x02\xff\xfe\x00garbage", 12);
  const auto bad = run_command(sentio_cmd("analyze -q '" + binary.string() + "' -o '" + (sentio::test::temp_dir() / "fake.json").string() + "'"));
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_NE(bad.output.find("fake.srt"), std::string::npos) << bad.output;
}

TEST(AnalyzeCli, TranscriptWhoseTimesDoNotFitTheMediaWarnsAndStillGivesMoments) {
  const fs::path srt = sentio::test::temp_dir() / "late.srt";
  // Cues an hour into a recording of a few seconds: made for another file.
  std::ofstream(srt) << "1\n01:00:00,300 --> 01:00:02,000\nI cannot believe you did that again.\n\n"
                        "2\n01:00:05,200 --> 01:00:06,500\nOh come on, it was only a small mistake.\n\n";
  const fs::path out = sentio::test::temp_dir() / "late.json";
  const auto r = run_command(sentio_cmd("analyze -q '" + conversation().string() + "' --transcript '" + srt.string() +
                                        "' -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(out);
  bool warned = false;
  for (const auto& w : j["warnings"]) warned = warned || w.get<std::string>().find("start after the media ends") != std::string::npos;
  EXPECT_TRUE(warned) << j["warnings"].dump();
  // Moments from what is there: the voices' segments and the two utterances on their own.
  std::size_t voice = 0, words_only = 0;
  for (const auto& m : j["moments"]) {
    voice += m["modalities"].contains("voice");
    words_only += m["modalities"].size() == 1 && m["modalities"].contains("words");
  }
  EXPECT_EQ(voice, j["speech"]["segments"].size());
  EXPECT_EQ(words_only, 2u);
}

TEST(AnalyzeCli, VideoGivesFaceTracksGroupViewAndSpeech) {
  SENTIO_REQUIRE_SHARED(grid, "data/video/grid/bbaf2n.mpg");
  if (!face_models_present()) GTEST_SKIP() << "skipped: face models not found (run scripts/setup)";
  const fs::path out = sentio::test::temp_dir() / "grid.json";
  const auto r = run_command(sentio_cmd("analyze -q '" + grid.string() + "' --fps 5 -o '" + out.string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = read_json(out);
  EXPECT_EQ(j["input"]["kind"], "video");
  const auto& f = j["faces"];
  EXPECT_EQ(f["status"], "ok");
  EXPECT_EQ(f["frame_width"], 360);
  EXPECT_GE(f["frames_analysed"].get<int>(), 13);  // 3 s at 5 frames/s
  ASSERT_EQ(f["tracks"].size(), 1u);  // one talking face, one persistent ID
  const auto& t = f["tracks"][0];
  EXPECT_EQ(t["id"], 1);
  EXPECT_GE(t["observations"].size(), 13u);
  EXPECT_TRUE(t["mean_cues"].contains("mouth_opening"));
  EXPECT_TRUE(t["blinks"].is_null());  // 5 frames/s is too slow to count blinks
  EXPECT_EQ(f["group"]["frames"].size(), t["observations"].size());
  EXPECT_GE(f["group"]["windows"].size(), 2u);
  EXPECT_EQ(j["speech"]["status"], "ok");  // GRID clips have a spoken sentence
  bool face_model_listed = false;
  for (const auto& m : j["models"])
    if (m["part"] == "faces") face_model_listed = m["licence"].get<std::string>().find("FER2013") != std::string::npos;
  EXPECT_TRUE(face_model_listed) << j["models"].dump();
}

TEST(AnalyzeCli, ImageAndVideoWithoutFacesOrAudio) {
  SENTIO_REQUIRE_SHARED(video, "data/video/ravdess_faceshot");
  if (!face_models_present()) GTEST_SKIP() << "skipped: face models not found (run scripts/setup)";
  fs::path clip;
  for (const auto& e : fs::directory_iterator(video))
    if (e.path().extension() == ".mp4") clip = e.path();
  ASSERT_FALSE(clip.empty());
  const fs::path dir = sentio::test::temp_dir() / "faces";
  fs::create_directories(dir);
  const fs::path frame = dir / "frame.png", blank = dir / "blank.png";
  ASSERT_EQ(run_command("ffmpeg -loglevel error -y -ss 1 -i '" + clip.string() + "' -frames:v 1 '" + frame.string() + "'").status, 0);
  ASSERT_EQ(run_command("ffmpeg -loglevel error -y -f lavfi -i color=gray:s=320x240 -frames:v 1 '" + blank.string() + "'").status, 0);
  const auto r = run_command(sentio_cmd("analyze -q '" + frame.string() + "' '" + blank.string() + "' '" + clip.string() +
                                        "' -o '" + (dir / "out").string() + "'"));
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json img = read_json(dir / "out" / "frame.json");
  EXPECT_EQ(img["input"]["kind"], "image");
  EXPECT_FALSE(img.contains("speech"));
  ASSERT_EQ(img["faces"]["tracks"].size(), 1u);
  EXPECT_EQ(img["faces"]["tracks"][0]["observations"].size(), 1u);
  const nlohmann::json none = read_json(dir / "out" / "blank.json");
  EXPECT_EQ(none["faces"]["status"], "no_faces");
  EXPECT_TRUE(none["faces"]["tracks"].empty());
  // The RAVDESS face clip has no audio stream: faces analysed, speech skipped with a warning.
  const nlohmann::json vid = read_json(dir / "out" / (clip.stem().string() + ".json"));
  EXPECT_EQ(vid["input"]["kind"], "video");
  EXPECT_FALSE(vid.contains("speech"));
  ASSERT_FALSE(vid["warnings"].empty());
  EXPECT_NE(vid["warnings"][0].get<std::string>().find("speech not analysed"), std::string::npos);
  EXPECT_EQ(vid["faces"]["tracks"].size(), 1u);
}

}  // namespace
