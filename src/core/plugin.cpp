// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/plugin.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "sentio/core/error.hpp"

namespace sentio {

namespace fs = std::filesystem;

std::string library_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&library_dir), &info) != 0 && info.dli_fname != nullptr) {
    std::error_code ec;
    const fs::path p = fs::canonical(info.dli_fname, ec);
    if (!ec) return p.parent_path().string();
  }
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path().string();
}

namespace {

std::vector<fs::path> candidates(const std::string& file) {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("SENTIO_PLUGIN_DIR"); env != nullptr && *env != '\0')
    out.push_back(fs::path(env) / file);
  const fs::path lib = library_dir();
  out.push_back(lib / file);
  out.push_back(lib / "sentio" / file);
  std::error_code ec;
  const fs::path exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (!ec) {
    out.push_back(exe_dir / file);
    out.push_back(exe_dir.parent_path() / "lib" / "sentio" / file);
  }
  return out;
}

std::unique_ptr<PluginRegistration> open_plugin(const std::string& name) {
  const std::string file = name + ".so";
  const std::vector<fs::path> where = candidates(file);
  std::string reason = "not found";
  std::error_code ec;
  for (const fs::path& p : where) {
    if (!fs::exists(p, ec)) continue;
    // RTLD_LOCAL: the plugin's own symbols stay its own; it reaches Sentio through libsentio.
    void* handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      reason = why != nullptr ? why : "dlopen failed";
      continue;
    }
    auto entry = reinterpret_cast<PluginEntry>(dlsym(handle, kPluginEntrySymbol));
    if (entry == nullptr) {
      reason = std::string("'") + p.string() + "' has no entry point " + kPluginEntrySymbol;
      continue;
    }
    auto registration = std::make_unique<PluginRegistration>();
    registration->path = p.string();
    entry(registration.get());  // the handle stays open for the life of the process
    if (registration->abi_version != kPluginAbiVersion)
      throw InputError("plugin '" + p.string() + "': built for plugin interface " +
                       std::to_string(registration->abi_version) + ", this libsentio has " +
                       std::to_string(kPluginAbiVersion));
    return registration;
  }
  std::string looked;
  for (const fs::path& p : where) looked += (looked.empty() ? "" : ", ") + p.string();
  throw InputError("cannot load the " + name + " plugin (" + reason + "; looked for " + looked +
                   "; set SENTIO_PLUGIN_DIR to its folder)");
}

}  // namespace

const PluginRegistration& load_plugin(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<PluginRegistration>> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, open_plugin(name)).first;
  return *it->second;
}

PluginCommand plugin_command(const std::string& name, const std::string& command) {
  const PluginRegistration& r = load_plugin(name);
  for (const PluginCommand& c : r.commands)
    if (c.name == command) return c;
  throw InputError("plugin '" + r.path + "' has no command '" + command + "'");
}

}  // namespace sentio
