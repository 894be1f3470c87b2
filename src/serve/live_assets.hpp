// SPDX-License-Identifier: Apache-2.0
#pragma once
// The live page's files, compiled in from src/serve/assets/ (cmake/EmbedText.cmake generates the definition).
#include <string_view>

namespace sentio::serve::detail {

// The text of assets/<name> (live.html, live.css, live.js); empty for another name.
std::string_view live_asset_text(std::string_view name);

}  // namespace sentio::serve::detail
