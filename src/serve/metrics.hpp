// SPDX-License-Identifier: Apache-2.0
#pragma once
// The server's counters, rendered in the Prometheus text format (docs/SERVE.md, "Metrics"). Thread-safe.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sentio::serve {

struct JobCounts {
  int queued = 0, running = 0, done = 0, failed = 0;
};

class Metrics {
 public:
  void session_opened();
  void session_closed();
  int sessions_open() const { return open_.load(); }
  void event_sent(const std::string& type);
  void event_delay(double seconds);  // a segment event's delay
  void request(const std::string& route, int status);
  void error(const std::string& code);
  void bytes_received(std::size_t n) { bytes_in_ += n; }
  void bytes_sent(std::size_t n) { bytes_out_ += n; }
  std::string text(const JobCounts& jobs) const;

 private:
  static constexpr std::array<double, 10> kBuckets{0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10};
  std::atomic<int> open_{0};
  std::atomic<std::int64_t> sessions_total_{0}, bytes_in_{0}, bytes_out_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> events_, errors_;
  std::map<std::pair<std::string, int>, std::int64_t> requests_;
  std::array<std::int64_t, kBuckets.size()> delay_buckets_{};
  std::int64_t delay_count_ = 0;
  double delay_sum_ = 0;
};

}  // namespace sentio::serve
