// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speech recognition with word timestamps (issue 5, item 2), on CMU pocketsphinx (5prealpha, as
// packaged by Debian) and its US English model (package pocketsphinx-en-us).
//
// Method: the samples of one utterance (16 kHz mono, e.g. a segment from sentio::speech's VAD) go to
// the decoder as one pocketsphinx utterance; its internal silence removal is switched off so frame
// numbers stay aligned with the input (10-ms frames). The word sequence and each word's first/last
// frame come from the decoder's segment iterator over the best path; confidence is the word's
// posterior probability in the lattice (1 when the search gives no lattice). Fillers (<s>, </s>,
// <sil>, [NOISE], [SPEECH], ...) are dropped and alternative pronunciations "word(2)" become "word".
//
// Thread safety: a Recognizer holds one decoder with its own acoustic model, language model and
// dictionary copies; it is not thread-safe. Use one Recognizer per thread (they are independent).
// pocketsphinx's log output is process-global; the first Recognizer redirects it away from the
// terminal for the rest of the process (the last error message is kept to explain failures).
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

class Recognizer {
 public:
  // Loads the models. Missing files, an unreadable language model, a bad grammar or keyword list, or
  // grammar words missing from the dictionary throw sentio::InputError naming the file and the cause.
  // Limitation: pocketsphinx treats some corrupt acoustic-model files as fatal and ends the process
  // (exit status 1) after its message, printed on stderr as "sentio: error: pocketsphinx: ...".
  explicit Recognizer(const RecognizerOptions& options = {});
  ~Recognizer();
  Recognizer(Recognizer&&) noexcept;
  Recognizer& operator=(Recognizer&&) noexcept;
  Recognizer(const Recognizer&) = delete;
  Recognizer& operator=(const Recognizer&) = delete;

  // Decodes one utterance (mono float in [-1, 1) at kSampleRate). Words are in time order (by start)
  // with start_time <= start < end <= start_time + samples / kSampleRate; with the language model or
  // a grammar they do not overlap, keyword detections may. Empty input gives no words.
  std::vector<Word> recognize(std::span<const float> samples_16k, double start_time = 0.0);

  // "pocketsphinx 5prealpha" and a description of the model ("en-us (Debian pocketsphinx-en-us),
  // LM en-us.lm.bin" or "... grammar grid.jsgf"), for transcript provenance.
  const std::string& engine() const;
  const std::string& model() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::asr
