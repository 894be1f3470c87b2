// SPDX-License-Identifier: Apache-2.0
// Small string helpers and clock-time parsing for the transcript readers.
#include <cmath>
#include <cstdio>
#include <string>

#include "transcript_internal.hpp"

namespace sentio::text::detail {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v'; };
  std::size_t a = 0;
  std::size_t b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

bool starts_with_word(std::string_view line, std::string_view word) {
  if (!line.starts_with(word)) return false;
  return line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == '\t';
}

std::string lower_alnum(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (pos < text.size()) lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

bool split_speaker_prefix(std::string_view line, std::string_view& speaker, std::string_view& rest) {
  // The first ':' followed by white space, or the full-width colon U+FF1A (EF BC 9A).
  std::size_t colon = std::string_view::npos;
  std::size_t after = 0;
  for (std::size_t i = 0; i < line.size() && i <= 64; ++i) {
    if (line[i] == ':' ) {
      if (i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\t')) {
        colon = i;
        after = i + 1;
      }
      break;  // only the first colon counts
    }
    if (line.compare(i, 3, "\xEF\xBC\x9A") == 0) {
      colon = i;
      after = i + 3;
      break;
    }
  }
  if (colon == std::string_view::npos) return false;
  std::string_view name = trim(line.substr(0, colon));
  if (name.size() > 2 && name[0] == '-' && name[1] == ' ') name = trim(name.substr(2));  // "- Mark: ..." dialogue dash
  const std::string_view text = trim(line.substr(after));
  if (name.empty() || name.size() > 40 || text.empty()) return false;
  int words = 0;
  bool in_word = false;
  bool has_letter = false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t') {
      in_word = false;
      continue;
    }
    if (!in_word) {
      ++words;
      if (c >= 'a' && c <= 'z') return false;  // every word of a name is capitalised ("Note that: ..." is text)
    }
    in_word = true;
    if (std::string_view(".,;!?\"()[]{}<>/\\|*=").find(c) != std::string_view::npos) return false;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || u >= 0x80) has_letter = true;
  }
  if (words > 3 || !has_letter) return false;
  speaker = name;
  rest = text;
  return true;
}

namespace {

// Parses 1+ ASCII digits at s[i]; returns false if none.
bool read_uint(std::string_view s, std::size_t& i, long long& v, std::size_t& ndigits) {
  v = 0;
  ndigits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && ndigits < 12) {
    v = v * 10 + (s[i] - '0');
    ++i;
    ++ndigits;
  }
  return ndigits > 0 && !(i < s.size() && s[i] >= '0' && s[i] <= '9');
}

}  // namespace

bool parse_clock_time(std::string_view s, double& seconds) {
  s = trim(s);
  long long parts[3] = {0, 0, 0};
  int count = 0;
  std::size_t i = 0;
  std::size_t nd = 0;
  for (;;) {
    if (count == 3) return false;
    if (!read_uint(s, i, parts[count], nd)) return false;
    ++count;
    if (i < s.size() && s[i] == ':') {
      ++i;
      continue;
    }
    break;
  }
  if (count < 2) return false;  // a clock time has at least mm:ss
  double frac = 0;
  if (i < s.size() && (s[i] == ',' || s[i] == '.')) {
    ++i;
    long long f = 0;
    if (!read_uint(s, i, f, nd) || nd > 9) return false;
    frac = static_cast<double>(f) / std::pow(10.0, static_cast<double>(nd));
  }
  if (i != s.size()) return false;
  const long long sec = parts[count - 1];
  const long long min = parts[count - 2];
  const long long hour = count == 3 ? parts[0] : 0;
  if (sec >= 60 || (count == 3 && min >= 60)) return false;
  seconds = static_cast<double>(hour * 3600 + min * 60 + sec) + frac;
  return true;
}

bool parse_time_value(std::string_view s, double& seconds) {
  s = trim(s);
  if (s.find(':') != std::string_view::npos) return parse_clock_time(s, seconds);
  // Plain decimal seconds: digits [. digits]
  std::size_t i = 0;
  long long whole = 0;
  std::size_t nd = 0;
  if (!read_uint(s, i, whole, nd)) return false;
  double frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    long long f = 0;
    std::size_t nf = 0;
    if (i < s.size()) {
      if (!read_uint(s, i, f, nf) || nf > 9) return false;
      frac = static_cast<double>(f) / std::pow(10.0, static_cast<double>(nf));
    }
  }
  if (i != s.size()) return false;
  seconds = static_cast<double>(whole) + frac;
  return true;
}

std::string format_time(double seconds) {
  const auto ms_total = static_cast<long long>(std::llround(seconds * 1000.0));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", ms_total / 3600000, (ms_total / 60000) % 60,
                (ms_total / 1000) % 60, ms_total % 1000);
  return buf;
}

}  // namespace sentio::text::detail
