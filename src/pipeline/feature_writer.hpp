// SPDX-License-Identifier: Apache-2.0
#pragma once
// Writers for feature tables: openSMILE-style CSV (';' separator, quoted name, frameTime) and
// Sentio's JSON layout (docs/FEATURES.md). One writer per output stream.
#include <array>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sentio/features/egemaps.hpp"
#include "sentio/pipeline/features_job.hpp"

namespace sentio::pipeline {

class FeatureWriter {
 public:
  FeatureWriter(std::ostream& out, OutputFormat format, FeatureSet set);
  // Header / opening; call once before any file.
  void begin();
  // Functionals of one file.
  void write_functionals(const std::string& name, const std::string& path,
                         const features::EgemapsFunctionals& values);
  // LLD rows of one file: begin_lld_file, any number of write_lld_rows, end_lld_file.
  void begin_lld_file(const std::string& name, const std::string& path);
  void write_lld_rows(std::span<const features::EgemapsLldFrame> rows);
  void end_lld_file();
  // Closing; call once at the end.
  void end();

 private:
  // openSMILE's number format in CSV ("%e", exact zero as "0"); %.9g in JSON.
  void write_number(double v);
  std::ostream& out_;
  OutputFormat format_;
  FeatureSet set_;
  std::string current_name_;
  bool first_file_ = true, first_row_ = true;
  char buf_[64];
};

}  // namespace sentio::pipeline
