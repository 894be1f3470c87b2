// SPDX-License-Identifier: Apache-2.0
// `sentio serve` on loopback: a Server on a free port in this process, driven by Beast clients with
// bounded waits: REST equals the library's document, jobs survive a restart, streams give the events and
// the result of a Session, and every kind of bad input gets its clean answer while the server stays up.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "../engine/engine_test_support.hpp"
#include "sentio/analysis/result_writer.hpp"
#include "sentio/engine/analyze.hpp"
#include "sentio/media/image_encoder.hpp"
#include "sentio/serve/server.hpp"

namespace sentio::serve {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;

const std::string kToken = "0123456789abcdef-token";

std::shared_ptr<const Engine> shared_engine() {
  static const auto engine = Engine::create({});
  return engine;
}

// The synthetic conversation as a WAV file (once per process) and as 16-bit PCM.
const std::filesystem::path& conversation_wav() {
  static const auto path = test::write_wav(test::temp_dir() / "serve_conversation.wav",
                                           test::voiced_conversation(16000, 1), 16000, 1);
  return path;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string pcm_of_conversation() {
  const auto samples = test::voiced_conversation(16000, 1);
  std::string pcm(samples.size() * 2, '\0');
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto v = static_cast<std::int16_t>(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
    std::memcpy(pcm.data() + 2 * i, &v, 2);
  }
  return pcm;
}

// Sockets that give up after `seconds` (so that no test can hang).
template <typename Socket>
void bound(Socket& s, int seconds = 60) {
  timeval tv{seconds, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

class Serve : public ::testing::Test {
 protected:
  void start(ServerOptions o = {}) {
    o.port = 0;
    o.generator = "sentio test";
    server_ = std::make_unique<Server>(shared_engine(), o);
    port_ = server_->port();
    runner_ = std::thread([this] { server_->run(); });
  }
  void restart(ServerOptions o) {
    stop();
    start(std::move(o));
  }
  void stop() {
    if (!server_) return;
    server_->stop();
    runner_.join();
    server_.reset();
  }
  void TearDown() override { stop(); }

  Reply request(http::verb verb, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {}) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    bound(socket);
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 30);
    http::read(socket, buffer, parser);
    Reply r;
    r.status = static_cast<int>(parser.get().result_int());
    r.body = parser.get().body();
    for (const auto& f : parser.get()) r.headers[std::string(f.name_string())] = std::string(f.value());
    return r;
  }

  // A WebSocket client on /v1/stream.
  struct Client {
    net::io_context ioc;
    websocket::stream<tcp::socket> ws{ioc};
    explicit Client(int port, const std::string& target = "/v1/stream", const std::string& auth = "") {
      ws.next_layer().connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
      bound(ws.next_layer());
      if (!auth.empty())
        ws.set_option(websocket::stream_base::decorator(
            [auth](websocket::request_type& r) { r.set(http::field::authorization, auth); }));
      ws.handshake("127.0.0.1", target);
    }
    void text(const std::string& s) {
      ws.text(true);
      ws.write(net::buffer(s));
    }
    void binary(const std::string& s) {
      ws.binary(true);
      ws.write(net::buffer(s));
    }
    // Events until the server closes (or the bound expires): the parsed messages.
    std::vector<json> events() {
      std::vector<json> out;
      for (;;) {
        beast::flat_buffer b;
        beast::error_code ec;
        ws.read(b, ec);
        if (ec) break;
        out.push_back(json::parse(beast::buffers_to_string(b.data())));
      }
      return out;
    }
    json next() {
      beast::flat_buffer b;
      ws.read(b);
      return json::parse(beast::buffers_to_string(b.data()));
    }
  };

  std::string start_message(const std::string& extra = "") {
    return R"({"type":"start","payload_id":"p-1","audio":{"sample_rate":16000,"channels":1,"encoding":"pcm_s16le"})" +
           extra + "}";
  }

  std::unique_ptr<Server> server_;
  std::thread runner_;
  int port_ = 0;
};

TEST_F(Serve, HealthAndMetrics) {
  start();
  const Reply h = request(http::verb::get, "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, R"({"status":"ok"})");
  const Reply m = request(http::verb::get, "/metrics");
  EXPECT_EQ(m.status, 200);
  for (const char* name : {"sentio_sessions_open 0", "sentio_events_total", "sentio_event_delay_seconds_bucket",
                           "sentio_errors_total", "sentio_bytes_received_total", "sentio_jobs{state=\"queued\"} 0",
                           "sentio_requests_total{route=\"/healthz\",status=\"200\"} 1"})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  EXPECT_EQ(request(http::verb::get, "/nowhere").status, 404);
  EXPECT_EQ(request(http::verb::post, "/healthz").status, 405);
  const Reply page = request(http::verb::get, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<html"), std::string::npos);
  EXPECT_EQ(request(http::verb::get, "/live.js").status, 200);
  // a request path is never a file on the server
  EXPECT_EQ(request(http::verb::get, "/../../etc/passwd").status, 404);
}

TEST_F(Serve, AnalyzeEqualsTheLibrarysDocument) {
  start();
  const Reply r = request(http::verb::post, "/v1/analyze?name=call.wav&speaker-mode=diarize",
                          read_file(conversation_wav()), {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(r.status, 200) << r.body;
  AnalysisResult expected = analyze_file(shared_engine(), conversation_wav().string());
  expected.input.path = "call.wav";
  EXPECT_EQ(r.body, analysis::to_json(expected, "sentio test"));
  // bad bodies and options: 400 with the message, naming the upload's name
  const Reply bad = request(http::verb::post, "/v1/analyze?name=noise.wav", "not audio at all");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("noise.wav"), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find("upload-"), std::string::npos) << "the server's temporary path leaked: " << bad.body;
  EXPECT_EQ(request(http::verb::post, "/v1/analyze?speakers=two", "x").status, 400);
  EXPECT_EQ(request(http::verb::post, "/v1/analyze?speech-model=/etc/passwd", "x").status, 400);
  EXPECT_EQ(request(http::verb::get, "/v1/analyze").status, 405);
}

TEST_F(Serve, JobsAreKeptAcrossARestart) {
  const auto dir = test::temp_dir() / "serve_results";
  std::filesystem::create_directories(dir);
  ServerOptions o;
  o.results_dir = dir.string();
  start(o);
  const Reply posted = request(http::verb::post, "/v1/jobs?name=call.wav", read_file(conversation_wav()));
  ASSERT_EQ(posted.status, 202) << posted.body;
  const std::string id = json::parse(posted.body)["id"];
  json status;
  for (int i = 0; i < 600; ++i) {  // at most 60 s
    status = json::parse(request(http::verb::get, "/v1/jobs/" + id).body);
    if (status["state"] == "done" || status["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(status["state"], "done") << status.dump();
  EXPECT_EQ(status["result"]["input"]["path"], "call.wav");
  EXPECT_TRUE(std::filesystem::exists(dir / (id + ".json")));
  restart(o);
  const Reply again = request(http::verb::get, "/v1/jobs/" + id);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body), status);
  EXPECT_EQ(request(http::verb::get, "/v1/jobs/0000000000000000").status, 404);
  EXPECT_EQ(request(http::verb::get, "/v1/jobs/..%2F..%2Fetc%2Fpasswd").status, 404);
}

TEST_F(Serve, TokenIsRequiredWhenSet) {
  ServerOptions o;
  o.token = kToken;
  start(o);
  EXPECT_EQ(request(http::verb::get, "/metrics").status, 401);
  EXPECT_EQ(request(http::verb::get, "/metrics", "", {{"Authorization", "Bearer wrong-token-xxxxxxxx"}}).status, 401);
  EXPECT_EQ(request(http::verb::get, "/metrics", "", {{"Authorization", "Bearer " + kToken}}).status, 200);
  EXPECT_EQ(request(http::verb::post, "/v1/analyze", "x").status, 401);
  EXPECT_EQ(request(http::verb::get, "/").status, 401);
  EXPECT_EQ(request(http::verb::get, "/?access_token=" + kToken).status, 200);
  EXPECT_EQ(request(http::verb::get, "/healthz").status, 200);  // probes need no token
  EXPECT_THROW(Client{port_}, beast::system_error);  // upgrade refused (401)
  Client ok(port_, "/v1/stream", "Bearer " + kToken);
  Client by_query(port_, "/v1/stream?access_token=" + kToken);
}

TEST_F(Serve, LimitsGiveCleanAnswers) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  o.max_sessions = 1;
  start(o);
  const Reply big = request(http::verb::post, "/v1/analyze", std::string(5000, 'x'));
  EXPECT_EQ(big.status, 413);
  Client first(port_);
  // a second stream: 503 with Retry-After before the upgrade
  const Reply busy = request(http::verb::get, "/v1/stream", "",
                             {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Sec-WebSocket-Version", "13"},
                              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.headers.at("Retry-After"), "5");
  // the server still answers
  EXPECT_EQ(request(http::verb::get, "/healthz").status, 200);
}

TEST_F(Serve, StreamGivesTheSessionsEventsAndResult) {
  start();
  Client c(port_);
  c.text(start_message(R"(,"options":{"max_segment":4})"));
  const std::string pcm = pcm_of_conversation();
  for (std::size_t at = 0; at < pcm.size(); at += 3200) c.binary(pcm.substr(at, 3200));  // 100-ms messages
  c.text(R"({"type":"end"})");
  const auto events = c.events();
  ASSERT_FALSE(events.empty());
  const json& result = events.back();
  ASSERT_EQ(result["type"], "result") << result.dump();
  int segments = 0;
  for (const json& e : events) {
    EXPECT_EQ(e["payload_id"], "p-1");
    segments += e["type"] == "segment";
  }
  // the same as a session fed the same samples
  SessionOptions so;
  so.max_segment_s = 4;
  so.input_name = "stream";
  Session s(shared_engine(), so);
  const auto samples = test::voiced_conversation(16000, 1);
  std::vector<float> quantised(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    quantised[i] = static_cast<float>(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f)) / 32768.0f;
  s.push_audio(quantised, 16000, 1);
  json expected = json::parse(analysis::to_json(s.finish(), "sentio test"));
  EXPECT_EQ(result["speech"], expected["speech"]);
  EXPECT_EQ(result["moments"], expected["moments"]);
  EXPECT_EQ(segments, static_cast<int>(expected["speech"]["segments"].size()));
  EXPECT_GT(segments, 0);
  const std::string metrics = request(http::verb::get, "/metrics").body;
  EXPECT_NE(metrics.find("sentio_events_total{type=\"segment\"} " + std::to_string(segments)), std::string::npos);
}

TEST_F(Serve, StreamWithWordsAndFrames) {
  start();
  Client c(port_);
  c.text(start_message(R"(,"video":{"encoding":"jpeg"})"));
  const std::vector<std::uint8_t> gray(64 * 48 * 3, 128);
  const auto jpeg = media::encode_jpeg(gray, 64, 48);
  for (int k = 0; k < 3; ++k) {
    std::string msg(1, '\x02');
    const double t = 0.2 * k;
    msg.append(reinterpret_cast<const char*>(&t), 8);
    msg.append(jpeg.begin(), jpeg.end());
    c.binary(msg);
  }
  c.binary(std::string(1, '\x01') + std::string(3200, '\0'));
  c.text(R"({"type":"words","text":"What a wonderful surprise!","speaker":"A","start":0.0,"end":1.0})");
  c.binary("\x02" + std::string(8, '\0') + "not a jpeg");
  c.text(R"({"type":"end"})");
  const auto events = c.events();
  ASSERT_FALSE(events.empty());
  bool bad_media = false;
  for (const json& e : events) bad_media = bad_media || (e["type"] == "error" && e["code"] == "bad_media");
  EXPECT_TRUE(bad_media) << "the undecodable frame is reported";
  const json& result = events.back();
  ASSERT_EQ(result["type"], "result");
  EXPECT_EQ(result["faces"]["frames_analysed"], 3);
  EXPECT_EQ(result["text"]["utterances"][0]["text"], "What a wonderful surprise!");
}

TEST_F(Serve, MalformedMessagesGetErrorEvents) {
  start();
  {  // media before start: bad_start, closed
    Client c(port_);
    c.binary("\x01\x02\x03\x04");
    const auto ev = c.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0]["code"], "bad_start");
  }
  {  // invalid JSON, unknown type, odd PCM: errors, the stream goes on
    Client c(port_);
    c.text(start_message());
    c.text("{not json");
    EXPECT_EQ(c.next()["code"], "bad_message");
    c.text(R"({"type":"dance"})");
    EXPECT_EQ(c.next()["code"], "bad_message");
    c.binary("\x01\x02\x03");
    EXPECT_EQ(c.next()["code"], "bad_media");
    c.text(R"({"type":"end"})");
    const auto ev = c.events();
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(ev.back()["type"], "result");
  }
  {  // a wrong encoding
    Client c(port_);
    c.text(R"({"type":"start","audio":{"sample_rate":16000,"channels":1,"encoding":"mp3"}})");
    const auto ev = c.events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0]["code"], "bad_start");
  }
  {  // a message above the limit: the connection is closed with 1009 (Beast fails it at once)
    Client c(port_);
    c.text(start_message());
    c.binary(std::string((1u << 20) + 2, '\0'));
    c.events();
    EXPECT_EQ(c.ws.reason().code, websocket::close_code::too_big);
    EXPECT_NE(request(http::verb::get, "/metrics").body.find("sentio_errors_total{code=\"too_large\"} 1"),
              std::string::npos);
  }
  {  // a truncated upgrade: the connection is dropped, nothing else disturbed
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    const std::string partial = "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websock";
    net::write(s, net::buffer(partial));
    s.close();
  }
  {  // garbage instead of HTTP: 400
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    bound(s, 20);
    net::write(s, net::buffer(std::string("\x16\x03\x01 garbage garbage\r\n\r\n")));
    beast::flat_buffer b;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(s, b, res, ec);
    EXPECT_EQ(res.result_int(), 400u);
  }
  EXPECT_EQ(request(http::verb::get, "/healthz").status, 200);
}

TEST_F(Serve, IdleStreamsTimeOut) {
  ServerOptions o;
  o.idle_timeout_s = 0.5;
  start(o);
  Client c(port_);
  c.text(start_message());
  const auto ev = c.events();
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back()["code"], "timeout");
}

TEST_F(Serve, EventsPilingUpForAClientThatDoesNotReadDropIt) {
  ServerOptions o;
  o.max_outgoing_bytes = 10;  // so that one unread event is already too many (the default is 8 MiB)
  start(o);
  Client c(port_);
  c.text(start_message());
  c.text("{not json");  // answered with an error event, which cannot be queued
  std::string metrics;
  for (int i = 0; i < 200 && metrics.find("slow_consumer") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    metrics = request(http::verb::get, "/metrics").body;
  }
  EXPECT_NE(metrics.find("sentio_errors_total{code=\"slow_consumer\"} 1"), std::string::npos);
  EXPECT_TRUE(c.events().empty()) << "the connection was dropped";
  EXPECT_EQ(request(http::verb::get, "/healthz").status, 200);
}

TEST_F(Serve, StopTellsOpenStreams) {
  start();
  Client c(port_);
  c.text(start_message());
  std::thread stopper([this] { server_->stop(); });
  const auto ev = c.events();
  stopper.join();
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back()["code"], "shutdown");
}

}  // namespace
}  // namespace sentio::serve
