// SPDX-License-Identifier: Apache-2.0
// SpeechRecognizer: option checks, and a pool of identical decoders lent to one caller at a time.
#include "sentio/asr/recognizer.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "acoustic_model_check.hpp"
#include "decoder.hpp"
#include "sentio/core/error.hpp"

namespace sentio::asr {
namespace {

namespace fs = std::filesystem;
using detail::Decoder;
using detail::DecoderConfig;

// Throws InputError unless `path` is an existing regular file (or folder when `folder`).
void require_path(const std::string& path, const std::string& what, bool folder = false) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw InputError("'" + path + "': " + what + " not found");
  if (folder ? !fs::is_directory(st) : !fs::is_regular_file(st))
    throw InputError("'" + path + "': " + what + (folder ? " is not a folder" : " is not a file"));
}

std::string join(const std::string& dir, const char* name) { return (fs::path(dir) / name).string(); }

// Resolves the default paths and checks that every file exists; the acoustic model also passes the
// structural checks that keep pocketsphinx from ending the process on a damaged file.
DecoderConfig resolve(const RecognizerOptions& options) {
  const std::string dir = options.model_dir.empty() ? default_model_dir() : options.model_dir;
  DecoderConfig c;
  c.acoustic_model = options.acoustic_model.empty() ? join(dir, "en-us") : options.acoustic_model;
  c.dictionary = options.dictionary.empty() ? join(dir, "cmudict-en-us.dict") : options.dictionary;
  if (!options.grammar.empty() && !options.keywords.empty())
    throw InputError("'" + options.grammar + "', '" + options.keywords +
                     "': a grammar and a keyword list cannot be used together");
  require_path(c.acoustic_model, "acoustic model folder", true);
  for (const char* part : {"mdef", "means", "variances", "transition_matrices"})
    require_path(join(c.acoustic_model, part), "acoustic model file");
  detail::check_acoustic_model(c.acoustic_model);
  require_path(c.dictionary, "pronunciation dictionary");
  c.search_flag = "-lm";
  c.search_file = options.language_model.empty() ? join(dir, "en-us.lm.bin") : options.language_model;
  c.search_what = "language model";
  if (!options.grammar.empty()) {
    c.search_flag = "-jsgf", c.search_file = options.grammar, c.search_what = "JSGF grammar";
  } else if (!options.keywords.empty()) {
    c.search_flag = "-kws", c.search_file = options.keywords, c.search_what = "keyword list";
  }
  require_path(c.search_file, c.search_what);
  return c;
}

}  // namespace

struct SpeechRecognizer::Impl {
  RecognizerOptions options;
  DecoderConfig config;
  int max_decoders = 1;
  std::string engine = "pocketsphinx 5prealpha";
  std::string model;

  std::mutex mutex;                 // guards idle and n_decoders
  std::condition_variable returned; // a decoder went back to idle, or a load failed
  std::vector<std::unique_ptr<Decoder>> idle;
  int n_decoders = 0;               // loaded or being loaded, <= max_decoders
  std::mutex load_mutex;            // one pocketsphinx load at a time (loads are rare; keeps them simple)

  // Waits for an idle decoder, or loads a new one when fewer than max_decoders exist.
  std::unique_ptr<Decoder> acquire() {
    std::unique_lock lock(mutex);
    for (;;) {
      if (!idle.empty()) {
        std::unique_ptr<Decoder> d = std::move(idle.back());  // the most recently used: warm caches
        idle.pop_back();
        return d;
      }
      if (n_decoders < max_decoders) {
        ++n_decoders;
        lock.unlock();
        try {
          return load();
        } catch (...) {
          lock.lock();
          --n_decoders;
          returned.notify_one();  // a waiter may load instead (and report its own error)
          throw;
        }
      }
      returned.wait(lock);
    }
  }

  void release(std::unique_ptr<Decoder> d) {
    {
      const std::lock_guard lock(mutex);
      idle.push_back(std::move(d));
    }
    returned.notify_one();
  }

  std::unique_ptr<Decoder> load() {
    const std::lock_guard lock(load_mutex);
    return std::make_unique<Decoder>(config);
  }
};

std::string default_model_dir() {
  if (const char* env = std::getenv("SENTIO_POCKETSPHINX_MODEL"); env && *env) return env;
  return "/usr/share/pocketsphinx/model/en-us";
}

SpeechRecognizer::SpeechRecognizer(const RecognizerOptions& options, int max_decoders) : impl_(std::make_unique<Impl>()) {
  if (max_decoders < 0) throw InputError("speech recognizer: decoder count must be >= 0 (0 = one per hardware thread)");
  Impl& m = *impl_;
  m.options = options;
  m.config = resolve(options);
  m.max_decoders = max_decoders > 0 ? max_decoders : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  m.model = fs::path(m.config.acoustic_model).filename().string() + " (acoustic model " + m.config.acoustic_model +
            "), dictionary " + fs::path(m.config.dictionary).filename().string() + ", " + m.config.search_what + " " +
            fs::path(m.config.search_file).filename().string();
  m.n_decoders = 1;
  m.idle.push_back(m.load());
}

SpeechRecognizer::~SpeechRecognizer() = default;

std::vector<Word> SpeechRecognizer::recognize(std::span<const float> samples_16k, double start_time) const {
  // Short input gives no words without touching a decoder (Decoder::recognize says the same).
  if (samples_16k.size() < static_cast<std::size_t>(kSampleRate / 40)) return {};
  Impl& m = *impl_;
  // Lent for this call and given back on every path: a decoder whose utterance failed stays usable
  // (the next call starts a new stream).
  struct Lease {
    Impl& pool;
    std::unique_ptr<Decoder> decoder;
    ~Lease() { pool.release(std::move(decoder)); }
  } lease{m, m.acquire()};
  return lease.decoder->recognize(samples_16k, start_time);
}

void SpeechRecognizer::preload(int n) const {
  Impl& m = *impl_;
  // acquire() lends idle decoders before it loads new ones: holding each one it lends forces the loads.
  std::vector<std::unique_ptr<Decoder>> held;
  const auto give_back = [&] {
    for (std::unique_ptr<Decoder>& d : held) m.release(std::move(d));
  };
  try {
    while (decoders() < std::min(n, m.max_decoders)) held.push_back(m.acquire());
  } catch (...) {
    give_back();
    throw;
  }
  give_back();
}

const std::string& SpeechRecognizer::engine() const { return impl_->engine; }
const std::string& SpeechRecognizer::model() const { return impl_->model; }
const RecognizerOptions& SpeechRecognizer::options() const { return impl_->options; }
int SpeechRecognizer::max_decoders() const { return impl_->max_decoders; }

int SpeechRecognizer::decoders() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->n_decoders;
}

}  // namespace sentio::asr
