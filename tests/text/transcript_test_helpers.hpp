// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers for the transcript tests: parse inline golden text, and check InputError messages.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/text/transcript.hpp"

namespace sentio::text::test {

inline Transcript parse(std::string_view content, TranscriptFormat format = TranscriptFormat::automatic,
                        const TranscriptOptions& options = {}) {
  return parse_transcript(content, format, "golden", options);
}

// The InputError message thrown by parsing `content`, or "" when nothing was thrown.
inline std::string parse_error(std::string_view content, TranscriptFormat format = TranscriptFormat::automatic) {
  try {
    parse_transcript(content, format, "golden");
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

inline bool has_warning(const Transcript& t, std::string_view needle) {
  for (const auto& w : t.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

inline void expect_utterance(const Utterance& u, double start, double end, const std::string& speaker,
                             const std::string& text, const std::string& id = {}) {
  EXPECT_NEAR(u.start, start, 1e-9) << text;
  EXPECT_NEAR(u.end, end, 1e-9) << text;
  EXPECT_EQ(u.speaker, speaker);
  EXPECT_EQ(u.text, text);
  EXPECT_EQ(u.id, id) << text;
}

}  // namespace sentio::text::test
