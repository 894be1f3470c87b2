// SPDX-License-Identifier: Apache-2.0
#pragma once
// The page template, compiled in from src/report/assets/ (embed_assets.cmake generates the definitions).
#include <string_view>

namespace sentio::report::detail {

std::string_view asset_html();  // report.html with {{...}} placeholders (report_page.cpp fills them)
std::string_view asset_css();
std::string_view asset_js();

}  // namespace sentio::report::detail
