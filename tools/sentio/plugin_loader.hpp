// SPDX-License-Identifier: Apache-2.0
#pragma once
// Commands that need libtorch and OpenCV live in a plugin (sentio-torch.so, built next to the
// `sentio` binary) that is loaded only when such a command runs. This keeps the common commands
// (features, ...) fast to start and small in memory: loading libtorch alone costs ~0.4 s and
// ~130 MB of resident memory.
#include <string>

namespace sentio::cli {

// Loads the plugin and returns the address of `symbol`. Throws InputError (naming the plugin
// file and the loader's reason) if it cannot be loaded.
void* plugin_symbol(const std::string& plugin, const std::string& symbol);

}  // namespace sentio::cli
