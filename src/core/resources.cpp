// SPDX-License-Identifier: Apache-2.0
#include "sentio/core/resources.hpp"

#include <cstdlib>
#include <filesystem>

#include "sentio/core/plugin.hpp"

namespace sentio {

namespace fs = std::filesystem;

std::optional<std::string> find_shipped_file(const std::string& relative, const char* env_var,
                                             const std::vector<std::string>& extra) {
  if (env_var != nullptr)
    if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') return std::string(env);
  std::vector<fs::path> candidates;
  std::error_code ec;
  // Relative to libsentio (a program embedding Sentio) and to the running executable (the sentio command).
  std::vector<fs::path> dirs = {fs::path(library_dir())};
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.parent_path() != dirs.front()) dirs.push_back(exe.parent_path());
  for (const fs::path& dir : dirs) {
    candidates.push_back(dir.parent_path() / "share" / "sentio" / relative);
    candidates.push_back(dir.parent_path() / relative);
    candidates.push_back(dir / relative);
  }
  for (const std::string& folder : extra) candidates.push_back(fs::path(folder) / relative);
  candidates.push_back(fs::path(relative));
  for (const fs::path& p : candidates)
    if (fs::is_regular_file(p, ec)) return fs::weakly_canonical(p, ec).string();
  return std::nullopt;
}

}  // namespace sentio
