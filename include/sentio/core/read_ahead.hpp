// SPDX-License-Identifier: Apache-2.0
#pragma once
// Producing items (decoded video frames, chunks of audio) ahead of their consumer, on a thread of its own.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace sentio {

// Calls `produce(item)` on a thread of its own, up to `capacity` items ahead of the consumer; `produce`
// fills an item (a recycled one, so buffers are reused and memory stays at capacity + 1 items) and returns
// false at the end. The threads hand over in bursts: the producer, once the queue is full, sleeps until it
// has drained to half, and the consumer is woken only when it waits on an empty queue (on a loaded machine
// every wake-up costs a scheduling delay). Whatever `produce` reads must outlive this object; the
// destructor stops the thread after the item it is producing.
template <typename Item>
class ReadAhead {
 public:
  ReadAhead(std::function<bool(Item&)> produce, std::size_t capacity)
      : produce_(std::move(produce)), capacity_(capacity < 2 ? 2 : capacity) {
    thread_ = std::thread([this] { loop(); });
  }
  ~ReadAhead() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    thread_.join();
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Swaps the next item into `item` (whose old content goes back to the producer); false at the end.
  // Rethrows the exception `produce` threw, once the items before it have been taken.
  bool next(Item& item) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (ready_.empty() && !done_) {
      consumer_waiting_ = true;
      space_.notify_all();  // a producer asleep at the high-water mark cannot be: the queue is empty
      ready_cv_.wait(lock, [&] { return !ready_.empty() || done_; });
      consumer_waiting_ = false;
    }
    if (ready_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    std::swap(item, ready_.front());
    free_.push_back(std::move(ready_.front()));
    ready_.pop_front();
    if (ready_.size() == capacity_ / 2) space_.notify_all();
    return true;
  }

 private:
  void loop() {
    try {
      for (;;) {
        Item item{};
        {
          std::unique_lock<std::mutex> lock(mutex_);
          if (ready_.size() >= capacity_)
            space_.wait(lock, [&] { return stop_ || ready_.size() <= capacity_ / 2; });
          if (stop_) break;
          if (!free_.empty()) {
            item = std::move(free_.back());
            free_.pop_back();
          }
        }
        const bool more = produce_(item);  // without the lock
        const std::lock_guard<std::mutex> lock(mutex_);
        if (!more) break;
        ready_.push_back(std::move(item));
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

  std::function<bool(Item&)> produce_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_cv_, space_;
  std::deque<Item> ready_;
  std::vector<Item> free_;
  bool done_ = false, stop_ = false, consumer_waiting_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace sentio
