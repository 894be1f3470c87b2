// SPDX-License-Identifier: Apache-2.0
// Options of requests and streams: query parsing, names with dashes or underscores, typed values.
#include <gtest/gtest.h>

#include "metrics.hpp"
#include "request_options.hpp"
#include "sentio/core/error.hpp"

namespace sentio::serve {
namespace {

TEST(ServeOptions, QueryParametersSetTheSessionOptions) {
  AnalyzeOptions o;
  std::string name;
  apply_query("name=my%20call.wav&speaker-mode=single&speakers=2&max_segment=4.5&fps=10&transcribe&access_token=x", o,
              name);
  EXPECT_EQ(name, "my call.wav");
  EXPECT_EQ(o.session.speaker_mode, analysis::SpeakerMode::single);
  EXPECT_EQ(o.session.speakers, 2);
  EXPECT_DOUBLE_EQ(o.session.max_segment_s, 4.5);
  EXPECT_DOUBLE_EQ(o.session.fps, 10);
  EXPECT_TRUE(o.session.transcribe);
}

TEST(ServeOptions, BadOptionsNameTheOption) {
  AnalyzeOptions o;
  std::string name;
  auto message = [&](const std::string& q) {
    try {
      apply_query(q, o, name);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("speakers=two").find("speakers"), std::string::npos);
  EXPECT_NE(message("fps=1e999").find("fps"), std::string::npos);
  EXPECT_NE(message("speech-model=/etc/passwd").find("unknown option"), std::string::npos);
  EXPECT_NE(message("transcribe=maybe").find("transcribe"), std::string::npos);
  EXPECT_NE(message("max-duration=-1").find("max-duration"), std::string::npos);
  EXPECT_NE(message("name=%zz").find("escape"), std::string::npos);
  EXPECT_NE(message("name=%2").find("escape"), std::string::npos);
}

TEST(ServeOptions, QueryValue) {
  EXPECT_EQ(query_value("a=1&access_token=abc%2Bd&b", "access_token"), "abc+d");
  EXPECT_EQ(query_value("a=1", "access_token"), "");
  EXPECT_EQ(query_value("access_token=%zz", "access_token"), "");
  EXPECT_EQ(url_decode("a+b%41"), "a bA");
}

TEST(ServeMetrics, PrometheusText) {
  Metrics m;
  m.session_opened();
  m.event_sent("segment");
  m.event_delay(0.3);
  m.event_delay(4);
  m.request("/healthz", 200);
  m.error("bad_message");
  const std::string t = m.text({1, 0, 2, 0});
  for (const char* line : {"sentio_sessions_open 1", "sentio_sessions_total 1", "sentio_events_total{type=\"segment\"} 1",
                           "sentio_event_delay_seconds_bucket{le=\"0.5\"} 1", "sentio_event_delay_seconds_bucket{le=\"5\"} 2",
                           "sentio_event_delay_seconds_bucket{le=\"+Inf\"} 2", "sentio_event_delay_seconds_count 2",
                           "sentio_errors_total{code=\"bad_message\"} 1", "sentio_jobs{state=\"queued\"} 1",
                           "sentio_requests_total{route=\"/healthz\",status=\"200\"} 1"})
    EXPECT_NE(t.find(line), std::string::npos) << line;
  m.session_closed();
  EXPECT_EQ(m.sessions_open(), 0);
}

}  // namespace
}  // namespace sentio::serve
