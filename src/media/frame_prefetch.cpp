// SPDX-License-Identifier: Apache-2.0
#include "sentio/media/frame_prefetch.hpp"

#include "sentio/core/error.hpp"
#include "sentio/core/read_ahead.hpp"

namespace sentio::media {

struct FramePrefetcher::Impl {
  Impl(VideoReader& reader, std::size_t capacity)
      : ahead([&reader](VideoFrame& frame) { return reader.next(frame); }, capacity) {}
  ReadAhead<VideoFrame> ahead;
};

FramePrefetcher::FramePrefetcher(VideoReader& reader, std::size_t capacity)
    : impl_(std::make_unique<Impl>(reader, capacity)) {
  SENTIO_ASSERT(capacity >= 2);
}
FramePrefetcher::~FramePrefetcher() = default;

bool FramePrefetcher::next(VideoFrame& frame) { return impl_->ahead.next(frame); }

}  // namespace sentio::media
