// SPDX-License-Identifier: Apache-2.0
// Encodings, control characters, bad files and large inputs.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "transcript_test_helpers.hpp"

namespace sentio::text::test {
namespace {

std::string utf16(std::u16string_view s, bool big_endian, bool bom) {
  std::string out;
  if (bom) out += big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (const char16_t c : s) {
    const auto hi = static_cast<char>((c >> 8) & 0xFF);
    const auto lo = static_cast<char>(c & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

std::filesystem::path write_file(const std::string& name, std::string_view bytes) {
  const auto path = sentio::test::temp_dir() / name;
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(TranscriptEncoding, Utf8BomAndLineEnds) {
  const Transcript t = parse("\xEF\xBB\xBFWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nCRLF line\r\rCR-only cue?\r");
  EXPECT_EQ(t.format, "webvtt");
  ASSERT_EQ(t.utterances.size(), 1u) << "the lone CR ends a line; CR CR is a blank line, text after it is appended";
  EXPECT_EQ(t.utterances[0].text, "CRLF line CR-only cue?");
  const Transcript p = parse("\xEF\xBB\xBFone\rtwo\r\nthree");
  ASSERT_EQ(p.utterances.size(), 3u);
  EXPECT_EQ(p.utterances[2].text, "three");
}

TEST(TranscriptEncoding, Utf16WithBomBothByteOrders) {
  const std::u16string src = u"1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9 \U0001F600\n";
  for (const bool be : {false, true}) {
    const Transcript t = parse(utf16(src, be, true));
    EXPECT_EQ(t.format, "srt");
    ASSERT_EQ(t.utterances.size(), 1u);
    EXPECT_EQ(t.utterances[0].text, "Caf\xC3\xA9 \xF0\x9F\x98\x80");
    EXPECT_TRUE(t.warnings.empty());
  }
  const Transcript nobom = parse(utf16(u"Ann: hello there\nBob: hi\n", false, false));
  ASSERT_EQ(nobom.utterances.size(), 2u);
  EXPECT_EQ(nobom.utterances[1].speaker, "Bob");
  EXPECT_TRUE(has_warning(nobom, "UTF-16 without a byte-order mark"));
}

TEST(TranscriptEncoding, ControlCharactersRemovedTabsBecomeSpaces) {
  const Transcript t = parse("a\x01" "b\tc\x1B[0m\x7F" "d\n");
  ASSERT_EQ(t.utterances.size(), 1u);
  EXPECT_EQ(t.utterances[0].text, "ab c[0md");
  EXPECT_TRUE(has_warning(t, "3 stray control character(s) removed"));
}

TEST(TranscriptEncoding, InvalidUtf8BecomesReplacementCharacter) {
  const Transcript t = parse("caf\xE9 ok\nfine \xC0\xAF and \xED\xA0\x80 end\n");
  ASSERT_EQ(t.utterances.size(), 2u);
  EXPECT_EQ(t.utterances[0].text, "caf\xEF\xBF\xBD ok");
  // Overlong "/" (2 bytes) and a UTF-16 surrogate in UTF-8 (3 bytes): one U+FFFD per byte.
  EXPECT_EQ(t.utterances[1].text, "fine \xEF\xBF\xBD\xEF\xBF\xBD and \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_TRUE(has_warning(t, "6 invalid UTF-8 byte(s)"));
}

TEST(TranscriptEncoding, EmotionLinesApostropheQuirk) {
  const std::string in = "Ross: I\xC2\x92m fine\xC2\x85 \xC2\x93ok\xC2\x94\n";  // U+0092, U+0085, U+0093, U+0094
  TranscriptOptions o;
  const Transcript typo = parse(in, TranscriptFormat::automatic, o);
  EXPECT_EQ(typo.utterances.at(0).text, "I\xE2\x80\x99m fine\xE2\x80\xA6 \xE2\x80\x9Cok\xE2\x80\x9D");
  EXPECT_TRUE(has_warning(typo, "4 C1 control character(s)"));
  o.cp1252_controls = Cp1252Controls::ascii;
  EXPECT_EQ(parse(in, TranscriptFormat::automatic, o).utterances.at(0).text, "I'm fine... \"ok\"");
  o.cp1252_controls = Cp1252Controls::remove;
  EXPECT_EQ(parse(in, TranscriptFormat::automatic, o).utterances.at(0).text, "Im fine ok");
}

TEST(TranscriptErrors, EmptyAndBinaryContent) {
  EXPECT_EQ(parse_error(""), "golden: is empty (0 bytes)");
  EXPECT_EQ(parse_error("\xEF\xBB\xBF \r\n\t\n"), "golden: is empty (only white space)");
  EXPECT_NE(parse_error(std::string("PK\x03\x04\x00\x00\x08\x00", 8) + "abcdefgh").find("binary file, not a transcript"),
            std::string::npos);
  std::string noise;
  for (int k = 0; k < 256; ++k) noise.push_back(static_cast<char>(k == 0 ? 1 : (k * 37) % 256));
  const std::string msg = parse_error(noise);
  EXPECT_NE(msg.find("golden: looks like a binary file"), std::string::npos) << msg;
  EXPECT_NE(parse_error("1\n00:00:01,000 --> 00:00:02,000\n\n", TranscriptFormat::srt)
                .find("golden: no utterances found (read as srt, all texts are empty)"),
            std::string::npos);
}

TEST(TranscriptErrors, ReadTranscriptFiles) {
  try {
    read_transcript("/nonexistent/dir/talk.srt");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/dir/talk.srt: file not found");
  }
  const auto empty = write_file("empty.vtt", "");
  EXPECT_THROW(read_transcript(empty.string()), InputError);
  const auto png = write_file("image.srt", std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16));
  try {
    read_transcript(png.string());
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), png.string() + ": looks like a binary file, not a transcript (contains NUL bytes)");
  }
  // Extension as the fallback: a .json with non-JSON content is a JSON error, a .txt of SRT is SRT.
  const auto notjson = write_file("talk.json", "hello world\n");
  EXPECT_THROW(read_transcript(notjson.string()), InputError);
  const auto srt_txt = write_file("talk.txt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n");
  const Transcript t = read_transcript(srt_txt.string());
  EXPECT_EQ(t.format, "srt");
  // A forced format wins over the content.
  TranscriptOptions o;
  o.format = TranscriptFormat::plain;
  EXPECT_EQ(read_transcript(srt_txt.string(), o).utterances.size(), 3u);
}

TEST(TranscriptLarge, HundredThousandLinesParse) {
  // 100,000 lines of SRT (25,000 cues of 4 lines) and 100,000 CSV rows; functional checks only.
  std::string srt;
  srt.reserve(4u << 20);
  for (int k = 0; k < 25000; ++k) {
    const int ms = k * 1000;
    char timing[64];
    std::snprintf(timing, sizeof timing, "%02d:%02d:%02d,%03d --> %02d:%02d:%02d,%03d", ms / 3600000,
                  ms / 60000 % 60, ms / 1000 % 60, ms % 1000, (ms + 900) / 3600000, (ms + 900) / 60000 % 60,
                  (ms + 900) / 1000 % 60, (ms + 900) % 1000);
    srt += std::to_string(k + 1) + "\n" + timing + "\nutterance number " + std::to_string(k) + "\n\n";
  }
  const Transcript t = parse(srt);
  ASSERT_EQ(t.utterances.size(), 25000u);
  expect_utterance(t.utterances[24999], 24999.0, 24999.9, "", "utterance number 24999", "25000");
  EXPECT_TRUE(t.warnings.empty());

  std::string csv = "start,end,speaker,text\n";
  for (int k = 0; k < 100000; ++k) {
    csv += std::to_string(k) + ".5," + std::to_string(k + 1) + ",S" + std::to_string(k % 3) + ",\"row, " +
           std::to_string(k) + "\"\n";
  }
  const Transcript c = parse(csv);
  ASSERT_EQ(c.utterances.size(), 100000u);
  expect_utterance(c.utterances[99999], 99999.5, 100000, "S0", "row, 99999");
}

// Numbers beyond double range used to escape as nlohmann's out_of_range ("internal error").
TEST(TranscriptErrors, JsonNumberOutOfRangeIsAnInputError) {
  const std::string msg = parse_error(R"([{"start": 1e400, "end": 2, "text": "hi"}])", TranscriptFormat::json);
  EXPECT_NE(msg.find("golden"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
}

// Each of these took time growing with the square of the input (a 2 MB file > 60 s); now linear. The
// bound is generous for sanitizer builds; the quadratic versions take minutes.
double seconds_to_parse(const std::string& doc) {
  const auto t0 = std::chrono::steady_clock::now();
  (void)parse(doc);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(TranscriptLarge, HostileSubtitlesParseInLinearTime) {
  const std::string cue = "1\n00:00:01,000 --> 00:00:02,000\n";
  EXPECT_LT(seconds_to_parse(cue + std::string(2'000'000, '<') + "\n"), 5.0);
  EXPECT_LT(seconds_to_parse(cue + std::string(2'000'000, '&') + "\n"), 5.0);
  EXPECT_LT(seconds_to_parse(cue + "{\\" + std::string(2'000'000, '{') + "\n"), 5.0);
  std::string orphans = cue + "hello\n\n";
  for (int i = 0; i < 50000; ++i) orphans += "word" + std::to_string(i) + " more text\n\n";
  EXPECT_LT(seconds_to_parse(orphans), 5.0);
  const Transcript t = parse(orphans);
  ASSERT_EQ(t.utterances.size(), 1u);
  EXPECT_EQ(t.utterances[0].text.rfind("hello word0 more text word1 more text", 0), 0u);
  EXPECT_TRUE(t.utterances[0].text.ends_with("word49999 more text"));
  EXPECT_EQ(std::count_if(t.warnings.begin(), t.warnings.end(),
                          [](const std::string& w) { return w.find("timing line") != std::string::npos; }),
            1);  // one warning for the file, not one per block
  EXPECT_TRUE(has_warning(t, "line 5: text without a timing line appended to the previous cue (50000 such blocks)"));
  // markup and entities still work next to unmatched ones
  const Transcript m = parse(cue + "<i>a</i> < b &amp; c &lt;x {\\an8}d {\\e\n");
  ASSERT_EQ(m.utterances.size(), 1u);
  EXPECT_EQ(m.utterances[0].text, "a < b & c <x d {\\e");
}

}  // namespace
}  // namespace sentio::text::test
