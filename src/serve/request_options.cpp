// SPDX-License-Identifier: Apache-2.0
#include "request_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "sentio/core/error.hpp"

namespace sentio::serve {

namespace {

int as_int(const std::string& key, const std::string& v) {
  int out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty())
    throw InputError("option " + key + ": expected an integer, got '" + v + "'");
  return out;
}

double as_double(const std::string& key, const std::string& v) {
  char* end = nullptr;
  const double out = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(out))
    throw InputError("option " + key + ": expected a number, got '" + v + "'");
  return out;
}

bool as_bool(const std::string& key, const std::string& v) {
  if (v.empty() || v == "1" || v == "true") return true;
  if (v == "0" || v == "false") return false;
  throw InputError("option " + key + ": expected true or false, got '" + v + "'");
}

}  // namespace

void apply_option(const std::string& raw_key, const std::string& value, AnalyzeOptions& o, std::string& name) {
  std::string key = raw_key;
  std::replace(key.begin(), key.end(), '_', '-');
  SessionOptions& s = o.session;
  if (key == "name") name = value;
  else if (key == "speaker-mode") s.speaker_mode = analysis::parse_speaker_mode(value);
  else if (key == "speakers") s.speakers = as_int(key, value);
  else if (key == "min-segment") s.min_segment_s = as_double(key, value);
  else if (key == "min-confidence") s.min_confidence = static_cast<float>(as_double(key, value));
  else if (key == "max-segment") s.max_segment_s = as_double(key, value);
  else if (key == "fps") s.fps = as_double(key, value);
  else if (key == "detect-interval") s.detect_interval = as_int(key, value);
  else if (key == "window") s.window_s = as_double(key, value);
  else if (key == "transcribe") s.transcribe = as_bool(key, value);
  else if (key == "max-duration") {
    o.max_duration_s = as_double(key, value);
    if (o.max_duration_s < 0) throw InputError("option max-duration: expected a length in seconds, or 0 for no limit");
  } else {
    throw InputError("unknown option '" + raw_key +
                     "' (options: name, speaker-mode, speakers, min-segment, min-confidence, max-segment, fps, detect-interval, "
                     "window, transcribe, max-duration)");
  }
}

std::string url_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size()) {
      int v = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
      if (ec != std::errc() || end != text.data() + i + 3) throw InputError("malformed %-escape in the query");
      out += static_cast<char>(v);
      i += 2;
    } else if (c == '%') {
      throw InputError("malformed %-escape in the query");
    } else {
      out += c;
    }
  }
  return out;
}

namespace {
template <typename F>
void for_each_pair(const std::string& query, F&& f) {
  std::size_t at = 0;
  while (at <= query.size() && !query.empty()) {
    std::size_t amp = query.find('&', at);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(at, amp - at);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      f(url_decode(pair.substr(0, eq)), eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1)));
    }
    at = amp + 1;
  }
}
}  // namespace

void apply_query(const std::string& query, AnalyzeOptions& options, std::string& name) {
  for_each_pair(query, [&](const std::string& k, const std::string& v) {
    if (k != "access_token") apply_option(k, v, options, name);
  });
}

std::string query_value(const std::string& query, const std::string& key) {
  std::string out;
  try {
    for_each_pair(query, [&](const std::string& k, const std::string& v) {
      if (k == key) out = v;
    });
  } catch (const InputError&) {
    return "";
  }
  return out;
}

}  // namespace sentio::serve
