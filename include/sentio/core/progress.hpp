// SPDX-License-Identifier: Apache-2.0
#pragma once
// Progress reporting: libraries report through the Progress interface; the CLI shows a bar on a
// terminal (stderr) and stays silent when stderr is not a terminal, so logs and pipes stay clean.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace sentio {

class Progress {
 public:
  virtual ~Progress() = default;
  // Total amount of work (e.g. seconds of audio, files); may be called again when it is revised.
  virtual void set_total(double total) = 0;
  // Adds done work; thread-safe in implementations.
  virtual void advance(double amount) = 0;
  virtual void finish() = 0;
};

// A text bar on stderr: "features [=====>    ]  52%  310/600 s  12.3 s left".
class TerminalProgressBar final : public Progress {
 public:
  // enabled = false makes every call a no-op (use stderr_is_terminal()).
  TerminalProgressBar(std::string label, std::string unit, bool enabled);
  void set_total(double total) override;
  void advance(double amount) override;
  void finish() override;

 private:
  void draw(bool final_draw);
  std::string label_, unit_;
  bool enabled_;
  std::mutex mutex_;
  double total_ = 0, done_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

bool stderr_is_terminal();

}  // namespace sentio
