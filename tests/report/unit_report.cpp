// SPDX-License-Identifier: Apache-2.0
// The HTML report: documents of every shape render with the five parts, bad documents are refused,
// embedded JSON cannot close its <script>, long series are reduced, the page allows no network access.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "report_internal.hpp"
#include "sentio/core/error.hpp"
#include "sentio/report/report.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using sentio::report::ReportOptions;
using sentio::report::render_report;

namespace {

const char* const kLabels[] = {"neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"};

json probs(const std::string& main, double p) {
  json out = json::object();
  for (const char* l : kLabels) out[l] = l == main ? p : (1 - p) / 6;
  return out;
}

json base_doc(const std::string& schema = "sentio.analysis/2") {
  return {{"schema", schema}, {"generator", "sentio 0.1.0"},
          {"input", {{"path", "rec.wav"}, {"kind", "audio"}, {"duration_s", 20.0}}}, {"warnings", json::array()}};
}

json speech_part() {
  json segs = json::array();
  for (int i = 0; i < 4; ++i)
    segs.push_back({{"start", 1.0 + 4 * i}, {"end", 3.5 + 4 * i}, {"speaker", i % 2 ? "S2" : "S1"},
                    {"label", i == 1 ? "happiness" : "neutral"}, {"confidence", 0.6}, {"valence", 0.1},
                    {"arousal", 0.2}, {"probabilities", probs("neutral", 0.6)},
                    {"canonical", {{"label", "neutral"}, {"probabilities", probs("neutral", 0.6)}}}});
  return {{"status", "ok"}, {"segments", segs}, {"timeline", json::array()},
          {"speakers", {{{"speaker", "S1"}, {"speech_s", 5.0}, {"dominant_label", "neutral"}},
                        {{"speaker", "S2"}, {"speech_s", 5.0}, {"dominant_label", "happiness"}}}}};
}

json faces_part(int n_obs, double fps = 5) {
  json obs = json::array();
  for (int i = 0; i < n_obs; ++i)
    obs.push_back({{"time", i / fps}, {"frame", i}, {"box", {10, 10, 50, 60}}, {"label", i % 2 ? "happiness" : "neutral"},
                   {"confidence", 0.7}, {"valence", i % 2 ? 0.5 : 0.0}, {"arousal", 0.2},
                   {"probabilities", probs(i % 2 ? "happiness" : "neutral", 0.7)}, {"cues", json::object()}});
  json windows = json::array();
  for (int i = 0; i < n_obs / 10; ++i)
    windows.push_back({{"start", 2.0 * i}, {"end", 2.0 * i + 2}, {"mean_faces", 1.0}, {"dominant_label", "neutral"},
                       {"mean_valence", 0.0}, {"mean_arousal", 0.1}, {"distribution", probs("neutral", 0.7)}});
  return {{"status", "ok"}, {"sampled_fps", fps}, {"frame_width", 640}, {"frame_height", 360},
          {"tracks", {{{"id", 1}, {"first_time", 0.0}, {"last_time", (n_obs - 1) / fps}, {"observations_count", n_obs},
                       {"dominant_label", "neutral"}, {"mean_probabilities", probs("neutral", 0.6)},
                       {"observations", obs}}}},
          {"group", {{"frames", json::array()}, {"windows", windows}}}};
}

json text_part(const std::string& first_text = "I am so happy today") {
  return {{"status", "ok"}, {"source", "given"},
          {"utterances", {{{"start", 1.0}, {"end", 3.0}, {"speaker", "Ann"}, {"text", first_text}, {"label", "joy"},
                           {"confidence", 0.7}, {"canonical", {{"label", "happiness"}}},
                           {"drivers", {{{"term", "happy"}, {"weight", 0.5}}}}},
                          {{"start", 5.0}, {"end", 7.0}, {"speaker", "Bob"}, {"text", "fine"}, {"label", "neutral"},
                           {"confidence", 0.5}, {"drivers", json::array()}}}}};
}

json persons_and_moments(json doc) {
  doc["persons"] = {{{"id", "P1"}, {"speaker", "S1"}, {"face_tracks", {1}}, {"name", "Ann"}, {"speaking_s", 5.0},
                     {"dominant_label", "neutral"}, {"mean_probabilities", probs("neutral", 0.6)}},
                    {{"id", "P2"}, {"speaker", "S2"}, {"face_tracks", json::array()}, {"name", nullptr},
                     {"speaking_s", 5.0}, {"dominant_label", "happiness"}}};
  doc["moments"] = {{{"start", 1.0}, {"end", 3.5}, {"person", "P1"}, {"fused", {{"label", "neutral"}, {"confidence", 0.6}}},
                     {"modalities", {{"voice", {{"label", "neutral"}}}}}, {"agreement", {{"agree", true}}},
                     {"compound", nullptr}, {"cues", json::array()}, {"explanation", "Ann sounds calm."}},
                    {{"start", 5.0}, {"end", 7.5}, {"person", "P2"}, {"fused", {{"label", "happiness"}, {"confidence", 0.8}}},
                     {"modalities", {{"voice", {{"label", "happiness"}}}, {"words", {{"label", "neutral"}}}}},
                     {"agreement", {{"agree", false}, {"disagreeing", {"words"}}}}, {"compound", nullptr},
                     {"cues", json::array()}, {"explanation", "P2 sounds happy."}}};
  return doc;
}

std::string render(const json& doc, const ReportOptions& o = {}) {
  ReportOptions opts = o;
  opts.thumbnails = false;
  return render_report(doc.dump(), "doc.json", opts);
}

// The JSON inside <script ... id="ID">...</script>.
json embedded(const std::string& html, const std::string& id) {
  const std::string open = "id=\"" + id + "\">";
  const auto a = html.find(open);
  EXPECT_NE(a, std::string::npos) << id;
  if (a == std::string::npos) return nullptr;
  const auto b = html.find("</script>", a);
  const std::string text = html.substr(a + open.size(), b - a - open.size());
  return text.empty() ? json(nullptr) : json::parse(text);
}

void expect_five_parts(const std::string& html) {
  for (const char* id : {"overview", "timeline", "moments", "transcript", "faces"})
    EXPECT_NE(html.find(std::string("data-testid=\"") + id + "\""), std::string::npos) << id;
}

}  // namespace

TEST(Report, AudioOnlyDocument) {
  json doc = base_doc();
  doc["speech"] = speech_part();
  const std::string html = render(doc);
  expect_five_parts(html);
  EXPECT_EQ(embedded(html, "sentio-view")["speech"]["segments"].size(), 4u);
  EXPECT_EQ(embedded(html, "sentio-result"), doc);  // small: the whole document for download
  EXPECT_EQ(embedded(html, "sentio-meta")["download"], "full");
  EXPECT_NE(html.find("This audio (20 seconds) was analysed from its speech."), std::string::npos);
  EXPECT_NE(html.find("<title>Sentio report: rec.wav</title>"), std::string::npos);
}

TEST(Report, VideoOnlyDocument) {
  json doc = base_doc();
  doc["input"]["kind"] = "video";
  doc["faces"] = faces_part(50);
  const std::string html = render(doc);
  expect_five_parts(html);
  const json view = embedded(html, "sentio-view");
  ASSERT_EQ(view["faces"]["tracks"].size(), 1u);
  EXPECT_EQ(view["faces"]["tracks"][0]["observations"].size(), 50u);
  EXPECT_FALSE(view["faces"]["tracks"][0]["observations"][0].contains("cues"));  // not drawn: not embedded twice
  EXPECT_FALSE(view.contains("speech"));
  EXPECT_NE(html.find("1 face was tracked (face 1 mostly neutral)"), std::string::npos);
}

TEST(Report, TranscriptOnlyDocument) {
  json doc = base_doc();
  doc["input"] = {{"path", "chat.srt"}, {"kind", "transcript"}};
  doc["text"] = text_part();
  const std::string html = render(doc);
  expect_five_parts(html);
  EXPECT_EQ(embedded(html, "sentio-view")["text"]["utterances"][0]["drivers"], json({"happy"}));
  EXPECT_NE(html.find("The transcript has 2 utterances"), std::string::npos);
}

TEST(Report, AllPartsWithPersonsAndMoments) {
  json doc = base_doc();
  doc["input"]["kind"] = "video";
  doc["speech"] = speech_part();
  doc["faces"] = faces_part(100);
  doc["text"] = text_part();
  doc = persons_and_moments(doc);
  const std::string html = render(doc);
  expect_five_parts(html);
  const json view = embedded(html, "sentio-view");
  EXPECT_EQ(view["persons"].size(), 2u);
  ASSERT_EQ(view["moments"].size(), 2u);
  EXPECT_EQ(view["moments"][1]["fused"]["label"], "happiness");
  const std::string summary = sentio::report::detail::summary_paragraph(doc);
  EXPECT_NE(summary.find("2 persons: Ann (P1) spoke for 5 seconds and was mostly neutral"), std::string::npos) << summary;
  EXPECT_NE(summary.find("P2 spoke for 5 seconds and was mostly happy"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Across 2 moments"), std::string::npos) << summary;
  EXPECT_NE(summary.find("strongest non-neutral moment is at 0:05 (P2): happiness with confidence 0.80"), std::string::npos)
      << summary;
}

TEST(Report, AllPartsWithoutPersonsAndMoments) {
  json doc = base_doc();
  doc["speech"] = speech_part();
  doc["faces"] = faces_part(20);
  doc["text"] = text_part();
  const std::string html = render(doc);
  expect_five_parts(html);
  const json view = embedded(html, "sentio-view");
  EXPECT_FALSE(view.contains("persons"));
  EXPECT_FALSE(view.contains("moments"));
  EXPECT_NE(html.find("Speaker S1 spoke for 5 seconds, mostly neutral"), std::string::npos);
}

TEST(Report, SchemaOneDocument) {
  json doc = base_doc("sentio.analysis/1");
  doc["speech"] = speech_part();
  const std::string html = render(doc);
  expect_five_parts(html);
  EXPECT_EQ(embedded(html, "sentio-meta")["schema_major"], 1);
}

TEST(Report, NotAResultIsAnInputErrorNamingTheSource) {
  for (const std::string bad : {"{\"hello\": 1}", "[1, 2]", "not json at all", "{\"schema\": \"other/2\", \"input\": {}}",
                                "{\"schema\": \"sentio.analysis/2\"}"}) {
    try {
      render_report(bad, "notes.json", {});
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const sentio::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("notes.json: not a Sentio result"), std::string::npos) << e.what();
    }
  }
}

TEST(Report, UnknownSchemaVersionIsAnInputError) {
  try {
    render(base_doc("sentio.analysis/3"));
    FAIL() << "accepted /3";
  } catch (const sentio::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("doc.json: unknown schema version 'sentio.analysis/3'"), std::string::npos)
        << e.what();
  }
}

TEST(Report, EmbeddedJsonCannotCloseItsScript) {
  json doc = base_doc();
  doc["text"] = text_part("quote </script><script>alert(1)</script> and <!-- a comment");
  const std::string html = render(doc);
  // The only </script> closings are the page's own four script elements.
  std::size_t closings = 0;
  for (std::size_t p = html.find("</script>"); p != std::string::npos; p = html.find("</script>", p + 1)) ++closings;
  EXPECT_EQ(closings, 4u);
  EXPECT_NE(html.find("<\\/script><script>alert(1)<\\/script>"), std::string::npos);
  EXPECT_EQ(html.find("<!-- a comment"), std::string::npos);
  // ... and the text survives the escaping unchanged.
  EXPECT_EQ(embedded(html, "sentio-view")["text"]["utterances"][0]["text"],
            "quote </script><script>alert(1)</script> and <!-- a comment");
  EXPECT_EQ(embedded(html, "sentio-result"), doc);
}

TEST(Report, TitleIsEscaped) {
  ReportOptions o;
  o.title = "A <b>\"bold\"</b> & title";
  const std::string html = render(base_doc(), o);
  EXPECT_NE(html.find("<title>A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; title</title>"), std::string::npos);
}

TEST(Report, LongSeriesAreReducedToTheBound) {
  json doc = base_doc();
  doc["input"]["duration_s"] = 3600.0;
  doc["faces"] = faces_part(18000);  // 60 min at 5 fps
  ReportOptions o;
  o.max_points = 2000;
  const std::string html = render(doc, o);
  const json view = embedded(html, "sentio-view");
  const json& obs = view["faces"]["tracks"][0]["observations"];
  ASSERT_EQ(obs.size(), 2000u);
  EXPECT_EQ(view["faces"]["group"]["windows"].size(), 1800u);  // under the bound: kept
  // Bucket means of 9 alternating observations: (5 x neutral 0.7 + 4 x 0.05) / 9 etc.; time = mean time.
  EXPECT_NEAR(obs[0]["time"].get<double>(), 0.8, 1e-9);
  EXPECT_NEAR(obs[0]["valence"].get<double>(), std::round(0.5 * 4 / 9.0 * 1e4) / 1e4, 1e-9);
  EXPECT_NEAR(obs[0]["probabilities"]["neutral"].get<double>(), std::round((5 * 0.7 + 4 * 0.05) / 9 * 1e4) / 1e4, 1e-9);
  EXPECT_EQ(obs[0]["label"], "neutral");
  EXPECT_EQ(obs[0]["n"], 9);
  EXPECT_EQ(obs.back()["t1"], 17999 / 5.0);
  // The whole document is too large to embed: the page says so and offers the reduced copy.
  const json meta = embedded(html, "sentio-meta");
  EXPECT_EQ(meta["download"], "reduced");
  EXPECT_TRUE(embedded(html, "sentio-result").is_null());
  EXPECT_NE(meta["notes"][0].get<std::string>().find("too large to embed"), std::string::npos);
}

TEST(Report, BucketsCoverEveryItemOnce) {
  const auto b = sentio::report::detail::buckets(10, 3);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0], std::make_pair(std::size_t{0}, std::size_t{3}));
  EXPECT_EQ(b[1], std::make_pair(std::size_t{3}, std::size_t{6}));
  EXPECT_EQ(b[2], std::make_pair(std::size_t{6}, std::size_t{10}));
  EXPECT_EQ(sentio::report::detail::buckets(2, 5).size(), 2u);
}

TEST(Report, StrictContentSecurityPolicy) {
  json doc = base_doc();
  doc["speech"] = speech_part();
  const std::string html = render(doc);
  const std::regex csp("http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; script-src "
                       "&#39;sha256-[A-Za-z0-9+/=]{44}&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]{44}&#39;; img-src data:; "
                       "media-src &#39;none&#39;");
  EXPECT_TRUE(std::regex_search(html, csp));
  // No address to fetch anything from: the only URL is the SVG namespace name (an identifier).
  const std::string without_ns = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
  EXPECT_EQ(without_ns.find("http://"), std::string::npos);
  EXPECT_EQ(without_ns.find("https://"), std::string::npos);
}

TEST(Report, MissingMediaIsANoteNotAnError) {
  json doc = base_doc();
  doc["speech"] = speech_part();
  ReportOptions o;
  o.media_path = "/nonexistent/rec.wav";
  const json meta = embedded(render(doc, o), "sentio-meta");
  EXPECT_TRUE(meta["media"].is_null());
  EXPECT_NE(meta["notes"][0].get<std::string>().find("'/nonexistent/rec.wav' was not found"), std::string::npos);
}

TEST(Report, MediaIsLinkedRelativeToTheReport) {
  const fs::path dir = sentio::test::temp_dir() / "rel";
  fs::create_directories(dir / "media" / "a b");
  fs::create_directories(dir / "out");
  std::ofstream(dir / "media" / "a b" / "talk #1.wav") << "x";
  json doc = base_doc();
  doc["speech"] = speech_part();
  std::ofstream(dir / "r.json") << doc.dump();
  ReportOptions o;
  o.media_path = (dir / "media" / "a b" / "talk #1.wav").string();
  sentio::report::write_report(dir / "r.json", dir / "out" / "r.html", o);
  std::ifstream in(dir / "out" / "r.html");
  std::stringstream ss;
  ss << in.rdbuf();
  const json meta = embedded(ss.str(), "sentio-meta");
  EXPECT_EQ(meta["media"]["src"], "../media/a%20b/talk%20%231.wav");
  EXPECT_EQ(meta["media"]["kind"], "audio");
  EXPECT_NE(ss.str().find("media-src &#39;self&#39;"), std::string::npos);
}

TEST(Report, WriteReportWritesNothingOnError) {
  const fs::path dir = sentio::test::temp_dir() / "err";
  fs::create_directories(dir);
  std::ofstream(dir / "bad.json") << "{\"schema\": \"sentio.analysis/9\", \"input\": {}}";
  EXPECT_THROW(sentio::report::write_report(dir / "bad.json", dir / "bad.html", {}), sentio::InputError);
  EXPECT_THROW(sentio::report::write_report(dir / "missing.json", dir / "m.html", {}), sentio::InputError);
  EXPECT_FALSE(fs::exists(dir / "bad.html"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);  // only bad.json: no report, no temporary file left
}

TEST(Report, ClockTimes) {
  EXPECT_EQ(sentio::report::detail::clock_time(3725.4), "1:02:05");
  EXPECT_EQ(sentio::report::detail::clock_time(65), "1:05");
}

TEST(Report, LeanParseKeepsEverythingThePageDraws) {
  json doc = base_doc();
  doc["input"]["kind"] = "video";
  doc["speech"] = speech_part();
  doc["speech"]["segments"][0]["measures"] = {{"pitch_st", 30.1}};
  doc["faces"] = faces_part(60);
  doc["faces"]["group"]["frames"] = {{{"time", 0.0}, {"faces", 1}}};
  doc["text"] = text_part();
  doc = persons_and_moments(doc);
  doc["moments"][0]["cues"] = {{{"modality", "voice"}, {"name", "pitch"}, {"z", 2.5}, {"text", "higher pitch"}}};
  using sentio::report::detail::Keep;
  using sentio::report::detail::parse_result;
  const std::string text = doc.dump(2);
  const auto full = parse_result(text, "d", Keep::all);
  EXPECT_EQ(full.doc, doc);
  EXPECT_EQ(full.major, 2);
  const auto lean = parse_result(text, "d", Keep::report);
  EXPECT_EQ(lean.major, 2);
  EXPECT_FALSE(lean.doc["faces"]["group"].contains("frames"));
  EXPECT_FALSE(lean.doc["faces"]["tracks"][0].contains("observations"));  // as samples instead
  ASSERT_EQ(lean.samples.size(), 1u);
  ASSERT_EQ(lean.samples[0].size(), 60u);
  EXPECT_EQ(lean.samples[0][3].time, 0.6);
  EXPECT_EQ(lean.samples[0][3].label, "happiness");
  EXPECT_EQ(lean.samples[0][3].probabilities[1], 0.7);
  EXPECT_TRUE(lean.samples[0][3].has_box);
  EXPECT_EQ(lean.samples[0][3].box[3], 60.0);
  EXPECT_FALSE(lean.doc["speech"]["segments"][0].contains("measures"));
  EXPECT_FALSE(lean.doc["speech"]["segments"][0].contains("probabilities"));
  EXPECT_EQ(lean.doc["moments"][0]["cues"], doc["moments"][0]["cues"]);
  EXPECT_EQ(lean.doc["persons"], doc["persons"]);
  EXPECT_EQ(lean.doc["text"]["utterances"], [&] {
    json u = doc["text"]["utterances"];
    for (json& x : u) x.erase("probabilities");
    return u;
  }());
  const auto no_boxes = parse_result(text, "d", Keep::report_no_boxes);
  EXPECT_FALSE(no_boxes.samples[0][3].has_box);
  // The page draws the same from either.
  for (const std::size_t points : {std::size_t{2000}, std::size_t{7}}) {
    EXPECT_EQ(sentio::report::detail::drawing_view(lean, points), sentio::report::detail::drawing_view(full, points));
    EXPECT_EQ(sentio::report::detail::drawing_view(no_boxes, points), sentio::report::detail::drawing_view(full, points));
  }
  EXPECT_EQ(sentio::report::detail::summary_paragraph(lean.doc), sentio::report::detail::summary_paragraph(full.doc));
  // Not JSON, and not a result, are errors in the lean parser too.
  EXPECT_THROW(parse_result("{\"schema\": \"sentio.analysis/2\", \"input\": {", "d", Keep::report), sentio::InputError);
  EXPECT_THROW(parse_result("{\"schema\": \"sentio.analysis/5\", \"input\": {}}", "d", Keep::report), sentio::InputError);
}
