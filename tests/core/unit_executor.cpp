// SPDX-License-Identifier: Apache-2.0
// The shared executor: results, exceptions, concurrent and nested callers, no busy waiting.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sentio/core/executor.hpp"

namespace {

using sentio::Executor;

// The executors every behavioural test runs on: inline, and pools of 1, 2 and 4 threads.
struct Executors {
  std::vector<std::shared_ptr<Executor>> pools = {sentio::make_thread_pool(1), sentio::make_thread_pool(2),
                                                  sentio::make_thread_pool(4)};
  std::vector<Executor*> all() {
    std::vector<Executor*> out = {&sentio::inline_executor()};
    for (auto& p : pools) out.push_back(p.get());
    return out;
  }
};

TEST(Executor, Concurrency) {
  EXPECT_EQ(sentio::inline_executor().concurrency(), 1);
  EXPECT_EQ(sentio::make_thread_pool(1)->concurrency(), 1);
  EXPECT_EQ(sentio::make_thread_pool(2)->concurrency(), 2);
  EXPECT_EQ(sentio::make_thread_pool(5)->concurrency(), 5);
}

TEST(Executor, RunsEveryIndexExactlyOnce) {
  Executors ex;
  for (Executor* e : ex.all()) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 7u, 1000u}) {
      std::vector<int> hits(n, 0);
      std::vector<std::size_t> squares(n, 0);
      e->run(n, [&](std::size_t i) {
        hits[i] += 1;
        squares[i] = i * i;
      });
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(hits[i], 1) << "n=" << n << " i=" << i << " concurrency=" << e->concurrency();
        EXPECT_EQ(squares[i], i * i);
      }
    }
  }
}

TEST(Executor, ZeroTasksNeverCallsAndOneTaskRunsOnTheCaller) {
  Executors ex;
  for (Executor* e : ex.all()) {
    int calls = 0;
    e->run(0, [&](std::size_t) { ++calls; });
    EXPECT_EQ(calls, 0);
    std::thread::id ran_on;
    std::size_t index = 99;
    e->run(1, [&](std::size_t i) {
      ++calls;
      index = i;
      ran_on = std::this_thread::get_id();
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(index, 0u);
    EXPECT_EQ(ran_on, std::this_thread::get_id());
  }
}

TEST(Executor, InlineRunsInIndexOrderOnTheCaller) {
  std::vector<std::size_t> order;
  const std::thread::id caller = std::this_thread::get_id();
  sentio::inline_executor().run(5, [&](std::size_t i) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(Executor, SeveralThreadsRunTasksOfOneCall) {
  auto pool = sentio::make_thread_pool(3);
  std::mutex m;
  std::vector<std::thread::id> ids;
  pool->run(12, [&](std::size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard lock(m);
    if (std::find(ids.begin(), ids.end(), std::this_thread::get_id()) == ids.end())
      ids.push_back(std::this_thread::get_id());
  });
  EXPECT_GE(ids.size(), 2u);
  EXPECT_LE(ids.size(), 3u);
}

TEST(Executor, RethrowsTheExceptionAndStaysUsable) {
  Executors ex;
  for (Executor* e : ex.all()) {
    try {
      e->run(50, [&](std::size_t i) {
        if (i == 10) throw std::runtime_error("task 10 failed");
      });
      ADD_FAILURE() << "no exception, concurrency=" << e->concurrency();
    } catch (const std::runtime_error& err) {
      EXPECT_EQ(std::string(err.what()), "task 10 failed");
    }
    std::atomic<int> sum{0};
    e->run(10, [&](std::size_t i) { sum += static_cast<int>(i); });
    EXPECT_EQ(sum.load(), 45);
  }
}

TEST(Executor, OnOneThreadTheTasksAfterTheThrowerAreSkipped) {
  const auto single = sentio::make_thread_pool(1);
  for (Executor* e : {&sentio::inline_executor(), single.get()}) {
    std::vector<int> ran(20, 0);
    EXPECT_THROW(e->run(20,
                        [&](std::size_t i) {
                          ran[i] = 1;
                          if (i == 4) throw std::logic_error("four");
                        }),
                 std::logic_error);
    for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(ran[i], i <= 4 ? 1 : 0) << i;
  }
}

TEST(Executor, AfterAThrowUnstartedTasksAreSkippedAndStartedOnesFinish) {
  auto pool = sentio::make_thread_pool(4);
  std::atomic<int> started{0}, finished{0};
  EXPECT_THROW(pool->run(1000,
                         [&](std::size_t i) {
                           ++started;
                           if (i == 0) throw std::runtime_error("first");
                           std::this_thread::sleep_for(std::chrono::milliseconds(2));
                           ++finished;
                         }),
               std::runtime_error);
  // Every task that started (other than the thrower) finished before run() returned ...
  EXPECT_EQ(finished.load(), started.load() - 1);
  // ... and almost none of the 1000 started: task 0 threw at once, the others take 2 ms each.
  EXPECT_LT(started.load(), 100);
}

TEST(Executor, FirstOfSeveralExceptionsIsRethrown) {
  auto pool = sentio::make_thread_pool(3);
  for (int rep = 0; rep < 20; ++rep) {
    try {
      pool->run(8, [&](std::size_t i) { throw std::runtime_error("task " + std::to_string(i)); });
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& err) {
      EXPECT_EQ(std::string(err.what()).rfind("task ", 0), 0u);
    }
  }
}

TEST(Executor, ManyThreadsCallOnePoolConcurrently) {
  auto pool = sentio::make_thread_pool(3);
  constexpr int kCallers = 8, kCalls = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int k = 0; k < kCalls; ++k) {
        const std::size_t n = 1 + static_cast<std::size_t>((c * 7 + k) % 23);
        std::vector<std::size_t> out(n, 0);
        pool->run(n, [&](std::size_t i) { out[i] = i * 3 + static_cast<std::size_t>(c); });
        for (std::size_t i = 0; i < n; ++i)
          if (out[i] != i * 3 + static_cast<std::size_t>(c)) ++wrong;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// run() inside run() inside run(): each level keeps going on its own calling thread.
TEST(Executor, NestedCallsThreeDeepFinish) {
  for (int threads : {1, 2, 3}) {
    auto pool = sentio::make_thread_pool(threads);
    std::atomic<int> leaves{0};
    pool->run(4, [&](std::size_t) {
      pool->run(4, [&](std::size_t) {
        pool->run(4, [&](std::size_t) { ++leaves; });
      });
    });
    EXPECT_EQ(leaves.load(), 64) << threads << " threads";
  }
}

TEST(Executor, NestedExceptionPropagatesToTheOuterCaller) {
  auto pool = sentio::make_thread_pool(2);
  EXPECT_THROW(pool->run(6,
                         [&](std::size_t i) {
                           pool->run(6, [&](std::size_t j) {
                             if (i == 3 && j == 2) throw std::out_of_range("inner");
                           });
                         }),
               std::out_of_range);
  std::atomic<int> n{0};
  pool->run(6, [&](std::size_t) { pool->run(6, [&](std::size_t) { ++n; }); });
  EXPECT_EQ(n.load(), 36);
}

// A caller waiting for a task another thread runs sleeps: the process uses little CPU meanwhile.
TEST(Executor, AWaitingCallerDoesNotSpin) {
  auto pool = sentio::make_thread_pool(2);
  const std::clock_t cpu0 = std::clock();
  const auto wall0 = std::chrono::steady_clock::now();
  pool->run(2, [&](std::size_t i) {
    if (i == 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  EXPECT_GE(wall, 0.29);
  EXPECT_LT(cpu, 0.1) << "wall " << wall << " s";
}

// Many callers, nested calls and exceptions mixed; must finish quickly with every count right.
TEST(Executor, StressMixedCallersNestingAndExceptions) {
  auto pool = sentio::make_thread_pool(4);
  constexpr int kCallers = 8, kIterations = 500;
  std::atomic<long> wrong{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      unsigned state = 12345u + static_cast<unsigned>(c);
      auto rnd = [&](unsigned mod) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % mod;
      };
      for (int k = 0; k < kIterations; ++k) {
        const std::size_t n = rnd(24), inner = rnd(6);
        const bool fail = rnd(10) == 0 && n > 0;
        const std::size_t fail_at = fail ? rnd(static_cast<unsigned>(n)) : n;
        std::atomic<long> count{0};
        bool threw = false;
        try {
          pool->run(n, [&](std::size_t i) {
            if (i == fail_at) throw std::runtime_error("stress");
            pool->run(inner, [&](std::size_t) { ++count; });
            ++count;
          });
        } catch (const std::runtime_error&) {
          threw = true;
        }
        if (threw != fail) ++wrong;
        if (!fail && count.load() != static_cast<long>(n * (inner + 1))) ++wrong;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
}

}  // namespace
