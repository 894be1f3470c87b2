// SPDX-License-Identifier: Apache-2.0
#include "sentio/pipeline/features_job.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "feature_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/features/egemaps.hpp"
#include "sentio/media/audio_decoder.hpp"

namespace sentio::pipeline {

namespace {

constexpr std::size_t kReadChunk = 1 << 15;  // samples per decoder read (~2 s)
constexpr double kMinSeconds = 0.06;         // one 60-ms analysis frame

struct FileResult {
  features::EgemapsFunctionals functionals{};
  double seconds = 0;
};

// Decodes one file and runs the extractor over it. `on_rows` receives LLD rows as they complete.
template <typename OnRows>
FileResult extract_file(const std::string& path, int n_threads, bool lld, Progress* seconds_progress, OnRows&& on_rows) {
  media::AudioDecoder decoder(path, features::kEgemapsSampleRate);
  features::EgemapsExtractor extractor(features::EgemapsOptions{.n_threads = n_threads, .lld_frames = lld});
  if (seconds_progress) seconds_progress->set_total(decoder.info().duration_s);
  std::vector<float> buf(kReadChunk);
  while (std::size_t n = decoder.read(buf)) {
    extractor.push({buf.data(), n});
    if (seconds_progress) seconds_progress->advance(static_cast<double>(n) / features::kEgemapsSampleRate);
    if (lld) on_rows(extractor.take_lld_frames());
  }
  FileResult r;
  r.seconds = static_cast<double>(extractor.samples_pushed()) / features::kEgemapsSampleRate;
  if (r.seconds < kMinSeconds) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "audio too short for eGeMAPS (%.3f s; at least %.2f s needed)", r.seconds,
                  kMinSeconds);
    throw InputError("'" + path + "': " + msg);
  }
  r.functionals = extractor.finish();
  if (lld) on_rows(extractor.take_lld_frames());
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
  const std::size_t n = job.files.size();
  std::vector<std::optional<FileResult>> results(n);
  std::vector<std::string> errors(n);
  std::vector<char> ready(n, 0);
  std::mutex mutex;
  std::condition_variable cv;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      std::optional<FileResult> r;
      std::string err;
      try {
        r = extract_file(job.files[i], 1, false, nullptr, [](auto&&) {});
      } catch (const std::exception& e) {
        err = message_of(job.files[i], e);
      }
      std::lock_guard lock(mutex);
      results[i] = std::move(r);
      errors[i] = std::move(err);
      ready[i] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  const int n_workers = std::max(1, std::min<int>(job.n_threads, static_cast<int>(n)));
  for (int t = 0; t < n_workers; ++t) threads.emplace_back(work);
  FeaturesReport report;
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return ready[i] != 0; });
    std::optional<FileResult> r = std::move(results[i]);
    std::string err = std::move(errors[i]);
    lock.unlock();
    if (r) {
      writer.write_functionals(base_name_without_extension(job.files[i]), job.files[i], r->functionals);
      report.audio_seconds += r->seconds;
      ++report.n_ok;
    } else {
      report.failures.push_back({job.files[i], err});
    }
    progress.advance(1);
  }
  for (auto& t : threads) t.join();
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
      FileResult r = extract_file(path, job.n_threads, lld, by_seconds ? &progress : nullptr, [&](const auto& rows) {
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
