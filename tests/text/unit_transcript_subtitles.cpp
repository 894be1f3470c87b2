// SPDX-License-Identifier: Apache-2.0
// SRT and WebVTT transcripts: golden inputs written inline, exact parsed values.
#include "transcript_test_helpers.hpp"

namespace sentio::text::test {
namespace {

TEST(TranscriptSrt, ParsesCuesWithMultiLineTextAndMarkup) {
  const Transcript t = parse(
      "1\n"
      "00:00:01,000 --> 00:00:02,500\n"
      "Hello <i>there</i>,\n"
      "General {\\an8}Kenobi.\n"
      "\n"
      "2\n"
      "00:00:03,250 --> 00:01:04,004 X1:10 X2:20\n"
      "<font color=\"#ff0000\">Tom &amp; Jerry</font>\n"
      "\n"
      "\n"
      "3\n"
      "01:00:00,5 --> 01:00:01.75\n"
      "Last one\n");
  EXPECT_EQ(t.format, "srt");
  ASSERT_EQ(t.utterances.size(), 3u);
  expect_utterance(t.utterances[0], 1.0, 2.5, "", "Hello there, General Kenobi.", "1");
  expect_utterance(t.utterances[1], 3.25, 64.004, "", "Tom & Jerry", "2");
  expect_utterance(t.utterances[2], 3600.5, 3601.75, "", "Last one", "3");
  EXPECT_TRUE(t.warnings.empty());
}

TEST(TranscriptSrt, NamePrefixesAreSpeakers) {
  const std::string srt =
      "1\n00:00:00,000 --> 00:00:02,000\nMark: I am furious!\n\n"
      "2\n00:00:02,000 --> 00:00:04,000\nAnna: I am not happy at all.\n- Mark: Why not?\n\n"
      "3\n00:00:04,000 --> 00:00:05,000\nNote that: this is text\n";
  const Transcript t = parse(srt);
  ASSERT_EQ(t.utterances.size(), 4u);
  expect_utterance(t.utterances[0], 0, 2, "Mark", "I am furious!", "1");
  expect_utterance(t.utterances[1], 2, 4, "Anna", "I am not happy at all.", "2");  // a cue split per speaker
  expect_utterance(t.utterances[2], 2, 4, "Mark", "Why not?", "2");  // after a dialogue dash
  expect_utterance(t.utterances[3], 4, 5, "", "Note that: this is text", "3");
  TranscriptOptions off;
  off.speaker_prefixes = false;
  const Transcript kept = parse_transcript(srt, TranscriptFormat::automatic, "t.srt", off);
  ASSERT_EQ(kept.utterances.size(), 3u);
  expect_utterance(kept.utterances[0], 0, 2, "", "Mark: I am furious!", "1");
}

TEST(TranscriptSrt, MissingBlankLinesAndNumbersAreTolerated) {
  const Transcript t = parse(
      "00:00:01,000 --> 00:00:02,000\n"
      "first\n"
      "2\n"
      "00:00:02,000 --> 00:00:03,000\n"
      "second\n"
      "\n"
      "extra text block\n",
      TranscriptFormat::srt);
  ASSERT_EQ(t.utterances.size(), 2u);
  expect_utterance(t.utterances[0], 1, 2, "", "first");
  expect_utterance(t.utterances[1], 2, 3, "", "second extra text block", "2");
  EXPECT_TRUE(has_warning(t, "line 7: text without a timing line appended"));
}

TEST(TranscriptSrt, MalformedTimestampNamesTheLine) {
  const std::string msg = parse_error(
      "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:0x,000 --> 00:00:03,000\nbad\n");
  EXPECT_NE(msg.find("golden: line 6: malformed timestamp"), std::string::npos) << msg;
  EXPECT_NE(parse_error("1\n00:61:00,000 --> 00:62:00,000\nminutes out of range\n", TranscriptFormat::srt)
                .find("line 2: malformed timestamp"),
            std::string::npos);
}

TEST(TranscriptSrt, EndBeforeStartNamesTheCue) {
  const std::string msg = parse_error("1\n00:00:01,000 --> 00:00:02,000\nok\n\n7\n00:00:05,000 --> 00:00:04,000\nbad\n");
  EXPECT_NE(msg.find("golden: cue 7 (line 6): end 0:00:04.000 is before start 0:00:05.000"), std::string::npos) << msg;
}

TEST(TranscriptSrt, UnsortedCuesAreSortedOverlapsKept) {
  const Transcript t = parse(
      "1\n00:00:05,000 --> 00:00:06,000\nthird\n\n"
      "2\n00:00:01,000 --> 00:00:03,000\nfirst\n\n"
      "3\n00:00:02,000 --> 00:00:04,000\nsecond overlaps\n");
  ASSERT_EQ(t.utterances.size(), 3u);
  EXPECT_EQ(t.utterances[0].text, "first");
  EXPECT_EQ(t.utterances[1].text, "second overlaps");
  EXPECT_EQ(t.utterances[2].text, "third");
  EXPECT_TRUE(has_warning(t, "sorted by start time"));
  EXPECT_TRUE(has_warning(t, "1 utterance(s) overlap the previous one"));
}

TEST(TranscriptSrt, TextBeforeTheFirstCueIsAnError) {
  const std::string msg = parse_error("hello\nworld\n\n1\n00:00:01,000 --> 00:00:02,000\nx\n", TranscriptFormat::srt);
  EXPECT_NE(msg.find("golden: line 1: expected a cue number or a timing line"), std::string::npos) << msg;
}

TEST(TranscriptSrt, EmptyCuesAreSkippedWithAWarning) {
  const Transcript t = parse("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\nyes\n");
  ASSERT_EQ(t.utterances.size(), 1u);
  EXPECT_EQ(t.utterances[0].text, "yes");
  EXPECT_TRUE(has_warning(t, "1 utterance(s) with empty text skipped"));
}

TEST(TranscriptWebvtt, ParsesHeaderNotesStyleSettingsVoicesAndTags) {
  const Transcript t = parse(
      "WEBVTT - a title\n"
      "Kind: captions\n"
      "\n"
      "STYLE\n"
      "::cue { color: red }\n"
      "\n"
      "NOTE this is a comment\n"
      "spanning two lines\n"
      "\n"
      "intro\n"
      "00:01.000 --> 00:04.000 position:10%,line-left align:left size:35%\n"
      "<v Roger Bingham>We are in New York City\n"
      "\n"
      "00:00:04.500 --> 00:00:06.000\n"
      "<v.loud Neil deGrasse Tyson><i>Hello</i> <c.yellow>world</c><00:00:05.000> again</v>\n"
      "\n"
      "NOTE\n"
      "another note\n"
      "\n"
      "3\n"
      "00:07.000 --> 00:09.000\n"
      "<v Bob>Hi Alice.\n"
      "<v Alice>Hi Bob &lt;3\n"
      "\n"
      "00:10.000 --> 00:11.000\n"
      "no voice here\n");
  EXPECT_EQ(t.format, "webvtt");
  ASSERT_EQ(t.utterances.size(), 5u);
  expect_utterance(t.utterances[0], 1, 4, "Roger Bingham", "We are in New York City", "intro");
  expect_utterance(t.utterances[1], 4.5, 6, "Neil deGrasse Tyson", "Hello world again");
  expect_utterance(t.utterances[2], 7, 9, "Bob", "Hi Alice.", "3");
  expect_utterance(t.utterances[3], 7, 9, "Alice", "Hi Bob <3", "3");
  expect_utterance(t.utterances[4], 10, 11, "", "no voice here");
  EXPECT_TRUE(has_warning(t, "1 utterance(s) overlap")) << "the split voices share their cue times";
}

TEST(TranscriptWebvtt, MalformedTimestampAndMissingHeader) {
  const std::string msg = parse_error("WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 --> 3 seconds\nbad\n");
  EXPECT_NE(msg.find("golden: line 6: malformed timestamp in '00:03.000 --> 3 seconds'"), std::string::npos) << msg;
  const std::string hdr = parse_error("00:01.000 --> 00:02.000\nok\n", TranscriptFormat::webvtt);
  EXPECT_NE(hdr.find("golden: line 1: missing the 'WEBVTT' header"), std::string::npos) << hdr;
}

TEST(TranscriptWebvtt, EndBeforeStartNamesTheCue) {
  const std::string msg = parse_error("WEBVTT\n\nq1\n00:03.000 --> 00:02.000\nbackwards\n");
  EXPECT_NE(msg.find("golden: cue q1 (line 4): end"), std::string::npos) << msg;
}

}  // namespace
}  // namespace sentio::text::test
