// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sentio {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

TerminalProgressBar::TerminalProgressBar(std::string label, std::string unit, bool enabled)
    : label_(std::move(label)), unit_(std::move(unit)), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void TerminalProgressBar::set_total(double total) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  total_ = total;
}

void TerminalProgressBar::advance(double amount) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  done_ += amount;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void TerminalProgressBar::finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (drawn_) {
    draw(true);
    std::fputc('\n', stderr);
  }
}

void TerminalProgressBar::draw(bool final_draw) {
  constexpr int kWidth = 30;
  const double frac = total_ > 0 ? std::clamp(done_ / total_, 0.0, 1.0) : 0.0;
  const int filled = static_cast<int>(frac * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '=' : (i == filled ? '>' : ' ');
  bar[kWidth] = '\0';
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = (frac > 0 && !final_draw) ? elapsed * (1 - frac) / frac : 0;
  std::fprintf(stderr, "\r%s [%s] %3d%%  %.0f/%.0f %s  %.1f s %s", label_.c_str(), bar, static_cast<int>(frac * 100),
               done_, total_, unit_.c_str(), final_draw ? elapsed : left, final_draw ? "total  " : "left   ");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace sentio
