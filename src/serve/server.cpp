// SPDX-License-Identifier: Apache-2.0
// The server: the listening socket, the shared state's helpers, start and stop.
#include "sentio/serve/server.hpp"

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "sentio/analysis/result_writer.hpp"
#include "sentio/core/error.hpp"
#include "sentio/engine/analyze.hpp"
#include "live_assets.hpp"
#include "request_options.hpp"
#include "server_internal.hpp"

namespace sentio::serve {

namespace {

// Equal strings, in time that does not depend on where they differ.
bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || b.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

std::string ServerState::upload_path(const std::string& name) {
  std::string ext = std::filesystem::path(name).extension().string();
  if (ext.size() > 9 || ext.find_first_not_of(".abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
                            std::string::npos)
    ext.clear();
  return (std::filesystem::path(upload_dir) / ("upload-" + std::to_string(++upload_counter) + ext)).string();
}

std::string ServerState::analyze_upload(const std::string& path, const AnalyzeOptions& analyze,
                                        const std::string& name) const {
  try {
    AnalysisResult r = analyze_file(engine, path, analyze);
    r.input.path = name;
    for (std::string& w : r.warnings) replace_all(w, path, name);
    return analysis::to_json(r, options.generator);
  } catch (const InputError& e) {
    std::string message = e.what();
    replace_all(message, path, name);
    throw InputError(message);
  }
}

bool ServerState::authorized(const std::string& header, const std::string& query, bool query_token_allowed) const {
  if (options.token.empty()) return true;
  if (header.starts_with("Bearer ") && constant_time_equal(header.substr(7), options.token)) return true;
  if (query_token_allowed) {
    const std::string t = query_value(query, "access_token");
    if (!t.empty() && constant_time_equal(t, options.token)) return true;
  }
  return false;
}

std::string_view live_asset(const std::string& name) { return detail::live_asset_text(name); }

struct Server::Impl {
  std::unique_ptr<ServerState> st;
  std::unique_ptr<tcp::acceptor> acceptor;
  int port = 0;

  void accept() {
    acceptor->async_accept(net::make_strand(st->ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (!ec) serve_http(*st, std::move(socket));
      accept();
    });
  }
};

Server::Server(std::shared_ptr<const Engine> engine, ServerOptions options) : impl_(std::make_shared<Impl>()) {
  if (options.generator.empty()) options.generator = "sentio";
  impl_->st = std::make_unique<ServerState>(std::move(engine), std::move(options));
  ServerState& st = *impl_->st;
  // The private upload folder.
  std::string tmpl = (std::filesystem::temp_directory_path() / "sentio-serve-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw InputError("cannot create a temporary folder for uploads");
  st.upload_dir = tmpl;
  st.jobs.emplace(st.options.results_dir, [&st](const std::string& path, const AnalyzeOptions& o, const std::string& name) {
    return st.analyze_upload(path, o, name);
  });
  beast::error_code ec;
  const auto address = net::ip::make_address(st.options.host, ec);
  if (ec) throw InputError("--host '" + st.options.host + "': not an IP address");
  if (st.options.port < 0 || st.options.port > 65535) throw InputError("--port: expected 0..65535");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(st.options.port));
  auto acceptor = std::make_unique<tcp::acceptor>(st.ioc);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw InputError("cannot listen on " + st.options.host + ":" + std::to_string(st.options.port) + " (" +
                     ec.message() + ")");
  impl_->port = acceptor->local_endpoint().port();
  impl_->acceptor = std::move(acceptor);
}

Server::~Server() {
  stop();
  ServerState& st = *impl_->st;
  st.jobs->stop();
  impl_->acceptor.reset();
  std::error_code ec;
  const std::string dir = st.upload_dir;
  impl_->st.reset();  // the I/O context and the pool first, then what they used
  std::filesystem::remove_all(dir, ec);
}

int Server::port() const { return impl_->port; }

void Server::run() {
  impl_->accept();
  // A handler that throws must not take the server down: the error is logged and serving goes on.
  for (;;) {
    try {
      impl_->st->ioc.run();
      return;
    } catch (const std::exception& e) {
      impl_->st->log(std::string("internal error in a connection: ") + e.what());
    }
  }
}

void Server::stop() {
  ServerState& st = *impl_->st;
  if (st.stopping.exchange(true)) return;
  net::post(st.ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor->close(ec);
    shutdown_streams(*impl->st);
    // Streams get up to 2 s to send their `shutdown` error and close; idle keep-alive connections do not.
    // A stream still in its WebSocket upgrade finds `stopping` set when it opens and closes itself.
    auto timer = std::make_shared<net::steady_timer>(impl->st->ioc);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    auto check = std::make_shared<std::function<void()>>();
    *check = [impl, timer, deadline, check] {
      if ((impl->st->metrics.sessions_open() == 0 && impl->st->upgrading == 0) ||
          std::chrono::steady_clock::now() >= deadline) {
        impl->st->ioc.stop();
        *check = nullptr;  // ends the self-reference
        return;
      }
      timer->expires_after(std::chrono::milliseconds(20));
      timer->async_wait([check](beast::error_code) {
        if (*check) (*check)();
      });
    };
    (*check)();
  });
}

std::string Server::metrics_text() const { return impl_->st->metrics.text(impl_->st->jobs->counts()); }

}  // namespace sentio::serve
