// SPDX-License-Identifier: Apache-2.0
#pragma once
// Commands that need libtorch and OpenCV (training, face evaluation) live in the sentio-torch plugin
// (sentio/core/plugin.hpp), loaded only when such a command runs: `sentio features` and friends start in
// ~20 ms instead of paying ~0.4 s and ~130 MB for libtorch.
#include <string>

namespace sentio::cli {

// Runs the plugin command `command` (tools/sentio/plugins/register.cpp) with its argument struct.
// Throws InputError when the plugin cannot be loaded.
int run_plugin_command(const std::string& command, const void* args);

}  // namespace sentio::cli
