// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decoding video frames ahead of their consumer, on a thread of its own.
#include <cstddef>
#include <memory>

#include "sentio/media/video_reader.hpp"

namespace sentio::media {

// Reads frames from `reader` on a thread of its own, up to `capacity` frames ahead of the consumer;
// frame buffers are recycled, so memory stays at capacity + 1 frames whatever the video length. The
// threads hand over in bursts: the decoder, once the queue is full, sleeps until it has drained to half,
// and the consumer is woken only when it waits on an empty queue (on a loaded machine every wake-up
// costs a scheduling delay). The reader must outlive the prefetcher and is used by its thread only.
class FramePrefetcher {
 public:
  FramePrefetcher(VideoReader& reader, std::size_t capacity);
  ~FramePrefetcher();
  FramePrefetcher(const FramePrefetcher&) = delete;
  FramePrefetcher& operator=(const FramePrefetcher&) = delete;

  // Swaps the next frame into `frame` (whose buffer goes back to the decoder); false at the end.
  // Rethrows the decoder's exception (an InputError naming the file).
  bool next(VideoFrame& frame);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentio::media
