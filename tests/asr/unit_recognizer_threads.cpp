// SPDX-License-Identifier: Apache-2.0
// One SpeechRecognizer shared by threads and by transcribers: concurrent results equal sequential ones
// exactly (words, times, confidences), and the decoder pool stays within its bound.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <thread>

#include "sentio/asr/recognizer.hpp"
#include "sentio/asr/transcriber.hpp"
#include "sentio/core/error.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace sentio::asr;

namespace {

const std::vector<std::string> kSentences = {"please close the window", "thank you very much",
                                             "we are going to the beach this weekend"};

// espeak-ng's Klatt voice as in unit_recognizer.cpp; sox -D (no random dither): the same samples on every run.
const std::vector<std::vector<float>>& utterances() {
  static const std::vector<std::vector<float>> all = [] {
    std::vector<std::vector<float>> out;
    for (const std::string& text : kSentences) {
      const fs::path dir = sentio::test::temp_dir();
      const fs::path raw = dir / "raw.wav", wav = dir / "utterance.wav";
      const auto r = sentio::test::run_command("espeak-ng -v en-us+klatt4 -s 150 -w '" + raw.string() + "' \"" + text +
                                               "\" && sox -D '" + raw.string() + "' -r 16000 -c 1 -b 16 '" +
                                               wav.string() + "' gain -3");
      if (r.status != 0) throw std::runtime_error("speech synthesis failed: " + r.output);
      out.push_back(sentio::media::decode_audio(wav.string(), kSampleRate));
    }
    return out;
  }();
  return all;
}

fs::path sentences_grammar() {
  const fs::path p = sentio::test::temp_dir() / "sentences.jsgf";
  std::ofstream out(p);
  out << "#JSGF V1.0;\ngrammar sentences;\npublic <s> = ";
  for (std::size_t i = 0; i < kSentences.size(); ++i) out << (i ? " | " : "") << kSentences[i];
  out << ";\n";
  return p;
}

// Bit-for-bit equal: the decoders are deterministic, so any difference is shared state leaking between them.
void expect_identical(const std::vector<Word>& got, const std::vector<Word>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].text, want[i].text);
    EXPECT_EQ(got[i].start, want[i].start) << want[i].text;
    EXPECT_EQ(got[i].end, want[i].end) << want[i].text;
    EXPECT_EQ(got[i].confidence, want[i].confidence) << want[i].text;
  }
}

}  // namespace

TEST(SpeechRecognizerThreads, ConcurrentRecognitionEqualsSequential) {
  // The two short sentences: the general language model decodes at ~0.3 x real time.
  const std::vector<std::vector<float>> u(utterances().begin(), utterances().begin() + 2);
  const std::size_t n = u.size();
  // Reference: one decoder, the utterances one after the other.
  std::vector<std::vector<Word>> sequential;
  {
    const SpeechRecognizer one({}, 1);
    for (std::size_t i = 0; i < n; ++i) sequential.push_back(one.recognize(u[i], static_cast<double>(i)));
  }
  for (const auto& words : sequential) ASSERT_GE(words.size(), 2u);

  // Two threads at once on two decoders, each recognizing both utterances in its own order, so the second
  // decoder sees them in the opposite order to the reference. (Waiting for a decoder and decoders handed
  // between threads: DecoderPoolStaysWithinItsBound and TranscriberSharing, on a grammar for speed.)
  const SpeechRecognizer shared({}, 2);
  std::vector<std::vector<std::vector<Word>>> results(2, std::vector<std::vector<Word>>(n));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (t + k) % n;
        results[t][i] = shared.recognize(u[i], static_cast<double>(i));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_LE(shared.decoders(), 2);
  for (std::size_t t = 0; t < results.size(); ++t)
    for (std::size_t i = 0; i < n; ++i) {
      SCOPED_TRACE("thread " + std::to_string(t) + ", utterance " + std::to_string(i));
      expect_identical(results[t][i], sequential[i]);
    }
}

// Six threads on two decoders: four wait, decoders go from thread to thread.
TEST(SpeechRecognizerThreads, DecoderPoolStaysWithinItsBound) {
  RecognizerOptions o;
  o.grammar = sentences_grammar().string();
  const SpeechRecognizer r(o, 2);
  EXPECT_EQ(r.max_decoders(), 2);
  EXPECT_EQ(r.decoders(), 1);  // the constructor loads one
  const std::vector<Word> reference = r.recognize(utterances()[0]);
  EXPECT_EQ(reference.size(), 4u);
  std::vector<std::vector<Word>> results(6);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t)
    threads.emplace_back([&, t] { results[t] = r.recognize(utterances()[0]); });
  for (std::thread& th : threads) th.join();
  EXPECT_GE(r.decoders(), 1);
  EXPECT_LE(r.decoders(), 2);
  for (const auto& words : results) expect_identical(words, reference);

  r.preload(5);
  EXPECT_EQ(r.decoders(), 2);
  EXPECT_EQ(SpeechRecognizer(o, 0).max_decoders(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_THROW(SpeechRecognizer(o, -1), sentio::InputError);
}

TEST(TranscriberSharing, TranscribersOnOneRecognizerGetTheSameTranscripts) {
  // The three sentences with 0.8 s of silence between them: three VAD segments.
  std::vector<float> recording;
  for (const auto& u : utterances()) {
    recording.insert(recording.end(), u.begin(), u.end());
    recording.insert(recording.end(), static_cast<std::size_t>(0.8 * kSampleRate), 0.0f);
  }
  TranscriberOptions o;
  o.recognizer.grammar = sentences_grammar().string();
  const TranscriptResult reference = Transcriber(o).transcribe_samples(recording);
  ASSERT_EQ(reference.utterances.size(), kSentences.size());
  for (std::size_t i = 0; i < kSentences.size(); ++i) EXPECT_EQ(reference.utterances[i].text, kSentences[i]);

  const auto shared = std::make_shared<const SpeechRecognizer>(o.recognizer, 2);
  TranscriberOptions two = o;
  two.n_threads = 2;
  Transcriber a(shared, two), b(shared, o);
  EXPECT_EQ(&a.recognizer(), shared.get());
  TranscriptResult ra, rb;
  std::thread ta([&] { ra = a.transcribe_samples(recording); });
  std::thread tb([&] { rb = b.transcribe_samples(recording); });
  ta.join();
  tb.join();
  EXPECT_LE(shared->decoders(), 2);
  for (const TranscriptResult* r : {&ra, &rb}) {
    EXPECT_EQ(r->model, reference.model);
    EXPECT_EQ(r->grammar, o.recognizer.grammar);
    ASSERT_EQ(r->utterances.size(), reference.utterances.size());
    for (std::size_t i = 0; i < reference.utterances.size(); ++i) {
      EXPECT_EQ(r->utterances[i].start, reference.utterances[i].start);
      EXPECT_EQ(r->utterances[i].end, reference.utterances[i].end);
      EXPECT_EQ(r->utterances[i].text, reference.utterances[i].text);
      EXPECT_EQ(r->utterances[i].confidence, reference.utterances[i].confidence);
      expect_identical(r->utterances[i].words, reference.utterances[i].words);
    }
  }
}
