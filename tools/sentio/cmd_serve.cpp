// SPDX-License-Identifier: Apache-2.0
// sentio serve [--host H] [--port P] [--token-file F] [--max-sessions N] [--max-body-mb M] [--results-dir DIR]
//              [--idle-timeout S] [--max-session S] [model options] [-j N]
// A thin layer over sentio::serve::Server (docs/SERVE.md): the engine from the model options, the server,
// SIGINT/SIGTERM to stop it, the log on stderr.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pthread.h>
#include <thread>

#include "commands.hpp"
#include "model_args.hpp"
#include "sentio/core/error.hpp"
#include "sentio/engine/engine.hpp"
#include "sentio/serve/server.hpp"

namespace sentio::cli {

namespace {

struct ServeArgs {
  serve::ServerOptions server;
  std::string token_file;
  double max_body_mb = 512;
  ModelArgs models;
};

std::string read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("--token-file '" + path + "': cannot read it");
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < 16) throw InputError("--token-file '" + path + "': the token (first line) needs at least 16 characters");
  return token;
}

int run_serve(ServeArgs& a) {
  // SIGINT and SIGTERM are taken by a thread that stops the server: blocked here, before any thread starts
  // (threads inherit the mask), so that no other thread is killed by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (!a.token_file.empty()) a.server.token = read_token(a.token_file);
  if (!(a.max_body_mb > 0)) throw InputError("--max-body-mb: expected a positive size");
  a.server.max_body_bytes = static_cast<std::size_t>(a.max_body_mb * 1024 * 1024);
  if (a.server.max_sessions < 1) throw InputError("--max-sessions: expected at least 1");
  if (!(a.server.idle_timeout_s > 0) || !(a.server.max_session_s > 0))
    throw InputError("--idle-timeout and --max-session: expected positive lengths in seconds");
  if (!a.server.results_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.server.results_dir, ec);
  }
  const auto engine = make_engine(a.models);
  engine->preload(Modality::speech);  // the first stream should not wait for the model
  a.server.generator = std::string("sentio ") + SENTIO_VERSION;
  a.server.analysis_threads = a.models.jobs > 0 ? a.models.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  a.server.log = [](const std::string& m) { std::fprintf(stderr, "sentio: %s\n", m.c_str()); };

  serve::Server server(engine, a.server);
  std::printf("listening on http://%s:%d\n", a.server.host.c_str(), server.port());
  std::fflush(stdout);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != 0) server.stop();
  });
  server.run();
  // run() also ends without a signal only if stop() was called; wake the waiter either way.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::fprintf(stderr, "sentio: server stopped\n");
  return kExitOk;
}

}  // namespace

Runner add_serve_command(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve live streams (WebSocket /v1/stream), a REST API (POST /v1/analyze, /v1/jobs) and a live page (/) over "
      "one set of models (docs/SERVE.md). Prints 'listening on http://HOST:PORT' when ready; SIGINT/SIGTERM stop it.");
  cmd->add_option("--host", a->server.host, "Address to listen on (default: loopback only)")->capture_default_str();
  cmd->add_option("--port", a->server.port, "Port (0 = any free port; the line printed names it)")->capture_default_str();
  cmd->add_option("--token-file", a->token_file,
                  "File whose first line (at least 16 characters) is the token every request must present as "
                  "'Authorization: Bearer TOKEN' (the live page and WebSocket upgrades may use ?access_token=)");
  cmd->add_option("--max-sessions", a->server.max_sessions, "Most WebSocket streams open at once (more: 503)")
      ->capture_default_str();
  cmd->add_option("--max-body-mb", a->max_body_mb, "Largest POST body in MiB (more: 413)")->capture_default_str();
  cmd->add_option("--results-dir", a->server.results_dir,
                  "Folder where finished jobs' documents are kept (<id>.json), so that a restart loses none");
  cmd->add_option("--idle-timeout", a->server.idle_timeout_s, "Close a stream without any message for this long (s)")
      ->capture_default_str();
  cmd->add_option("--max-session", a->server.max_session_s, "Longest stream (s)")->capture_default_str();
  add_model_options(cmd, a->models);
  return [a] { return run_serve(*a); };
}

}  // namespace sentio::cli
