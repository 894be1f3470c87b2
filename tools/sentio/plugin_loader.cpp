// SPDX-License-Identifier: Apache-2.0
#include "plugin_loader.hpp"

#include "sentio/core/plugin.hpp"

namespace sentio::cli {

int run_plugin_command(const std::string& command, const void* args) {
  return plugin_command(kTorchPlugin, command).run(args);
}

}  // namespace sentio::cli
