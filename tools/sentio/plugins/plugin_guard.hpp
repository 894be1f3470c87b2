// SPDX-License-Identifier: Apache-2.0
#pragma once
// Exceptions never cross the plugin boundary: every plugin entry point runs its command through
// guarded(), which turns errors into one message on stderr and the shared exit codes.
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "sentio/core/error.hpp"

namespace sentio::cli {

template <typename Args>
int guarded(const Args* args, int (*run)(const Args&)) {
  try {
    return run(*args);
  } catch (const InputError& e) {
    std::fprintf(stderr, "sentio: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sentio: internal error: %s\n", e.what());
    return kExitInternal;
  }
}

}  // namespace sentio::cli
