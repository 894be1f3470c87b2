// SPDX-License-Identifier: Apache-2.0
#pragma once
// Word error rate (WER) between a reference and a recognized word sequence.
//
// Method: both texts are normalised to word lists (normalise_words), then aligned with the
// Levenshtein dynamic programme over words with unit costs for substitution, deletion (reference
// word missing from the hypothesis) and insertion (extra hypothesis word). Among the alignments of
// minimal cost, ties are broken in favour of substitutions, then deletions, then insertions, so the
// counts are deterministic. WER = (S + D + I) / N with N the number of reference words; it can
// exceed 1 when the hypothesis has many insertions. Corpus WER sums the counts before dividing
// (WerCounts::operator+=), not the per-sentence rates.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sentio::asr {

struct NormaliseOptions {
  bool lower_case = true;         // "Hello" == "hello"
  bool strip_punctuation = true;  // drop . , ; : ! ? " ( ) [ ] and similar; keep apostrophes inside words
                                  // ("don't") and hyphens become word breaks ("well-known" -> well known)
  bool numbers_as_words = false;  // "42" -> "forty two", "7" -> "seven" (non-negative integers < 10^12)
};

// Splits text into normalised words (UTF-8 passes through unchanged apart from ASCII case).
std::vector<std::string> normalise_words(std::string_view text, const NormaliseOptions& options = {});

// English words of a non-negative integer < 10^12: 0 -> "zero", 21 -> "twenty one",
// 1905 -> "one thousand nine hundred five". Returns "" for larger numbers.
std::string number_to_words(unsigned long long n);

struct WerCounts {
  std::size_t substitutions = 0;
  std::size_t deletions = 0;
  std::size_t insertions = 0;
  std::size_t hits = 0;              // reference words recognized correctly
  std::size_t reference_words = 0;   // N = hits + substitutions + deletions
  std::size_t hypothesis_words = 0;  // hits + substitutions + insertions

  std::size_t errors() const { return substitutions + deletions + insertions; }
  // (S + D + I) / N; 0 for an empty reference with an empty hypothesis, 1 per inserted word otherwise
  // (reported relative to N = 1 so that the rate stays finite).
  double wer() const;
  WerCounts& operator+=(const WerCounts& other);
};

// One step of the alignment: ref or hyp is empty for insertions and deletions respectively.
enum class EditOp { hit, substitution, deletion, insertion };
struct AlignedPair {
  EditOp op = EditOp::hit;
  std::string ref;
  std::string hyp;
};

struct WerResult {
  WerCounts counts;
  std::vector<AlignedPair> alignment;  // in reference/hypothesis order
};

// Aligns already-normalised word lists.
WerResult align_words(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis);
// Normalises both texts with `options`, then aligns.
WerResult word_error_rate(std::string_view reference, std::string_view hypothesis,
                          const NormaliseOptions& options = {});

}  // namespace sentio::asr
