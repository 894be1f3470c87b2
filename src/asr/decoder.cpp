// SPDX-License-Identifier: Apache-2.0
// One pocketsphinx decoder: silenced logging, configuration, one utterance per recognize() call, word
// segments with posteriors.
#include "decoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <mutex>

#include "asr_internal.hpp"
#include "pocketsphinx_api.hpp"
#include "sentio/core/error.hpp"

namespace sentio::asr::detail {
namespace {

const PocketsphinxApi& api() { return pocketsphinx_api(); }

// pocketsphinx logs through one process-global callback. Everything goes nowhere except warnings
// and errors, of which the first few since the last clear are kept per thread, so that a failed
// load can say why (the decoder's own return values only say that it failed). A fatal error is kept
// like the others, but pocketsphinx ends the process right after it (see SpeechRecognizer's
// constructor for the cases that remain after the model-file checks).
thread_local std::vector<std::string> t_messages;

void log_sink(void* /*user_data*/, err_lvl_t level, const char* fmt, ...) {
  if (level < ERR_WARN || (t_messages.size() >= 4 && level != ERR_FATAL)) return;
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  std::string message(buffer);
  // Drop the 'ERROR: "jsgf.c", line 923: ' prefix: the source position means nothing to users.
  if (const std::size_t colon = message.find(": "); colon != std::string::npos && colon < 8) message.erase(0, colon + 2);
  if (message.starts_with('"')) {
    if (const std::size_t colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (!message.empty() && std::find(t_messages.begin(), t_messages.end(), message) == t_messages.end())
    t_messages.push_back(std::move(message));
}

void silence_pocketsphinx_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No log file: the decoder then also skips printing its whole configuration at start-up.
    api().err_set_logfp(nullptr);
    api().err_set_callback(&log_sink, nullptr);
  });
}

std::string last_message_suffix() {
  std::string out;
  for (const std::string& m : t_messages) out += (out.empty() ? "" : "; ") + m;
  return out.empty() ? out : " (pocketsphinx: " + out + ")";
}

}  // namespace

Decoder::Decoder(const DecoderConfig& c) {
  silence_pocketsphinx_logging();
  t_messages.clear();
  // -remove_silence no: pocketsphinx's own VAD would drop frames and shift every timestamp; the
  // caller already cut the audio into utterances. -mmap yes (the default, stated because the memory
  // figures depend on it): the binary model definition and the mixture weights are memory-mapped, so
  // all decoders (and processes) share those pages through the page cache.
  config_ = api().cmd_ln_init(nullptr, api().ps_args(), TRUE, "-hmm", c.acoustic_model.c_str(), "-dict",
                              c.dictionary.c_str(), c.search_flag.c_str(), c.search_file.c_str(), "-remove_silence",
                              "no", "-mmap", "yes", nullptr);
  if (!config_) throw InputError("'" + c.search_file + "': pocketsphinx rejected the configuration" + last_message_suffix());
  decoder_ = api().ps_init(config_);
  if (!decoder_) {
    api().cmd_ln_free_r(config_);
    // The decoder does not say which file failed; the search file (grammar, keywords, LM) is the
    // usual culprit once the paths exist and the acoustic model passed its checks, and the kept
    // message names the cause.
    throw InputError("'" + c.search_file + "': cannot load the " + c.search_what + last_message_suffix());
  }
  frame_rate_ = static_cast<double>(api().cmd_ln_int_r(api().ps_get_config(decoder_), "-frate"));
  SENTIO_ASSERT(frame_rate_ > 0);
}

Decoder::~Decoder() {
  api().ps_free(decoder_);
  api().cmd_ln_free_r(config_);
}

std::vector<Word> Decoder::recognize(std::span<const float> samples_16k, double start_time) {
  std::vector<Word> words;
  // Fewer samples than one analysis window give the decoder nothing to work on.
  if (samples_16k.size() < static_cast<std::size_t>(kSampleRate / 40)) return words;
  // Float to 16-bit PCM with triangular dither of +-1 LSB from a generator seeded the same way for every
  // utterance (so results are repeatable). Digital silence (exact zeros: synthesized or muted audio)
  // otherwise gives filter-bank energies of log(0), which the acoustic model never saw in training.
  // On the synthesized sentences of bench/asr_wer.md (Klatt voice) WER was 0.61 without dither and
  // noise subtraction, 0.41 with both.
  pcm_.resize(samples_16k.size());
  std::uint32_t state = 0x9E3779B9u;
  auto next_uniform = [&state] {  // xorshift32, in [0, 1)
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return static_cast<float>(state >> 8) * (1.0f / 16777216.0f);
  };
  for (std::size_t i = 0; i < samples_16k.size(); ++i) {
    const float dither = next_uniform() - next_uniform();
    pcm_[i] = static_cast<short>(std::lrint(std::clamp(samples_16k[i] * 32768.0f + dither, -32768.0f, 32767.0f)));
  }

  t_messages.clear();
  // A new stream for every utterance: resets the front end's noise-floor tracking (spectral noise
  // subtraction), which otherwise carries over, so the words of an utterance would depend on what the
  // decoder decoded before it, and with several threads on scheduling. Other state that outlives an
  // utterance only steers the search: the acoustic scorer (ptm_mgau) starts each frame's top-N Gaussian
  // search from the previous frame's (the first frame's from the previous utterance) and then scores
  // every Gaussian of the codebooks it needs, so only exact score ties could depend on history; none
  // seen (tests/asr/unit_recognizer_threads.cpp, and the GRID transcripts before and after the pool).
  api().ps_start_stream(decoder_);
  if (api().ps_start_utt(decoder_) < 0) throw InputError("pocketsphinx: cannot start an utterance" + last_message_suffix());
  // full_utt = TRUE: the whole utterance is given at once, so batch cepstral mean normalisation
  // (the en-us model's setting) uses its own mean.
  const int n = api().ps_process_raw(decoder_, pcm_.data(), pcm_.size(), FALSE, TRUE);
  api().ps_end_utt(decoder_);
  if (n < 0) throw InputError("pocketsphinx: decoding failed" + last_message_suffix());

  const double duration = static_cast<double>(samples_16k.size()) / kSampleRate;
  logmath_t* lmath = api().ps_get_logmath(decoder_);
  for (ps_seg_t* seg = api().ps_seg_iter(decoder_); seg; seg = api().ps_seg_next(seg)) {
    const char* raw = api().ps_seg_word(seg);
    if (!raw) continue;
    std::string text = normalise_decoder_word(raw);
    if (text.empty()) continue;
    int sf = 0, ef = 0;
    api().ps_seg_frames(seg, &sf, &ef);
    int32 ascr = 0, lscr = 0, lback = 0;
    const int32 log_posterior = api().ps_seg_prob(seg, &ascr, &lscr, &lback);
    Word w;
    w.text = std::move(text);
    w.start = start_time + std::clamp(sf / frame_rate_, 0.0, duration);
    w.end = start_time + std::clamp((ef + 1) / frame_rate_, 0.0, duration);
    if (w.end <= w.start) continue;  // a zero-length segment at the very end of the input
    w.confidence = static_cast<float>(std::clamp(api().logmath_exp(lmath, log_posterior), 0.0, 1.0));
    words.push_back(std::move(w));
  }
  // Keyword spotting lists its detections latest first.
  std::stable_sort(words.begin(), words.end(), [](const Word& a, const Word& b) { return a.start < b.start; });
  return words;
}

}  // namespace sentio::asr::detail
