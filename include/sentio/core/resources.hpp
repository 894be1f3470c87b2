// SPDX-License-Identifier: Apache-2.0
#pragma once
// Locating the files Sentio ships (default models) from wherever the binary runs.
#include <optional>
#include <string>
#include <vector>

namespace sentio {

// The first existing file among: $env_var (returned as given, even if missing, so a user's explicit
// choice is never silently replaced), then for the folder of libsentio and then that of the executable:
// <dir>/../share/sentio/<relative> (an installed copy), <dir>/../<relative> (the build folder inside the
// source tree), <dir>/<relative>; then each of `extra` (folders, joined with `relative`), and
// ./<relative>. nullopt when none exists.
std::optional<std::string> find_shipped_file(const std::string& relative, const char* env_var,
                                             const std::vector<std::string>& extra = {});

}  // namespace sentio
