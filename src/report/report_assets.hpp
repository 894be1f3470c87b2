// SPDX-License-Identifier: Apache-2.0
#pragma once
// The page template, compiled in from src/report/assets/ (cmake/EmbedText.cmake generates the definition).
#include <string_view>

namespace sentio::report::detail {

// The text of assets/<name>: report.html (with {{...}} placeholders, which page.cpp fills), report.css,
// report.js; empty for another name.
std::string_view asset_text(std::string_view name);

}  // namespace sentio::report::detail
