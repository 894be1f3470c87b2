// SPDX-License-Identifier: Apache-2.0
// The shared thread pool and the inline executor (executor.hpp).
//
// One mutex guards everything: the queue of open jobs (calls with tasks not yet started) and the
// counters of every job. A job lives on its caller's stack; it is in the queue exactly while it has
// tasks left to start, and its caller returns only after taking the mutex and seeing no task running,
// so no worker can touch a job after its caller has returned.
#include "sentio/core/executor.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio {

namespace {

class InlineExecutor final : public Executor {
 public:
  int concurrency() const override { return 1; }
  void run(std::size_t n, const std::function<void(std::size_t)>& fn) override {
    for (std::size_t i = 0; i < n; ++i) fn(i);
  }
};

class ThreadPoolExecutor final : public Executor {
 public:
  explicit ThreadPoolExecutor(int n_threads) {
    SENTIO_ASSERT(n_threads >= 1);
    workers_.reserve(static_cast<std::size_t>(n_threads - 1));
    for (int w = 1; w < n_threads; ++w) workers_.emplace_back([this] { worker_loop(); });
  }

  ~ThreadPoolExecutor() override {
    {
      std::lock_guard lock(mutex_);
      SENTIO_ASSERT(head_ == nullptr);  // no call can be in progress while the pool is destroyed
      stop_ = true;
    }
    work_.notify_all();
    for (auto& t : workers_) t.join();
  }

  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  int concurrency() const override { return static_cast<int>(workers_.size()) + 1; }

  void run(std::size_t n, const std::function<void(std::size_t)>& fn) override {
    if (n == 0) return;
    if (n == 1 || workers_.empty()) {
      for (std::size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    Job job;
    job.fn = &fn;
    job.n = n;
    std::unique_lock lock(mutex_);
    enqueue(job);
    // Wake as many workers as there are tasks the caller will not start itself right away.
    const std::size_t helpers = std::min(n - 1, workers_.size());
    lock.unlock();
    if (helpers == workers_.size()) {
      work_.notify_all();
    } else {
      for (std::size_t k = 0; k < helpers; ++k) work_.notify_one();
    }
    lock.lock();
    while (job.next < job.n) run_one(job, lock);
    job.done.wait(lock, [&] { return job.running == 0; });
    const std::exception_ptr error = job.error;
    lock.unlock();
    if (error) std::rethrow_exception(error);
  }

 private:
  // One call of run(); every field is guarded by mutex_.
  struct Job {
    const std::function<void(std::size_t)>* fn = nullptr;
    std::size_t n = 0;
    std::size_t next = 0;     // first index not yet started; == n once all started or skipped
    std::size_t running = 0;  // tasks started and not yet finished
    std::exception_ptr error;  // the first exception a task threw
    std::condition_variable done;  // the caller waits here for running == 0
    Job* prev = nullptr;  // the queue of jobs with tasks left to start (intrusive, FIFO)
    Job* after = nullptr;
  };

  void enqueue(Job& job) {
    job.prev = tail_;
    job.after = nullptr;
    (tail_ ? tail_->after : head_) = &job;
    tail_ = &job;
  }

  void dequeue(Job& job) {
    (job.prev ? job.prev->after : head_) = job.after;
    (job.after ? job.after->prev : tail_) = job.prev;
    job.prev = job.after = nullptr;
  }

  // Starts task job.next (requires job.next < job.n) with the mutex released, and accounts for it.
  // `lock` holds mutex_ on entry and on return.
  void run_one(Job& job, std::unique_lock<std::mutex>& lock) {
    const std::size_t i = job.next++;
    if (job.next == job.n) dequeue(job);
    ++job.running;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job.fn)(i);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !job.error) {
      job.error = error;
      if (job.next < job.n) {  // skip the tasks not yet started
        job.next = job.n;
        dequeue(job);
      }
    }
    // Notified under the mutex: the caller cannot return (destroying job) before this call completes.
    if (--job.running == 0 && job.next == job.n) job.done.notify_one();
  }

  void worker_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return stop_ || head_ != nullptr; });
      if (stop_) return;
      run_one(*head_, lock);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable work_;  // workers wait here for a job
  Job* head_ = nullptr;
  Job* tail_ = nullptr;
  bool stop_ = false;
};

}  // namespace

std::shared_ptr<Executor> make_thread_pool(int n_threads) {
  SENTIO_ASSERT(n_threads >= 1);
  return std::make_shared<ThreadPoolExecutor>(n_threads);
}

Executor& inline_executor() {
  static InlineExecutor executor;
  return executor;
}

}  // namespace sentio
