// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to src/text: the pieces read_transcript/parse_transcript are built from. Every parser takes the
// input already decoded by decode_document() (clean UTF-8, LF line ends, no stray control characters).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/text/transcript.hpp"

namespace sentio::text::detail {

// What a format parser hands back: utterances (text already cleaned, may be empty), where each came
// from (for error messages: "cue 3 (line 12)"), warnings, and whether re-sorting by start is allowed.
struct ParseResult {
  std::vector<Utterance> utterances;
  std::vector<std::string> where;  // same size as utterances
  std::vector<std::string> warnings;
  bool sortable = true;            // false for MELD (per-episode times, dialogue order)
};

struct ParseContext {
  std::string name;  // input name for messages
  Cp1252Controls cp1252 = Cp1252Controls::typographic;
  bool speaker_prefixes = true;  // "Name: text" lines name the speaker (TranscriptOptions)
};

// ---- encoding.cpp ----
// Bytes -> clean UTF-8 document: BOM/UTF-16 handling, binary detection (throws InputError), invalid
// UTF-8 -> U+FFFD, CRLF/CR -> LF, control characters removed (TAB and LF kept), C1 per ctx.cp1252.
std::string decode_document(std::string_view bytes, const ParseContext& ctx, std::vector<std::string>& warnings);
// A speaker/text field: control characters removed (C1 per `cp1252`; JSON escapes can bring them back),
// white-space runs (incl. TAB, LF, NBSP) collapsed to one space, trimmed.
std::string clean_field(std::string_view s, Cp1252Controls cp1252);
// Subtitle markup removed: <tags> (WebVTT classes, <i>, <font ...>, <00:01.000>), ASS overrides {\an8},
// entities (&amp; &lt; &gt; &quot; &apos; &nbsp; &lrm; &rlm; &#N; &#xH;). If `voice` is not null, it
// receives the annotation of the first <v Name> / <v.class Name> tag (unchanged when there is none).
std::string strip_markup(std::string_view s, std::string* voice);

// ---- strings.cpp: time values ----
// "hh:mm:ss,fff", "hh:mm:ss.fff", "h:mm:ss", "mm:ss.fff" (minutes/seconds < 60 when a larger unit is
// present; 0..9 fraction digits) -> seconds. False when malformed.
bool parse_clock_time(std::string_view s, double& seconds);
// A clock time as above, or plain non-negative decimal seconds ("12", "12.5"). False when malformed.
bool parse_time_value(std::string_view s, double& seconds);
// Seconds as "h:mm:ss.fff" for messages.
std::string format_time(double seconds);

// ---- small string helpers (strings.cpp) ----
std::string_view trim(std::string_view s);
bool starts_with_word(std::string_view line, std::string_view word);  // word then end/space/tab
std::string lower_alnum(std::string_view s);  // ASCII lower-case, only [a-z0-9] kept ("Sr No." -> "srno")
// Splits `text` into lines at '\n' (the document has no CR any more).
std::vector<std::string_view> split_lines(std::string_view text);
// Plain-text speaker rule (see transcript.hpp). On success sets speaker/rest and returns true.
bool split_speaker_prefix(std::string_view line, std::string_view& speaker, std::string_view& rest);

// ---- parsers ----
ParseResult parse_srt(std::string_view doc, const ParseContext& ctx);
ParseResult parse_webvtt(std::string_view doc, const ParseContext& ctx);
ParseResult parse_json(std::string_view doc, const ParseContext& ctx);
ParseResult parse_csv(std::string_view doc, const ParseContext& ctx, bool meld);
ParseResult parse_plain(std::string_view doc, const ParseContext& ctx);

// ---- tabular.cpp: raw CSV records (also used by the labelled-corpus readers in corpora/) ----
struct CsvRecord {
  std::vector<std::string> fields;  // raw (unquoted, not cleaned)
  std::size_t line = 0;             // first line of the record, 1-based
};
// All records of an RFC 4180 document (quoted fields may hold delimiters and line breaks); blank lines are
// dropped. `delim` 0 = detected from the first line (the most frequent of , ; TAB outside quotes).
std::vector<CsvRecord> read_csv_records(std::string_view doc, const ParseContext& ctx, char delim = 0);
// EmoryNLP's Python-list speakers "['Ross Geller']" -> "Ross Geller" (several joined with ", ").
std::string unlist_speakers(std::string_view s);

// ---- sniffing (transcript.cpp) ----
// Format recognised from the content, or automatic when it is not unambiguous.
TranscriptFormat sniff_format(std::string_view doc);

}  // namespace sentio::text::detail
