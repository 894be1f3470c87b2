// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/thread_pool.hpp"

#include <atomic>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {
// Range of chunk `part` out of `parts` over [0, n).
std::pair<std::size_t, std::size_t> chunk(std::size_t n, int part, int parts) {
  const std::size_t p = static_cast<std::size_t>(part), ps = static_cast<std::size_t>(parts);
  return {n * p / ps, n * (p + 1) / ps};
}
}  // namespace

ThreadPool::ThreadPool(int n_threads) {
  SENTIO_ASSERT(n_threads >= 1);
  for (int w = 1; w < n_threads; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::worker_loop(int worker) {
  std::size_t seen = 0;
  for (;;) {
    const std::function<void(std::size_t, std::size_t, int)>* job = nullptr;
    std::size_t n = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
      n = job_n_;
    }
    std::exception_ptr err;
    auto [b, e] = chunk(n, worker, size());
    try {
      if (b < e) (*job)(b, e, worker);
    } catch (...) {
      err = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (err && !error_) error_ = err;
      if (--remaining_ == 0) done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t, int)>& fn) {
  if (workers_.empty() || n < 2) {
    if (n > 0) fn(0, n, 0);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = &fn;
    job_n_ = n;
    remaining_ = static_cast<int>(workers_.size());
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  std::exception_ptr err;
  auto [b, e] = chunk(n, 0, size());
  try {
    if (b < e) fn(b, e, 0);
  } catch (...) {
    err = std::current_exception();
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return remaining_ == 0; });
  job_ = nullptr;
  if (!err) err = error_;
  lock.unlock();
  if (err) std::rethrow_exception(err);
}

void ThreadPool::run_tasks(std::size_t n, const std::function<void(std::size_t, int)>& fn) {
  std::atomic<std::size_t> next{0};
  parallel_for(static_cast<std::size_t>(size()), [&](std::size_t, std::size_t, int worker) {
    for (std::size_t t = next++; t < n; t = next++) fn(t, worker);
  });
}

}  // namespace sentio
