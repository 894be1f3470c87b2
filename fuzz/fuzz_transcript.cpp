// SPDX-License-Identifier: Apache-2.0
// Transcript parsing (SRT, WebVTT, JSON, CSV, MELD, plain text, with encoding repair): the first byte picks
// the format (or content sniffing), the rest is the content.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sentio/core/error.hpp"
#include "sentio/text/transcript.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using sentio::text::TranscriptFormat;
  if (size == 0) return 0;
  constexpr TranscriptFormat kFormats[] = {TranscriptFormat::automatic, TranscriptFormat::srt, TranscriptFormat::webvtt,
                                           TranscriptFormat::json,      TranscriptFormat::csv, TranscriptFormat::meld_csv,
                                           TranscriptFormat::plain};
  const TranscriptFormat format = kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
  const std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    (void)sentio::text::parse_transcript(content, format, "fuzz");
  } catch (const sentio::InputError&) {
  }
  return 0;
}
