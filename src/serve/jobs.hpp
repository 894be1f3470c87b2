// SPDX-License-Identifier: Apache-2.0
#pragma once
// Jobs of POST /v1/jobs: run one at a time in arrival order on their own thread; a finished job's answer
// (the document, or the error) is kept in memory (the last 1024) and, with a results folder, written there
// as <id>.json, so that it outlives the process. Thread-safe.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "metrics.hpp"
#include "sentio/engine/analyze.hpp"

namespace sentio::serve {

class JobStore {
 public:
  // Analyses an uploaded file; returns the document (JSON text) or throws (InputError: the input's fault).
  using Analyze = std::function<std::string(const std::string& path, const AnalyzeOptions& options,
                                            const std::string& name)>;
  // `results_dir` ("" = none) must exist and be writable (InputError otherwise).
  JobStore(std::string results_dir, Analyze analyze);
  ~JobStore();  // finishes the running job; queued ones are dropped (their uploads removed)
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // Queues the analysis of `upload` (a file the store now owns and removes when done); returns the id.
  std::string submit(const std::string& upload, const AnalyzeOptions& options, const std::string& name);
  // {"id", "state", "result"? | "error"?} as JSON text; nullopt for an unknown id.
  std::optional<std::string> status(const std::string& id) const;
  JobCounts counts() const;
  void stop();

 private:
  struct Job {
    std::string id, upload, name;
    AnalyzeOptions options;
  };
  void work();
  void finish(const std::string& id, const std::string& answer, bool failed);

  std::string dir_;
  Analyze analyze_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::string running_;
  std::map<std::string, std::string> done_;  // id -> answer (JSON text)
  std::deque<std::string> done_order_;
  int n_done_ = 0, n_failed_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// Whether `id` has the form of a job id (16 lowercase hex digits): never a path.
bool valid_job_id(const std::string& id);

}  // namespace sentio::serve
