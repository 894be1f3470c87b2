// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small fixed-size pool for fork-join loops. Threads are created once (at construction), never
// inside hot calls. parallel_for blocks until every chunk is done; it is not re-entrant.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sentio {

class ThreadPool {
 public:
  // n_threads >= 1; the calling thread counts as one of them (n_threads - 1 workers are started).
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // Splits [0, n) into size() contiguous ranges and runs fn(begin, end, worker) on each, worker in
  // [0, size()). Exceptions thrown by fn are rethrown (the first one) after all ranges finish.
  void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t, int)>& fn);
  // Runs fn(task, worker) for every task in [0, n), handing tasks out one at a time in index order
  // to whichever thread is free (for tasks of uneven cost). Exceptions as in parallel_for.
  void run_tasks(std::size_t n, const std::function<void(std::size_t, int)>& fn);

 private:
  void worker_loop(int worker);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t, std::size_t, int)>* job_ = nullptr;
  std::size_t job_n_ = 0;
  std::size_t generation_ = 0;
  int remaining_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace sentio
