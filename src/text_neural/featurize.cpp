// SPDX-License-Identifier: Apache-2.0
// Hashed word + subword bags of the neural text encoder (featurize.hpp).
#include "featurize.hpp"

#include <string>

#include "sentio/text/text_model.hpp"

namespace sentio::text_neural::detail {
namespace {

constexpr std::uint64_t kNsWord = 0x2545f4914f6cdd1dULL;
constexpr std::uint64_t kNsChar = 0x9fb21c651e98df25ULL;

std::uint64_t hash(std::string_view s, std::uint64_t ns) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ ns;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  // splitmix64 finaliser: FNV-1a's low bits alone are poorly mixed for short strings.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

// Byte length of the UTF-8 sequence starting with `c` (1 for ASCII and for stray continuation bytes).
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

}  // namespace

TokenBags featurize(const HashInput& in, std::string_view text) {
  TokenBags b;
  const std::uint64_t mask = (std::uint64_t{1} << in.hash_bits) - 1;
  b.offsets.push_back(0);
  std::vector<std::string> tokens = text::tokenize(text);
  if (tokens.size() > static_cast<std::size_t>(in.max_tokens))
    tokens.resize(static_cast<std::size_t>(in.max_tokens));
  if (tokens.empty()) {
    b.rows.push_back(static_cast<std::int64_t>(hash("<empty>", kNsWord) & mask));
    b.offsets.push_back(1);
    return b;
  }
  std::string padded;
  std::vector<std::size_t> starts;  // character starts in `padded` (n-grams never split a UTF-8 character)
  for (const auto& t : tokens) {
    b.rows.push_back(static_cast<std::int64_t>(hash(t, kNsWord) & mask));
    if (in.char_min > 0 && t.size() > 1) {  // '!' and '?' (and one-letter words) are their word only
      padded = "<" + t + ">";
      starts.clear();
      for (std::size_t i = 0; i < padded.size(); i += utf8_length(static_cast<unsigned char>(padded[i])))
        starts.push_back(i);
      starts.push_back(padded.size());
      const std::size_t n_chars = starts.size() - 1;
      for (int n = in.char_min; n <= in.char_max; ++n) {
        const auto un = static_cast<std::size_t>(n);
        if (un >= n_chars) break;  // the n-gram would be the whole "<word>"
        for (std::size_t i = 0; i + un <= n_chars; ++i) {
          const std::string_view g(padded.data() + starts[i], starts[i + un] - starts[i]);
          b.rows.push_back(static_cast<std::int64_t>(hash(g, kNsChar) & mask));
        }
      }
    }
    b.offsets.push_back(static_cast<std::int64_t>(b.rows.size()));
  }
  return b;
}

}  // namespace sentio::text_neural::detail
