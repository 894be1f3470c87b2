// SPDX-License-Identifier: Apache-2.0
#include "face/manifest.hpp"

#include <filesystem>
#include <fstream>

#include "sentio/core/csv.hpp"
#include "sentio/core/error.hpp"

namespace sentio::vision::face {

std::vector<ManifestRow> read_manifest(const std::string& manifest_path, const std::string& split) {
  std::ifstream in(manifest_path);
  if (!in) throw InputError("'" + manifest_path + "': cannot open the manifest");
  const std::filesystem::path folder = std::filesystem::path(manifest_path).parent_path();
  std::string line;
  if (!std::getline(in, line)) throw InputError("'" + manifest_path + "': empty manifest");
  const auto header = split_csv_line(line);
  int path_col = -1, label_col = -1, split_col = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "path") path_col = static_cast<int>(i);
    if (header[i] == "label") label_col = static_cast<int>(i);
    if (header[i] == "split") split_col = static_cast<int>(i);
  }
  if (path_col < 0 || label_col < 0)
    throw InputError("'" + manifest_path + "': the header needs 'path' and 'label' columns");
  if (!split.empty() && split_col < 0)
    throw InputError("'" + manifest_path + "': no 'split' column to select split '" + split + "' from");
  std::vector<ManifestRow> rows;
  int number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv_line(line);
    if (f.size() <= static_cast<std::size_t>(std::max(path_col, label_col)))
      throw InputError("'" + manifest_path + "' line " + std::to_string(number) + ": too few columns");
    ManifestRow r;
    const std::filesystem::path p(f[static_cast<std::size_t>(path_col)]);
    r.path = (p.is_absolute() ? p : folder / p).string();
    r.label = f[static_cast<std::size_t>(label_col)];
    // A short row (trailing empty fields dropped by the writer) has an empty split.
    if (split_col >= 0 && f.size() > static_cast<std::size_t>(split_col)) r.split = f[static_cast<std::size_t>(split_col)];
    if (!split.empty() && r.split != split) continue;
    r.line = number;
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace sentio::vision::face
