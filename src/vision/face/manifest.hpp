// SPDX-License-Identifier: Apache-2.0
#pragma once
// Labelled image manifests: CSV with a header naming at least `path` and `label` (any column order,
// other columns ignored; fields may be double-quoted with "" escapes).
#include <string>
#include <vector>

namespace sentio::vision::face {

struct ManifestRow {
  std::string path;   // resolved against the manifest's folder
  std::string label;
  int line = 0;       // 1-based line in the manifest
};

// Throws InputError naming the manifest when it is missing or lacks the columns.
std::vector<ManifestRow> read_manifest(const std::string& manifest_path);

// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace sentio::vision::face
