// SPDX-License-Identifier: Apache-2.0
#pragma once
// Labelled image manifests: CSV with a header naming at least `path` and `label` (any column order,
// other columns ignored except an optional `split`; fields may be double-quoted with "" escapes).
// A path may point into a tar file: "ARCHIVE.tar:MEMBER" (decode_image_file reads the member).
#include <string>
#include <vector>

namespace sentio::vision::face {

struct ManifestRow {
  std::string path;   // resolved against the manifest's folder
  std::string label;
  std::string split;  // value of the `split` column ("" when the manifest has none)
  int line = 0;       // 1-based line in the manifest
};

// Throws InputError naming the manifest when it is missing or lacks the columns. A non-empty `split`
// keeps only the rows whose `split` column equals it (InputError when there is no such column).
std::vector<ManifestRow> read_manifest(const std::string& manifest_path, const std::string& split = "");

}  // namespace sentio::vision::face
