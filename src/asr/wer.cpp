// SPDX-License-Identifier: Apache-2.0
// Text normalisation for scoring and the word-level Levenshtein alignment behind WER.
#include "sentio/asr/wer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace sentio::asr {
namespace {

bool is_ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

constexpr std::array<const char*, 20> kOnes = {"zero",    "one",     "two",       "three",    "four",
                                               "five",    "six",     "seven",     "eight",    "nine",
                                               "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                               "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<const char*, 10> kTens = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

// 1..999 -> words, appended with a leading space.
void append_below_thousand(std::string& out, unsigned n) {
  if (n >= 100) {
    out += ' ';
    out += kOnes[n / 100];
    out += " hundred";
    n %= 100;
  }
  if (n >= 20) {
    out += ' ';
    out += kTens[n / 10];
    n %= 10;
    if (n == 0) return;
  }
  if (n > 0) {
    out += ' ';
    out += kOnes[n];
  }
}

void push_word(std::vector<std::string>& words, std::string& word, const NormaliseOptions& options) {
  if (word.empty()) return;
  if (options.numbers_as_words && std::all_of(word.begin(), word.end(), [](char c) { return is_digit(static_cast<unsigned char>(c)); })) {
    std::string spoken;
    if (word.size() <= 12) spoken = number_to_words(std::stoull(word));
    if (!spoken.empty()) {
      std::size_t begin = 0;
      while (begin < spoken.size()) {
        std::size_t end = spoken.find(' ', begin);
        if (end == std::string::npos) end = spoken.size();
        words.emplace_back(spoken.substr(begin, end - begin));
        begin = end + 1;
      }
      word.clear();
      return;
    }
  }
  words.push_back(std::move(word));
  word.clear();
}

}  // namespace

std::string number_to_words(unsigned long long n) {
  if (n >= 1'000'000'000'000ULL) return {};
  if (n == 0) return "zero";
  std::string out;
  constexpr std::array<std::pair<unsigned long long, const char*>, 3> kScales = {
      {{1'000'000'000ULL, " billion"}, {1'000'000ULL, " million"}, {1'000ULL, " thousand"}}};
  for (const auto& [scale, name] : kScales) {
    if (n >= scale) {
      append_below_thousand(out, static_cast<unsigned>(n / scale));
      out += name;
      n %= scale;
    }
  }
  append_below_thousand(out, static_cast<unsigned>(n));
  return out.substr(1);
}

std::vector<std::string> normalise_words(std::string_view text, const NormaliseOptions& options) {
  std::vector<std::string> words;
  std::string word;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // U+2019 (right single quotation mark) is the typographic apostrophe.
    if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {
      c = '\'';
      i += 2;
    }
    if (is_space(c)) {
      push_word(words, word, options);
      continue;
    }
    if (c >= 0x80 || is_ascii_alnum(c) || !options.strip_punctuation) {
      word += static_cast<char>(options.lower_case && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      continue;
    }
    // ASCII punctuation. An apostrophe inside a word stays ("don't", "o'clock"); a comma between
    // digits is a thousands separator ("1,000"); everything else separates words.
    const bool next_alnum = i + 1 < n && is_ascii_alnum(static_cast<unsigned char>(text[i + 1]));
    if (c == '\'' && !word.empty() && next_alnum) {
      word += '\'';
    } else if (c == ',' && !word.empty() && is_digit(static_cast<unsigned char>(word.back())) && i + 1 < n &&
               is_digit(static_cast<unsigned char>(text[i + 1]))) {
      // thousands separator: the digits continue the same number
    } else {
      push_word(words, word, options);
    }
  }
  push_word(words, word, options);
  return words;
}

double WerCounts::wer() const {
  if (reference_words == 0) return static_cast<double>(errors());
  return static_cast<double>(errors()) / static_cast<double>(reference_words);
}

WerCounts& WerCounts::operator+=(const WerCounts& other) {
  substitutions += other.substitutions;
  deletions += other.deletions;
  insertions += other.insertions;
  hits += other.hits;
  reference_words += other.reference_words;
  hypothesis_words += other.hypothesis_words;
  return *this;
}

WerResult align_words(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis) {
  const std::size_t n = reference.size(), m = hypothesis.size();
  // d[i][j] = edit distance between reference[0, i) and hypothesis[0, j); (n+1) x (m+1), row-major.
  const std::size_t w = m + 1;
  std::vector<std::uint32_t> d((n + 1) * w);
  for (std::size_t j = 0; j <= m; ++j) d[j] = static_cast<std::uint32_t>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    d[i * w] = static_cast<std::uint32_t>(i);
    for (std::size_t j = 1; j <= m; ++j) {
      const std::uint32_t diagonal = d[(i - 1) * w + j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0u : 1u);
      d[i * w + j] = std::min({diagonal, d[(i - 1) * w + j] + 1u, d[i * w + j - 1] + 1u});
    }
  }
  // Back-trace from (n, m); at ties prefer the diagonal (hit or substitution), then deletion.
  WerResult result;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    const std::uint32_t here = d[i * w + j];
    if (i > 0 && j > 0) {
      const bool same = reference[i - 1] == hypothesis[j - 1];
      if (here == d[(i - 1) * w + j - 1] + (same ? 0u : 1u)) {
        result.alignment.push_back({same ? EditOp::hit : EditOp::substitution, reference[i - 1], hypothesis[j - 1]});
        --i, --j;
        continue;
      }
    }
    if (i > 0 && here == d[(i - 1) * w + j] + 1u) {
      result.alignment.push_back({EditOp::deletion, reference[i - 1], {}});
      --i;
    } else {
      result.alignment.push_back({EditOp::insertion, {}, hypothesis[j - 1]});
      --j;
    }
  }
  std::reverse(result.alignment.begin(), result.alignment.end());
  WerCounts& c = result.counts;
  c.reference_words = n;
  c.hypothesis_words = m;
  for (const AlignedPair& p : result.alignment) {
    switch (p.op) {
      case EditOp::hit: ++c.hits; break;
      case EditOp::substitution: ++c.substitutions; break;
      case EditOp::deletion: ++c.deletions; break;
      case EditOp::insertion: ++c.insertions; break;
    }
  }
  return result;
}

WerResult word_error_rate(std::string_view reference, std::string_view hypothesis, const NormaliseOptions& options) {
  return align_words(normalise_words(reference, options), normalise_words(hypothesis, options));
}

}  // namespace sentio::asr
