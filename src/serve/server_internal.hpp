// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the HTTP connections and the streams share: the engine, the options, the I/O context, the analysis
// pool, the counters, the jobs and the upload folder.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "jobs.hpp"
#include "metrics.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/serve/server.hpp"

namespace sentio::serve {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class StreamConnection;

struct ServerState {
  std::shared_ptr<const Engine> engine;
  ServerOptions options;
  Metrics metrics;
  std::optional<JobStore> jobs;
  std::string upload_dir;                 // private temporary folder, removed at the end
  std::atomic<std::uint64_t> upload_counter{0};
  std::atomic<bool> stopping{false};
  // WebSocket upgrades in progress (accepted by the HTTP side, not yet open as streams): stopping waits for
  // them, or a stream whose accept completes after the stop would never hear of it.
  std::atomic<int> upgrading{0};
  std::mutex streams_mutex;
  std::set<std::weak_ptr<StreamConnection>, std::owner_less<std::weak_ptr<StreamConnection>>> streams;
  // Last, so that they go first: their pending handlers own the connections, which use the members above.
  net::io_context ioc{1};
  net::thread_pool analysis;

  ServerState(std::shared_ptr<const Engine> e, ServerOptions o)
      : engine(std::move(e)), options(std::move(o)),
        analysis(static_cast<std::size_t>(std::max(1, options.analysis_threads))) {}

  void log(const std::string& message) const {
    if (options.log) options.log(message);
  }
  // A fresh path in the upload folder whose extension is that of `name` (letters and digits only).
  std::string upload_path(const std::string& name);
  // The analysis of an uploaded file: the document, with `name` as input.path (InputError on bad input,
  // its message naming `name` instead of the upload's path).
  std::string analyze_upload(const std::string& path, const AnalyzeOptions& analyze, const std::string& name) const;
  // Whether the request's credentials are acceptable (always, without a token).
  bool authorized(const std::string& authorization_header, const std::string& query, bool query_token_allowed) const;
};

// Starts serving one accepted HTTP connection (which may upgrade to a stream). The state outlives every
// connection: it owns the I/O context, whose destruction ends them.
void serve_http(ServerState& state, tcp::socket socket);

// Takes over a connection whose upgrade request to /v1/stream was accepted.
void serve_stream(ServerState& state, beast::tcp_stream stream, http::request<http::empty_body> upgrade);

// Sends every open stream the `shutdown` error and closes it.
void shutdown_streams(ServerState& state);

// The live page's files (assets/live.html, .css, .js, compiled in).
std::string_view live_asset(const std::string& name);

}  // namespace sentio::serve
