// SPDX-License-Identifier: Apache-2.0
#include "feature_writer.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace sentio::pipeline {

namespace {
const char* set_name(FeatureSet s) { return s == FeatureSet::egemaps ? "eGeMAPSv02" : "eGeMAPSv02-LLD"; }
std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }
}  // namespace

FeatureWriter::FeatureWriter(std::ostream& out, OutputFormat format, FeatureSet set)
    : out_(out), format_(format), set_(set) {}

void FeatureWriter::write_number(double v) {
  if (format_ == OutputFormat::json) {
    if (!std::isfinite(v)) {
      out_ << "null";
      return;
    }
    std::snprintf(buf_, sizeof buf_, "%.9g", v);
  } else if (v == 0.0) {
    buf_[0] = '0';
    buf_[1] = '\0';
  } else {
    std::snprintf(buf_, sizeof buf_, "%e", v);
  }
  out_ << buf_;
}

void FeatureWriter::begin() {
  if (format_ == OutputFormat::csv) {
    out_ << "name;frameTime";
    if (set_ == FeatureSet::egemaps) {
      for (auto n : features::egemaps_functional_names()) out_ << ';' << n;
    } else {
      for (auto n : features::egemaps_lld_names()) out_ << ';' << n;
    }
    out_ << '\n';
  } else {
    out_ << "{\"schema\":\"" << kFeaturesJsonSchema << "\",\"feature_set\":\"" << set_name(set_) << "\",\"columns\":[";
    bool first = true;
    auto names = [&](auto const& list) {
      for (auto n : list) {
        out_ << (first ? "" : ",") << '"' << n << '"';
        first = false;
      }
    };
    if (set_ == FeatureSet::egemaps)
      names(features::egemaps_functional_names());
    else
      names(features::egemaps_lld_names());
    out_ << "],\"files\":[";
  }
  out_.flush();
}

void FeatureWriter::write_functionals(const std::string& name, const std::string& path,
                                      const features::EgemapsFunctionals& values) {
  if (format_ == OutputFormat::csv) {
    out_ << '\'' << name << "';0.000000";
    for (double v : values) {
      out_ << ';';
      write_number(v);
    }
    out_ << '\n';
  } else {
    out_ << (first_file_ ? "\n" : ",\n") << "{\"name\":" << json_string(name) << ",\"path\":" << json_string(path)
         << ",\"values\":[";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) out_ << ',';
      write_number(values[i]);
    }
    out_ << "]}";
  }
  first_file_ = false;
  out_.flush();
}

void FeatureWriter::begin_lld_file(const std::string& name, const std::string& path) {
  current_name_ = name;
  first_row_ = true;
  if (format_ == OutputFormat::json) {
    out_ << (first_file_ ? "\n" : ",\n") << "{\"name\":" << json_string(name) << ",\"path\":" << json_string(path)
         << ",\"frame_period\":0.01,\"frames\":[";
  }
  first_file_ = false;
}

void FeatureWriter::write_lld_rows(std::span<const features::EgemapsLldFrame> rows) {
  for (const auto& r : rows) {
    const double t = static_cast<double>(r.index) * 0.01;
    if (format_ == OutputFormat::csv) {
      std::snprintf(buf_, sizeof buf_, "%f", t);
      out_ << '\'' << current_name_ << "';" << buf_;
      for (float v : r.values) {
        out_ << ';';
        write_number(v);
      }
      out_ << '\n';
    } else {
      out_ << (first_row_ ? "\n[" : ",\n[");
      write_number(t);
      for (float v : r.values) {
        out_ << ',';
        write_number(v);
      }
      out_ << ']';
    }
    first_row_ = false;
  }
}

void FeatureWriter::end_lld_file() {
  if (format_ == OutputFormat::json) out_ << "]}";
  out_.flush();
}

void FeatureWriter::end() {
  if (format_ == OutputFormat::json) out_ << "\n]}\n";
  out_.flush();
}

}  // namespace sentio::pipeline
