// SPDX-License-Identifier: Apache-2.0
// Filling the page template: {{NAME}} placeholders replaced in one pass (replacement text is never
// scanned again), the Content-Security-Policy built from the hashes of the inline script and style.
#include <string>

#include "report_assets.hpp"
#include "report_internal.hpp"
#include "sentio/core/base64.hpp"
#include "sentio/core/checksum.hpp"
#include "sentio/core/error.hpp"

namespace sentio::report::detail {

namespace {

std::string csp_hash(std::string_view content) {
  const auto digest = sha256_bytes(content);
  return "'sha256-" + base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())) + "'";
}

}  // namespace

std::string assemble_page(const PageParts& parts) {
  const std::string_view css = asset_text("report.css"), js = asset_text("report.js");
  std::string csp = "default-src 'none'; script-src " + csp_hash(js) + "; style-src " + csp_hash(css) +
                    "; img-src data:; media-src " + (parts.media_source.empty() ? "'none'" : parts.media_source) +
                    "; base-uri 'none'; form-action 'none'";
  const std::string_view tpl = asset_text("report.html");
  std::string out;
  out.reserve(tpl.size() + css.size() + js.size() + parts.view_json.size() + parts.result_json.size() +
              parts.meta_json.size() + 1024);
  std::size_t pos = 0;
  while (pos < tpl.size()) {
    const std::size_t open = tpl.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(tpl.substr(pos));
      break;
    }
    const std::size_t close = tpl.find("}}", open + 2);
    SENTIO_ASSERT(close != std::string_view::npos);
    out.append(tpl.substr(pos, open - pos));
    const std::string_view name = tpl.substr(open + 2, close - open - 2);
    if (name == "CSP") out += escape_html(csp);
    else if (name == "TITLE") out += escape_html(parts.title);
    else if (name == "SUMMARY") out += escape_html(parts.summary);
    else if (name == "STYLE") out += css;
    else if (name == "SCRIPT") out += js;
    else if (name == "VIEW_JSON") out += escape_script_json(parts.view_json);
    else if (name == "RESULT_JSON") out += escape_script_json(parts.result_json);
    else if (name == "META_JSON") out += escape_script_json(parts.meta_json);
    else SENTIO_ASSERT(false && "unknown placeholder in report.html");
    pos = close + 2;
  }
  return out;
}

}  // namespace sentio::report::detail
