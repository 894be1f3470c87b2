// SPDX-License-Identifier: Apache-2.0
// Hashed n-gram features of the linear text model.
//
// Method: tokens (tokenize) give three feature groups, each hashed into the same 2^bits buckets with its
// own namespace: word unigrams, word bigrams (with a start marker so the first word is seen as such) and
// character n-grams of "<word>" (fastText-style subwords, which carry morphology and misspellings). A
// feature's sign is one hash bit (signed hashing, Weinberger et al. 2009), so collisions cancel in
// expectation instead of adding up. Within a group, counts per bucket become sign * log(1 + |count|)
// (sublinear term frequency) and the group is L2-normalised, so long texts and the many character
// n-grams do not drown the word features; the three groups therefore weigh the same.
#include <algorithm>
#include <cmath>

#include "model_internal.hpp"

namespace sentio::text::detail {
namespace {

constexpr std::uint64_t kNsWord = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kNsBigram = 0xc2b2ae3d27d4eb4fULL;
constexpr std::uint64_t kNsChar = 0x165667b19e3779f9ULL;

bool word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}

struct Raw {
  std::uint32_t bucket;
  float sign;  // the hash's sign times the token's weight (1 unless everyday contrast weights apply)
  std::uint32_t term;
};

// Merges a group's raw occurrences into `out` (sorted, log-count, L2-normalised) and, with a trace,
// records each occurrence's share of its bucket's final value.
void emit_group(std::vector<Raw>& raw, SparseVec& out, Trace* trace) {
  if (raw.empty()) return;
  // Without a trace the occurrences may be reordered in place (the hot path allocates nothing).
  thread_local std::vector<Raw> copy;
  std::vector<Raw>* sorted = &raw;
  if (trace) {
    copy = raw;
    sorted = &copy;
  }
  std::sort(sorted->begin(), sorted->end(), [](const Raw& a, const Raw& b) { return a.bucket < b.bucket; });
  const std::size_t first = out.index.size();
  double norm2 = 0;
  thread_local std::vector<float> raw_sum;
  raw_sum.clear();
  const std::vector<Raw>& v = *sorted;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    float s = 0;
    while (j < v.size() && v[j].bucket == v[i].bucket) s += v[j++].sign;
    if (s != 0) {
      const float x = std::copysign(std::log1p(std::fabs(s)), s);
      out.index.push_back(v[i].bucket);
      out.value.push_back(x);
      raw_sum.push_back(s);
      norm2 += static_cast<double>(x) * x;
    }
    i = j;
  }
  if (norm2 <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
  for (std::size_t k = first; k < out.value.size(); ++k) out.value[k] *= inv;
  if (!trace) return;
  for (const Raw& r : raw) {
    const auto it = std::lower_bound(out.index.begin() + static_cast<std::ptrdiff_t>(first), out.index.end(), r.bucket);
    if (it == out.index.end() || *it != r.bucket) continue;  // cancelled out
    const std::size_t k = static_cast<std::size_t>(it - out.index.begin());
    trace->occurrences.push_back({r.bucket, r.sign * out.value[k] / raw_sum[k - first], r.term});
  }
}

}  // namespace

std::uint64_t hash_string(std::string_view s, std::uint64_t ns) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ ns;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  auto flush = [&] {
    std::size_t b = 0, e = cur.size();
    while (b < e && cur[b] == '\'') ++b;
    while (e > b && cur[e - 1] == '\'') --e;
    // A token keeps at most kMaxTokenBytes (no word is that long; a 10 MB run of letters took 15 s and
    // 1.8 GB in character n-grams)
    if (e > b) tokens.emplace_back(cur.substr(b, std::min(e - b, kMaxTokenBytes)));
    cur.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // U+2019 RIGHT SINGLE QUOTATION MARK (E2 80 99) and U+2018 act as apostrophes.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0x99 || static_cast<unsigned char>(text[i + 2]) == 0x98)) {
      cur.push_back('\'');
      i += 2;
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (word_byte(c)) {
      cur.push_back(static_cast<char>(c));
      continue;
    }
    flush();
    if (c == '!' || c == '?') tokens.emplace_back(1, static_cast<char>(c));
  }
  flush();
  return tokens;
}

FeatureTokens feature_tokens(const HashConfig& config, std::string_view text) {
  FeatureTokens t;
  if (config.everyday) {
    for (EverydayToken& e : everyday_tokens(text)) {
      t.text.push_back(std::move(e.text));
      t.weight.push_back(e.weight);
      t.negated.push_back(e.negated ? 1 : 0);
      t.display.push_back(std::move(e.display));
    }
  } else {
    t.text = tokenize(text);
    t.weight.assign(t.text.size(), 1.0f);
    t.negated.assign(t.text.size(), 0);
  }
  return t;
}

void hashed_features(const HashConfig& config, std::string_view text, SparseVec& out, Trace* trace) {
  hashed_features(config, feature_tokens(config, text), out, trace);
}

void hashed_features(const HashConfig& config, const FeatureTokens& ft, SparseVec& out, Trace* trace) {
  out.clear();
  const std::uint64_t mask = (std::uint64_t{1} << config.bits) - 1;
  const std::vector<std::string>& tokens = ft.text;
  const std::vector<float>& weight = ft.weight;
  const std::vector<char>& negated = ft.negated;
  const std::vector<std::string>& display = ft.display;
  auto raw_of = [&](std::uint64_t h, std::uint32_t term, float w) {
    return Raw{static_cast<std::uint32_t>(h & mask), (h >> 63) != 0 ? -w : w, term};
  };
  std::uint32_t term_base = 0;
  if (trace) {
    term_base = static_cast<std::uint32_t>(trace->terms.size());
    for (const auto& t : config.everyday ? display : tokens) trace->terms.push_back(t);
  }
  thread_local std::vector<Raw> raw;
  raw.clear();
  for (std::size_t k = 0; k < tokens.size(); ++k)
    raw.push_back(raw_of(hash_string(tokens[k], kNsWord), term_base + static_cast<std::uint32_t>(k), weight[k]));
  emit_group(raw, out, trace);
  if (config.bigrams) {
    raw.clear();
    std::string pair;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      pair.assign(k == 0 ? std::string_view("<s>") : std::string_view(tokens[k - 1]));
      pair.push_back(' ');
      pair += tokens[k];
      std::uint32_t term = term_base + static_cast<std::uint32_t>(k);
      if (trace && k > 0) {
        term = static_cast<std::uint32_t>(trace->terms.size());
        const auto& shown = config.everyday ? display : tokens;
        trace->terms.push_back(shown[k - 1] + " " + shown[k]);
      }
      raw.push_back(raw_of(hash_string(pair, kNsBigram), term, weight[k]));
    }
    emit_group(raw, out, trace);
  }
  if (config.char_min > 0 && config.char_max >= config.char_min) {
    raw.clear();
    std::string w;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      if (negated[k]) continue;  // "not_happy" must not look like "happy" through its pieces
      w.assign("<");
      w += tokens[k];
      w.push_back('>');
      const std::string_view wv(w);
      for (int n = config.char_min; n <= config.char_max; ++n) {
        const auto un = static_cast<std::size_t>(n);
        if (un > wv.size()) break;
        for (std::size_t i = 0; i + un <= wv.size(); ++i) {
          if (un == wv.size()) continue;  // the whole "<word>" is the unigram's job
          raw.push_back(
              raw_of(hash_string(wv.substr(i, un), kNsChar), term_base + static_cast<std::uint32_t>(k), weight[k]));
        }
      }
    }
    emit_group(raw, out, trace);
  }
}

}  // namespace sentio::text::detail
