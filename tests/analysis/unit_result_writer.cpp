// SPDX-License-Identifier: Apache-2.0
// JSON (sentio.analysis/2) and CSV forms of a hand-built result.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sentio/analysis/result_writer.hpp"
#include "sentio/analysis/summaries.hpp"

namespace sentio::analysis {
namespace {

AnalysisResult sample_result() {
  AnalysisResult r;
  r.input = {"dir/call, 1.wav", "audio", 12.3456, 2, 8000};
  SpeechResult s;
  s.speaker_mode = "channels";
  s.labels = {"neutral", "anger"};
  s.model_kind = "linear";
  s.model_path = "m.json";
  SpeechSegment a;
  a.start = 0.12345;
  a.end = 1.5;
  a.speaker = "ch1";
  a.channel = 0;
  a.vad_confidence = 0.9f;
  a.probabilities = {0.25f, 0.75f};
  decide_segment(a, s.labels);
  s.segments.push_back(a);
  s.timeline = build_timeline(s.segments);
  s.speakers = summarise_speakers(s.segments, s.labels);
  r.speech = s;
  r.models = {{"speech", "m.json", "CC BY 4.0"}, {"fusion", "f.json", ""}};
  return r;
}

TEST(ResultJson, SchemaFieldsAndRounding) {
  const nlohmann::json j = nlohmann::json::parse(to_json(sample_result(), "sentio test"));
  EXPECT_EQ(j["schema"], "sentio.analysis/2");
  EXPECT_EQ(j["generator"], "sentio test");
  EXPECT_DOUBLE_EQ(j["input"]["duration_s"].get<double>(), 12.346);
  EXPECT_EQ(j["input"]["channels"], 2);
  const auto& seg = j["speech"]["segments"][0];
  EXPECT_DOUBLE_EQ(seg["start"].get<double>(), 0.123);
  EXPECT_EQ(seg["speaker"], "ch1");
  EXPECT_EQ(seg["channel"], 0);
  EXPECT_EQ(seg["label"], "anger");
  EXPECT_DOUBLE_EQ(seg["probabilities"]["anger"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(seg["valence"].get<double>(), -0.45);  // 0.75 * -0.60
  EXPECT_EQ(j["speech"]["timeline"][0]["last_segment"], 0);
  EXPECT_EQ(j["speech"]["valence_arousal_source"], "circumplex-mapping");
  EXPECT_EQ(j["speech"]["speakers"][0]["dominant_label"], "anger");
  EXPECT_DOUBLE_EQ(j["speech"]["speakers"][0]["label_seconds"]["anger"].get<double>(), 1.377);
  EXPECT_TRUE(j["warnings"].empty());
  ASSERT_EQ(j["models"].size(), 2u);
  EXPECT_EQ(j["models"][0]["part"], "speech");
  EXPECT_EQ(j["models"][0]["path"], "m.json");
  EXPECT_EQ(j["models"][0]["licence"], "CC BY 4.0");
  EXPECT_TRUE(j["models"][1]["licence"].is_null());  // not stated
}

TEST(ResultJson, NoSpeechPartWhenAbsent) {
  AnalysisResult r;
  r.input.path = "x.wav";
  r.warnings.push_back("something");
  const nlohmann::json j = nlohmann::json::parse(to_json(r, "g"));
  EXPECT_FALSE(j.contains("speech"));
  EXPECT_EQ(j["warnings"][0], "something");
}

TEST(ResultCsv, HeaderRowAndQuoting) {
  const std::string csv = to_csv(sample_result());
  EXPECT_EQ(csv,
            "file,start,end,speaker,channel,label,confidence,valence,arousal,vad_confidence,uncertain,p_neutral,p_anger\n"
            "\"dir/call, 1.wav\",0.123,1.500,ch1,0,anger,0.7500,-0.4500,0.5250,0.9000,false,0.2500,0.7500\n");
}

}  // namespace
}  // namespace sentio::analysis
