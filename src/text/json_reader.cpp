// SPDX-License-Identifier: Apache-2.0
// JSON transcripts: an array of utterance objects, or an object holding one under "utterances",
// "segments" (as written by common ASR tools, e.g. Whisper) or "transcript". Keys per utterance:
// text|utterance|transcript|sentence (required, string), start|start_time|begin, end|end_time|stop
// (number of seconds or a time string; null/absent = unknown), speaker|speaker_label|spk (string or
// number), id (string or number). Other keys are ignored.
#include <nlohmann/json.hpp>

#include <algorithm>

#include <string>

#include "sentio/core/error.hpp"
#include "transcript_internal.hpp"

namespace sentio::text::detail {
namespace {

using nlohmann::json;

const json* member(const json& obj, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const auto it = obj.find(k);
    if (it != obj.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::string scalar_string(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number()) return v.dump();
  return {};
}

double read_time(const json* v, const char* what, const std::string& where, const ParseContext& ctx) {
  if (v == nullptr) return -1;
  double t = -1;
  if (v->is_number()) {
    t = v->get<double>();
    if (t == -1.0) return -1;  // Sentio's own "unknown"
    if (!(t >= 0) || t > 1e9) {
      throw InputError(ctx.name + ": " + where + ": invalid " + what + " time " + v->dump());
    }
    return t;
  }
  if (v->is_string() && parse_time_value(v->get<std::string>(), t)) return t;
  throw InputError(ctx.name + ": " + where + ": malformed " + what + " time " + v->dump());
}

}  // namespace

ParseResult parse_json(std::string_view doc, const ParseContext& ctx) {
  json root;
  try {
    root = json::parse(doc.begin(), doc.end());
  } catch (const json::parse_error& e) {
    // Line of the failing byte, for the message.
    const std::size_t byte = std::min<std::size_t>(e.byte, doc.size());
    const auto line = 1 + std::count(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(byte > 0 ? byte - 1 : 0), '\n');
    throw InputError(ctx.name + ": line " + std::to_string(line) + ": not valid JSON (" + e.what() + ")");
  } catch (const json::exception& e) {  // e.g. a number out of range (1e400)
    throw InputError(ctx.name + ": not valid JSON (" + e.what() + ")");
  }
  const json* list = nullptr;
  if (root.is_array()) {
    list = &root;
  } else if (root.is_object()) {
    for (const char* key : {"utterances", "segments", "transcript"}) {
      const auto it = root.find(key);
      if (it != root.end() && it->is_array()) {
        list = &*it;
        break;
      }
    }
  }
  if (list == nullptr) {
    throw InputError(ctx.name + ": JSON is not a transcript: expected an array of utterance objects or an object "
                     "with an \"utterances\" or \"segments\" array");
  }
  ParseResult r;
  std::size_t n = 0;
  for (const json& item : *list) {
    ++n;
    const std::string where = "utterance " + std::to_string(n);
    if (!item.is_object()) {
      throw InputError(ctx.name + ": JSON is not a transcript: " + where + " is a " + item.type_name() +
                       ", not an object");
    }
    const json* text = member(item, {"text", "utterance", "transcript", "sentence"});
    if (text == nullptr || !text->is_string()) {
      throw InputError(ctx.name + ": JSON is not a transcript: " + where + " has no \"text\" string");
    }
    Utterance u;
    u.text = clean_field(text->get<std::string>(), ctx.cp1252);
    if (const json* s = member(item, {"speaker", "speaker_label", "spk", "speaker_id"})) {
      u.speaker = clean_field(scalar_string(*s), ctx.cp1252);
    }
    if (const json* id = member(item, {"id", "utterance_id", "segment_id"})) u.id = scalar_string(*id);
    u.start = read_time(member(item, {"start", "start_time", "begin"}), "start", where, ctx);
    u.end = read_time(member(item, {"end", "end_time", "stop"}), "end", where, ctx);
    r.utterances.push_back(std::move(u));
    r.where.push_back(where);
  }
  return r;
}

}  // namespace sentio::text::detail
