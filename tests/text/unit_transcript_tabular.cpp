// SPDX-License-Identifier: Apache-2.0
// JSON, CSV, MELD-style CSV and plain-text transcripts: golden inputs written inline, exact values.
#include "transcript_test_helpers.hpp"

namespace sentio::text::test {
namespace {

TEST(TranscriptJson, ArrayOfUtterances) {
  const Transcript t = parse(R"([
    {"start": 0.5, "end": 1.25, "speaker": "Ann", "text": "  Hi\tthere ", "id": 7},
    {"start": "00:00:02,000", "end": "3.5", "speaker": 2, "text": "Line\nbreak", "extra": [1, 2]},
    {"text": "no times", "start": null}
  ])");
  EXPECT_EQ(t.format, "json");
  ASSERT_EQ(t.utterances.size(), 3u);
  expect_utterance(t.utterances[0], 0.5, 1.25, "Ann", "Hi there", "7");
  expect_utterance(t.utterances[1], 2.0, 3.5, "2", "Line break");
  expect_utterance(t.utterances[2], -1, -1, "", "no times");
}

TEST(TranscriptJson, UtterancesAndAsrSegmentsObjects) {
  const Transcript a = parse(R"({"utterances": [{"start": 1, "end": 2, "speaker": "B", "text": "one"}]})");
  ASSERT_EQ(a.utterances.size(), 1u);
  expect_utterance(a.utterances[0], 1, 2, "B", "one");
  // Whisper-style output: top-level text, segments with leading spaces and word lists.
  const Transcript w = parse(R"({"text": " Hello. Bye.", "language": "en", "segments": [
      {"id": 0, "seek": 0, "start": 0.0, "end": 1.5, "text": " Hello.", "words": [{"word": "Hello"}]},
      {"id": 1, "seek": 0, "start": 1.5, "end": 2.0, "text": " Bye."}]})");
  ASSERT_EQ(w.utterances.size(), 2u);
  expect_utterance(w.utterances[0], 0.0, 1.5, "", "Hello.", "0");
  expect_utterance(w.utterances[1], 1.5, 2.0, "", "Bye.", "1");
}

TEST(TranscriptJson, JsonThatIsNotATranscriptIsAnError) {
  EXPECT_NE(parse_error(R"({"name": "x", "values": [1, 2]})").find("golden: JSON is not a transcript"),
            std::string::npos);
  EXPECT_NE(parse_error("[1, 2, 3]").find("utterance 1 is a number, not an object"), std::string::npos);
  EXPECT_NE(parse_error(R"([{"start": 1}])").find("utterance 1 has no \"text\" string"), std::string::npos);
  const std::string bad = parse_error("{\n  \"utterances\": [\n    {\"text\": }\n  ]\n}");
  EXPECT_NE(bad.find("golden: line 3: not valid JSON"), std::string::npos) << bad;
  EXPECT_NE(parse_error(R"([{"text": "a", "start": "soon"}])").find("utterance 1: malformed start time \"soon\""),
            std::string::npos);
  EXPECT_NE(parse_error(R"([{"text": "a", "start": 3, "end": 2}])").find("utterance 1: end 0:00:02.000 is before"),
            std::string::npos);
}

TEST(TranscriptJson, EscapedC1ApostropheIsMapped) {
  const Transcript t = parse(R"([{"text": "It\u0092s fine"}])");
  EXPECT_EQ(t.utterances.at(0).text, "It\u2019s fine");
}

TEST(TranscriptCsv, HeaderColumnsInAnyOrderWithRfc4180Quoting) {
  const Transcript t = parse(
      "id,text,Speaker,extra,End,start\r\n"
      "u1,\"Hello, \"\"friend\"\"\nsecond line\",Ann,zzz,2.5,1\r\n"
      "u2,plain,Bob,,00:00:04.000,00:00:03.000\r\n"
      "\r\n"
      "u3,\"no times\",,,,\r\n");
  EXPECT_EQ(t.format, "csv");
  ASSERT_EQ(t.utterances.size(), 3u);
  expect_utterance(t.utterances[0], 1, 2.5, "Ann", "Hello, \"friend\" second line", "u1");
  expect_utterance(t.utterances[1], 3, 4, "Bob", "plain", "u2");
  expect_utterance(t.utterances[2], -1, -1, "", "no times", "u3");
}

TEST(TranscriptCsv, SemicolonAndTabDelimiters) {
  const Transcript s = parse("start;end;text\n0;1;a, b\n");
  ASSERT_EQ(s.utterances.size(), 1u);
  expect_utterance(s.utterances[0], 0, 1, "", "a, b");
  const Transcript tab = parse("speaker\ttext\nAnn\tone two\n");
  ASSERT_EQ(tab.utterances.size(), 1u);
  expect_utterance(tab.utterances[0], -1, -1, "Ann", "one two");
}

TEST(TranscriptCsv, Errors) {
  EXPECT_NE(parse_error("a,b,c\n1,2,3\n", TranscriptFormat::csv).find("golden: line 1: the CSV header has no 'text'"),
            std::string::npos);
  EXPECT_EQ(parse_error("start,end,text\n1,2,ok\n3,x4,bad\n").find("malformed start time"), std::string::npos)
      << "the start is fine, the end is not";
  EXPECT_NE(parse_error("start,end,text\n1,2,ok\n3,x4,bad\n").find("golden: line 3: malformed end time 'x4'"),
            std::string::npos);
  EXPECT_NE(parse_error("start,end,text\n1,2,\"open\nquote\n").find("golden: line 2: unterminated quoted CSV field"),
            std::string::npos);
  EXPECT_NE(parse_error("start,end,text\n1,2\n").find("golden: line 2: the row has 2 field(s) but the header has 3"),
            std::string::npos);
  EXPECT_NE(parse_error("start,end,text\n1,2,ok\n5,4,back\n").find("golden: row at line 3: end 0:00:04.000"),
            std::string::npos);
}

TEST(TranscriptCsv, MeldLayout) {
  // The exact header and quoting of MELD's *_sent_emo.csv (CRLF, quoted times, curly apostrophes).
  const Transcript t = parse(
      "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\r\n"
      "1,Why do all you\xE2\x80\x99re coffee mugs have numbers on the bottom?,Mark,surprise,positive,0,0,3,19,"
      "\"00:14:38,127\",\"00:14:40,378\"\r\n"
      "19,\"Come on, Lydia, you can do it.\",Joey,neutral,neutral,1,0,1,23,\"0:10:44,769\",\"0:10:46,146\"\r\n"
      "20,Push!,Joey,joy,positive,1,1,1,23,\"0:10:46,146\",\"0:10:46,833\"\r\n");
  EXPECT_EQ(t.format, "meld");
  ASSERT_EQ(t.utterances.size(), 3u);
  expect_utterance(t.utterances[0], 878.127, 880.378, "Mark",
                   "Why do all you\xE2\x80\x99re coffee mugs have numbers on the bottom?", "dia0_utt0");
  expect_utterance(t.utterances[1], 644.769, 646.146, "Joey", "Come on, Lydia, you can do it.", "dia1_utt0");
  expect_utterance(t.utterances[2], 646.146, 646.833, "Joey", "Push!", "dia1_utt1");
  // Per-episode times go backwards between dialogues: MELD keeps the file (dialogue) order silently.
  EXPECT_TRUE(t.warnings.empty());
}

TEST(TranscriptCsv, EmoryNlpMeldStyleLayout) {
  const Transcript t = parse(
      "Utterance,Speaker,Emotion,Scene_ID,Utterance_ID,Season,Episode,Start_Time,End_Time\n"
      "\"I'm supposed to attach a brackety thing, ok.\",['Ross Geller'],Mad,4,1,1,1,00:09:34.865,00:09:51.423\n"
      "Hey.,\"['Monica Geller', \"\"O'Neil\"\"]\",Joyful,12,3,2,10,00:01:00.000,00:01:01.000\n");
  EXPECT_EQ(t.format, "meld");
  ASSERT_EQ(t.utterances.size(), 2u);
  expect_utterance(t.utterances[0], 574.865, 591.423, "Ross Geller", "I'm supposed to attach a brackety thing, ok.",
                   "s01_e01_c04_u001");
  expect_utterance(t.utterances[1], 60, 61, "Monica Geller, O'Neil", "Hey.", "s02_e10_c12_u003");
  EXPECT_TRUE(t.warnings.empty()) << "per-episode times are neither sorted nor reported as overlaps";
}

TEST(TranscriptCsv, DialogueColumnDisablesSorting) {
  const Transcript t = parse("dialogue_id,start,end,text\n0,5,6,a\n1,1,2,b\n");
  ASSERT_EQ(t.utterances.size(), 2u);
  EXPECT_EQ(t.utterances[0].text, "a");
  EXPECT_TRUE(t.warnings.empty());
}

TEST(TranscriptPlain, OneUtterancePerLineWithSpeakerRule) {
  const Transcript t = parse(
      "Alice: Hi, how are you?\n"
      "\n"
      "Speaker 2: Fine.\n"
      "Mary Jane Watson: three words are allowed\n"
      "The four word prefix: is not a speaker\n"
      "Note, this: has a comma\n"
      "Dr. Smith: abbreviations have a period\n"
      "See http://example.org for details\n"
      "10:30 is a time, not a speaker\n"
      "Just a sentence\n"
      "\xE5\xBC\xA0\xE4\xB8\x89\xEF\xBC\x9A\xE4\xBD\xA0\xE5\xA5\xBD\n");
  EXPECT_EQ(t.format, "plain");
  ASSERT_EQ(t.utterances.size(), 10u);
  expect_utterance(t.utterances[0], -1, -1, "Alice", "Hi, how are you?");
  expect_utterance(t.utterances[1], -1, -1, "Speaker 2", "Fine.");
  expect_utterance(t.utterances[2], -1, -1, "Mary Jane Watson", "three words are allowed");
  expect_utterance(t.utterances[3], -1, -1, "", "The four word prefix: is not a speaker");
  expect_utterance(t.utterances[4], -1, -1, "", "Note, this: has a comma");
  expect_utterance(t.utterances[5], -1, -1, "", "Dr. Smith: abbreviations have a period");
  expect_utterance(t.utterances[6], -1, -1, "", "See http://example.org for details");
  expect_utterance(t.utterances[7], -1, -1, "", "10:30 is a time, not a speaker");
  expect_utterance(t.utterances[8], -1, -1, "", "Just a sentence");
  expect_utterance(t.utterances[9], -1, -1, "\xE5\xBC\xA0\xE4\xB8\x89", "\xE4\xBD\xA0\xE5\xA5\xBD");
  EXPECT_TRUE(t.warnings.empty());
}

TEST(TranscriptPlain, BracketedLineIsNotMistakenForJson) {
  const Transcript a = parse("Ann: look\nBob: left --> right\n");
  EXPECT_EQ(a.format, "plain") << "an arrow without a clock time does not make SRT";
  const Transcript t = parse("[Music] la la\nBob: hey\n");
  EXPECT_EQ(t.format, "plain");
  ASSERT_EQ(t.utterances.size(), 2u);
  EXPECT_EQ(t.utterances[0].text, "[Music] la la");
  EXPECT_EQ(t.utterances[1].speaker, "Bob");
}

}  // namespace
}  // namespace sentio::text::test
