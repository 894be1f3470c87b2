// SPDX-License-Identifier: Apache-2.0
// WebSocket /v1/stream (docs/SERVE.md, "Streams"): one Session per connection. The socket lives on the
// I/O thread; the Session's pushes run in order on a strand of the analysis pool, and its events come
// back to the socket through a write queue. Reading pauses while more than max_backlog_s of audio waits
// for analysis, so a fast client is slowed by TCP flow control instead of being dropped.
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <optional>

#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "request_options.hpp"
#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/engine/session.hpp"
#include "sentio/media/image_decoder.hpp"
#include "server_internal.hpp"

namespace sentio::serve {

namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

namespace {

enum class Encoding { s16, f32 };

// `line` (a JSON object starting with {"type":"...") with "payload_id" after the type.
std::string with_payload(const std::string& line, const std::string& payload_json) {
  const std::size_t type_end = line.find('"', 9);  // {"type":"  is 9 characters
  if (line.rfind("{\"type\":\"", 0) != 0 || type_end == std::string::npos) return line;
  return line.substr(0, type_end + 1) + ",\"payload_id\":" + payload_json + line.substr(type_end + 1);
}

std::string option_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  throw InputError("expected a string, number or boolean");
}

}  // namespace

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(ServerState& st, beast::tcp_stream&& stream)
      : st_(st), ws_(std::move(stream)), work_(net::make_strand(st.analysis)), idle_(ws_.get_executor()),
        life_(ws_.get_executor()) {}

  ~StreamConnection() {
    if (opened_) st_.metrics.session_closed();
  }

  void start(http::request<http::empty_body> upgrade) {
    ws_.read_message_max(st_.options.max_message_bytes);
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& r) { r.set(http::field::server, "sentio"); }));
    ++st_.upgrading;
    ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  // The server is stopping: tell the client and close (on the I/O thread).
  void shutdown() {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->fail("shutdown", "the server is stopping", true); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      --st_.upgrading;
      return;
    }
    opened_ = true;
    st_.metrics.session_opened();
    {
      std::lock_guard lock(st_.streams_mutex);
      st_.streams.insert(weak_from_this());
    }
    --st_.upgrading;  // after it counts as open, so a stop never sees neither
    if (st_.stopping) {
      fail("shutdown", "the server is stopping", true);
      return;
    }
    arm_idle();
    life_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(st_.options.max_session_s)));
    life_.async_wait([w = weak_from_this()](beast::error_code e) {
      if (auto s = w.lock(); s && !e) s->fail("timeout", "the stream is longer than the server's --max-session", true);
    });
    do_read();
  }

  void arm_idle() {
    idle_.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(st_.options.idle_timeout_s)));
    idle_.async_wait([w = weak_from_this()](beast::error_code e) {
      if (auto s = w.lock(); s && !e) s->fail("timeout", "no message within the server's --idle-timeout", true);
    });
  }

  void do_read() {
    if (reading_ || closing_ || ended_ || done_) return;
    if (backlog_frames_.load() > backlog_limit_) return;  // resumed when the analysis catches up
    reading_ = true;
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    reading_ = false;
    if (ec == websocket::error::message_too_big) {  // Beast has already closed the connection with 1009
      st_.metrics.error("too_large");
      gone();
      return;
    }
    if (ec) {
      gone();
      return;
    }
    st_.metrics.bytes_received(n);
    arm_idle();
    if (ws_.got_text())
      on_text(beast::buffers_to_string(in_.data()));
    else
      on_binary(static_cast<const std::uint8_t*>(in_.data().data()), in_.size());
    in_.consume(in_.size());
    do_read();
  }

  void on_text(const std::string& text) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      fail("bad_message", "expected a JSON object with a string \"type\"", false);
      return;
    }
    const std::string type = j["type"].get<std::string>();
    if (type == "start") {
      on_start(j);
    } else if (!started_) {
      fail("bad_start", "the first message must be {\"type\":\"start\", ...}", true);
    } else if (type == "words") {
      if (!j.contains("text") || !j["text"].is_string() ||
          j["text"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
        fail("bad_message", "words: \"text\" must be a non-empty string", false);
        return;
      }
      if ((j.contains("speaker") && !j["speaker"].is_string()) || (j.contains("start") && !j["start"].is_number()) ||
          (j.contains("end") && !j["end"].is_number())) {
        fail("bad_message", "words: \"speaker\" must be a string, \"start\" and \"end\" numbers (seconds)", false);
        return;
      }
      text::Utterance u;
      u.text = j["text"].get<std::string>();
      if (j.contains("speaker")) u.speaker = j["speaker"].get<std::string>();
      if (j.contains("start")) u.start = j["start"].get<double>();
      if (j.contains("end")) u.end = j["end"].get<double>();
      on_work([u](Session& s) { s.push_words(u); });
    } else if (type == "end") {
      ended_ = true;
      net::post(work_, [self = shared_from_this()] { self->finish_session(); });
    } else {
      fail("bad_message", "unknown message type '" + type + "' (start, words, end)", false);
    }
  }

  void on_start(const nlohmann::json& j) {
    if (started_) {
      fail("bad_start", "a second start message", true);
      return;
    }
    AnalyzeOptions options;
    SessionOptions& so = options.session;
    so.max_segment_s = 4.0;
    so.input_kind = "stream";
    std::string name = "stream";
    try {
      if (j.contains("payload_id")) {
        if (!j["payload_id"].is_string() || j["payload_id"].get<std::string>().size() > 128)
          throw InputError("payload_id: expected a string of at most 128 bytes");
        payload_ = j["payload_id"].get<std::string>();
      }
      if (j.contains("audio")) {
        const auto& a = j["audio"];
        if (!a.is_object()) throw InputError("audio: expected an object");
        rate_ = a.value("sample_rate", 16000);
        channels_ = a.value("channels", 1);
        const std::string enc = a.value("encoding", std::string("pcm_s16le"));
        if (enc == "pcm_s16le") encoding_ = Encoding::s16;
        else if (enc == "pcm_f32le") encoding_ = Encoding::f32;
        else throw InputError("audio.encoding: '" + enc + "' is not pcm_s16le or pcm_f32le");
        if (rate_ < 8000 || rate_ > 192000) throw InputError("audio.sample_rate: expected 8000..192000 Hz");
        if (channels_ < 1 || channels_ > 8) throw InputError("audio.channels: expected 1..8");
      }
      if (j.contains("video")) {
        const auto& v = j["video"];
        if (!v.is_object() || v.value("encoding", std::string("jpeg")) != "jpeg")
          throw InputError("video: expected {\"encoding\": \"jpeg\"}");
        video_ = true;
      }
      if (j.contains("options")) {
        if (!j["options"].is_object()) throw InputError("options: expected an object");
        for (const auto& [key, value] : j["options"].items()) {
          if (key == "max_duration" || key == "max-duration")
            throw InputError("options." + key + ": not an option of streams (a stream ends with its end message)");
          try {
            apply_option(key, option_text(value), options, name);
          } catch (const InputError& e) {
            throw with_context("options." + key, e);
          }
        }
      }
    } catch (const std::exception& e) {
      fail("bad_start", e.what(), true);
      return;
    } catch (...) {
      fail("bad_start", "malformed start message", true);
      return;
    }
    payload_json_ = nlohmann::json(payload_).dump();
    so.input_name = name;
    started_ = true;
    backlog_limit_ = static_cast<std::int64_t>(st_.options.max_backlog_s * rate_);
    net::post(work_, [self = shared_from_this(), so] {
      try {
        self->session_.emplace(self->st_.engine, so, [s = self.get()](const Event& e) { s->on_event(e); });
      } catch (const std::exception& e) {
        self->post_fail("bad_start", e.what(), true);
      }
    });
  }

  void on_binary(const std::uint8_t* data, std::size_t n) {
    if (!started_) {
      fail("bad_start", "media before the start message", true);
      return;
    }
    if (video_) {
      if (n == 0 || (data[0] != 1 && data[0] != 2)) {
        fail("bad_media", "with video, a binary message starts with 0x01 (audio) or 0x02 (frame)", false);
        return;
      }
      if (data[0] == 2) {
        on_frame(data + 1, n - 1);
        return;
      }
      ++data;
      --n;
    }
    const std::size_t bytes_per_frame = static_cast<std::size_t>(channels_) * (encoding_ == Encoding::s16 ? 2 : 4);
    if (n % bytes_per_frame != 0) {
      fail("bad_media", "audio: " + std::to_string(n) + " bytes is not a whole number of " +
                            std::to_string(bytes_per_frame) + "-byte frames", false);
      return;
    }
    std::vector<float> samples(n / (encoding_ == Encoding::s16 ? 2 : 4));
    if (encoding_ == Encoding::s16) {
      for (std::size_t i = 0; i < samples.size(); ++i) {
        std::int16_t v;
        std::memcpy(&v, data + 2 * i, 2);
        samples[i] = static_cast<float>(v) / 32768.0f;
      }
    } else {
      std::memcpy(samples.data(), data, n);
      for (float& v : samples)
        if (!std::isfinite(v)) {
          fail("bad_media", "audio: NaN or infinite samples", false);
          return;
        }
    }
    const auto frames = static_cast<std::int64_t>(n / bytes_per_frame);
    frames_received_ += frames;
    backlog_frames_ += frames;
    const double end_s = static_cast<double>(frames_received_) / rate_;
    const Clock::time_point arrival = Clock::now();
    net::post(work_, [self = shared_from_this(), samples = std::move(samples), frames, end_s, arrival] {
      if (self->session_) {
        self->arrivals_.push_back({end_s, arrival});
        while (self->arrivals_.size() > 1 && self->arrivals_.front().end_s < end_s - 120) self->arrivals_.pop_front();
        try {
          self->session_->push_audio(samples, self->rate_, self->channels_);
        } catch (const InputError& e) {
          self->post_fail("bad_media", e.what(), false);
        } catch (const std::exception& e) {
          self->post_fail("internal", e.what(), true);
        }
      }
      self->backlog_frames_ -= frames;
      net::post(self->ws_.get_executor(), [self] { self->do_read(); });
    });
  }

  void on_frame(const std::uint8_t* data, std::size_t n) {
    if (n < 8) {
      fail("bad_media", "frame: expected an 8-byte time then a JPEG image", false);
      return;
    }
    double t;
    std::memcpy(&t, data, 8);  // little-endian hosts only (x86-64, arm64)
    if (!std::isfinite(t) || t < 0) {
      fail("bad_media", "frame: the time must be a finite number of seconds >= 0", false);
      return;
    }
    std::vector<std::uint8_t> jpeg(data + 8, data + n);
    on_work([jpeg = std::move(jpeg), t](Session& s) {
      media::VideoFrame f;
      media::decode_jpeg(jpeg, "frame at " + std::to_string(t) + " s", f);
      s.push_frame(f.rgb, f.width, f.height, t);
    });
  }

  // Runs `f` on the session (analysis strand); an InputError becomes a bad_media error event.
  template <typename F>
  void on_work(F&& f) {
    net::post(work_, [self = shared_from_this(), f = std::forward<F>(f)] {
      if (!self->session_) return;
      try {
        f(*self->session_);
      } catch (const InputError& e) {
        self->post_fail("bad_media", e.what(), false);
      } catch (const std::exception& e) {
        self->post_fail("internal", e.what(), true);
      }
    });
  }

  // On the analysis strand, during a push: the event goes to the client.
  void on_event(const Event& e) {
    std::string line = with_payload(event_json(e), payload_json_);
    const char* type = e.type == Event::Type::segment ? "segment"
                       : e.type == Event::Type::face    ? "face"
                       : e.type == Event::Type::utterance ? "utterance"
                       : e.type == Event::Type::moment  ? "moment"
                                                        : "warning";
    if (e.type == Event::Type::segment && e.segment != nullptr) {
      for (const Arrival& a : arrivals_) {
        if (a.end_s + 1e-9 >= e.segment->end) {
          st_.metrics.event_delay(std::chrono::duration<double>(Clock::now() - a.at).count());
          break;
        }
      }
    }
    net::post(ws_.get_executor(), [self = shared_from_this(), line = std::move(line), type] { self->send(line, type); });
  }

  // On the analysis strand after "end".
  void finish_session() {
    if (!session_) return;
    try {
      AnalysisResult r = session_->finish();
      session_.reset();
      std::string line = with_payload(analysis::result_event(r, st_.options.generator), payload_json_);
      net::post(ws_.get_executor(), [self = shared_from_this(), line = std::move(line)] {
        self->send(line, "result");
        self->close_after_writes(websocket::close_code::normal);
      });
    } catch (const std::exception& e) {
      session_.reset();
      post_fail("bad_input", e.what(), true);
    }
  }

  void post_fail(const std::string& code, const std::string& message, bool close) {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, message, close] { self->fail(code, message, close); });
  }

  // An error event; with `close`, the stream then ends (the session is dropped).
  void fail(const std::string& code, const std::string& message, bool close,
            websocket::close_code close_code = websocket::close_code::policy_error) {
    if (done_ || closing_) return;
    st_.metrics.error(code);
    nlohmann::json j{{"type", "error"}, {"code", code}, {"message", message}};
    send(with_payload(j.dump(), payload_json_), "error");
    if (close) {
      ended_ = true;
      net::post(work_, [self = shared_from_this()] { self->session_.reset(); });
      if (code == "shutdown") close_code = websocket::close_code::going_away;
      close_after_writes(close_code);
    }
  }

  void send(const std::string& line, const char* type) {
    if (done_) return;
    outgoing_bytes_ += line.size();
    if (outgoing_bytes_ > st_.options.max_outgoing_bytes) {  // the client does not read: give up on it
      st_.metrics.error("slow_consumer");
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      gone();
      return;
    }
    out_.push_back({line, type});
    if (!writing_) do_write();
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(out_.front().text),
                    [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_write(ec, n); });
  }

  void on_write(beast::error_code ec, std::size_t n) {
    writing_ = false;
    if (ec) {
      gone();
      return;
    }
    st_.metrics.bytes_sent(n);
    st_.metrics.event_sent(out_.front().type);
    outgoing_bytes_ -= out_.front().text.size();
    out_.pop_front();
    if (!out_.empty())
      do_write();
    else if (closing_)
      do_close();
  }

  void close_after_writes(websocket::close_code code) {
    closing_ = true;
    close_code_ = code;
    if (!writing_ && out_.empty()) do_close();
  }

  void do_close() {
    if (close_started_ || done_) return;
    close_started_ = true;
    ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) { self->gone(); });
  }

  // The connection is over (closed by either side, or broken).
  void gone() {
    if (done_) return;
    done_ = true;
    idle_.cancel();
    life_.cancel();
    net::post(work_, [self = shared_from_this()] { self->session_.reset(); });
    std::lock_guard lock(st_.streams_mutex);
    st_.streams.erase(weak_from_this());
  }

  struct Arrival {
    double end_s;
    Clock::time_point at;
  };
  struct Outgoing {
    std::string text;
    const char* type;
  };

  ServerState& st_;
  websocket::stream<beast::tcp_stream> ws_;
  net::strand<net::thread_pool::executor_type> work_;
  net::steady_timer idle_, life_;
  beast::flat_buffer in_;
  // I/O thread
  bool opened_ = false, started_ = false, ended_ = false, reading_ = false, writing_ = false;
  bool closing_ = false, close_started_ = false, done_ = false, video_ = false;
  websocket::close_code close_code_ = websocket::close_code::normal;
  std::deque<Outgoing> out_;
  std::size_t outgoing_bytes_ = 0;
  std::int64_t frames_received_ = 0;
  std::int64_t backlog_limit_ = 0;
  // set by start (before any analysis task), read-only afterwards
  std::string payload_, payload_json_ = "\"\"";
  int rate_ = 16000, channels_ = 1;
  Encoding encoding_ = Encoding::s16;
  // both
  std::atomic<std::int64_t> backlog_frames_{0};
  // analysis strand
  std::optional<Session> session_;
  std::deque<Arrival> arrivals_;
};

void serve_stream(ServerState& st, beast::tcp_stream stream, http::request<http::empty_body> upgrade) {
  auto c = std::make_shared<StreamConnection>(st, std::move(stream));
  c->start(std::move(upgrade));
}

void shutdown_streams(ServerState& st) {
  std::vector<std::shared_ptr<StreamConnection>> live;
  {
    std::lock_guard lock(st.streams_mutex);
    for (const auto& w : st.streams)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdown();
}

}  // namespace sentio::serve
