// SPDX-License-Identifier: Apache-2.0
#include "plugin_loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <vector>

#include "sentio/core/error.hpp"

namespace sentio::cli {

namespace fs = std::filesystem;

void* plugin_symbol(const std::string& plugin, const std::string& symbol) {
  std::error_code ec;
  const fs::path exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  const std::string file = plugin + ".so";
  std::vector<fs::path> candidates = {exe_dir / file, exe_dir / ".." / "lib" / "sentio" / file};
  std::string reason = "not found next to the sentio binary";
  for (const fs::path& p : candidates) {
    if (!fs::exists(p, ec)) continue;
    void* handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      reason = dlerror();
      continue;
    }
    if (void* sym = dlsym(handle, symbol.c_str())) return sym;
    reason = "symbol '" + symbol + "' missing";
  }
  throw InputError("cannot load the " + plugin + " plugin ('" + candidates.front().string() + "'): " + reason);
}

}  // namespace sentio::cli
