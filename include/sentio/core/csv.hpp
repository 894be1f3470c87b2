// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reading: one record of a CSV manifest split into its fields (RFC 4180 quoting: "a ""b""" is a "b"; a record does not
// span lines; a trailing carriage return is dropped). Manifests of the training and evaluation commands.
#include <string>
#include <vector>

namespace sentio {

std::vector<std::string> split_csv_line(const std::string& line);
// One field for writing: as it is, or quoted (doubled quotes inside) when it holds a comma, quote or line break.
std::string csv_field(const std::string& field);

}  // namespace sentio
