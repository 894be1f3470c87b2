// SPDX-License-Identifier: Apache-2.0
// SER manifest reader: label mapping, relative paths, missing files and unknown labels skipped and counted.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sentio/core/error.hpp"
#include "sentio/ser/manifest.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace sentio::ser;

namespace {

// The reader's use of the shared label table: every spelling of a speech class, plus its own one-letter
// codes; labels outside the nine classes stay unknown.
TEST(SerManifest, LabelsThroughTheSharedTable) {
  const std::pair<const char*, const char*> cases[] = {
      {"n", "neutral"},  {"h", "happiness"}, {"s", "sadness"},   {"a", "anger"},     {"f", "fear"},
      {"D", "disgust"},  {"neu", "neutral"}, {"hap", "happiness"}, {"joy", "happiness"}, {"ang", "anger"},
      {"fea", "fear"},   {"dis", "disgust"}, {"sur", "surprise"},  {"boredom", "boredom"}, {"Calm", "calm"},
      {"Joyful", "happiness"}, {"mad", "anger"}, {"scared", "fear"}, {"peaceful", "calm"}, {"No Emotion", "neutral"}};
  for (const auto& [raw, label] : cases) EXPECT_EQ(map_emotion_label(raw), std::string(label)) << raw;
  for (const char* raw : {"contemptuous", "admiration", "powerful", "none", "sa", "su", "xyz"})
    EXPECT_FALSE(map_emotion_label(raw).has_value()) << raw;
  EXPECT_EQ(canonical_labels(), (std::vector<std::string>{"neutral", "happiness", "sadness", "anger", "fear",
                                                           "disgust", "surprise", "calm", "boredom"}));
}

TEST(SerManifest, LabelMapping) {
  EXPECT_EQ(map_emotion_label("neutral"), "neutral");
  EXPECT_EQ(map_emotion_label(" Happy "), "happiness");
  EXPECT_EQ(map_emotion_label("ANGRY"), "anger");
  EXPECT_EQ(map_emotion_label("fearful"), "fear");
  EXPECT_EQ(map_emotion_label("surprised"), "surprise");
  EXPECT_EQ(map_emotion_label("calm"), "calm");
  EXPECT_EQ(map_emotion_label("bored"), "boredom");
  EXPECT_FALSE(map_emotion_label("contempt").has_value());
  EXPECT_FALSE(map_emotion_label("").has_value());
  EXPECT_EQ(canonical_labels().size(), 9u);
  for (const auto& l : canonical_labels()) EXPECT_EQ(map_emotion_label(l), l);  // canonical names map to themselves
}

TEST(SerManifest, SkipsMissingFilesAndUnknownLabels) {
  const fs::path dir = sentio::test::temp_dir() / "ser_manifest";
  fs::create_directories(dir / "audio");
  std::ofstream(dir / "audio" / "a.wav") << "x";
  std::ofstream(dir / "audio" / "b.wav") << "x";
  std::ofstream(dir / "manifest.csv") << "path,speaker,gender,emotion,language,text_id\r\n"
                                         "audio/a.wav,spk1,male,happy,en,t1\r\n"
                                         "audio/missing.wav,spk1,male,sad,en,t1\r\n"
                                         "audio/b.wav,spk2,female,contempt,en,t2\r\n"
                                         "audio/b.wav,spk2,female,contempt,en,t2\r\n"
                                         "\"audio/b.wav\",spk2,female,Boredom,de,t3\r\n"
                                         "audio/b.wav\r\n";
  const Manifest m = read_manifest((dir / "manifest.csv").string());
  ASSERT_EQ(m.items.size(), 2u);
  EXPECT_EQ(m.items[0].label, "happiness");
  EXPECT_EQ(m.items[0].speaker, "spk1");
  EXPECT_EQ(fs::path(m.items[0].path), dir / "audio" / "a.wav");  // relative to the manifest's folder
  EXPECT_EQ(m.items[1].label, "boredom");
  EXPECT_EQ(m.items[1].language, "de");
  EXPECT_EQ(m.items[1].text_id, "t3");
  EXPECT_EQ(m.items[1].corpus, "ser_manifest");  // the manifest's folder
  Manifest core = m;
  apply_class_set(core, ClassSet::core);  // boredom (EmoDB) and calm (RAVDESS) merge into neutral
  EXPECT_EQ(core.items[0].label, "happiness");
  EXPECT_EQ(core.items[1].label, "neutral");
  EXPECT_EQ(core_label("calm"), "neutral");
  EXPECT_EQ(core_label("anger"), "anger");
  EXPECT_EQ(parse_class_set("all"), ClassSet::all);
  EXPECT_THROW(parse_class_set("seven"), sentio::InputError);
  EXPECT_EQ(m.n_missing_files, 1u);
  ASSERT_EQ(m.unknown_labels.size(), 1u);
  EXPECT_EQ(m.unknown_labels.at("contempt"), 2u);
  EXPECT_EQ(m.problems.size(), 4u);  // missing, 2 x contempt, too few fields
  EXPECT_NE(m.problems[0].find(":3:"), std::string::npos) << m.problems[0];  // names the line

  const Manifest two = read_manifests({(dir / "manifest.csv").string(), (dir / "manifest.csv").string()});
  EXPECT_EQ(two.items.size(), 4u);
  EXPECT_EQ(two.unknown_labels.at("contempt"), 4u);
  EXPECT_EQ(two.n_missing_files, 2u);
}

TEST(SerManifest, UnreadableOrHeaderlessIsAnInputError) {
  const fs::path dir = sentio::test::temp_dir();
  EXPECT_THROW(read_manifest((dir / "nope.csv").string()), sentio::InputError);
  std::ofstream(dir / "empty.csv") << "";
  EXPECT_THROW(read_manifest((dir / "empty.csv").string()), sentio::InputError);
  std::ofstream(dir / "nolabel.csv") << "path,speaker,label\na.wav,s,happy\n";
  try {
    read_manifest((dir / "nolabel.csv").string());
    FAIL() << "expected InputError";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'emotion'"), std::string::npos) << e.what();
  }
}

}  // namespace
