// SPDX-License-Identifier: Apache-2.0
#pragma once
// One pocketsphinx decoder: its own copy of the acoustic model, dictionary and language model or
// grammar, plus the search state of one utterance. Not thread-safe: SpeechRecognizer's pool hands each
// decoder to one thread at a time.
#include <span>
#include <string>
#include <vector>

#include "sentio/asr/recognizer.hpp"

struct cmd_ln_s;
struct ps_decoder_s;

namespace sentio::asr::detail {

// Resolved, checked paths of one model configuration (identical for every decoder of a recognizer).
struct DecoderConfig {
  std::string acoustic_model;  // folder
  std::string dictionary;
  std::string search_flag;     // "-lm", "-jsgf" or "-kws"
  std::string search_file;
  std::string search_what;     // "language model", "JSGF grammar" or "keyword list", for messages
};

class Decoder {
 public:
  // Loads the models; throws InputError naming the search file (the usual culprit once the paths have
  // been checked) with pocketsphinx's own error messages appended.
  explicit Decoder(const DecoderConfig& config);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // SpeechRecognizer::recognize on this decoder. Each call starts a new stream, so the result does not
  // depend on earlier calls.
  std::vector<Word> recognize(std::span<const float> samples_16k, double start_time);

 private:
  cmd_ln_s* config_ = nullptr;
  ps_decoder_s* decoder_ = nullptr;
  double frame_rate_ = 100.0;  // frames per second
  std::vector<short> pcm_;     // scratch, reused between calls
};

}  // namespace sentio::asr::detail
