// SPDX-License-Identifier: Apache-2.0
#include <cctype>

#include "asr_internal.hpp"

namespace sentio::asr::detail {

std::string normalise_decoder_word(std::string_view word) {
  // Keyword spotting reports the phrase with a trailing space.
  while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back()))) word.remove_suffix(1);
  while (!word.empty() && std::isspace(static_cast<unsigned char>(word.front()))) word.remove_prefix(1);
  if (word.empty() || word == "NULL") return {};
  // Filler and marker words of CMU Sphinx dictionaries are bracketed: <s> <sil> [NOISE] ++UH++.
  const char first = word.front();
  if (first == '<' || first == '[' || first == '+') return {};
  // "word(2)": the second pronunciation of "word" in the dictionary.
  if (word.back() == ')') {
    const std::size_t open = word.rfind('(');
    if (open != std::string_view::npos && open > 0 && open + 2 < word.size()) {
      bool digits = true;
      for (std::size_t i = open + 1; i + 1 < word.size(); ++i)
        digits = digits && std::isdigit(static_cast<unsigned char>(word[i]));
      if (digits) word = word.substr(0, open);
    }
  }
  return std::string(word);
}

}  // namespace sentio::asr::detail
