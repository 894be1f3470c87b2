// SPDX-License-Identifier: Apache-2.0
#include "metrics.hpp"

#include <cstdio>
#include <sstream>

namespace sentio::serve {

void Metrics::session_opened() {
  ++open_;
  ++sessions_total_;
}

void Metrics::session_closed() { --open_; }

void Metrics::event_sent(const std::string& type) {
  std::lock_guard lock(mutex_);
  ++events_[type];
}

void Metrics::event_delay(double seconds) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++delay_buckets_[i];
  ++delay_count_;
  delay_sum_ += seconds;
}

void Metrics::request(const std::string& route, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
}

void Metrics::error(const std::string& code) {
  std::lock_guard lock(mutex_);
  ++errors_[code];
}

std::string Metrics::text(const JobCounts& jobs) const {
  std::ostringstream o;
  auto head = [&](const char* name, const char* type, const char* help) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  head("sentio_sessions_open", "gauge", "WebSocket streams open now.");
  o << "sentio_sessions_open " << open_.load() << '\n';
  head("sentio_sessions_total", "counter", "WebSocket streams started.");
  o << "sentio_sessions_total " << sessions_total_.load() << '\n';
  head("sentio_bytes_received_total", "counter", "Payload bytes received.");
  o << "sentio_bytes_received_total " << bytes_in_.load() << '\n';
  head("sentio_bytes_sent_total", "counter", "Payload bytes sent.");
  o << "sentio_bytes_sent_total " << bytes_out_.load() << '\n';
  head("sentio_jobs", "gauge", "Jobs by state.");
  o << "sentio_jobs{state=\"queued\"} " << jobs.queued << "\nsentio_jobs{state=\"running\"} " << jobs.running
    << "\nsentio_jobs{state=\"done\"} " << jobs.done << "\nsentio_jobs{state=\"failed\"} " << jobs.failed << '\n';
  std::lock_guard lock(mutex_);
  head("sentio_events_total", "counter", "Stream events sent, by type.");
  for (const auto& [type, n] : events_) o << "sentio_events_total{type=\"" << type << "\"} " << n << '\n';
  head("sentio_errors_total", "counter", "Error events and 4xx/5xx answers, by code.");
  for (const auto& [code, n] : errors_) o << "sentio_errors_total{code=\"" << code << "\"} " << n << '\n';
  head("sentio_requests_total", "counter", "HTTP requests answered, by route and status.");
  for (const auto& [key, n] : requests_)
    o << "sentio_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << '\n';
  head("sentio_event_delay_seconds", "histogram",
       "Segment events: from the arrival of the audio at the segment's end to the event's sending.");
  char buf[64];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%g", kBuckets[i]);
    o << "sentio_event_delay_seconds_bucket{le=\"" << buf << "\"} " << delay_buckets_[i] << '\n';
  }
  o << "sentio_event_delay_seconds_bucket{le=\"+Inf\"} " << delay_count_ << '\n';
  std::snprintf(buf, sizeof buf, "%.6f", delay_sum_);
  o << "sentio_event_delay_seconds_sum " << buf << "\nsentio_event_delay_seconds_count " << delay_count_ << '\n';
  return o.str();
}

}  // namespace sentio::serve
