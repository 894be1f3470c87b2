// SPDX-License-Identifier: Apache-2.0
#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding) of bytes: model files that embed tensors, data: URIs
// and CSP hashes of the report.
#include <string>
#include <string_view>

namespace sentio {

std::string base64_encode(std::string_view bytes);

}  // namespace sentio
