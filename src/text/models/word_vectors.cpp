// SPDX-License-Identifier: Apache-2.0
// Pretrained word vectors as a dense feature group of the linear text model (model_internal.hpp): the
// GloVe / word2vec text format, and the weighted mean vectors of an utterance's plain and negated words.
#include <charconv>
#include <fstream>

#include "model_internal.hpp"
#include "sentio/core/error.hpp"

namespace sentio::text::detail {
namespace {

// Splits `line` at spaces into `out` (views into it).
void split_spaces(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
}

// Well-formed UTF-8 (the model header is JSON, which needs it).
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n;
  }
  return true;
}

bool parse_float(std::string_view s, float& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

WordVectors read_word_vectors(const std::string& path, std::size_t max_words) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": word-vector file not found or unreadable");
  WordVectors wv;
  std::string line;
  std::vector<std::string_view> fields;
  std::size_t line_no = 0;
  auto bad = [&](const std::string& cause) {
    throw InputError(path + ": line " + std::to_string(line_no) + ": " + cause +
                     " (expected the GloVe / word2vec text format: a word and its values per line)");
  };
  while (wv.words.size() < max_words && std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    split_spaces(line, fields);
    if (fields.empty()) continue;
    // fastText / word2vec files start with "count dims".
    if (line_no == 1 && fields.size() == 2) {
      float a = 0, b = 0;
      if (parse_float(fields[0], a) && parse_float(fields[1], b)) continue;
    }
    const int dims = static_cast<int>(fields.size()) - 1;
    if (dims < 1 || dims > kMaxWordVectorDims) bad("has " + std::to_string(dims) + " values");
    if (wv.dims == 0) wv.dims = dims;
    if (dims != wv.dims) bad("has " + std::to_string(dims) + " values, earlier lines " + std::to_string(wv.dims));
    const std::string word(fields[0]);
    if (wv.index.count(word) || !valid_utf8(word)) continue;  // the first (most frequent) entry wins
    for (std::size_t j = 1; j < fields.size(); ++j) {
      float v = 0;
      if (!parse_float(fields[j], v)) bad("value '" + std::string(fields[j]) + "' is not a finite number");
      wv.values.push_back(v);
    }
    wv.index.emplace(word, static_cast<std::uint32_t>(wv.words.size()));
    wv.words.push_back(word);
  }
  if (in.bad()) throw InputError(path + ": read error");
  if (wv.words.empty()) throw InputError(path + ": no word vectors");
  return wv;
}

void word_vector_features(const WordVectors& wv, const FeatureTokens& tokens, std::vector<float>& out) {
  const std::size_t D = static_cast<std::size_t>(wv.dims);
  out.assign(2 * D, 0.0f);
  float weight[2] = {0, 0};
  for (std::size_t k = 0; k < tokens.text.size(); ++k) {
    const bool negated = tokens.negated[k] != 0;
    const std::string_view word = std::string_view(tokens.text[k]).substr(negated ? 4 : 0);  // "not_<word>"
    const auto it = wv.index.find(std::string(word));
    if (it == wv.index.end()) continue;
    const float w = tokens.weight[k];
    const float* v = wv.values.data() + static_cast<std::size_t>(it->second) * D;
    float* o = out.data() + (negated ? D : 0);
    for (std::size_t j = 0; j < D; ++j) o[j] += w * v[j];
    weight[negated] += w;
  }
  for (int b = 0; b < 2; ++b)
    if (weight[b] > 0)
      for (std::size_t j = 0; j < D; ++j) out[static_cast<std::size_t>(b) * D + j] /= weight[b];
}

}  // namespace sentio::text::detail
