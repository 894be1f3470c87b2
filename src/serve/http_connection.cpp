// SPDX-License-Identifier: Apache-2.0
// One HTTP/1.1 connection (keep-alive): the header is read first, so that a body above the limit is
// refused (413) before it is read, an upgrade to /v1/stream is handed to the stream, and a POST body is
// written straight to a file in the upload folder, never held in memory.
#include <chrono>
#include <filesystem>
#include <optional>

#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "request_options.hpp"
#include "sentio/core/error.hpp"
#include "server_internal.hpp"

namespace sentio::serve {

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr auto kHeaderTimeout = std::chrono::seconds(30);
constexpr auto kBodyTimeout = std::chrono::minutes(10);

std::string error_json(const std::string& code, const std::string& message) {
  return nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(ServerState& st, tcp::socket socket) : st_(st), stream_(std::move(socket)) {}

  ~HttpConnection() {
    if (!upload_.empty()) {
      std::error_code ec;
      std::filesystem::remove(upload_, ec);
    }
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

 private:
  void read_header() {
    header_.emplace();
    header_->header_limit(kHeaderLimit);
    header_->body_limit(boost::none);
    stream_.expires_after(kHeaderTimeout);
    http::async_read_header(stream_, buffer_, *header_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_header(ec, n); });
  }

  void on_header(beast::error_code ec, std::size_t n) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof)
      return close();
    route_ = "other";
    if (ec == http::error::header_limit) return respond(http::status::request_header_fields_too_large, "too_large",
                                                        "headers above 16 KiB", false);
    if (ec) return respond(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message(), false);
    st_.metrics.bytes_received(n);
    const auto& req = header_->get();
    const std::string target(req.target());
    const std::size_t q = target.find('?');
    path_ = target.substr(0, q);
    query_ = q == std::string::npos ? "" : target.substr(q + 1);
    keep_alive_ = req.keep_alive();
    const bool has_body = header_->content_length().value_or(0) > 0 || header_->chunked();
    if (has_body && req.method() != http::verb::post) keep_alive_ = false;  // its body is never read

    if (path_ == "/v1/stream") {
      route_ = "/v1/stream";
      if (!beast::websocket::is_upgrade(req))
        return respond(http::status::upgrade_required, "bad_request", "/v1/stream is a WebSocket endpoint", false);
      if (!st_.authorized(std::string(req[http::field::authorization]), query_, true)) return unauthorized();
      if (st_.stopping) return respond(http::status::service_unavailable, "shutdown", "the server is stopping", false);
      if (st_.metrics.sessions_open() >= st_.options.max_sessions) {
        extra_retry_after_ = true;
        return respond(http::status::service_unavailable, "overloaded",
                       "already " + std::to_string(st_.options.max_sessions) + " streams open (--max-sessions)", false);
      }
      st_.metrics.request(route_, 101);
      stream_.expires_never();
      return serve_stream(st_, std::move(stream_), header_->release());
    }
    if (path_ == "/" || path_ == "/live.js" || path_ == "/live.css") {
      route_ = "/";
      if (req.method() != http::verb::get) return method_not_allowed();
      // The page needs the token (also as ?access_token=, which a browser can carry); its script and style
      // sheet are public, like /healthz: they hold nothing but the page's code.
      if (path_ == "/" && !st_.authorized(std::string(req[http::field::authorization]), query_, true))
        return unauthorized();
      const std::string name = path_ == "/" ? "live.html" : path_.substr(1);
      const char* type = name.ends_with(".js") ? "text/javascript; charset=utf-8"
                         : name.ends_with(".css") ? "text/css; charset=utf-8"
                                                  : "text/html; charset=utf-8";
      return respond(http::status::ok, std::string(live_asset(name)), type);
    }
    if (path_ == "/healthz") {
      route_ = path_;
      if (req.method() != http::verb::get) return method_not_allowed();
      return respond(http::status::ok, "{\"status\":\"ok\"}", "application/json");
    }
    if (!st_.authorized(std::string(req[http::field::authorization]), query_, false)) return unauthorized();
    if (path_ == "/metrics") {
      route_ = path_;
      if (req.method() != http::verb::get) return method_not_allowed();
      return respond(http::status::ok, st_.metrics.text(st_.jobs->counts()), "text/plain; version=0.0.4");
    }
    if (path_ == "/v1/analyze" || path_ == "/v1/jobs") {
      route_ = path_;
      if (req.method() != http::verb::post) return method_not_allowed();
      return read_body();
    }
    if (path_.starts_with("/v1/jobs/")) {
      route_ = "/v1/jobs/{id}";
      if (req.method() != http::verb::get) return method_not_allowed();
      const auto answer = st_.jobs->status(path_.substr(9));
      if (!answer) return respond(http::status::not_found, "not_found", "no job '" + path_.substr(9) + "'");
      return respond(http::status::ok, *answer, "application/json");
    }
    return respond(http::status::not_found, "not_found", "no such endpoint: " + path_);
  }

  void read_body() {
    try {
      apply_query(query_, options_, name_);
    } catch (const InputError& e) {
      keep_alive_ = false;
      return respond(http::status::bad_request, "bad_input", e.what());
    }
    if (name_.empty()) name_ = "upload";
    const auto length = header_->content_length();
    if (length && *length > st_.options.max_body_bytes) {
      keep_alive_ = false;
      return respond(http::status::payload_too_large, "too_large",
                     "the body is above the server's limit of " + std::to_string(st_.options.max_body_bytes) + " bytes");
    }
    upload_ = st_.upload_path(name_);
    body_.emplace(std::move(*header_));
    body_->body_limit(st_.options.max_body_bytes);
    beast::error_code ec;
    body_->get().body().open(upload_.c_str(), beast::file_mode::write, ec);
    if (ec) return respond(http::status::internal_server_error, "internal", "cannot store the upload: " + ec.message());
    stream_.expires_after(kBodyTimeout);
    if (beast::iequals(body_->get()[http::field::expect], "100-continue")) {  // curl's habit for large bodies
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      return http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
        if (e) return self->close();
        self->read_rest_of_body();
      });
    }
    read_rest_of_body();
  }

  void read_rest_of_body() {
    http::async_read(stream_, buffer_, *body_,
                     [self = shared_from_this()](beast::error_code e, std::size_t n) { self->on_body(e, n); });
  }

  void on_body(beast::error_code ec, std::size_t n) {
    body_->get().body().close();
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return respond(http::status::payload_too_large, "too_large",
                     "the body is above the server's limit of " + std::to_string(st_.options.max_body_bytes) + " bytes");
    }
    if (ec) return close();
    st_.metrics.bytes_received(n);
    if (path_ == "/v1/jobs") {
      const std::string id = st_.jobs->submit(upload_, options_, name_);
      upload_.clear();  // the job owns it now
      return respond(http::status::accepted, "{\"id\":\"" + id + "\"}", "application/json");
    }
    stream_.expires_never();
    net::post(st_.analysis, [self = shared_from_this()] {
      http::status status = http::status::ok;
      std::string body;
      try {
        body = self->st_.analyze_upload(self->upload_, self->options_, self->name_);
      } catch (const InputError& e) {
        status = http::status::bad_request;
        body = error_json("bad_input", e.what());
      } catch (const std::exception& e) {
        status = http::status::internal_server_error;
        body = error_json("internal", e.what());
      }
      std::error_code fs_ec;
      std::filesystem::remove(self->upload_, fs_ec);
      self->upload_.clear();
      net::post(self->stream_.get_executor(), [self, status, body = std::move(body)] {
        if (status != http::status::ok) self->st_.metrics.error(status == http::status::bad_request ? "bad_input" : "internal");
        self->write(status, body, "application/json");
      });
    });
  }

  void unauthorized() {
    keep_alive_ = false;
    extra_www_authenticate_ = true;
    respond(http::status::unauthorized, "unauthorized", "missing or wrong bearer token");
  }

  void method_not_allowed() {
    respond(http::status::method_not_allowed, "method_not_allowed", "method not allowed on " + path_);
  }

  // An error answer (JSON) or a success with its content type.
  void respond(http::status status, const std::string& code_or_body, const std::string& message_or_type,
               bool keep_alive = true) {
    if (!keep_alive) keep_alive_ = false;
    if (static_cast<int>(status) >= 400) {
      st_.metrics.error(code_or_body);
      return write(status, error_json(code_or_body, message_or_type), "application/json");
    }
    write(status, code_or_body, message_or_type);
  }

  void write(http::status status, std::string body, const std::string& type) {
    st_.metrics.request(route_, static_cast<int>(status));
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::server, "sentio");
    res->set(http::field::content_type, type);
    res->set(http::field::cache_control, "no-store");
    if (extra_retry_after_) res->set(http::field::retry_after, "5");
    if (extra_www_authenticate_) res->set(http::field::www_authenticate, "Bearer");
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    st_.metrics.bytes_sent(res->body().size());
    stream_.expires_after(kBodyTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !res->keep_alive()) return self->close();
      self->reset();
      self->read_header();
    });
  }

  void reset() {
    body_.reset();
    options_ = AnalyzeOptions{};
    name_.clear();
    extra_retry_after_ = extra_www_authenticate_ = false;
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  ServerState& st_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_;
  std::optional<http::request_parser<http::file_body>> body_;
  std::string route_ = "other", path_, query_, name_, upload_;
  AnalyzeOptions options_;
  bool keep_alive_ = true, extra_retry_after_ = false, extra_www_authenticate_ = false;
};

}  // namespace

void serve_http(ServerState& state, tcp::socket socket) {
  std::make_shared<HttpConnection>(state, std::move(socket))->start();
}

}  // namespace sentio::serve
