// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "sentio/core/thread_pool.hpp"

TEST(ThreadPool, CoversEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3}) {
    sentio::ThreadPool pool(threads);
    for (std::size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<int> hits(n, 0);
      pool.parallel_for(n, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t i = b; i < e; ++i) hits[i] += 1;
      });
      EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), 0), static_cast<int>(n));
      for (int h : hits) EXPECT_EQ(h, 1);
    }
  }
}

TEST(ThreadPool, WorkerIdsAreInRange) {
  sentio::ThreadPool pool(3);
  std::atomic<int> bad{0};
  pool.parallel_for(100, [&](std::size_t, std::size_t, int w) {
    if (w < 0 || w >= 3) ++bad;
  });
  EXPECT_EQ(bad.load(), 0);
}

TEST(ThreadPool, RethrowsAnExceptionFromAWorker) {
  sentio::ThreadPool pool(2);
  EXPECT_THROW(pool.parallel_for(10,
                                 [&](std::size_t b, std::size_t, int) {
                                   if (b > 0) throw std::runtime_error("boom");
                                 }),
               std::runtime_error);
  // the pool stays usable
  int sum = 0;
  pool.parallel_for(1, [&](std::size_t, std::size_t, int) { sum = 1; });
  EXPECT_EQ(sum, 1);
}
