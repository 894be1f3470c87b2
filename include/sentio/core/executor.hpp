// SPDX-License-Identifier: Apache-2.0
#pragma once
// One execution policy for the whole library: an Executor runs the tasks of an index loop.
//
// An application (or the Engine) owns one Executor and shares it: several threads may call run() at
// the same time, and a task may itself call run() on the same executor (nesting). Both are safe because
// the calling thread always works on its own call: it runs tasks of its own loop until none is left to
// start, so a call makes progress even when every other thread is busy. Applications may plug their own
// implementation (e.g. one that forwards to their scheduler) by deriving from Executor.
#include <cstddef>
#include <functional>
#include <memory>

namespace sentio {

class Executor {
 public:
  virtual ~Executor() = default;

  // Threads that may run tasks of one call at once: the pool's workers plus the calling thread. >= 1.
  virtual int concurrency() const = 0;

  // Runs fn(i) for every i in [0, n) and returns when all have run (n == 0: returns at once).
  // Tasks start in index order, each on whichever thread is free; the calling thread runs tasks too, so
  // calls from several threads at once and calls from inside a task never deadlock. The first exception
  // a task throws is rethrown here once the tasks already started have finished; tasks not yet started
  // when it was thrown are skipped. fn must be safe to call concurrently for different i.
  virtual void run(std::size_t n, const std::function<void(std::size_t)>& fn) = 0;
};

// A pool of n_threads - 1 worker threads (the calling thread of run() is the n_threads-th), created here
// and joined when the last owner lets go; n_threads >= 1 (1: everything runs on the caller).
// Workers serve the calls of all threads from one queue, in the order the calls were made; a caller
// whose remaining tasks have all been started by others sleeps until they finish (it does not run other
// calls' tasks, so a call's latency never includes foreign work). Handing out a task costs one mutex
// round trip: give tasks of at least a few microseconds of work each.
std::shared_ptr<Executor> make_thread_pool(int n_threads);

// Runs every task on the calling thread, in index order (concurrency() == 1). A process-wide instance.
Executor& inline_executor();

}  // namespace sentio
