// SPDX-License-Identifier: Apache-2.0
#include "sentio/pipeline/features_job.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "feature_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/core/read_ahead.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/media/audio_decoder.hpp"
#include "sentio/media/resampler.hpp"

namespace sentio::pipeline {

namespace {

constexpr std::size_t kReadChunk = 1 << 15;  // samples per decoder read (~2 s)
constexpr double kMinSeconds = 0.06;         // one 60-ms analysis frame
constexpr std::size_t kPiecesAhead = 4;      // pieces the decoder may run ahead of the extractor

// Runs the extractor over the 16-kHz mono samples that `next()` yields, piece by piece (an empty span
// at the end). `on_rows` receives LLD rows as they complete.
template <typename Next, typename OnRows>
InputFeatures run_extractor(Next&& next, const std::string& name, int n_threads, bool lld, Progress* seconds_progress,
                            OnRows&& on_rows) {
  features::EgemapsExtractor extractor(features::EgemapsOptions{.n_threads = n_threads, .lld_frames = lld});
  for (std::span<const float> piece = next(); !piece.empty(); piece = next()) {
    extractor.push(piece);
    if (seconds_progress) seconds_progress->advance(static_cast<double>(piece.size()) / features::kEgemapsSampleRate);
    if (lld) on_rows(extractor.take_lld_frames());
  }
  InputFeatures r;
  r.seconds = static_cast<double>(extractor.samples_pushed()) / features::kEgemapsSampleRate;
  if (r.seconds < kMinSeconds) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "audio too short for eGeMAPS (%.3f s; at least %.2f s needed)", r.seconds,
                  kMinSeconds);
    throw InputError("'" + name + "': " + msg);
  }
  r.functionals = extractor.finish();
  if (lld) on_rows(extractor.take_lld_frames());
  return r;
}

// A piece of decoded audio: `samples` holds `n` valid values.
struct AudioPiece {
  std::vector<float> samples;
  std::size_t n = 0;
};

// Decodes one file and runs the extractor over it. With more than one thread the decoder runs ahead on a
// thread of its own (a few pieces), so that decoding overlaps the analysis instead of pausing it.
template <typename OnRows>
InputFeatures extract_file(const std::string& path, int n_threads, bool lld, Progress* seconds_progress,
                           OnRows&& on_rows) {
  media::AudioDecoder decoder(path, features::kEgemapsSampleRate);
  if (seconds_progress) seconds_progress->set_total(decoder.info().duration_s);
  const auto decode = [&decoder](AudioPiece& piece) {
    piece.samples.resize(kReadChunk);
    piece.n = decoder.read(piece.samples);
    return piece.n > 0;
  };
  std::optional<ReadAhead<AudioPiece>> ahead;
  if (n_threads > 1) ahead.emplace(decode, kPiecesAhead);
  AudioPiece current;
  const auto next = [&] {
    const bool more = ahead ? ahead->next(current) : decode(current);
    return std::span<const float>(current.samples.data(), more ? current.n : 0);
  };
  InputFeatures r = run_extractor(next, path, n_threads, lld, seconds_progress, on_rows);
  ahead.reset();  // the decoding thread has ended: the decoder is this thread's again
  r.warnings = decoder.warnings();
  return r;
}

std::string message_of(const std::string& path, const std::exception& e) {
  std::string m = e.what();
  // decoder messages already start with the quoted path
  if (m.rfind("'" + path + "'", 0) == 0) return m;
  return "'" + path + "': " + m;
}

// One thread per file, results written in input order as soon as they are ready.
FeaturesReport run_functionals_parallel(const FeaturesJob& job, FeatureWriter& writer, Progress& progress) {
  FeaturesReport report;
  extract_files_features(job.files, FeatureSet::egemaps, job.n_threads,
                         [&](std::size_t i, InputFeatures* r, const std::string& error) {
                           if (r) {
                             writer.write_functionals(base_name_without_extension(job.files[i]), job.files[i],
                                                      r->functionals);
                             report.warnings.insert(report.warnings.end(), r->warnings.begin(), r->warnings.end());
                             report.audio_seconds += r->seconds;
                             ++report.n_ok;
                           } else {
                             report.failures.push_back({job.files[i], error});
                           }
                           progress.advance(1);
                         });
  return report;
}

FeaturesReport run_sequential(const FeaturesJob& job, FeatureWriter& writer, Progress& progress) {
  FeaturesReport report;
  const bool lld = job.set == FeatureSet::egemaps_lld;
  const bool by_seconds = job.files.size() == 1;
  for (const std::string& path : job.files) {
    bool started = false;
    try {
      const std::string name = base_name_without_extension(path);
      InputFeatures r = extract_file(path, job.n_threads, lld, by_seconds ? &progress : nullptr, [&](const auto& rows) {
        if (!started) {
          writer.begin_lld_file(name, path);
          started = true;
        }
        writer.write_lld_rows(rows);
      });
      if (lld) {
        if (!started) writer.begin_lld_file(name, path);
        writer.end_lld_file();
      } else {
        writer.write_functionals(name, path, r.functionals);
      }
      report.warnings.insert(report.warnings.end(), r.warnings.begin(), r.warnings.end());
      report.audio_seconds += r.seconds;
      ++report.n_ok;
    } catch (const std::exception& e) {
      if (started) writer.end_lld_file();
      report.failures.push_back({path, message_of(path, e)});
    }
    if (!by_seconds) progress.advance(1);
  }
  return report;
}

}  // namespace

InputFeatures extract_file_features(const std::string& path, FeatureSet set, int n_threads) {
  std::vector<features::EgemapsLldFrame> frames;
  const bool lld = set == FeatureSet::egemaps_lld;
  InputFeatures r = extract_file(path, n_threads, lld, nullptr, [&](std::vector<features::EgemapsLldFrame>&& rows) {
    frames.insert(frames.end(), rows.begin(), rows.end());
  });
  r.lld_frames = std::move(frames);
  return r;
}

InputFeatures extract_signal_features(std::span<const float> interleaved, int sample_rate, int channels,
                                      FeatureSet set, const std::string& name, int n_threads) {
  std::vector<float> mono;
  try {
    media::Resampler resampler(sample_rate, channels, features::kEgemapsSampleRate);
    resampler.push(interleaved, mono);
    resampler.finish(mono);
  } catch (const std::exception& e) {
    throw with_context("'" + name + "'", e);
  }
  std::size_t at = 0;
  auto next = [&] {
    const std::size_t n = std::min(kReadChunk, mono.size() - at);
    const std::span<const float> piece(mono.data() + at, n);
    at += n;
    return piece;
  };
  std::vector<features::EgemapsLldFrame> frames;
  const bool lld = set == FeatureSet::egemaps_lld;
  InputFeatures r = run_extractor(next, name, n_threads, lld, nullptr, [&](std::vector<features::EgemapsLldFrame>&& rows) {
    frames.insert(frames.end(), rows.begin(), rows.end());
  });
  r.lld_frames = std::move(frames);
  return r;
}

void extract_files_features(const std::vector<std::string>& files, FeatureSet set, int n_threads,
                            const OnInputFeatures& on_file) {
  const std::size_t n = files.size();
  if (set == FeatureSet::egemaps_lld || n_threads <= 1 || n <= 1) {
    const int inner = set == FeatureSet::egemaps_lld || n == 1 ? std::max(1, n_threads) : 1;
    for (std::size_t i = 0; i < n; ++i) {
      std::optional<InputFeatures> r;
      std::string error;
      try {
        r = extract_file_features(files[i], set, inner);
      } catch (const std::exception& e) {
        error = message_of(files[i], e);
      }
      on_file(i, r ? &*r : nullptr, error);
    }
    return;
  }
  std::vector<std::optional<InputFeatures>> results(n);
  std::vector<std::string> errors(n);
  std::vector<char> ready(n, 0);
  std::mutex mutex;
  std::condition_variable cv;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    for (std::size_t i = next++; i < n && !stop; i = next++) {
      std::optional<InputFeatures> r;
      std::string err;
      try {
        r = extract_file(files[i], 1, false, nullptr, [](auto&&) {});
      } catch (const std::exception& e) {
        err = message_of(files[i], e);
      }
      std::lock_guard lock(mutex);
      results[i] = std::move(r);
      errors[i] = std::move(err);
      ready[i] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  const int n_workers = std::max(1, std::min<int>(n_threads, static_cast<int>(n)));
  for (int t = 0; t < n_workers; ++t) threads.emplace_back(work);
  // The workers are joined even when on_file throws (e.g. the caller stops at the first failure).
  struct Joiner {
    std::vector<std::thread>& threads;
    std::atomic<bool>& stop;
    ~Joiner() {
      stop = true;
      for (auto& t : threads) t.join();
    }
  } joiner{threads, stop};
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return ready[i] != 0; });
    std::optional<InputFeatures> r = std::move(results[i]);
    std::string err = std::move(errors[i]);
    lock.unlock();
    on_file(i, r ? &*r : nullptr, err);
  }
}

FeatureSet parse_feature_set(const std::string& name) {
  if (name == "egemaps") return FeatureSet::egemaps;
  if (name == "egemaps-lld") return FeatureSet::egemaps_lld;
  throw InputError("unknown feature set '" + name + "' (expected egemaps or egemaps-lld)");
}

OutputFormat parse_output_format(const std::string& name) {
  if (name == "csv") return OutputFormat::csv;
  if (name == "json") return OutputFormat::json;
  throw InputError("unknown output format '" + name + "' (expected csv or json)");
}

FeaturesReport run_features(const FeaturesJob& job, std::ostream& out, Progress& progress) {
  FeatureWriter writer(out, job.format, job.set);
  writer.begin();
  if (job.files.size() > 1) progress.set_total(static_cast<double>(job.files.size()));
  FeaturesReport report = (job.set == FeatureSet::egemaps && job.files.size() > 1 && job.n_threads > 1)
                              ? run_functionals_parallel(job, writer, progress)
                              : run_sequential(job, writer, progress);
  writer.end();
  progress.finish();
  return report;
}

}  // namespace sentio::pipeline
