// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private: the neural encoder's input (no torch here). A text becomes a list of tokens (text::tokenize,
// at most max_tokens), each token a bag of embedding rows: its word's row and the rows of the character
// n-grams of "<word>". Rows are hashed into 2^hash_bits buckets (FNV-1a 64 finished by the splitmix64
// mixer, one namespace per kind, so a word and an equal character n-gram get different rows).
#include <cstdint>
#include <string_view>
#include <vector>

namespace sentio::text_neural::detail {

struct HashInput {
  int hash_bits = 17;
  int char_min = 3, char_max = 5;  // 0 = no character n-grams
  int max_tokens = 80;
};

// Tokens of one text as bags of rows: rows[offsets[t] .. offsets[t + 1]) belong to token t. A text
// without tokens gets one bag holding the row of an "empty" marker, so every text has >= 1 token.
struct TokenBags {
  std::vector<std::int64_t> rows;
  std::vector<std::int64_t> offsets;  // n_tokens + 1 entries
  std::size_t n_tokens() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};

TokenBags featurize(const HashInput& in, std::string_view text);

}  // namespace sentio::text_neural::detail
