// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speech recognition with word timestamps (issue 5, item 2), on CMU pocketsphinx (5prealpha, as
// packaged by Debian) and its US English model (package pocketsphinx-en-us).
//
// Method: the samples of one utterance (16 kHz mono, e.g. a segment from sentio::speech's VAD) go to
// a decoder as one pocketsphinx utterance; its internal silence removal is switched off so frame
// numbers stay aligned with the input (10-ms frames). The word sequence and each word's first/last
// frame come from the decoder's segment iterator over the best path; confidence is the word's
// posterior probability in the lattice (1 when the search gives no lattice). Fillers (<s>, </s>,
// <sil>, [NOISE], [SPEECH], ...) are dropped and alternative pronunciations "word(2)" become "word".
//
// Model and decoders: a SpeechRecognizer is the loaded, immutable model configuration plus a pool of
// pocketsphinx decoders (the per-utterance search state). pocketsphinx 5prealpha cannot share a loaded
// dictionary, language model or acoustic model between decoders (each decoder loads its own copy; the
// binary model definition and mixture weights are memory-mapped, so those pages are shared), so a
// decoder costs ~90 MB with the en-us language model and ~25 MB with a grammar (bench/asr_memory.md):
// share one SpeechRecognizer between all users of a model and bound its decoder count.
//
// pocketsphinx's log output is process-global; the first SpeechRecognizer redirects it away from the
// terminal for the rest of the process (the last error messages are kept to explain failures). The
// library never prints.
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sentio::asr {

// The acoustic models are trained on 16 kHz speech; recognize() takes samples at this rate.
inline constexpr int kSampleRate = 16000;

struct RecognizerOptions {
  // Folder of the Debian en-us model; empty = default_model_dir(). The three paths below default
  // to files inside it: en-us/ (acoustic model), en-us.lm.bin (trigram LM), cmudict-en-us.dict.
  std::string model_dir;
  std::string acoustic_model;  // folder with mdef, means, variances, ... (empty = model_dir/en-us)
  std::string language_model;  // ARPA or binary n-gram LM (empty = model_dir/en-us.lm.bin)
  std::string dictionary;      // pronunciation dictionary (empty = model_dir/cmudict-en-us.dict)
  // At most one of these replaces the language model:
  std::string grammar;   // JSGF grammar file: only sentences of the grammar are recognized
  std::string keywords;  // keyword list (one phrase per line, optional "/1e-20/" threshold): spotting only
};

struct Word {
  std::string text;        // lower-case dictionary word (a whole phrase in keyword mode)
  double start = 0;        // seconds of the recording (start_time + first frame / 100)
  double end = 0;          // seconds, > start (start_time + (last frame + 1) / 100)
  float confidence = 0;    // posterior probability in [0, 1]
};

// Default model folder: $SENTIO_POCKETSPHINX_MODEL if set, else /usr/share/pocketsphinx/model/en-us.
std::string default_model_dir();

// A loaded speech-recognition model shared by any number of threads. recognize() is thread-safe: each
// call borrows one decoder from the pool (decoders are created on demand, at most max_decoders();
// callers wait while all are busy) and gives it back. Every decoder is configured identically and
// decodes each utterance as a fresh stream, so the result of a call does not depend on which decoder
// ran it, on what it decoded before, or on other threads: concurrent results equal sequential ones.
class SpeechRecognizer {
 public:
  // Validates the options and loads the first decoder, so that a missing or damaged file surfaces
  // here as sentio::InputError naming the file and the cause: missing files, an acoustic-model file
  // that is truncated, not in the Sphinx format or inconsistent with the other model files, an
  // unreadable language model, a bad grammar or keyword list, grammar words missing from the
  // dictionary, a grammar together with keywords. max_decoders: the most utterances decoded at the
  // same time, 0 = std::thread::hardware_concurrency(); < 0 throws InputError.
  // Limitation: pocketsphinx ends the process (exit status 1, nothing printed) on a few kinds of
  // damage that the file checks cannot see without decoding the data themselves: an acoustic-model
  // file whose checksum does not match its data, a text-format model definition with a bad line.
  explicit SpeechRecognizer(const RecognizerOptions& options = {}, int max_decoders = 0);
  ~SpeechRecognizer();
  SpeechRecognizer(const SpeechRecognizer&) = delete;
  SpeechRecognizer& operator=(const SpeechRecognizer&) = delete;

  // Decodes one utterance (mono float in [-1, 1) at kSampleRate). Words are in time order (by start)
  // with start_time <= start < end <= start_time + samples / kSampleRate; with the language model or
  // a grammar they do not overlap, keyword detections may. Empty input gives no words.
  // Thread-safe. Throws InputError if a new decoder cannot be loaded (model files changed since the
  // constructor) or pocketsphinx rejects the utterance.
  std::vector<Word> recognize(std::span<const float> samples_16k, double start_time = 0.0) const;

  // Loads decoders now, up to min(n, max_decoders()) in total, so that later calls do not wait for a
  // load (~0.3 s each with the language model). Thread-safe.
  void preload(int n) const;

  // "pocketsphinx 5prealpha" and a description of the model ("en-us (acoustic model ...), dictionary
  // cmudict-en-us.dict, language model en-us.lm.bin" or "... JSGF grammar grid.jsgf"), for provenance.
  const std::string& engine() const;
  const std::string& model() const;
  const RecognizerOptions& options() const;  // as given to the constructor
  int max_decoders() const;
  int decoders() const;  // decoders loaded (or being loaded) so far, in [1, max_decoders()]

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::asr
