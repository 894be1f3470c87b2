// SPDX-License-Identifier: Apache-2.0
#include "sentio/media/frame_prefetch.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio::media {

struct FramePrefetcher::Impl {
  Impl(VideoReader& reader, std::size_t capacity) : reader_(reader), capacity_(capacity) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Impl() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    thread_.join();
  }

  bool next(VideoFrame& frame) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (ready_.empty() && !done_) {
      consumer_waiting_ = true;
      space_.notify_all();  // a decoder asleep at the high-water mark cannot be: the queue is empty
      ready_cv_.wait(lock, [&] { return !ready_.empty() || done_; });
      consumer_waiting_ = false;
    }
    if (ready_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    std::swap(frame, ready_.front());
    free_.push_back(std::move(ready_.front()));
    ready_.pop_front();
    if (ready_.size() == capacity_ / 2) space_.notify_all();
    return true;
  }

  void loop() {
    try {
      for (;;) {
        VideoFrame frame;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          if (ready_.size() >= capacity_)
            space_.wait(lock, [&] { return stop_ || ready_.size() <= capacity_ / 2; });
          if (stop_) break;
          if (!free_.empty()) {
            frame = std::move(free_.back());
            free_.pop_back();
          }
        }
        const bool more = reader_.next(frame);  // decodes without the lock
        const std::lock_guard<std::mutex> lock(mutex_);
        if (!more) break;
        ready_.push_back(std::move(frame));
        if (consumer_waiting_) ready_cv_.notify_all();
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    ready_cv_.notify_all();
  }

  VideoReader& reader_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_cv_, space_;
  std::deque<VideoFrame> ready_;
  std::vector<VideoFrame> free_;
  bool done_ = false, stop_ = false, consumer_waiting_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

FramePrefetcher::FramePrefetcher(VideoReader& reader, std::size_t capacity)
    : impl_(std::make_unique<Impl>(reader, capacity)) {
  SENTIO_ASSERT(capacity >= 2);
}
FramePrefetcher::~FramePrefetcher() = default;

bool FramePrefetcher::next(VideoFrame& frame) { return impl_->next(frame); }

}  // namespace sentio::media
