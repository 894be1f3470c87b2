// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <sstream>

#include "feature_writer.hpp"

using namespace sentio;

TEST(FeatureWriter, CsvMatchesOpenSmileLayout) {
  std::ostringstream out;
  pipeline::FeatureWriter w(out, pipeline::OutputFormat::csv, pipeline::FeatureSet::egemaps);
  w.begin();
  features::EgemapsFunctionals v{};
  v[0] = 22.65236;
  v[1] = -0.5;
  w.write_functionals("s0", "/x/s0.wav", v);
  w.end();
  std::istringstream in(out.str());
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header.rfind("name;frameTime;F0semitoneFrom27.5Hz_sma3nz_amean;", 0), 0u);
  EXPECT_EQ(std::count(header.begin(), header.end(), ';'), 89);
  EXPECT_EQ(row.rfind("'s0';0.000000;2.265236e+01;-5.000000e-01;0;", 0), 0u);
  EXPECT_EQ(std::count(row.begin(), row.end(), ';'), 89);
}

TEST(FeatureWriter, JsonIsValidAndVersioned) {
  std::ostringstream out;
  pipeline::FeatureWriter w(out, pipeline::OutputFormat::json, pipeline::FeatureSet::egemaps_lld);
  w.begin();
  w.begin_lld_file("a\"b", "/p/a\"b.wav");
  std::vector<features::EgemapsLldFrame> rows(2);
  rows[1].index = 1;
  rows[1].values[3] = 1.5f;
  w.write_lld_rows(rows);
  w.end_lld_file();
  w.end();
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["schema"], pipeline::kFeaturesJsonSchema);
  EXPECT_EQ(j["columns"].size(), 25u);
  ASSERT_EQ(j["files"].size(), 1u);
  EXPECT_EQ(j["files"][0]["name"], "a\"b");
  ASSERT_EQ(j["files"][0]["frames"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["files"][0]["frames"][1][0].get<double>(), 0.01);
  EXPECT_DOUBLE_EQ(j["files"][0]["frames"][1][4].get<double>(), 1.5);
}
