// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers of the asr module shared between its sources and its unit tests.
#include <string>
#include <string_view>

namespace sentio::asr::detail {

// A decoder output word as it goes into a transcript: "" for fillers and sentence markers (<s>,
// </s>, <sil>, [NOISE], ++GARBAGE++, NULL), alternative pronunciations "read(2)" -> "read".
std::string normalise_decoder_word(std::string_view word);

}  // namespace sentio::asr::detail
