// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace sentio {

InputError with_context(const std::string& context, const std::exception& cause) {
  return InputError(context + ": " + cause.what());
}

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "sentio: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace sentio
