// SPDX-License-Identifier: Apache-2.0
#pragma once
// Transcripts in (issue 5, item 1): SRT, WebVTT, JSON, CSV, MELD-style CSV and plain text, read into one
// list of utterances. All text comes out as clean UTF-8 (see "Text cleanup" below); problems with the input
// throw sentio::InputError naming the input and the cause.
//
// Text cleanup, applied to every format:
//  * Encodings: UTF-8 (BOM dropped), UTF-16 LE/BE with BOM (converted; also without BOM when the NUL
//    pattern is unmistakable). Invalid UTF-8 sequences become U+FFFD and add one warning.
//  * Line ends CRLF and CR become LF.
//  * Control characters (C0 except TAB/LF, DEL, and C1 U+0080..U+009F) are removed, except that C1
//    characters may be read as Windows-1252 (the EmotionLines / MELD quirk where U+0092 stands for an
//    apostrophe), see TranscriptOptions::cp1252_controls.
//  * In speaker and text fields, runs of white space (including TAB and embedded line breaks) collapse to
//    one space, and the field is trimmed. Multi-line subtitle cues are therefore joined with a space.
//  * Utterances whose text is empty after cleanup are skipped (one warning with the count).
//
// Timing: start/end are seconds (-1 = unknown). For timed formats, end < start is an error naming the cue;
// unsorted start times are stably sorted by start (one warning); overlaps are kept in order (one warning).
// MELD-style files, and CSVs with a dialogue/scene/conversation/episode column, are never re-sorted (and
// overlaps are not reported): their times are per episode and the row order is the dialogue order.
//
// MELD-style CSV: the header of MELD's *_sent_emo.csv (Sr No., Utterance, Speaker, Emotion, Sentiment,
// Dialogue_ID, Utterance_ID, Season, Episode, StartTime, EndTime; times "hh:mm:ss,mmm"), in any column
// order; id = "dia<Dialogue_ID>_utt<Utterance_ID>". EmoryNLP's CSV in the MELD repository (Scene_ID
// instead of Dialogue_ID, speakers as "['Ross Geller']") is read the same way; its id is
// "s<season>_e<episode>_c<scene>_u<utterance>" zero-padded as in EmoryNLP ("s01_e02_c03_u004").
// Labels (Emotion, Sentiment) are not part of a Transcript.
//
// Subtitles (SRT, WebVTT): a cue's speaker comes from WebVTT's <v Name> tag, or, without one, from a line
// that starts "Name: " by the plain-text rule below (both formats) ("Mark: I can't believe it" -> speaker Mark); a cue
// whose lines change speaker becomes one utterance per speaker, with the cue's times.
//
// Plain text: one utterance per non-blank line. A line "Name: text" gets speaker "Name" when the part before
// the first ':' (ASCII colon followed by white space, or the full-width colon U+FF1A) is a short name:
// 1 to 3 words, none starting with an ASCII lower-case letter, at most 40 bytes, at least one letter, and
// none of the characters . , ; ! ? " ( ) [ ] { } < > / \ | * = (so "Note that: ..." is not a speaker,
// "Dr. Smith: ..." is not either, "Speaker 2: ..." and "- Mark: ..." (a subtitle's dialogue dash) are).
#include <string>
#include <string_view>
#include <vector>

namespace sentio::text {

struct Utterance {
  double start = -1;     // seconds from the start of the recording; -1 = unknown
  double end = -1;       // seconds; -1 = unknown
  std::string speaker;   // empty = unknown
  std::string text;      // cleaned UTF-8, never empty
  std::string id;        // cue identifier / "id" field / MELD "dia<D>_utt<U>"; may be empty
};

struct Transcript {
  std::vector<Utterance> utterances;
  std::string format;                 // "srt", "webvtt", "json", "csv", "meld", "plain"
  std::vector<std::string> warnings;  // non-fatal findings, each naming the input
};

enum class TranscriptFormat { automatic, srt, webvtt, json, csv, meld_csv, plain };

// What to do with C1 control characters U+0080..U+009F, which in real corpora are almost always
// Windows-1252 punctuation decoded as Latin-1 (U+0092 for the apostrophe in EmotionLines).
enum class Cp1252Controls {
  typographic,  // map to the Windows-1252 characters: U+0092 -> U+2019 ’, U+0093 -> “, U+0085 -> …, ...
  ascii,        // map to ASCII look-alikes: U+0092 -> ', U+0093 -> ", U+0085 -> "...", U+0096 -> -, ...
  remove,       // treat as stray control characters and drop them
};

struct TranscriptOptions {
  TranscriptFormat format = TranscriptFormat::automatic;  // automatic: extension + content sniffing
  Cp1252Controls cp1252_controls = Cp1252Controls::typographic;
  // Plain text and subtitles: a line "Name: text" gives the speaker Name (rule above); false keeps such
  // lines as text (for transcripts whose lines start with "Note: ..." and the like).
  bool speaker_prefixes = true;
};

// Reads a transcript file. With format automatic, the format comes from the content when it is
// unambiguous (a "WEBVTT" header, a JSON document, an SRT timing line, a CSV header naming a text column,
// the MELD header) and from the extension otherwise (.srt .vtt .json .csv .tsv .txt); anything else is
// plain text. Throws InputError: missing/unreadable file, empty, binary, malformed content.
Transcript read_transcript(const std::string& path, const TranscriptOptions& options = {});

// Parses transcript bytes (any of the encodings above). `format` may be automatic (content sniffing
// only). `name_for_errors` prefixes error and warning messages. options.format is ignored here.
Transcript parse_transcript(std::string_view content, TranscriptFormat format,
                            const std::string& name_for_errors, const TranscriptOptions& options = {});

// Short lower-case name of a format ("srt", ..., "meld", "plain"; "auto" for automatic).
std::string_view format_name(TranscriptFormat format);

}  // namespace sentio::text
