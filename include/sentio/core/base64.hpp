// SPDX-License-Identifier: Apache-2.0
#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding) of bytes: model files that embed tensors, data: URIs
// and CSP hashes of the report.
#include <optional>
#include <string>
#include <string_view>

namespace sentio {

std::string base64_encode(std::string_view bytes);

// The bytes of base64 text. The '=' padding may be left out (JSON writers of protobuf bytes differ);
// nullopt for a character outside the alphabet, anything after the padding, or a length no encoding
// gives (4k + 1 characters).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sentio
