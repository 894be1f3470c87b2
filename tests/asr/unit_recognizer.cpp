// SPDX-License-Identifier: Apache-2.0
// The pocketsphinx recognizer on speech synthesized with espeak-ng: accuracy with the general language
// model and with a grammar, word timestamps, and load errors.
#include <gtest/gtest.h>

#include <fstream>

#include "sentio/asr/recognizer.hpp"
#include "sentio/asr/wer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace sentio::asr;

namespace {

constexpr const char* kSentence = "We are going to the beach this weekend.";

// espeak-ng's Klatt voice, US English, 150 words/min: of the voices tried it is the one the en-us acoustic
// model recognizes best (bench/asr_wer.md). sox -D: no random dither, so the audio and the recognized
// words are the same on every run; gain -3: head-room for the resampler.
const std::vector<float>& sentence_audio() {
  static const std::vector<float> samples = [] {
    const fs::path dir = sentio::test::temp_dir();
    const fs::path raw = dir / "raw.wav", wav = dir / "sentence.wav";
    const auto r = sentio::test::run_command("espeak-ng -v en-us+klatt4 -s 150 -w '" + raw.string() + "' \"" + kSentence +
                                             "\" && sox -D '" + raw.string() + "' -r 16000 -c 1 -b 16 '" + wav.string() + "' gain -3");
    if (r.status != 0) throw std::runtime_error("speech synthesis failed: " + r.output);
    return sentio::media::decode_audio(wav.string(), kSampleRate);
  }();
  return samples;
}

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path p = sentio::test::temp_dir() / name;
  std::ofstream(p) << text;
  return p;
}

std::string joined(const std::vector<Word>& words) {
  std::string s;
  for (const Word& w : words) s += (s.empty() ? "" : " ") + w.text;
  return s;
}

void expect_valid_timing(const std::vector<Word>& words, double t0, double t1) {
  double previous_end = t0;
  for (const Word& w : words) {
    EXPECT_GE(w.start, previous_end - 1e-9) << w.text;
    EXPECT_GT(w.end, w.start) << w.text;
    EXPECT_LE(w.end, t1 + 1e-9) << w.text;
    EXPECT_GE(w.confidence, 0.0f);
    EXPECT_LE(w.confidence, 1.0f);
    previous_end = w.end;
  }
}

}  // namespace

TEST(SpeechRecognizer, GeneralLanguageModelOnSynthesizedSpeech) {
  const SpeechRecognizer recognizer;
  const auto& x = sentence_audio();
  const double duration = static_cast<double>(x.size()) / kSampleRate;
  const std::vector<Word> words = recognizer.recognize(x, 0.0);
  // Measured: "we are going to be this weekend", WER 1/8 (over 24 sentences of this voice the
  // general LM's WER is ~0.4: bench/asr_wer.md). Bound: 3 of 8 words wrong.
  const WerResult r = word_error_rate(kSentence, joined(words));
  EXPECT_LE(r.counts.wer(), 3.0 / 8.0) << joined(words);
  ASSERT_GE(words.size(), 3u);
  expect_valid_timing(words, 0.0, duration);
  for (const Word& w : words) {
    EXPECT_EQ(w.text.find('('), std::string::npos) << w.text;
    EXPECT_NE(w.text.front(), '<') << w.text;
  }

  // The same utterance later in a recording: identical words, times shifted by exactly start_time.
  const std::vector<Word> shifted = recognizer.recognize(x, 10.0);
  ASSERT_EQ(shifted.size(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(shifted[i].text, words[i].text);
    EXPECT_NEAR(shifted[i].start, words[i].start + 10.0, 1e-9);
    EXPECT_NEAR(shifted[i].end, words[i].end + 10.0, 1e-9);
  }
  EXPECT_TRUE(recognizer.recognize({}, 0.0).empty());
  EXPECT_EQ(recognizer.engine(), "pocketsphinx 5prealpha");
  EXPECT_NE(recognizer.model().find("en-us.lm.bin"), std::string::npos) << recognizer.model();
}

TEST(SpeechRecognizer, GrammarRestrictsTheSentences) {
  const fs::path grammar = write_file("greetings.jsgf",
                                      "#JSGF V1.0;\ngrammar greetings;\n"
                                      "public <s> = we are going to the beach this weekend | please close the window | thank you very much;\n");
  RecognizerOptions o;
  o.grammar = grammar.string();
  const SpeechRecognizer recognizer(o);
  const auto& x = sentence_audio();
  const double duration = static_cast<double>(x.size()) / kSampleRate;
  const std::vector<Word> words = recognizer.recognize(x, 2.5);
  EXPECT_EQ(joined(words), "we are going to the beach this weekend");
  expect_valid_timing(words, 2.5, 2.5 + duration);
  ASSERT_EQ(words.size(), 8u);
  // espeak-ng starts speaking within ~0.1 s; "weekend" (2 syllables) outlasts "the".
  EXPECT_LT(words[0].start, 2.5 + 0.3);
  EXPECT_GT(words[7].end - words[7].start, words[4].end - words[4].start);
  EXPECT_NE(recognizer.model().find("greetings.jsgf"), std::string::npos);
}

TEST(SpeechRecognizer, KeywordSpottingReportsPhrasesInTimeOrder) {
  RecognizerOptions o;
  o.keywords = write_file("keywords.txt", "beach /1e-20/\ngoing /1e-20/\nclose the window /1e-20/\n").string();
  const SpeechRecognizer recognizer(o);
  const auto& x = sentence_audio();
  const std::vector<Word> words = recognizer.recognize(x, 0.0);
  ASSERT_EQ(words.size(), 2u) << joined(words);
  EXPECT_EQ(words[0].text, "going");
  EXPECT_EQ(words[1].text, "beach");
  // measured: going 0.26-0.55 s, beach 0.89-1.06 s (the grammar search puts them at 0.26-0.55 and 0.86-1.20)
  EXPECT_NEAR(words[0].start, 0.26, 0.1);
  EXPECT_NEAR(words[1].end, 1.06, 0.15);
  EXPECT_LT(words[0].end, words[1].start);
  EXPECT_NE(recognizer.model().find("keywords.txt"), std::string::npos);
}

TEST(SpeechRecognizer, LoadErrorsNameTheFile) {
  RecognizerOptions missing;
  missing.model_dir = "/nonexistent/model";
  try {
    SpeechRecognizer r(missing);
    FAIL() << "no error for a missing model";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model/en-us"), std::string::npos) << e.what();
  }

  RecognizerOptions bad;
  bad.grammar = write_file("bad.jsgf", "public <s> = foo | ;; this is not JSGF\n").string();
  try {
    SpeechRecognizer r(bad);
    FAIL() << "no error for a bad grammar";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(bad.grammar), std::string::npos) << e.what();
  }

  RecognizerOptions oov;
  oov.grammar = write_file("oov.jsgf", "#JSGF V1.0;\ngrammar g;\npublic <s> = hello | zzqqxv;\n").string();
  try {
    SpeechRecognizer r(oov);
    FAIL() << "no error for a grammar word missing from the dictionary";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("zzqqxv"), std::string::npos) << e.what();
  }

  RecognizerOptions no_grammar;
  no_grammar.grammar = "/nonexistent/grammar.jsgf";
  EXPECT_THROW(SpeechRecognizer{no_grammar}, sentio::InputError);
}
