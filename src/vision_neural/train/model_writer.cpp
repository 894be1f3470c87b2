// SPDX-License-Identifier: Apache-2.0
#include "train/model_writer.hpp"

#include <bit>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sentio/core/error.hpp"
#include "sentio/core/output_file.hpp"

namespace sentio::vision::train {

static_assert(std::endian::native == std::endian::little, "TF.js weight shards are little-endian");

std::vector<std::string> write_tfjs_model(const std::string& source_json,
                                          const std::vector<std::pair<std::string, tfjs::HostTensor>>& weights,
                                          const std::string& dir, const std::string& stem) {
  std::ifstream in(source_json);
  if (!in) throw InputError("'" + source_json + "': cannot open the model");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw InputError("'" + source_json + "': not valid JSON (" + e.what() + ")");
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [name, t] : weights) {
    SENTIO_ASSERT(static_cast<std::size_t>(t.element_count()) ==
                  (t.dtype == tfjs::DType::float32 ? t.f32.size() : t.i32.size()));
    list.push_back({{"name", name}, {"shape", t.shape}, {"dtype", t.dtype == tfjs::DType::float32 ? "float32" : "int32"}});
  }
  nlohmann::ordered_json group;
  group["paths"] = {stem + ".bin"};
  group["weights"] = list;
  j["weightsManifest"] = nlohmann::ordered_json::array({group});

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string json_path = (std::filesystem::path(dir) / (stem + ".json")).string();
  const std::string bin_path = (std::filesystem::path(dir) / (stem + ".bin")).string();
  {
    OutputFile file(bin_path);
    std::ostream& out = file.stream();
    for (const auto& [name, t] : weights) {
      const char* p = t.dtype == tfjs::DType::float32 ? reinterpret_cast<const char*>(t.f32.data())
                                                      : reinterpret_cast<const char*>(t.i32.data());
      out.write(p, static_cast<std::streamsize>(4 * t.element_count()));
    }
    file.commit();
  }
  write_file_atomically(json_path, j.dump() + "\n");
  return {json_path, bin_path};
}

}  // namespace sentio::vision::train
