// SPDX-License-Identifier: Apache-2.0
#pragma once
// `sentio serve`: HTTP/1.1 and WebSocket on one port over one Engine (docs/SERVE.md).
//
// The server owns an I/O thread (sockets, HTTP parsing, WebSocket framing) and a small pool of analysis
// threads: each live stream is a Session whose pushes run in order on that pool, each REST request an
// analyze_file() call on it, so the sockets never wait for the models. Construction binds the port (an
// InputError when it cannot); run() serves until stop() (thread-safe, e.g. from a signal handler's thread).
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "sentio/engine/engine.hpp"

namespace sentio::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                           // 0 = any free port (see Server::port())
  std::string token;                         // "" = no authentication; else the Bearer token
  int max_sessions = 64;                     // open WebSocket streams
  std::size_t max_body_bytes = 512u << 20;   // POST bodies
  std::string results_dir;                   // finished jobs' documents ("" = memory only)
  double idle_timeout_s = 30;                // a stream without any message for this long is closed
  double max_session_s = 4 * 3600.0;         // longest stream
  std::size_t max_message_bytes = 1u << 20;  // WebSocket messages
  double max_backlog_s = 2.0;                // audio a stream may have waiting for analysis before reads pause
  std::size_t max_outgoing_bytes = 8u << 20; // events buffered for a client that does not read
  int analysis_threads = 2;                  // the pool that runs pushes and requests
  std::string generator;                     // e.g. "sentio 0.1.0" (the documents' generator)
  // Messages for the operator's log (the server never prints).
  std::function<void(const std::string&)> log;
};

class Server {
 public:
  Server(std::shared_ptr<const Engine> engine, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;          // the bound port
  void run();                // serves until stop(); returns after open streams were told and closed
  void stop();               // thread-safe; idempotent
  std::string metrics_text() const;  // what GET /metrics answers

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sentio::serve
