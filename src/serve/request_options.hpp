// SPDX-License-Identifier: Apache-2.0
#pragma once
// Options a client may set on a request or a stream: `sentio analyze`'s per-input flags (never a model or
// a path on the server), given as query parameters ("speaker-mode=single") or a stream's start options
// ({"speaker_mode": "single"}). Dashes and underscores are the same.
#include <string>

#include "sentio/engine/analyze.hpp"

namespace sentio::serve {

// Applies one option to `options`; throws InputError naming the option when the key is unknown or the
// value is not of its type. `name` receives the "name" option (the document's input.path).
void apply_option(const std::string& key, const std::string& value, AnalyzeOptions& options, std::string& name);

// Applies every key=value of a URL query ("a=1&b=x%20y"); same errors.
void apply_query(const std::string& query, AnalyzeOptions& options, std::string& name);

// Decodes %XX and '+' of a query component.
std::string url_decode(const std::string& text);

// The value of `key` in a URL query ("" when absent).
std::string query_value(const std::string& query, const std::string& key);

}  // namespace sentio::serve
