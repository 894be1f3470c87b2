// SPDX-License-Identifier: Apache-2.0
#pragma once
// Error tiers (see docs/ARCHITECTURE.md):
//  * InputError: a problem with something the user gave us (a file, a manifest, a model blob).
//    It carries a message that names the input and the cause, and gains context on the way up.
//  * Programmer errors use SENTIO_ASSERT, which is always on and aborts.
#include <stdexcept>
#include <string>

namespace sentio {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns a new InputError whose message is "context: original message".
[[nodiscard]] InputError with_context(const std::string& context, const std::exception& cause);

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);

}  // namespace sentio

#define SENTIO_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::sentio::assertion_failed(#expr, __FILE__, __LINE__))
